package io.hourglass.internal.h2;

import java.util.Arrays;

/**
 * The HPACK dynamic table (RFC 7541 section 2.3.2 and 4): a FIFO of fields, newest first, whose size (name
 * + value + 32 octets per entry) never exceeds its maximum; adding evicts the oldest entries, and an entry
 * larger than the maximum empties the table and is not added (section 4.4). Both the encoder and the
 * decoder keep one, and the two stay identical as long as both see the same header blocks in order.
 *
 * <p>Entries live in a ring buffer; entry 0 is the newest, which HPACK addresses as index 62.
 */
final class DynamicTable {
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int[] hashes = new int[16]; // the encoder's search key: hash(name, value), so a search compares ints
    private int first; // ring position of the newest entry
    private int count;
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    int count() {
        return count;
    }

    /** Current size in octets. */
    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** Name of entry {@code i}, 0 being the newest. */
    String name(int i) {
        return names[(first + i) & (names.length - 1)];
    }

    /** Value of entry {@code i}, 0 being the newest. */
    String value(int i) {
        return values[(first + i) & (names.length - 1)];
    }

    static int entrySize(String name, String value) {
        return name.length() + value.length() + FieldList.FIELD_OVERHEAD;
    }

    /** Changes the maximum size, evicting the oldest entries until the table fits. */
    void setMaxSize(int max) {
        maxSize = max;
        evictTo(max);
    }

    /** Adds a field as the newest entry (section 4.4). */
    void add(String name, String value) {
        int s = entrySize(name, value);
        if (s > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - s);
        if (count == names.length) {
            grow();
        }
        first = (first - 1) & (names.length - 1);
        names[first] = name;
        values[first] = value;
        hashes[first] = hash(name, value);
        count++;
        size += s;
    }

    private void evictTo(int target) {
        int mask = names.length - 1;
        while (size > target) {
            int last = (first + count - 1) & mask;
            size -= entrySize(names[last], values[last]);
            names[last] = null;
            values[last] = null;
            count--;
        }
    }

    private void grow() {
        int n = names.length;
        String[] nn = new String[n * 2];
        String[] nv = new String[n * 2];
        int[] nh = new int[n * 2];
        for (int i = 0; i < count; i++) {
            nn[i] = names[(first + i) & (n - 1)];
            nv[i] = values[(first + i) & (n - 1)];
            nh[i] = hashes[(first + i) & (n - 1)];
        }
        names = nn;
        values = nv;
        hashes = nh;
        first = 0;
    }

    /** The search key of a field (String hash codes are cached, so this is cheap after the first call). */
    static int hash(String name, String value) {
        return 31 * name.hashCode() + value.hashCode();
    }

    /** The newest entry equal to {@code name: value} whose key is {@code hash}, or -1. */
    int indexOf(String name, String value, int hash) {
        int mask = names.length - 1;
        for (int i = 0; i < count; i++) {
            int at = (first + i) & mask;
            if (hashes[at] == hash && names[at].equals(name) && values[at].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    /** The newest entry named {@code name}, or -1. */
    int indexOfName(String name) {
        int mask = names.length - 1;
        for (int i = 0; i < count; i++) {
            int at = (first + i) & mask;
            String n = names[at];
            if (n == name || (n.length() == name.length() && n.equals(name))) {
                return i;
            }
        }
        return -1;
    }

    /** Empties the table (for tests and benchmarks). */
    void clear() {
        Arrays.fill(names, null);
        Arrays.fill(values, null);
        first = 0;
        count = 0;
        size = 0;
    }
}
