package io.hourglass.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server whose behaviour per connection is a script, for CLI tests against misbehaving
 * peers (the core has its own in its test tree). Closing it closes the listener and every accepted socket.
 */
final class RawServer implements AutoCloseable {
    @FunctionalInterface
    interface Script {
        void run(Socket s, InputStream in, OutputStream out) throws Exception;
    }

    private final ServerSocket ss;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawServer(Script script) throws IOException {
        ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return; // closed
                }
                sockets.add(s);
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        script.run(s, s.getInputStream(), s.getOutputStream());
                    } catch (Exception ignored) {
                        // the peer went away, or the test closed the server
                    }
                });
            }
        });
    }

    String url(String path) {
        return "http://127.0.0.1:" + ss.getLocalPort() + path;
    }

    /** Reads one request head, up to and including the blank line; null at end of stream. */
    static String readHead(InputStream in) throws IOException {
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

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        ss.close();
        for (Socket s : sockets) {
            s.close();
        }
        acceptor.interrupt();
    }
}
