package io.hourglass.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer that misbehaves on purpose, byte by byte: the other side of a test of timeouts and broken
 * connections, for a client or a server under test.
 *
 * <ul>
 *   <li>As a server, {@link #server(Script)} listens on a free loopback port and runs a script on each
 *       connection it accepts, on a virtual thread of its own: answer late, stall in the middle of a body,
 *       close or reset halfway, send bytes no one asked for, hold back {@code 100 Continue}.</li>
 *   <li>As a client, {@link #connect(int)} connects and hands the test a {@link Connection} to drive
 *       step by step: send a head one byte at a time, stop reading, half-close, reset, send garbage.</li>
 *   <li>{@link #blackhole()} is a listener that never completes a connect, like a host whose packets are
 *       dropped: a dial to it hangs until its connect timeout.</li>
 * </ul>
 *
 * <pre>{@code
 * try (RawPeer upstream = RawPeer.server(c -> {
 *     c.readHead();                                         // the request
 *     c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal");
 *     c.stall(Duration.ofSeconds(5));                        // ... and the rest never comes in time
 * })) {
 *     // a client with a 1 s timeout against upstream.url("/") fails in phase TOTAL, while reading the body
 * }
 * }</pre>
 *
 * <p>Every read and connect has a 15 s safety timeout, so a test that waits for the wrong thing fails
 * instead of hanging. Closing a server closes its listener and every connection it accepted.
 */
public final class RawPeer implements AutoCloseable {
    private static final int SAFETY_MILLIS = 15_000;

    /** What a server peer does with each connection. */
    @FunctionalInterface
    public interface Script {
        /**
         * Runs on the connection's own virtual thread; the connection is closed when it returns.
         *
         * @param c the accepted connection
         * @throws Exception anything: the connection ends, and {@link RawPeer#failures()} records it unless it
         *     was the other side going away
         */
        void run(Connection c) throws Exception;
    }

    private final ServerSocket listener;
    private final List<Socket> held = new ArrayList<>(); // blackhole: the connects that fill its backlog
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RawPeer(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * A server on a free loopback port that runs {@code script} on every connection it accepts.
     *
     * @param script what to do with each connection
     * @return the running server; close it to stop
     * @throws IOException if no port can be bound
     */
    public static RawPeer server(Script script) throws IOException {
        RawPeer p = new RawPeer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofVirtual().name("raw-peer-accept-" + p.port()).start(() -> p.acceptLoop(script));
        return p;
    }

    /**
     * A listener on a free loopback port whose connects never complete: it accepts nothing and its backlog is
     * full, so the kernel drops new SYNs and a dial hangs until the dialer's connect timeout, as toward a host
     * that drops packets (no RST, no answer).
     *
     * @return the listener; close it to release the port
     * @throws IOException if no port can be bound, or the backlog cannot be filled
     */
    public static RawPeer blackhole() throws IOException {
        return blackhole(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * A blackhole ({@link #blackhole()}) on a given address and port, for a test that needs one among a
     * host's addresses (bind 127.0.0.2 with the port of a server on 127.0.0.1, say).
     *
     * @param address a local address
     * @param port the port, 0 for a free one
     * @return the listener; close it to release the port
     * @throws IOException if the address cannot be bound, or the backlog cannot be filled
     */
    public static RawPeer blackhole(InetAddress address, int port) throws IOException {
        RawPeer p = new RawPeer(new ServerSocket(port, 1, address));
        InetSocketAddress at = new InetSocketAddress(address, p.port());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(at, 200);
            } catch (SocketTimeoutException e) {
                s.close();
                return p; // this connect was not answered: the backlog is full
            }
            p.held.add(s);
        }
        p.close();
        throw new IOException("the listener's backlog did not fill after 16 connections");
    }

    /**
     * Connects to a loopback port, as a client peer.
     *
     * @param port the port on 127.0.0.1
     * @return the connection, to drive step by step
     * @throws IOException if the connect fails
     */
    public static Connection connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects with a small receive buffer, for a peer that stops reading: the server's writes block after
     * about that many bytes plus its own send buffer.
     *
     * @param port the port on 127.0.0.1
     * @param receiveBufferBytes the socket's receive buffer (SO_RCVBUF, set before connecting), 0 for the default
     * @return the connection
     * @throws IOException if the connect fails
     */
    public static Connection connect(int port, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SAFETY_MILLIS);
        return new Connection(s);
    }

    private void acceptLoop(Script script) {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Thread.ofVirtual().name("raw-peer-" + s.getPort()).start(() -> serve(script, s));
        }
    }

    private void serve(Script script, Socket s) {
        Connection c;
        try {
            c = new Connection(s);
        } catch (IOException e) {
            return;
        }
        connections.add(c);
        try (c) {
            script.run(c);
        } catch (IOException e) {
            // the other side went away, or the test closed the peer: part of the game
        } catch (Exception | AssertionError e) {
            failures.add(e);
        } finally {
            connections.remove(c);
        }
    }

    /** {@return the port it listens on} */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * An http URL of this peer.
     *
     * @param path the path, starting with a slash
     * @return {@code http://127.0.0.1:PORT} followed by the path
     */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** {@return how many connections the server accepted} */
    public int accepted() {
        return accepted.get();
    }

    /** {@return what scripts threw, other than I/O errors (the peer going away is expected)} */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** Closes the listener and every connection it accepted. */
    @Override
    public void close() throws IOException {
        listener.close();
        for (Connection c : connections) {
            c.close();
        }
        for (Socket s : held) {
            s.close();
        }
    }

    /**
     * A parsed HTTP/1.1 response.
     *
     * @param status the status code
     * @param headers the fields, names in lower case, repeated ones joined with ", "
     * @param body the body as ISO-8859-1 text, de-chunked
     * @param complete whether the body came to its declared end (false: the stream ended first)
     */
    public record Response(int status, Map<String, String> headers, String body, boolean complete) {
        /**
         * A field's value, repeated fields joined with ", ".
         *
         * @param name the name, in any case
         * @return the value, or null
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * One connection of a raw peer: raw bytes both ways, and the misbehaviours as steps. Not thread-safe: one
     * thread drives it (the script's, or the test's).
     */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(SAFETY_MILLIS); // a safety net: no test waits forever
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** {@return the socket, for what the steps below do not cover} */
        public Socket socket() {
            return socket;
        }

        /** {@return the socket's input} */
        public InputStream in() {
            return in;
        }

        /** {@return the socket's output} */
        public OutputStream out() {
            return out;
        }

        /** {@return the local port, to find the connection in the kernel's tables} */
        public int localPort() {
            return socket.getLocalPort();
        }

        // ---- sending ----

        /**
         * Sends text as ISO-8859-1 bytes, at once.
         *
         * @param s the text
         * @return this connection
         * @throws IOException if the socket fails
         */
        public Connection send(String s) throws IOException {
            return send(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        /**
         * Sends bytes, at once.
         *
         * @param b the bytes
         * @return this connection
         * @throws IOException if the socket fails
         */
        public Connection send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            return this;
        }

        /**
         * Sends text one byte at a time, waiting {@code every} before each: progress, but slow (slowloris).
         *
         * @param s the text
         * @param every the pause before each byte
         * @return this connection
         * @throws IOException if the socket fails, e.g. the other side closed it
         * @throws InterruptedException if the thread is interrupted
         */
        public Connection trickle(String s, Duration every) throws IOException, InterruptedException {
            for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
                Thread.sleep(every);
                out.write(b);
                out.flush();
            }
            return this;
        }

        /**
         * Sends {@code n} random bytes (from a fixed seed, so a run can be repeated): not HTTP at all.
         *
         * @param n how many
         * @return this connection
         * @throws IOException if the socket fails
         */
        public Connection sendGarbage(int n) throws IOException {
            byte[] b = new byte[n];
            new Random(n).nextBytes(b);
            return send(b);
        }

        /**
         * Does nothing for a while: sends nothing and reads nothing.
         *
         * @param d how long
         * @return this connection
         * @throws InterruptedException if the thread is interrupted
         */
        public Connection stall(Duration d) throws InterruptedException {
            Thread.sleep(d);
            return this;
        }

        /**
         * Sends {@code 100 Continue} after a delay: a server that makes a client wait for it.
         *
         * @param delay the wait first
         * @return this connection
         * @throws IOException if the socket fails
         * @throws InterruptedException if the thread is interrupted
         */
        public Connection sendContinueAfter(Duration delay) throws IOException, InterruptedException {
            stall(delay);
            return send("HTTP/1.1 100 Continue\r\n\r\n");
        }

        /**
         * Half-closes: sends FIN, while reading goes on.
         *
         * @return this connection
         * @throws IOException if the socket fails
         */
        public Connection halfClose() throws IOException {
            socket.shutdownOutput();
            return this;
        }

        /**
         * Closes with a reset (SO_LINGER 0: RST instead of FIN), as a peer that crashed or gave up.
         *
         * @throws IOException if the socket fails
         */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        // ---- reading ----

        /**
         * Reads a head: bytes up to and including the blank line ending it.
         *
         * @return the head, or null when the stream ended first
         * @throws IOException if the socket fails or the safety timeout passes
         */
        public String readHead() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 4 || sb.lastIndexOf("\r\n\r\n") != sb.length() - 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                sb.append((char) b);
            }
            return sb.toString();
        }

        /**
         * Reads one line, without its CRLF (or bare LF).
         *
         * @return the line, or null at the end of the stream
         * @throws IOException if the socket fails or the safety timeout passes
         */
        public String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return sb.isEmpty() ? null : sb.toString();
                }
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') {
                        sb.setLength(n - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) b);
            }
        }

        /**
         * Reads exactly {@code n} bytes, fewer at the end of the stream.
         *
         * @param n how many
         * @return the bytes
         * @throws IOException if the socket fails or the safety timeout passes
         */
        public byte[] readBytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        /**
         * Reads one HTTP/1.1 response; for a Content-Length or chunked body, exactly its bytes. A 100 Continue
         * is returned as it is: read again for the final response.
         *
         * @return the response
         * @throws EOFException if the stream ends before a status line
         * @throws IOException if the socket fails or the safety timeout passes
         */
        public Response readResponse() throws IOException {
            String statusLine = line();
            if (statusLine == null) {
                throw new EOFException("connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = readFields();
            if (status == 100) {
                return new Response(status, headers, "", true);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean complete = true;
            if (headers.containsKey("content-length")) {
                long n = Long.parseLong(headers.get("content-length"));
                byte[] b = in.readNBytes((int) n);
                body.writeBytes(b);
                complete = b.length == n;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                complete = readChunks(body);
            }
            return new Response(status, headers, body.toString(StandardCharsets.ISO_8859_1), complete);
        }

        private Map<String, String> readFields() throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            String l;
            while ((l = line()) != null && !l.isEmpty()) {
                int c = l.indexOf(':');
                headers.merge(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            return headers;
        }

        /** Reads a chunked body into {@code body}; false when it ends before its last chunk. */
        private boolean readChunks(ByteArrayOutputStream body) {
            try {
                while (true) {
                    String size = line();
                    if (size == null) {
                        return false;
                    }
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        return readTrailers();
                    }
                    byte[] chunk = in.readNBytes(n);
                    body.writeBytes(chunk);
                    if (chunk.length < n || line() == null) {
                        return false;
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }

        /** Reads the trailer section; false when the stream ends before its blank line. */
        private boolean readTrailers() throws IOException {
            String l;
            while ((l = line()) != null && !l.isEmpty()) {
                // a trailer field: not kept
            }
            return l != null;
        }

        /**
         * Everything until the other side closes.
         *
         * @return the bytes as ISO-8859-1 text
         * @throws IOException if the socket fails or the safety timeout passes
         */
        public String readAll() throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }

        /**
         * Waits until the other side closes, discarding what arrives.
         *
         * @return "eof" (a FIN), "reset" (an RST, or any failure), or "open" when nothing ended it within the
         *     socket's read timeout (15 s unless the test set another)
         */
        public String awaitClose() {
            try {
                byte[] buf = new byte[8192];
                while (in.read(buf) >= 0) {
                    // discard
                }
                return "eof";
            } catch (SocketTimeoutException e) {
                return "open";
            } catch (IOException e) {
                return "reset";
            }
        }

        /** Closes with a FIN. */
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
