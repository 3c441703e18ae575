package io.hourglass.internal.h1;

import java.io.IOException;

/** Where an {@link OutBuffer} sends bytes: a connection, or a test's byte array. */
@FunctionalInterface
public interface Sink {
    /** Writes all {@code len} bytes, blocking. */
    void write(byte[] b, int off, int len) throws IOException;
}
