package io.hourglass.internal.h1;

import java.io.IOException;

/** Where an {@link InBuffer} gets bytes: a connection, or a test's byte array. */
@FunctionalInterface
public interface Source {
    /** Reads at least one byte into {@code b}, blocking; returns the count, or -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException;
}
