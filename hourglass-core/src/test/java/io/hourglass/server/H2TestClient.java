package io.hourglass.server;

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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw-frame HTTP/2 client for the server's tests, built on the codec: it sends exactly the frames a test asks
 * for (well-formed through {@link FrameWriter} and the HPACK encoder, or any bytes through {@link #raw}), and a
 * reading thread turns what the server sends into {@link Ev}s on a queue. Nothing is answered automatically
 * except in {@link #handshake()} and, when asked, WINDOW_UPDATEs for received DATA ({@link #autoWindow}).
 */
final class H2TestClient implements AutoCloseable {
    /** A frame from the server, decoded. {@code type} is one of {@link Frame}'s, or {@link #CLOSED}. */
    record Ev(int type, int flags, int stream, Map<String, String> fields, byte[] data, int code, int lastStreamId,
              long ping, int increment, Map<Integer, Long> settings) {
        boolean endStream() {
            return (flags & Frame.FLAG_END_STREAM) != 0;
        }

        boolean ack() {
            return (flags & Frame.FLAG_ACK) != 0;
        }

        String field(String name) {
            return fields == null ? null : fields.get(name);
        }

        @Override
        public String toString() {
            return type == CLOSED ? "CLOSED" : Frame.typeName(type) + "(stream " + stream + ", flags " + flags
                    + (fields != null ? ", " + fields : "") + (data != null ? ", " + data.length + " bytes" : "")
                    + (type == Frame.RST_STREAM || type == Frame.GOAWAY ? ", " + ErrorCode.nameOf(code) : "")
                    + (type == Frame.GOAWAY ? ", last " + lastStreamId + ", " + new String(data, StandardCharsets.UTF_8) : "")
                    + ")";
        }
    }

    /** The event that says the server closed the connection (or reset it). */
    static final int CLOSED = -1;

    final Socket socket;
    private final OutputStream rawOut;
    private final OutBuffer out;
    final FrameWriter w;
    final HpackEncoder encoder = new HpackEncoder(4096);
    private final LinkedBlockingQueue<Ev> events = new LinkedBlockingQueue<>();
    private final java.util.ArrayDeque<Ev> stash = new java.util.ArrayDeque<>(); // set aside; the test's thread only
    private volatile boolean autoWindow;
    Settings serverSettings = Settings.DEFAULTS;

    H2TestClient(int port) throws IOException {
        this(plain(port));
    }

    private H2TestClient(Socket s) throws IOException {
        socket = s;
        socket.setTcpNoDelay(true);
        rawOut = s.getOutputStream();
        out = new OutBuffer((b, off, len) -> {
            rawOut.write(b, off, len);
            rawOut.flush();
        }, 64 * 1024);
        w = new FrameWriter(out);
        InputStream in = s.getInputStream();
        InBuffer buf = new InBuffer(in::read, 16 * 1024, Frame.MAX_MAX_FRAME_SIZE + Frame.HEADER_LENGTH);
        FrameReader reader = FrameReader.forClient(buf, new HpackDecoder(Settings.UNLIMITED));
        Thread.ofVirtual().name("h2-test-client-reader").start(() -> readLoop(reader));
    }

    private static Socket plain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** A TLS connection offering {@code alpn} (h2, http/1.1, ...), trusting everything. */
    static H2TestClient tls(int port, SSLContext trustAll, String... alpn) throws IOException {
        SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(alpn);
        s.setSSLParameters(p);
        s.startHandshake();
        return new H2TestClient(s);
    }

    /** Answers DATA with WINDOW_UPDATEs for the stream and the connection, as a reading client does. */
    H2TestClient autoWindow(boolean on) {
        autoWindow = on;
        return this;
    }

    private void readLoop(FrameReader reader) {
        FrameListener l = new FrameListener() {
            @Override
            public void onData(int id, byte[] buf, int off, int len, boolean end, int fc) throws IOException {
                byte[] d = java.util.Arrays.copyOfRange(buf, off, off + len);
                events.add(new Ev(Frame.DATA, end ? Frame.FLAG_END_STREAM : 0, id, null, d, 0, 0, 0, 0, null));
                if (autoWindow && fc > 0) {
                    synchronized (H2TestClient.this) {
                        w.writeWindowUpdate(0, fc);
                        if (!end) {
                            w.writeWindowUpdate(id, fc);
                        }
                        w.flush();
                    }
                }
            }

            @Override
            public void onHeaders(int id, FieldList f, boolean end) {
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i < f.size(); i++) {
                    m.merge(f.name(i), f.value(i), (a, b) -> a + ", " + b);
                }
                events.add(new Ev(Frame.HEADERS, end ? Frame.FLAG_END_STREAM : 0, id, m, null, 0, 0, 0, 0, null));
            }

            @Override
            public void onRstStream(int id, int code) {
                events.add(new Ev(Frame.RST_STREAM, 0, id, null, null, code, 0, 0, 0, null));
            }

            @Override
            public void onSettings(Settings.Entries e) {
                Map<Integer, Long> m = new LinkedHashMap<>();
                for (int i = 0; i < e.count(); i++) {
                    m.put(e.id(i), e.value(i));
                }
                serverSettings = e.applyTo(serverSettings);
                events.add(new Ev(Frame.SETTINGS, 0, 0, null, null, 0, 0, 0, 0, m));
            }

            @Override
            public void onSettingsAck() {
                events.add(new Ev(Frame.SETTINGS, Frame.FLAG_ACK, 0, null, null, 0, 0, 0, 0, null));
            }

            @Override
            public void onPing(long data, boolean ack) {
                events.add(new Ev(Frame.PING, ack ? Frame.FLAG_ACK : 0, 0, null, null, 0, 0, data, 0, null));
            }

            @Override
            public void onGoAway(int last, int code, byte[] debug, int off, int len) {
                byte[] d = java.util.Arrays.copyOfRange(debug, off, off + len);
                events.add(new Ev(Frame.GOAWAY, 0, 0, null, d, code, last, 0, 0, null));
            }

            @Override
            public void onWindowUpdate(int id, int increment) {
                events.add(new Ev(Frame.WINDOW_UPDATE, 0, id, null, null, 0, 0, 0, increment, null));
            }
        };
        try {
            while (reader.readFrame(l)) {
                // events queued by the listener
            }
        } catch (IOException | RuntimeException e) {
            // a reset or a frame we could not read: the connection is over for the test either way
        }
        events.add(new Ev(CLOSED, 0, 0, null, null, 0, 0, 0, 0, null));
    }

    // ---- sending ----

    /** The preface and an empty SETTINGS frame (or {@code settings}), then the server's SETTINGS acknowledged. */
    H2TestClient handshake(int... settings) throws IOException, InterruptedException {
        preface();
        settings(settings);
        Ev s = expect(Frame.SETTINGS);
        if (s.ack()) {
            throw new AssertionError("the server's first frame must be its SETTINGS, not an ACK");
        }
        settingsAck();
        // The server's WINDOW_UPDATE for the connection and its ACK of our SETTINGS follow in some order.
        return this;
    }

    synchronized H2TestClient preface() throws IOException {
        w.writePreface();
        w.flush();
        return this;
    }

    /** A SETTINGS frame of id, value pairs. */
    synchronized H2TestClient settings(int... idValue) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < idValue.length; i += 2) {
            p.write(idValue[i] >>> 8);
            p.write(idValue[i]);
            int v = idValue[i + 1];
            p.write(v >>> 24);
            p.write(v >>> 16);
            p.write(v >>> 8);
            p.write(v);
        }
        byte[] b = p.toByteArray();
        w.writeRawFrame(Frame.SETTINGS, 0, 0, b, 0, b.length);
        w.flush();
        return this;
    }

    synchronized H2TestClient settingsAck() throws IOException {
        w.writeSettingsAck();
        w.flush();
        return this;
    }

    /** A GET (or any method) on {@code stream}, with {@code extra} name, value pairs. */
    H2TestClient request(int stream, String method, String path, boolean endStream, String... extra) throws IOException {
        FieldList f = new FieldList();
        f.add(":method", method).add(":scheme", "http").add(":authority", "localhost").add(":path", path);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            f.add(extra[i], extra[i + 1]);
        }
        return headers(stream, f, endStream);
    }

    H2TestClient get(int stream, String path) throws IOException {
        return request(stream, "GET", path, true);
    }

    synchronized H2TestClient headers(int stream, FieldList f, boolean endStream) throws IOException {
        w.writeHeaders(stream, encoder, f, endStream);
        w.flush();
        return this;
    }

    /** An encoded header block of {@code f}, to split into frames by hand. */
    synchronized byte[] encode(FieldList f) {
        int n = encoder.encode(f);
        return java.util.Arrays.copyOf(encoder.buffer(), n);
    }

    synchronized H2TestClient data(int stream, byte[] b, boolean endStream) throws IOException {
        w.writeData(stream, b, 0, b.length, endStream);
        w.flush();
        return this;
    }

    synchronized H2TestClient rst(int stream, ErrorCode code) throws IOException {
        w.writeRstStream(stream, code);
        w.flush();
        return this;
    }

    synchronized H2TestClient windowUpdate(int stream, int increment) throws IOException {
        w.writeRawFrame(Frame.WINDOW_UPDATE, 0, stream, int32(increment), 0, 4);
        w.flush();
        return this;
    }

    synchronized H2TestClient ping(long data) throws IOException {
        w.writePing(data, false);
        w.flush();
        return this;
    }

    synchronized H2TestClient goAway(int last, ErrorCode code) throws IOException {
        w.writeGoAway(last, code, new byte[0]);
        w.flush();
        return this;
    }

    /** Any frame, unchecked. */
    synchronized H2TestClient frame(int type, int flags, int stream, byte... payload) throws IOException {
        w.writeRawFrame(type, flags, stream, payload, 0, payload.length);
        w.flush();
        return this;
    }

    /** Any bytes. */
    synchronized H2TestClient raw(byte[] b) throws IOException {
        out.flush();
        rawOut.write(b);
        rawOut.flush();
        return this;
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    // ---- receiving ----

    /** The next frame from the server within 5 s (or {@link #CLOSED}). */
    Ev next() throws InterruptedException {
        return next(Duration.ofSeconds(5));
    }

    Ev next(Duration timeout) throws InterruptedException {
        Ev e = stash.isEmpty() ? events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS) : stash.pollFirst();
        if (e == null) {
            throw new AssertionError("no frame from the server within " + timeout);
        }
        if (e.type == CLOSED) {
            stash.addFirst(e); // stays closed
        }
        return e;
    }

    /** The next frame of {@code type}, skipping SETTINGS ACKs, WINDOW_UPDATEs and PING ACKs of the server. */
    Ev expect(int type) throws InterruptedException {
        while (true) {
            Ev e = next();
            if (e.type == type) {
                return e;
            }
            if (!ignorable(e)) {
                throw new AssertionError("expected " + Frame.typeName(type) + ", got " + e);
            }
        }
    }

    private static boolean ignorable(Ev e) {
        return (e.type == Frame.SETTINGS && e.ack()) || e.type == Frame.WINDOW_UPDATE;
    }

    /** A whole response on {@code stream}: headers, body (other streams' frames are kept for later). */
    record Response(int status, Map<String, String> headers, byte[] body, Map<String, String> trailers) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Response response(int stream) throws InterruptedException {
        Map<String, String> head = null;
        Map<String, String> trailers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Ev> others = new ArrayList<>();
        try {
            while (true) {
                Ev e = next();
                if (e.type == CLOSED) {
                    throw new AssertionError("connection closed before the response on stream " + stream + " ended");
                }
                if (e.stream != stream || e.type == Frame.WINDOW_UPDATE) {
                    if (!ignorable(e)) {
                        others.add(e);
                    }
                    continue;
                }
                if (e.type == Frame.RST_STREAM) {
                    throw new AssertionError("stream " + stream + " reset: " + e);
                }
                if (e.type == Frame.HEADERS && (head == null || head.get(":status").startsWith("1"))) {
                    head = e.fields;
                } else if (e.type == Frame.HEADERS) {
                    trailers = e.fields;
                } else if (e.type == Frame.DATA) {
                    body.writeBytes(e.data);
                }
                if (e.endStream()) {
                    if (head == null) {
                        throw new AssertionError("stream " + stream + " ended without HEADERS: " + e);
                    }
                    return new Response(Integer.parseInt(head.get(":status")), head, body.toByteArray(), trailers);
                }
            }
        } finally {
            // What was set aside comes first again, in the order it arrived (the reading thread may be adding
            // to the queue meanwhile: the stash keeps the two apart).
            for (int i = others.size() - 1; i >= 0; i--) {
                stash.addFirst(others.get(i));
            }
        }
    }

    /** The next GOAWAY, skipping everything else but the end of the connection. */
    Ev goAway() throws InterruptedException {
        while (true) {
            Ev e = next();
            if (e.type == Frame.GOAWAY || e.type == CLOSED) {
                return e;
            }
        }
    }

    /** Whether the server closed the connection within {@code timeout}, whatever came before. */
    boolean closedWithin(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Ev e = stash.isEmpty() ? events.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)
                    : stash.pollFirst();
            if (e != null && e.type == CLOSED) {
                stash.addFirst(e);
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
