package io.hourglass.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body: bytes, a string, a file, or a stream (with a known length, or chunked when the length is
 * -1). Bytes, strings and files can be sent again (a retry); a stream cannot. Fields whose values are known
 * only once the body has been sent (a checksum of a stream) go after it as trailers:
 * {@link ClientRequest.Builder#trailers(java.util.Collection, java.util.function.Supplier)}.
 */
public abstract class RequestBody {
    RequestBody() {}

    /** {@return the length in bytes, or -1 for a chunked body} */
    public abstract long length();

    /** {@return whether the body can be sent a second time (needed to retry a call)} */
    public abstract boolean replayable();

    /**
     * Opens the body for sending; the client reads it to its end (or {@link #length()} bytes) and closes it.
     *
     * @return a fresh stream of the body
     * @throws IOException if the body cannot be read, or a one-shot stream was already sent
     */
    public abstract InputStream open() throws IOException;

    /**
     * Bytes, copied now; replayable.
     *
     * @param bytes the body
     * @return the body, with a Content-Length
     */
    public static RequestBody of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new RequestBody() {
            @Override public long length() { return copy.length; }
            @Override public boolean replayable() { return true; }
            @Override public InputStream open() { return new ByteArrayInputStream(copy); }
        };
    }

    /**
     * UTF-8 text; replayable.
     *
     * @param text the body
     * @return the body, with a Content-Length
     */
    public static RequestBody of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A file, read when the request is written; its length is taken then; replayable.
     *
     * @param file the file
     * @return the body, with a Content-Length
     * @throws java.io.UncheckedIOException if the file is not readable now
     */
    public static RequestBody of(Path file) {
        if (!Files.isReadable(file)) {
            throw new UncheckedIOException(new IOException("cannot read request body file " + file));
        }
        return new RequestBody() {
            @Override public long length() {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            @Override public boolean replayable() { return true; }
            @Override public InputStream open() throws IOException { return Files.newInputStream(file); }
        };
    }

    /**
     * A stream, sent once: with Content-Length when {@code length >= 0}, chunked when it is -1. The stream
     * is read to its end (or {@code length} bytes) and closed. Not replayable, so a call with it is never
     * retried.
     *
     * @param stream the body
     * @param length its length in bytes, or -1 to send it chunked
     * @return the body
     * @throws IllegalArgumentException if {@code length} is below -1
     */
    public static RequestBody of(InputStream stream, long length) {
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (chunked) or more, got " + length);
        }
        return new RequestBody() {
            private boolean used;
            @Override public long length() { return length; }
            @Override public boolean replayable() { return false; }
            @Override public synchronized InputStream open() throws IOException {
                if (used) {
                    throw new IOException("a stream request body can be sent only once");
                }
                used = true;
                return stream;
            }
        };
    }
}
