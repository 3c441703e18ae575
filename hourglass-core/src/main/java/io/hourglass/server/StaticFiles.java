package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.net.DeadlineExceededException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves the files under a directory (or one file), as Go's FileServer and nginx do: Content-Type,
 * Last-Modified and ETag, conditional requests (304, 412), byte ranges (206, multipart/byteranges, 416),
 * HEAD, index files; never a file outside the root. Immutable: every method returns a new one.
 *
 * <pre>{@code
 * router.get("/static/", StaticFiles.of(Path.of("public")));      // GET /static/css/a.css -> public/css/a.css
 * router.get("/favicon.ico", StaticFiles.of(Path.of("public/favicon.ico")));
 * }</pre>
 *
 * <p><b>Which file.</b> Under a route that ends in a rest wildcard ({@code /static/} or
 * {@code /static/{path...}}) the part of the path it matched names the file; otherwise the whole path does.
 * The path is percent-decoded, then a {@code ..} segment (also when encoded as {@code %2e%2e} or hidden behind
 * an encoded slash) or a NUL byte gets 400. A symbolic link whose target leaves the root gets 404 unless
 * {@link #followSymlinks(boolean)} allows it. A directory's path without its slash is redirected (301) to
 * the path with it; a directory is answered with its first {@linkplain #index index file}, or 404: there is
 * no directory listing. Only GET and HEAD are served (405 with {@code Allow: GET, HEAD} otherwise).
 *
 * <p><b>Validators.</b> {@code Last-Modified} is the file's modification time; the ETag is strong,
 * {@code "<size>-<modification time in ns>"} in hex, so it changes whenever the file is replaced or written.
 * If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since are evaluated in the order of RFC 9110
 * section 13.2.2; If-Range (an ETag that matches strongly, or the exact Last-Modified date) decides whether a
 * Range is honoured. {@code docs/static-files.md} compares every choice with Go's FileServer.
 *
 * <p><b>Large files</b> are sent in 64 KiB blocks straight from the file, never held in memory. The
 * response is bounded by the server's write timeout (or the write deadline a filter set for the route,
 * {@link Response#setWriteDeadline}) and, within it, by a minimum rate: after the {@linkplain
 * #minResponseRate grace period}, a client that reads slower than the rate has its connection reset, the
 * handler's write fails with an {@link HttpTimeoutException} of phase {@link Phase#WRITE} whose message
 * names the rate, and it is counted in {@code hourglass_timeouts_total{side="server",phase="write"}}.
 */
public final class StaticFiles implements Handler {
    private static final int BLOCK = 64 * 1024;

    private final Path root;          // as given, absolute and normalized
    private final Path realRoot;      // symbolic links resolved: what "inside the root" is checked against
    private final boolean rootIsFile;
    private final List<String> index;
    private final boolean followSymlinks;
    private final long minRate;       // bytes per second, 0 for none
    private final Duration grace;
    private final String cacheControl;

    private StaticFiles(Path root, Path realRoot, boolean rootIsFile, List<String> index, boolean followSymlinks,
            long minRate, Duration grace, String cacheControl) {
        this.root = root;
        this.realRoot = realRoot;
        this.rootIsFile = rootIsFile;
        this.index = index;
        this.followSymlinks = followSymlinks;
        this.minRate = minRate;
        this.grace = grace;
        this.cacheControl = cacheControl;
    }

    /**
     * Files under {@code root}, a directory, or the one file {@code root} whatever the path. Defaults: index
     * file {@code index.html}; symbolic links out of the root refused; a minimum response rate of 240
     * bytes/s after 5 s (as Kestrel's); no Cache-Control.
     *
     * @param root a directory whose files are served, or a regular file served for every request; relative
     *     to the working directory unless absolute. It is checked now; links in it are resolved now
     * @return the handler, to add as a route's handler
     * @throws IllegalArgumentException when {@code root} does not exist, is neither a regular file nor a
     *     directory, or cannot be read
     * @throws NullPointerException when {@code root} is null
     */
    public static StaticFiles of(Path root) {
        Objects.requireNonNull(root, "root");
        Path abs = root.toAbsolutePath().normalize();
        Path real;
        try {
            real = abs.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("static files: no such file or directory: " + root);
        }
        boolean file = Files.isRegularFile(real);
        if (!file && !Files.isDirectory(real)) {
            throw new IllegalArgumentException("static files: not a regular file or a directory: " + root);
        }
        if (!Files.isReadable(real)) {
            throw new IllegalArgumentException("static files: cannot read " + root);
        }
        return new StaticFiles(abs, real, file, List.of("index.html"), false, 240, Duration.ofSeconds(5), null);
    }

    /**
     * The files that answer for a directory, tried in order (default {@code index.html}); the first that is a
     * regular file (and, unless links may leave the root, inside it) is served. A directory without one gets
     * 404.
     *
     * @param names file names within the directory, replacing the current list; none: every directory gets 404
     * @return a copy with these index files
     * @throws IllegalArgumentException when a name is empty, {@code .}, {@code ..} or contains {@code /}
     * @throws NullPointerException when a name is null
     */
    public StaticFiles index(String... names) {
        for (String n : names) {
            if (n.isEmpty() || n.contains("/") || n.equals("..") || n.equals(".")) {
                throw new IllegalArgumentException("static files: bad index file name \"" + n + "\"");
            }
        }
        return new StaticFiles(root, realRoot, rootIsFile, List.of(names), followSymlinks, minRate, grace, cacheControl);
    }

    /**
     * Whether symbolic links may lead outside the root. Links that stay inside the root are always followed.
     *
     * @param follow true to serve what a link points to wherever it is; false (the default) to answer 404
     *     for a file or index file whose resolved path is outside the root's
     * @return a copy with this setting
     */
    public StaticFiles followSymlinks(boolean follow) {
        return new StaticFiles(root, realRoot, rootIsFile, index, follow, minRate, grace, cacheControl);
    }

    /**
     * The slowest a client may read a file, in bytes per second, counted from the start of the body after
     * {@code grace}: by {@code grace + bytes sent / rate} the bytes must be out, or the connection is reset
     * (see the class comment). 0 turns it off, leaving the write timeout alone. Default 240 bytes/s after 5s.
     * The clock starts when the file's bytes start to be sent (a 200 or 206 to GET; HEAD sends none); the
     * deadline it sets never extends the server's write deadline, which is back in force once the file is
     * sent.
     *
     * @param bytesPerSecond the minimum average rate; 0 for no minimum
     * @param grace time allowed before the rate applies, for the connection's start and slow first reads;
     *     {@code Duration.ZERO} for none
     * @return a copy with this minimum
     * @throws IllegalArgumentException when {@code bytesPerSecond} is negative, or {@code grace} is null or
     *     negative
     */
    public StaticFiles minResponseRate(long bytesPerSecond, Duration grace) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("static files: minResponseRate must not be negative, got " + bytesPerSecond);
        }
        io.hourglass.internal.text.Durations.requireNonNegative("static files grace", grace);
        return new StaticFiles(root, realRoot, rootIsFile, index, followSymlinks, bytesPerSecond, grace, cacheControl);
    }

    /**
     * A Cache-Control value for every file, e.g. {@code "public, max-age=3600"} (default none). It is sent on
     * every answer about an existing file: 200, 206, 304, and the 412 or 416 of a failed condition or range.
     *
     * @param value the field value, sent as given; null for none
     * @return a copy with this value
     * @throws IllegalArgumentException when {@code value} holds CR, LF, NUL or a character above U+00FF
     */
    public StaticFiles cacheControl(String value) {
        if (value != null) {
            new Headers(1).add("Cache-Control", value); // the same check every header value gets
        }
        return new StaticFiles(root, realRoot, rootIsFile, index, followSymlinks, minRate, grace, value);
    }

    @Override
    public void handle(Request req, Response res) throws Exception {
        String method = req.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            res.header("Allow", "GET, HEAD");
            text(res, 405, "method not allowed");
            return;
        }
        Path file = realRoot;
        if (!rootIsFile) {
            String rel = relativePath(req);
            if (rel == null) {
                text(res, 400, "invalid URL path");
                return;
            }
            file = root.resolve(rel).normalize();
            if (!file.startsWith(root)) {
                text(res, 400, "invalid URL path"); // cannot happen after relativePath; kept as a second lock
                return;
            }
        }
        Path real = resolve(file, res);
        if (real == null) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
        String path = req.path();
        if (a.isDirectory()) {
            directory(req, res, real, path);
            return;
        }
        if (!a.isRegularFile()) {
            text(res, 404, "not found");
            return;
        }
        if (!rootIsFile && path.endsWith("/")) {
            redirect(req, res, path.substring(0, path.length() - 1)); // a file is not a directory
            return;
        }
        FileResponse.send(req, res, real, a, this);
    }

    private void directory(Request req, Response res, Path dir, String path) throws IOException {
        if (!path.endsWith("/")) {
            redirect(req, res, path + "/"); // so that relative links in the index resolve inside it
            return;
        }
        for (String name : index) {
            Path f = resolveQuietly(dir.resolve(name));
            if (f != null) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    FileResponse.send(req, res, f, a, this);
                    return;
                }
            }
        }
        text(res, 404, "not found");
    }

    /** The decoded path below the root, segments joined by '/', or null when it must be refused (400). */
    private static String relativePath(Request req) {
        String raw = req.routeRest() != null ? req.routeRest() : req.path();
        String decoded = strictDecode(raw);
        if (decoded == null || decoded.indexOf('\0') >= 0) {
            return null;
        }
        StringBuilder b = new StringBuilder(decoded.length());
        for (String seg : decoded.split("/")) {
            if (seg.equals("..")) {
                return null; // Go's FileServer answers such a path with 400 too
            }
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(seg);
        }
        return b.toString();
    }

    /** Percent-decoding that refuses a malformed escape (null). */
    static String strictDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
            if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                    || Character.digit(s.charAt(i + 2), 16) < 0) {
                return null;
            }
        }
        return RouteTable.Paths.decode(s);
    }

    /** The file with links resolved, or null after answering 404 (missing, or a link out of the root) or 403. */
    private Path resolve(Path file, Response res) throws IOException {
        try {
            Path real = file.toRealPath();
            if (!followSymlinks && !real.startsWith(realRoot)) {
                text(res, 404, "not found"); // a link out of the root: as if it were not there
                return null;
            }
            return real;
        } catch (NoSuchFileException e) {
            text(res, 404, "not found");
        } catch (AccessDeniedException e) {
            text(res, 403, "forbidden");
        } catch (IOException e) {
            text(res, 404, "not found"); // e.g. a path through a regular file ("a.txt/b")
        }
        return null;
    }

    private Path resolveQuietly(Path file) {
        try {
            Path real = file.toRealPath();
            return followSymlinks || real.startsWith(realRoot) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void redirect(Request req, Response res, String path) throws IOException {
        String q = req.query();
        res.header("Location", path.replace("\\", "%5C") + (q.isEmpty() ? "" : "?" + q));
        text(res, 301, "moved permanently");
    }

    static void text(Response res, int status, String message) throws IOException {
        Headers h = res.headers();
        h.remove("Content-Type");
        h.remove("Accept-Ranges");
        res.status(status);
        res.send(message + "\n");
    }

    // ---- what FileResponse needs ----

    String cacheControlValue() {
        return cacheControl;
    }

    /** Copies {@code len} bytes of the file from {@code pos} to the response, under the minimum rate. */
    static final class Transfer {
        private final Response res;
        private final OutputStream os;
        private final long rate;
        private final long start = System.nanoTime();
        private final long graceNanos;
        private final long base;      // the write deadline before the transfer (0: none)
        private final long total;
        private long sent;
        private long armed;           // the deadline in force for the current write
        private long previous;        // the one before it
        private byte[] buf;

        Transfer(Response res, StaticFiles cfg, long total) {
            this.res = res;
            this.os = res.body();
            this.rate = cfg.minRate;
            this.graceNanos = cfg.grace.toNanos();
            this.base = res.writeDeadlineNanos();
            this.total = total;
        }

        void write(byte[] b) throws IOException {
            arm(b.length);
            guarded(b, b.length);
        }

        void copy(FileChannel ch, long pos, long len) throws IOException {
            if (buf == null) {
                buf = new byte[(int) Math.min(BLOCK, Math.max(1, len))];
            }
            long left = len;
            while (left > 0) {
                int want = (int) Math.min(buf.length, left);
                int n = ch.read(ByteBuffer.wrap(buf, 0, want), pos);
                if (n < 0) {
                    throw new IOException("file got shorter while being sent");
                }
                arm(n);
                guarded(buf, n);
                pos += n;
                left -= n;
            }
        }

        /** Sends what is buffered within the rate, then puts the route's write deadline back. */
        void finish() throws IOException {
            arm(0);
            try {
                os.flush();
            } catch (DeadlineExceededException e) {
                throw translate(e);
            }
            res.writeDeadlineNanos(base);
        }

        private void arm(int n) {
            if (rate == 0) {
                return;
            }
            long d = start + graceNanos + (long) ((sent + n) * 1e9 / rate);
            previous = armed;
            armed = base != 0 && base - d < 0 ? base : d;
            res.writeDeadlineNanos(armed);
        }

        private void guarded(byte[] b, int n) throws IOException {
            try {
                os.write(b, 0, n);
            } catch (DeadlineExceededException e) {
                throw translate(e);
            }
            sent += n;
        }

        private IOException translate(DeadlineExceededException e) {
            long now = System.nanoTime();
            // The timer may have acted on the previous deadline just as this one replaced it (the previous
            // write had only just gone through): then that one is the deadline that passed.
            long passed = previous != 0 && now - armed < 0 ? previous : armed;
            if (rate == 0 || passed == base || e.op() != DeadlineExceededException.Op.WRITE) {
                return e; // the write timeout itself: the server names it
            }
            HttpTimeoutException t = new HttpTimeoutException(Phase.WRITE, Duration.ofNanos(passed - start),
                    Duration.ofNanos(now - start), "the client read " + sent + " of " + total
                    + " bytes, slower than the minimum response rate of " + rate + " bytes/s");
            t.initCause(e);
            return t;
        }
    }

    static long modifiedSeconds(BasicFileAttributes a) {
        return a.lastModifiedTime().to(TimeUnit.SECONDS);
    }
}
