package io.hourglass.client;

import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FrameListener;
import io.hourglass.internal.h2.FrameReader;
import io.hourglass.internal.h2.FrameWriter;
import io.hourglass.internal.h2.HpackDecoder;
import io.hourglass.internal.h2.HpackEncoder;
import io.hourglass.internal.h2.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/2 server for the client's tests, speaking raw frames through the codec: each accepted
 * connection becomes a {@link Session} whose frames the test takes one by one and answers as it likes
 * (or not at all: a blackhole, a window that never opens, a GOAWAY mid-run, refused streams).
 *
 * <p>A session answers PINGs and acknowledges SETTINGS by itself until {@link Session#blackhole()}.
 */
final class H2Peer implements AutoCloseable {
    /** One frame the client sent, decoded. */
    record In(int type, int flags, int streamId, List<String[]> fields, byte[] data, int code, long ping,
            int increment, boolean endStream) {
        String field(String name) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    return f[1];
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return Frame.typeName(type) + " stream " + streamId + (endStream ? " END_STREAM" : "");
        }
    }

    private final ServerSocket ss;
    private final BlockingQueue<Session> accepted = new LinkedBlockingQueue<>();
    final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final Settings settings;

    H2Peer() throws IOException {
        this(Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, 100));
    }

    /** A peer that sends {@code settings} first on every connection. */
    H2Peer(Settings settings) throws IOException {
        this.settings = settings;
        ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    Session session = new Session(s);
                    sessions.add(session);
                    session.start();
                    accepted.add(session);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return ss.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The next connection the client opens. */
    Session accept() throws InterruptedException {
        Session s = accepted.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no connection within 10s");
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        ss.close();
        for (Session s : sessions) {
            s.abort();
        }
    }

    /** One server connection. */
    final class Session implements FrameListener {
        final Socket socket;
        private final InputStream rawIn;
        private final OutputStream rawOut;
        private final FrameReader reader;
        private final FrameWriter writer;
        private final HpackEncoder encoder = new HpackEncoder(4096);
        final BlockingQueue<In> frames = new LinkedBlockingQueue<>();
        final AtomicInteger pings = new AtomicInteger();
        final AtomicInteger resets = new AtomicInteger();
        final AtomicInteger windowUpdates = new AtomicInteger();
        volatile boolean blackholed;

        Session(Socket s) throws IOException {
            socket = s;
            rawIn = s.getInputStream();
            rawOut = s.getOutputStream();
            InBuffer in = new InBuffer(rawIn::read, 16 * 1024, 16 * 1024 + 9);
            reader = FrameReader.forServer(in, new HpackDecoder(64 * 1024));
            writer = new FrameWriter(new OutBuffer((b, off, len) -> rawOut.write(b, off, len), 16 * 1024));
        }

        private void start() throws IOException {
            reader.readPreface();
            synchronized (this) {
                writer.writeSettings(settings);
                writer.flush();
            }
            Thread.ofVirtual().start(() -> {
                try {
                    while (reader.readFrame(this)) {
                        // each callback queues the frame
                    }
                } catch (IOException e) {
                    // the client went away or broke a rule: the test sees no more frames
                }
                frames.add(new In(-1, 0, 0, List.of(), new byte[0], 0, 0, 0, false)); // end of stream marker
            });
        }

        /** The next frame of {@code type} (others are skipped); fails after 10 s. */
        In expect(int type) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                In f = frames.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("no " + Frame.typeName(type) + " frame within 10s");
                }
                if (f.type == type) {
                    return f;
                }
                if (f.type == -1) {
                    throw new AssertionError("connection ended before a " + Frame.typeName(type) + " frame");
                }
            }
        }

        /** The next frame of {@code type} within {@code d}, or null. */
        In poll(int type, Duration d) throws InterruptedException {
            long end = System.nanoTime() + d.toNanos();
            while (true) {
                In f = frames.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == null || f.type == type) {
                    return f;
                }
            }
        }

        /** Stops answering anything (no ACK, no response), without closing: a server that vanished. */
        void blackhole() {
            blackholed = true;
        }

        synchronized void headers(int streamId, int status, boolean endStream, String... kv) throws IOException {
            FieldList f = new FieldList();
            f.add(":status", Integer.toString(status));
            for (int i = 0; i < kv.length; i += 2) {
                f.add(kv[i], kv[i + 1]);
            }
            writer.writeHeaders(streamId, encoder, f, endStream);
            writer.flush();
        }

        synchronized void trailers(int streamId, String... kv) throws IOException {
            FieldList f = new FieldList();
            for (int i = 0; i < kv.length; i += 2) {
                f.add(kv[i], kv[i + 1]);
            }
            writer.writeHeaders(streamId, encoder, f, true);
            writer.flush();
        }

        synchronized void data(int streamId, byte[] b, boolean endStream) throws IOException {
            int off = 0;
            do {
                int n = Math.min(b.length - off, Frame.DEFAULT_MAX_FRAME_SIZE);
                writer.writeData(streamId, b, off, n, endStream && off + n == b.length);
                off += n;
            } while (off < b.length);
            writer.flush();
        }

        void data(int streamId, String s, boolean endStream) throws IOException {
            data(streamId, s.getBytes(StandardCharsets.UTF_8), endStream);
        }

        /** A whole 200 response with a text body. */
        void respond(int streamId, String body) throws IOException {
            headers(streamId, 200, false, "content-length", Integer.toString(body.length()));
            data(streamId, body, true);
        }

        synchronized void rst(int streamId, ErrorCode code) throws IOException {
            writer.writeRstStream(streamId, code);
            writer.flush();
        }

        synchronized void goAway(int lastStreamId, ErrorCode code) throws IOException {
            writer.writeGoAway(lastStreamId, code, new byte[0]);
            writer.flush();
        }

        synchronized void windowUpdate(int streamId, int increment) throws IOException {
            writer.writeWindowUpdate(streamId, increment);
            writer.flush();
        }

        synchronized void settings(Settings s) throws IOException {
            writer.writeSettings(s);
            writer.flush();
        }

        synchronized void raw(int type, int flags, int streamId, byte[] payload) throws IOException {
            writer.writeRawFrame(type, flags, streamId, payload, 0, payload.length);
            writer.flush();
        }

        void abort() {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException ignored) {
                // gone
            }
        }

        void close() throws IOException {
            socket.close();
        }

        // ---- the listener: every frame is queued; PING and SETTINGS answered unless blackholed ----

        @Override
        public void onData(int streamId, byte[] buf, int off, int len, boolean endStream, int fc) {
            byte[] d = java.util.Arrays.copyOfRange(buf, off, off + len);
            frames.add(new In(Frame.DATA, 0, streamId, List.of(), d, 0, 0, 0, endStream));
        }

        @Override
        public void onHeaders(int streamId, FieldList fields, boolean endStream) {
            List<String[]> l = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                l.add(new String[] {fields.name(i), fields.value(i)});
            }
            frames.add(new In(Frame.HEADERS, 0, streamId, l, new byte[0], 0, 0, 0, endStream));
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            resets.incrementAndGet();
            frames.add(new In(Frame.RST_STREAM, 0, streamId, List.of(), new byte[0], errorCode, 0, 0, false));
        }

        @Override
        public void onSettings(Settings.Entries entries) throws IOException {
            frames.add(new In(Frame.SETTINGS, 0, 0, List.of(), new byte[0], 0, 0, 0, false));
            if (!blackholed) {
                synchronized (this) {
                    writer.writeSettingsAck();
                    writer.flush();
                }
            }
        }

        @Override
        public void onSettingsAck() {
            frames.add(new In(Frame.SETTINGS, Frame.FLAG_ACK, 0, List.of(), new byte[0], 0, 0, 0, false));
        }

        @Override
        public void onPing(long data, boolean ack) throws IOException {
            frames.add(new In(Frame.PING, ack ? Frame.FLAG_ACK : 0, 0, List.of(), new byte[0], 0, data, 0, false));
            if (!ack) {
                pings.incrementAndGet();
            }
            if (!ack && !blackholed) {
                synchronized (this) {
                    writer.writePing(data, true);
                    writer.flush();
                }
            }
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) {
            frames.add(new In(Frame.GOAWAY, 0, 0, List.of(), java.util.Arrays.copyOfRange(debug, off, off + len),
                    errorCode, 0, lastStreamId, false));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            windowUpdates.incrementAndGet();
            frames.add(new In(Frame.WINDOW_UPDATE, 0, streamId, List.of(), new byte[0], 0, 0, increment, false));
        }
    }
}
