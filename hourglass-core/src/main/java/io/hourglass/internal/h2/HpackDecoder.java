package io.hourglass.internal.h2;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The HPACK decoder of one connection (RFC 7541): turns complete header blocks into a {@link FieldList},
 * keeping the dynamic table the peer's encoder builds.
 *
 * <p>Bounds, each enforced while decoding:
 * <ul>
 *   <li>The dynamic table never exceeds our SETTINGS_HEADER_TABLE_SIZE: a size update above it is a
 *       COMPRESSION_ERROR (RFC 9113 section 4.3.1), and so is a size update anywhere but at the start of a
 *       block (RFC 7541 section 4.2). After {@link #maxTableSizeSetting} lowers the setting below the
 *       table's current maximum, the next block must start with an update that obeys it.</li>
 *   <li>Integers longer than 5 continuation bytes or above 2^31-1, string lengths past the end of the
 *       block, index 0 and indexes past the tables, and bad Huffman (EOS, long or non-ones padding) are
 *       COMPRESSION_ERRORs.</li>
 *   <li>The decoded header list is bounded by SETTINGS_MAX_HEADER_LIST_SIZE semantics (name + value + 32
 *       per field): past it the decoder keeps decoding, so that the dynamic table stays the same as the
 *       peer's, but adds no more fields and marks the list {@link FieldList#overLimit()}. Strings of fields
 *       dropped that way are only made when the dynamic table needs them.</li>
 * </ul>
 * Every error is a connection error: once a block cannot be decoded, the two tables may differ (RFC 9113
 * section 4.3). Blocks must be decoded in the order they arrive on the connection, including those of
 * streams the connection is about to refuse. Not thread-safe: the connection's reading thread owns it.
 *
 * <p>A literal without indexing (not a never-indexed one), whose name is in the static table and whose encoded
 * value is short, is remembered per name: when the next block carries the same encoded octets for that name, the String
 * made last time is used again, without Huffman decoding or a new String. Servers such as nginx send
 * {@code server}, {@code date}, {@code content-type} and {@code content-length} so on every response.
 */
public final class HpackDecoder {
    /** The initial SETTINGS_HEADER_TABLE_SIZE, and so the size of both tables until a SETTINGS frame changes it. */
    static final int INITIAL_TABLE_SIZE = 4096;
    private static final int SCRATCH_KEPT = 4096;
    /** The longest encoded value remembered per static name: at most 61 buffers of 48 bytes per connection. */
    static final int REMEMBERED_MAX = 48;

    private final DynamicTable table;
    private int maxTableSizeSetting;
    private boolean updateRequired;
    private long maxHeaderListSize;
    private byte[] scratch = new byte[256];
    // Per static-table index: the last encoded literal value's octets (a buffer reused for every value of that
    // name), its length (~length when Huffman-coded) and the String decoded from it. Made on first use: a
    // connection whose peer indexes everything never needs them.
    private byte[][] rememberedRaw;
    private int[] rememberedLength;
    private String[] rememberedValue;
    // the block being decoded
    private byte[] src;
    private int pos;
    private int end;

    /**
     * A decoder in the state of a new connection: SETTINGS_HEADER_TABLE_SIZE is the initial 4096 until
     * {@link #maxTableSizeSetting} says otherwise.
     *
     * @param maxHeaderListSize the largest decoded header list kept, in RFC 9113 section 6.5.2 octets;
     *                          {@link Settings#UNLIMITED} for none
     */
    public HpackDecoder(long maxHeaderListSize) {
        this.table = new DynamicTable(INITIAL_TABLE_SIZE);
        this.maxTableSizeSetting = INITIAL_TABLE_SIZE;
        maxHeaderListSize(maxHeaderListSize);
    }

    /**
     * Puts a new SETTINGS_HEADER_TABLE_SIZE of ours in force. Call it when the peer acknowledges the SETTINGS
     * frame that carried it: until then the peer may still encode for the old value (RFC 7541 section 4.2).
     */
    public void maxTableSizeSetting(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxTableSize is negative: " + max);
        }
        maxTableSizeSetting = max;
        updateRequired = table.maxSize() > max;
    }

    /** Both the setting and the table's maximum at once, without a size update: RFC 7541 C.5 and C.6 (tests). */
    void startingTableSize(int size) {
        maxTableSizeSetting = size;
        table.setMaxSize(size);
        updateRequired = false;
    }

    /** The largest decoded header list kept (name + value + 32 per field); {@link Settings#UNLIMITED} for none. */
    public void maxHeaderListSize(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxHeaderListSize is negative: " + max);
        }
        maxHeaderListSize = max;
    }

    /** The dynamic table's current size in octets (for tests and metrics). */
    public int tableSize() {
        return table.size();
    }

    /** The dynamic table's current maximum size, as the peer's last size update set it. */
    public int tableMaxSize() {
        return table.maxSize();
    }

    /** The field at HPACK index {@code i} (1-based; static then dynamic), for tests. */
    String entry(int i) {
        return i <= StaticTable.LENGTH ? StaticTable.name(i) + ": " + StaticTable.value(i)
                : table.name(i - StaticTable.LENGTH - 1) + ": " + table.value(i - StaticTable.LENGTH - 1);
    }

    /**
     * Decodes one complete header block {@code b[off, off+len)} into {@code out} (cleared first).
     *
     * @throws H2Exception a COMPRESSION_ERROR connection error when the block breaks RFC 7541
     */
    public void decode(byte[] b, int off, int len, FieldList out) throws H2Exception {
        out.clear();
        src = b;
        pos = off;
        end = off + len;
        try {
            boolean fieldSeen = false;
            while (pos < end) {
                int c = b[pos] & 0xff;
                boolean sizeUpdate = c >= 0x20 && c < 0x40;
                if (sizeUpdate && fieldSeen) {
                    throw error("dynamic table size update after the first field of a block");
                }
                if (sizeUpdate) {
                    sizeUpdate();
                    continue;
                }
                if (!fieldSeen && updateRequired) {
                    throw error("block does not start with the dynamic table size update required after "
                            + "SETTINGS_HEADER_TABLE_SIZE was lowered to " + maxTableSizeSetting);
                }
                fieldSeen = true;
                if (c >= 0x80) {
                    indexed(out);
                } else if (c >= 0x40) {
                    literal(out, 6, true, false);
                } else {
                    literal(out, 4, false, c >= 0x10);
                }
            }
        } finally {
            src = null;
            if (scratch.length > SCRATCH_KEPT) {
                scratch = new byte[256]; // one long Huffman string should not pin its buffer to the connection
            }
        }
    }

    private void sizeUpdate() throws H2Exception {
        int size = readInt(5);
        if (size > maxTableSizeSetting) {
            throw error("dynamic table size update to " + size + " exceeds SETTINGS_HEADER_TABLE_SIZE " + maxTableSizeSetting);
        }
        table.setMaxSize(size);
        updateRequired = false;
    }

    private void indexed(FieldList out) throws H2Exception {
        int i = readInt(7);
        if (i == 0) {
            throw error("indexed field with index 0");
        }
        if (i <= StaticTable.LENGTH) {
            emit(out, StaticTable.name(i), StaticTable.value(i), false);
            return;
        }
        int d = dynamicIndex(i);
        emit(out, table.name(d), table.value(d), false);
    }

    private void literal(FieldList out, int prefix, boolean indexing, boolean never) throws H2Exception {
        // A field that will be dropped needs its strings only for the dynamic table.
        boolean keep = indexing || !out.overLimit();
        int i = readInt(prefix);
        String name;
        if (i == 0) {
            name = readString(true, keep);
        } else if (i <= StaticTable.LENGTH) {
            name = StaticTable.name(i);
        } else {
            name = table.name(dynamicIndex(i));
        }
        // Never-indexed values (credentials, RFC 7541 section 7.1.3) are not kept past their block.
        boolean remember = keep && !indexing && !never && i != 0 && i <= StaticTable.LENGTH;
        String value = remember ? readRemembered(i) : readString(false, keep);
        if (indexing) {
            table.add(name, value);
        }
        if (keep) {
            emit(out, name, value, never);
        }
    }

    private int dynamicIndex(int i) throws H2Exception {
        int d = i - StaticTable.LENGTH - 1;
        if (d >= table.count()) {
            throw error("index " + i + " is past the end of the table (" + (StaticTable.LENGTH + table.count()) + " entries)");
        }
        return d;
    }

    private void emit(FieldList out, String name, String value, boolean sensitive) {
        if (out.overLimit()) {
            return;
        }
        if (out.octets() + name.length() + value.length() + FieldList.FIELD_OVERHEAD > maxHeaderListSize) {
            out.markOverLimit();
            return;
        }
        out.add(name, value, sensitive);
    }

    /** An integer with an N-bit prefix (RFC 7541 section 5.1), at most 2^31-1. */
    private int readInt(int prefixBits) throws H2Exception {
        int mask = (1 << prefixBits) - 1;
        int v = src[pos++] & mask;
        if (v < mask) {
            return v;
        }
        long value = v;
        for (int shift = 0; ; shift += 7) {
            if (pos == end) {
                throw error("integer cut off by the end of the block");
            }
            if (shift > 28) {
                throw error("integer longer than 5 continuation bytes");
            }
            int x = src[pos++] & 0xff;
            value += (long) (x & 0x7f) << shift;
            if (value > Integer.MAX_VALUE) {
                throw error("integer above 2^31-1");
            }
            if ((x & 0x80) == 0) {
                return (int) value;
            }
        }
    }

    /**
     * The value of a literal whose name is static-table entry {@code index}: the String of the last value sent
     * for that name when the encoded octets are the same, else {@link #readString} (remembered when short).
     */
    private String readRemembered(int index) throws H2Exception {
        if (pos == end) {
            throw error("string literal cut off by the end of the block");
        }
        boolean huffman = (src[pos] & 0x80) != 0;
        int start = pos;
        int n = readInt(7);
        if (n > REMEMBERED_MAX || n > end - pos) {
            pos = start;
            return readString(false, true); // too long to remember, or cut off: readString reports it
        }
        if (rememberedRaw == null) {
            rememberedRaw = new byte[StaticTable.LENGTH + 1][];
            rememberedLength = new int[StaticTable.LENGTH + 1];
            rememberedValue = new String[StaticTable.LENGTH + 1];
        }
        int key = huffman ? ~n : n;
        byte[] raw = rememberedRaw[index];
        if (raw != null && rememberedLength[index] == key && Arrays.equals(raw, 0, n, src, pos, pos + n)) {
            pos += n;
            return rememberedValue[index];
        }
        int at = pos;
        pos = start;
        String value = readString(false, true);
        if (raw == null) {
            raw = rememberedRaw[index] = new byte[REMEMBERED_MAX];
        }
        System.arraycopy(src, at, raw, 0, n);
        rememberedLength[index] = key;
        rememberedValue[index] = value;
        return value;
    }

    /** A string literal (section 5.2); null when {@code keep} is false (checked, but no String made). */
    private String readString(boolean isName, boolean keep) throws H2Exception {
        if (pos == end) {
            throw error("string literal cut off by the end of the block");
        }
        boolean huffman = (src[pos] & 0x80) != 0;
        int n = readInt(7);
        if (n > end - pos) {
            throw error("string literal of " + n + " bytes is longer than the rest of the block");
        }
        int at = pos;
        pos += n;
        byte[] b = src;
        if (huffman) {
            int max = Huffman.maxDecodedLength(n);
            if (scratch.length < max) {
                scratch = new byte[Math.max(max, scratch.length * 2)];
            }
            n = Huffman.decode(src, at, n, scratch);
            b = scratch;
            at = 0;
        }
        if (!keep) {
            return null;
        }
        String known = isName ? StaticTable.knownName(b, at, n) : null;
        return known != null ? known : new String(b, at, n, StandardCharsets.ISO_8859_1);
    }

    private static H2Exception error(String message) {
        return H2Exception.connection(ErrorCode.COMPRESSION_ERROR, "HPACK: " + message);
    }
}
