package io.hourglass.server;

import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FrameReader;
import io.hourglass.internal.h2.HpackDecoder;
import io.hourglass.net.Conn;
import java.io.IOException;

/**
 * What an HTTP/2 connection reads, on its reading thread: how a cleartext connection is found to be HTTP/2
 * ({@link #sniffPreface}), the read buffer and the {@link FrameReader} over it, and the read deadline that
 * bounds a header block. The preface and the first SETTINGS frame must arrive within the read-header timeout
 * from accept, and so must the rest of any header block once the reading has to wait for it: HPACK state is
 * shared by all streams, so a stalled block stalls the connection, and the connection is what ends.
 */
final class H2Input {
    private final H2Conn c;
    private final Conn conn;
    private final long headerLimit;   // nanoseconds, 0 for none
    final InBuffer in;
    final FrameReader reader;
    private boolean headerClock;      // the read deadline bounds a header block; guarded by the connection's lock

    /** Takes over what the HTTP/1.1 probe read ({@code sniffed}: the preface, perhaps more). */
    H2Input(H2Conn c, InBuffer sniffed, long headerLimit) {
        this.c = c;
        this.conn = c.conn;
        this.headerLimit = headerLimit;
        int have = sniffed.available();
        this.in = new InBuffer(this::readSocket, Math.max(4096, have), c.h2.maxFrameSize() + Frame.HEADER_LENGTH);
        System.arraycopy(sniffed.buf, sniffed.pos, in.buf, 0, have);
        in.lim = have;
        sniffed.pos = sniffed.lim;
        long listSize = c.ours.maxHeaderListSize();
        this.reader = FrameReader.forServer(in, new HpackDecoder(listSize));
        reader.maxFrameSize(c.h2.maxFrameSize());
        // Cap the encoded bytes and the frames of one header block, even while it is discarded (CONTINUATION
        // floods): the encoded block is never much larger than the decoded list it may become.
        reader.headerBlockLimits((int) Math.min(1 << 20, Math.max(64 * 1024, 2 * listSize)), 32);
    }

    /**
     * Whether a cleartext connection starts with the HTTP/2 client preface (h2c with prior knowledge, RFC 9113
     * section 3.3). Reads only while what arrived matches the preface: the first byte of an HTTP/1.1 request
     * ("G", "P" followed by anything but "RI", ...) decides at once. What was read stays in {@code in} for
     * whichever protocol it is. A failure or the read deadline ends the sniffing with false: HTTP/1.1's reading
     * meets the same failure and answers it as it always has.
     *
     * @param deadline the read deadline of the first request's header, 0 for none
     */
    static boolean sniffPreface(Conn conn, InBuffer in, long deadline) {
        conn.setReadDeadlineNanos(deadline);
        try {
            while (Frame.isPrefaceStart(in.buf, in.pos, in.available())) {
                if (in.available() >= Frame.PREFACE_LENGTH) {
                    return true;
                }
                if (in.fill() <= 0) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The preface's deadline: the read-header timeout from accept. */
    void prefaceDeadline(long connStart) {
        conn.setReadDeadlineNanos(headerLimit == 0 ? 0 : connStart + headerLimit);
    }

    /** The preface and SETTINGS were read: no deadline but a header block's from now on. Under the lock. */
    void prefaceRead() {
        if (!c.failed && !headerClock) {
            conn.setReadDeadlineNanos(0);
        }
    }

    /**
     * The {@link InBuffer}'s source. While a header block is incomplete (a HEADERS or CONTINUATION frame only
     * partly here, or a block waiting for its CONTINUATION), the read deadline bounds it: the read-header
     * timeout, from the first time the reading waits for the rest of the block.
     */
    private int readSocket(byte[] b, int off, int len) throws IOException {
        boolean inBlock = reader.headerBlockStreamId() != 0 || partialHeaderFrame();
        if (inBlock != headerClock && headerLimit > 0) {
            c.lock.lock();
            try {
                headerClock = inBlock;
                if (!c.failed) {
                    conn.setReadDeadlineNanos(inBlock ? c.clock.nanoTime() + headerLimit : 0);
                }
            } finally {
                c.lock.unlock();
            }
        }
        return conn.read(b, off, len);
    }

    private boolean partialHeaderFrame() {
        if (in.available() < 4) {
            return false;
        }
        int type = in.buf[in.pos + 3];
        return type == Frame.HEADERS || type == Frame.CONTINUATION;
    }
}
