package io.hourglass.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The streams of one HTTP/2 connection by id: open addressing on the int id, so that a stream costs no boxed
 * key and no map node (a HashMap did both for every request). Small: a connection holds at most a few hundred
 * streams ({@code maxConcurrentStreams} running, four times as many queued). Guarded by the connection's lock.
 */
final class H2StreamTable {
    private H2Stream[] slots = new H2Stream[16]; // length a power of two, at most half full
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    H2Stream get(int id) {
        int mask = slots.length - 1;
        for (int i = spread(id) & mask; ; i = (i + 1) & mask) {
            H2Stream s = slots[i];
            if (s == null || s.id == id) {
                return s;
            }
        }
    }

    void put(H2Stream s) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int i = spread(s.id) & mask;
        while (slots[i] != null && slots[i].id != s.id) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            size++;
        }
        slots[i] = s;
    }

    void remove(int id) {
        int mask = slots.length - 1;
        int i = spread(id) & mask;
        while (slots[i] != null && slots[i].id != id) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return;
        }
        slots[i] = null;
        size--;
        // Linear probing: move the following entries of the cluster back where a lookup finds them.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            H2Stream s = slots[j];
            slots[j] = null;
            int k = spread(s.id) & mask;
            while (slots[k] != null) {
                k = (k + 1) & mask;
            }
            slots[k] = s;
        }
    }

    /** A copy of the streams, for walking while the table changes. */
    List<H2Stream> snapshot() {
        List<H2Stream> out = new ArrayList<>(size);
        for (H2Stream s : slots) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private void grow() {
        H2Stream[] old = slots;
        slots = new H2Stream[old.length * 2];
        size = 0;
        for (H2Stream s : old) {
            if (s != null) {
                put(s);
            }
        }
    }

    /** Client stream ids are odd and mostly consecutive: mix them so they do not fill every other slot. */
    private static int spread(int id) {
        return (id >>> 1) * 0x9E3779B9 >>> 7;
    }

    @Override
    public String toString() {
        return "H2StreamTable" + Arrays.toString(snapshot().stream().mapToInt(s -> s.id).toArray());
    }
}
