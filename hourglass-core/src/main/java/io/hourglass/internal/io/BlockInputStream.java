package io.hourglass.internal.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that reads only in blocks: its subclasses implement {@link #read(byte[], int, int)}, and the
 * single-byte {@link #read()} goes through it, so a stream's checks, deadlines and accounting live in one method.
 */
public abstract class BlockInputStream extends InputStream {
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
