package io.hourglass.server;

import io.hourglass.internal.h2.FieldList;
import java.util.Arrays;

/**
 * The frames of one socket write of an {@link H2Writer}: the control frames queued, then stream frames in
 * order (HEADERS, to HPACK-encode when written, or DATA slices of the streams' chunks). Planned under the
 * connection's lock, written without it, reused: it belongs to whoever holds the writer role.
 */
final class H2Batch {
    byte[] control;
    int controlLen;
    long tableMin = -1;         // a new HPACK table size for the encoder before the first header block
    long tableLast = -1;
    int maxFrame;
    int size;
    H2Stream[] streams = new H2Stream[16];
    FieldList[] fields = new FieldList[16];   // HEADERS when not null, else DATA
    byte[][] data = new byte[16][];
    int[] off = new int[16];
    int[] len = new int[16];
    boolean[] end = new boolean[16];
    boolean[] interim = new boolean[16];      // a 1xx HEADERS (100 Continue)

    boolean isEmpty() {
        return controlLen == 0 && size == 0;
    }

    void headers(H2Stream s, FieldList f, boolean endStream, boolean isInterim) {
        int i = next(s);
        fields[i] = f;
        end[i] = endStream;
        interim[i] = isInterim;
    }

    void data(H2Stream s, byte[] b, int o, int n, boolean endStream) {
        int i = next(s);
        data[i] = b;
        off[i] = o;
        len[i] = n;
        end[i] = endStream;
    }

    private int next(H2Stream s) {
        if (size == streams.length) {
            int n = size * 2;
            streams = Arrays.copyOf(streams, n);
            fields = Arrays.copyOf(fields, n);
            data = Arrays.copyOf(data, n);
            off = Arrays.copyOf(off, n);
            len = Arrays.copyOf(len, n);
            end = Arrays.copyOf(end, n);
            interim = Arrays.copyOf(interim, n);
        }
        streams[size] = s;
        return size++;
    }

    void clear() {
        Arrays.fill(streams, 0, size, null);
        Arrays.fill(fields, 0, size, null);
        Arrays.fill(data, 0, size, null);
        Arrays.fill(interim, 0, size, false);
        size = 0;
        controlLen = 0;
        control = null;
        tableMin = -1;
        tableLast = -1;
    }
}
