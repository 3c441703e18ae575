package io.hourglass.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A test peer that speaks raw bytes, so tests can send exactly what a misbehaving client would. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000); // a safety net: no test waits forever
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawClient send(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** A parsed response: status, headers (lower-case names), body (de-chunked). */
    record Resp(int status, Map<String, String> headers, String body, boolean complete) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Reads one response; for a chunked or Content-Length body, exactly its bytes. */
    Resp read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new java.io.EOFException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            headers.merge(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim(), (a, b) -> a + ", " + b);
        }
        if (status == 100) {
            return new Resp(status, headers, "", true);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete = true;
        if (headers.containsKey("content-length")) {
            long n = Long.parseLong(headers.get("content-length"));
            for (long i = 0; i < n; i++) {
                int b = in.read();
                if (b < 0) {
                    complete = false;
                    break;
                }
                body.write(b);
            }
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            complete = false;
            try {
                while (true) {
                    String size = line();
                    if (size == null) break;
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        while ((l = line()) != null && !l.isEmpty()) { /* trailers */ }
                        complete = l != null;
                        break;
                    }
                    byte[] chunk = in.readNBytes(n);
                    body.write(chunk);
                    if (chunk.length < n) break;
                    line();
                }
            } catch (IOException e) {
                complete = false;
            }
        }
        return new Resp(status, headers, body.toString(StandardCharsets.ISO_8859_1), complete);
    }

    /** Reads one CRLF-terminated line, or null at end of stream. */
    String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    /**
     * Waits until the server closes the connection: returns "eof", "reset", or "open" when nothing
     * happened within the socket timeout. Bytes that arrive are discarded.
     */
    String awaitClose() {
        try {
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) { /* discard */ }
            return "eof";
        } catch (SocketTimeoutException e) {
            return "open";
        } catch (IOException e) {
            return "reset";
        }
    }

    /** Everything until the server closes. */
    String readAll() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
