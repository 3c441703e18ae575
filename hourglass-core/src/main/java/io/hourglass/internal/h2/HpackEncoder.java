package io.hourglass.internal.h2;

import java.util.Set;

/**
 * The HPACK encoder of one connection (RFC 7541): turns a {@link FieldList} into a header block, keeping a
 * dynamic table that mirrors the peer's decoder.
 *
 * <p>What it chooses, per field:
 * <ul>
 *   <li>An exact match in the static or dynamic table is sent as an index (one or two bytes).</li>
 *   <li>Sensitive fields are sent as literals <em>never indexed</em> (RFC 7541 section 7.1.3), so no
 *       table along the way keeps them: {@code authorization}, {@code proxy-authorization},
 *       {@code set-cookie}, a {@code cookie} shorter than 20 bytes (short values are the ones a
 *       compression-oracle attack can guess), and every field the list marks sensitive.</li>
 *   <li>Values that differ from message to message are sent without indexing, so they do not evict the
 *       entries that repeat: validators and dates of other resources ({@code etag}, {@code last-modified},
 *       {@code if-*}), {@code content-range}, {@code age}, {@code location}, request and trace ids, a
 *       {@code :path} with a query, and any entry larger than 3/4 of the table.</li>
 *   <li>Everything else is added to the dynamic table (literal with incremental indexing).</li>
 *   <li>A string literal is Huffman-coded when that is shorter.</li>
 * </ul>
 *
 * <p>The table's maximum size is the smaller of the encoder's own cap and the peer's
 * SETTINGS_HEADER_TABLE_SIZE; a change is signalled at the start of the next block, with the smallest size
 * reached in between first when the size went down and up again (RFC 7541 section 4.2).
 *
 * <p>Not thread-safe. Blocks must reach the wire in the order they were encoded: encode and write a HEADERS
 * frame under the same lock (see {@link FrameWriter#writeHeaders(int, HpackEncoder, FieldList, boolean)}).
 */
public final class HpackEncoder {
    /** Cookie values shorter than this are never indexed (RFC 7541 section 7.1.3). */
    static final int SHORT_COOKIE = 20;
    private static final Set<String> NEVER_INDEXED = Set.of("authorization", "proxy-authorization", "set-cookie");
    private static final Set<String> NOT_INDEXED = Set.of(
            "etag", "last-modified", "if-none-match", "if-modified-since", "if-unmodified-since", "if-match",
            "if-range", "content-range", "age", "location", "content-md5", "x-request-id", "x-correlation-id",
            "traceparent", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-amzn-trace-id", "grpc-timeout");

    private final int cap;
    private final DynamicTable table;
    private boolean huffman = true;      // false only in tests (RFC 7541 C.3 and C.5 use no Huffman)
    private boolean huffmanOnTie;        // true only in tests: C.4 and C.6 use Huffman also when no shorter
    private boolean indexAll;            // true only in tests: the RFC's examples index every field
    private final Bytes out = new Bytes(256);
    private int target;          // the table size to signal next
    private int pendingMin;      // the smallest size reached since the last block
    private boolean pendingUpdate;
    // The last block, when it was all indexes: encoding it changed neither table, and only encoding and a size
    // update change them, so the same fields encode to the same bytes again, still in out.buf. A server sends
    // the same response head (status, content-type, length, the date of this second) over and over: it skips
    // the table searches then (issue 17). lastSize is -1 when there is no such block.
    private String[] lastNames = new String[8];
    private String[] lastValues = new String[8];
    private int lastSize = -1;
    private int lastLen;

    /**
     * @param maxTableSize the most octets of dynamic table this encoder uses whatever the peer allows
     *                     (4096 is the usual choice; 0 never indexes)
     */
    public HpackEncoder(int maxTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize is negative: " + maxTableSize);
        }
        cap = maxTableSize;
        table = new DynamicTable(HpackDecoder.INITIAL_TABLE_SIZE);
        // The peer's decoder starts at the initial 4096; a smaller cap must be announced in the first block.
        resize(Math.min(cap, HpackDecoder.INITIAL_TABLE_SIZE));
    }

    /**
     * An encoder like those of RFC 7541 Appendix C, for tests: both ends start at {@code tableSize} without a
     * size update, every field is indexed, and Huffman coding is used only when {@code huffman}.
     */
    static HpackEncoder forExamples(int tableSize, boolean huffman) {
        HpackEncoder e = new HpackEncoder(tableSize);
        e.table.setMaxSize(tableSize);
        e.pendingUpdate = false;
        e.huffman = huffman;
        e.huffmanOnTie = huffman;
        e.indexAll = true;
        return e;
    }

    /**
     * Takes the value of a SETTINGS_HEADER_TABLE_SIZE entry from the peer. Call it for each such entry of a
     * SETTINGS frame, in order, when the frame is received (see {@link Settings.Entries}).
     */
    public void peerHeaderTableSize(long value) {
        resize((int) Math.min(cap, value));
    }

    private void resize(int size) {
        if (size == table.maxSize() && !pendingUpdate) {
            return;
        }
        pendingMin = pendingUpdate ? Math.min(pendingMin, size) : Math.min(table.maxSize(), size);
        target = size;
        pendingUpdate = true;
    }

