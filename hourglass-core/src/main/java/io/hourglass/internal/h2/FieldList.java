package io.hourglass.internal.h2;

import java.util.Arrays;

/**
 * An ordered list of HTTP/2 header fields (RFC 9113 section 8.2): what the {@link HpackDecoder} produces
 * from a header block and what the {@link HpackEncoder} takes. Pseudo-header fields ({@code :method},
 * {@code :status}, ...) are ordinary entries here, first in the list; names are expected lowercase.
 *
 * <p>Strings hold one byte per char (ISO-8859-1), as on the wire. Each field may be marked
 * <em>sensitive</em>: it was received as, or must be sent as, a literal "never indexed" (RFC 7541 section
 * 7.1.3), so no intermediary puts it in an HPACK table.
 *
 * <p>{@link #octets()} is the size SETTINGS_MAX_HEADER_LIST_SIZE counts (RFC 9113 section 6.5.2): name
 * plus value plus 32 per field. {@link #overLimit()} tells that the decoder dropped fields because the list
 * exceeded that limit; the list then holds only the fields before the one that crossed it.
 *
 * <p>Reused: a reader hands the same list to every header callback, so copy what you keep. Not thread-safe.
 */
public final class FieldList {
    /** The per-field overhead RFC 7541 section 4.1 adds to name and value lengths. */
    public static final int FIELD_OVERHEAD = 32;

    private String[] names;
    private String[] values;
    private boolean[] sensitive;
    private int size;
    private long octets;
    private boolean overLimit;

    public FieldList() {
        this(16);
    }

    public FieldList(int capacity) {
        int c = Math.max(4, capacity);
        names = new String[c];
        values = new String[c];
        sensitive = new boolean[c];
    }

    /** Appends a field that may be indexed. Returns this. */
    public FieldList add(String name, String value) {
        return add(name, value, false);
    }

    /** Appends a field; {@code sensitive} fields are never put in an HPACK table. Returns this. */
    public FieldList add(String name, String value, boolean sensitive) {
        if (size == names.length) {
            int c = size * 2;
            names = Arrays.copyOf(names, c);
            values = Arrays.copyOf(values, c);
            this.sensitive = Arrays.copyOf(this.sensitive, c);
        }
        names[size] = name;
        values[size] = value;
        this.sensitive[size] = sensitive;
        size++;
        octets += name.length() + value.length() + FIELD_OVERHEAD;
        return this;
    }

    /** Number of fields. */
    public int size() {
        return size;
    }

    public String name(int i) {
        return names[checkIndex(i)];
    }

    public String value(int i) {
        return values[checkIndex(i)];
    }

    /** Whether field {@code i} is sent, or was received, as a literal never indexed. */
    public boolean sensitive(int i) {
        return sensitive[checkIndex(i)];
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("field " + i + " of " + size);
        }
        return i;
    }

    /** The header list size of RFC 9113 section 6.5.2: name + value + 32 octets per field held. */
    public long octets() {
        return octets;
    }

    /**
     * Whether the decoder dropped fields because the decoded list exceeded its SETTINGS_MAX_HEADER_LIST_SIZE.
     * The HPACK state is still consistent: the connection goes on, and only this message is refused (a
     * server answers 431, RFC 9113 section 10.5.1; a client fails the call and resets the stream).
     */
    public boolean overLimit() {
        return overLimit;
    }

    void markOverLimit() {
        overLimit = true;
    }

    /** Removes every field and the over-limit mark. */
    public void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        octets = 0;
        overLimit = false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(names[i]).append(": ").append(values[i]).append(sensitive[i] ? " (sensitive)\n" : "\n");
        }
        return overLimit ? sb.append("(over the limit: fields dropped)\n").toString() : sb.toString();
    }
}
