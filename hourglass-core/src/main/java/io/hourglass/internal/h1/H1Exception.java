package io.hourglass.internal.h1;

import java.io.IOException;

/**
 * A message that breaks HTTP/1.1's rules. {@link #status()} is what a server answers (400, 431, 505, 501);
 * the connection is closed after it, so no byte after the bad message is ever parsed.
 */
public final class H1Exception extends IOException {
    private final int status;

    public H1Exception(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