    /** The dynamic table's current size in octets (for tests and metrics). */
    public int tableSize() {
        return table.size();
    }

    /**
     * Encodes {@code fields} (names lowercase, strings ISO-8859-1) into this encoder's buffer and returns the
     * block's length; the block is {@code buffer()[0, length)} until the next call.
     */
    public int encode(FieldList fields) {
        if (!pendingUpdate && sameAsLast(fields)) {
            out.len = lastLen; // the block is still in the buffer: nothing wrote over it since
            return lastLen;
        }
        out.clear();
        boolean indexesOnly = !pendingUpdate;
        if (pendingUpdate) {
            if (pendingMin < target) {
                writeInt(0x20, 5, pendingMin);
                table.setMaxSize(pendingMin);
            }
            writeInt(0x20, 5, target);
            table.setMaxSize(target);
            pendingUpdate = false;
        }
        int n = fields.size();
        for (int i = 0; i < n; i++) {
            indexesOnly &= encodeField(fields.name(i), fields.value(i), fields.sensitive(i));
        }
        remember(fields, indexesOnly);
        return out.len;
    }

    /** Whether {@code fields} are those of the last block, which was all indexes (so none was sensitive). */
    private boolean sameAsLast(FieldList fields) {
        int n = fields.size();
        if (n != lastSize) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (fields.sensitive(i) || !fields.name(i).equals(lastNames[i]) || !fields.value(i).equals(lastValues[i])) {
                return false;
            }
        }
        return true;
    }

    private void remember(FieldList fields, boolean indexesOnly) {
        int n = fields.size();
        if (!indexesOnly || n > 32) {
            lastSize = -1;
            return;
        }
        if (n > lastNames.length) {
            lastNames = new String[32];
            lastValues = new String[32];
        }
        for (int i = 0; i < n; i++) {
            lastNames[i] = fields.name(i);
            lastValues[i] = fields.value(i);
        }
        for (int i = n; i < lastSize; i++) {
            lastNames[i] = null; // no reference kept past the fields it stands for
            lastValues[i] = null;
        }
        lastSize = n;
        lastLen = out.len;
    }

    /** The block of the last {@link #encode}: bytes {@code [0, length)}. */
    public byte[] buffer() {
        return out.buf;
    }

    /** Drops an output buffer that one large block grew, keeping the usual size. */
    public void shrinkBuffer() {
        out.shrink(4096);
        lastSize = -1;
    }

    /** Encodes one field; returns whether it went as an index (the tables unchanged). */
    private boolean encodeField(String name, String value, boolean sensitive) {
        sensitive = sensitive || (!indexAll && (NEVER_INDEXED.contains(name)
                || (name.equals("cookie") && value.length() < SHORT_COOKIE)));
        if (!sensitive) {
            int exact = exactIndex(name, value);
            if (exact > 0) {
                writeInt(0x80, 7, exact);
                return true;
            }
        }
        int nameIndex = nameIndex(name);
        if (sensitive) {
            writeInt(0x10, 4, nameIndex);
        } else if (shouldIndex(name, value)) {
            writeInt(0x40, 6, nameIndex);
            table.add(name, value);
        } else {
            writeInt(0x00, 4, nameIndex);
        }
        if (nameIndex == 0) {
            writeString(name);
        }
        writeString(value);
        return false;
    }

    private boolean shouldIndex(String name, String value) {
        if (indexAll) {
            return true;
        }
        if (DynamicTable.entrySize(name, value) > table.maxSize() / 4 * 3) {
            return false;
        }
        if (name.equals(":path")) {
            return value.indexOf('?') < 0;
        }
        return !NOT_INDEXED.contains(name);
    }

    private int exactIndex(String name, String value) {
        int i = StaticTable.exactIndex(name, value);
        if (i > 0) {
            return i;
        }
        int d = table.indexOf(name, value, DynamicTable.hash(name, value));
        return d < 0 ? 0 : StaticTable.LENGTH + 1 + d;
    }

    private int nameIndex(String name) {
        int i = StaticTable.nameIndex(name);
        if (i > 0) {
            return i;
        }
        int d = table.indexOfName(name);
        return d < 0 ? 0 : StaticTable.LENGTH + 1 + d;
    }

    /** An integer with an N-bit prefix after the representation's pattern bits (RFC 7541 section 5.1). */
    private void writeInt(int pattern, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(pattern | value);
            return;
        }
        out.write(pattern | max);
        value -= max;
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    /** A string literal (section 5.2), Huffman-coded when that is shorter. */
    private void writeString(String s) {
        int len = s.length();
        int limit = huffmanOnTie ? len + 1 : len; // Huffman output must stay below this to be used
        if (huffman && limit < 0x7f) {
            // One pass: code it after a one-byte length, and give up as soon as it is no shorter.
            out.ensure(1 + limit);
            int n = Huffman.encode(s, out.buf, out.len + 1, limit);
            if (n >= 0) {
                out.buf[out.len] = (byte) (0x80 | n);
                out.len += 1 + n;
                return;
            }
        } else if (huffman) {
            int coded = Huffman.encodedLength(s);
            if (coded < limit) {
                writeInt(0x80, 7, coded);
                Huffman.encode(s, out);
                return;
            }
        }
        writeInt(0x00, 7, len);
        out.writeLatin1(s);
    }
}
