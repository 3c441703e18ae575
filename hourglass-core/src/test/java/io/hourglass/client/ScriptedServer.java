package io.hourglass.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback server whose behaviour per connection is a script: for tests against misbehaving peers. */
final class ScriptedServer implements AutoCloseable {
    @FunctionalInterface
    interface Script {
        void run(Socket s, InputStream in, OutputStream out) throws Exception;
    }

    private final ServerSocket ss;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    ScriptedServer(Script script) throws IOException {
        ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    sockets.add(s);
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            script.run(s, s.getInputStream(), s.getOutputStream());
                        } catch (Exception ignored) {
                            // the script's peer went away
                        }
                    });
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

    /** Reads one request head (up to the blank line) and returns it. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
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
