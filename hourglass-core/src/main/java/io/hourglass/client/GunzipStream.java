package io.hourglass.client;

import io.hourglass.internal.io.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip response body decompressed for the caller (see {@link ClientConfig#transparentGzip()}). The gzip
 * header is read on the first read, so an empty body (a HEAD, a 204, or a server that compressed nothing) is
 * simply empty; corrupt data fails the read with a {@link ClientException} of kind MALFORMED; at the end of
 * the gzip data the raw body is read to its end, so the connection goes back to the pool at once.
 */
final class GunzipStream extends BlockInputStream {
    private static final int DRAIN_LIMIT = 64 * 1024;

    private final PushbackInputStream raw;
    private final ClientRequest req;
    private GZIPInputStream gz;
    private boolean eof;

    GunzipStream(InputStream raw, ClientRequest req) {
        this.raw = new PushbackInputStream(raw, 1);
        this.req = req;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) {
            return -1;
        }
        try {
            if (gz == null) {
                int first = raw.read();
                if (first < 0) {
                    eof = true;
                    return -1;
                }
                raw.unread(first);
                gz = new GZIPInputStream(raw, 8192);
            }
            int n = gz.read(b, off, len);
            if (n < 0) {
                eof = true;
                finishRaw();
            }
            return n;
        } catch (ZipException | java.io.EOFException e) {
            throw new ClientException(ClientException.Kind.MALFORMED,
                    "response body is not valid gzip (" + req + "): " + e.getMessage(), e);
        }
    }

    /** Reads what follows the gzip data (a chunked body's last chunk) so the body ends and frees the connection. */
    private void finishRaw() throws IOException {
        byte[] skip = new byte[512];
        for (int total = 0; total < DRAIN_LIMIT; ) {
            int n = raw.read(skip, 0, skip.length);
            if (n < 0) {
                return;
            }
            total += n;
        }
    }

    @Override
    public int available() throws IOException {
        return eof || gz == null ? 0 : gz.available();
    }

    @Override
    public void close() throws IOException {
        eof = true;
        raw.close();
    }
}
