package io.hourglass.client;

import java.io.IOException;

/**
 * One call, which another thread may cancel. {@link #execute()} runs it on the calling thread;
 * {@link #cancel()} makes a blocked {@code execute()} (or a body read) fail at once with a
 * {@link ClientException} of kind CANCELLED.
 */
public final class Call {
    private final Client client;
    private final ClientRequest request;
    // Both volatile: execute() writes them on the calling thread, cancel() reads them from any other.
    private volatile Exchange exchange;
    private volatile boolean cancelled;
    private boolean executed;           // guarded by this (execute's synchronized block, no I/O under it)

    Call(Client client, ClientRequest request) {
        this.client = client;
        this.request = request;
    }

    /** {@return the request this call sends} */
    public ClientRequest request() {
        return request;
    }

    /**
     * Runs the call on the calling thread and returns once the response headers have arrived. A call runs
     * once.
     *
     * @return the response, whose body the caller reads to its end or closes
     * @throws io.hourglass.http.HttpTimeoutException when a timeout passes, naming its phase
     * @throws ClientException for any other failure; kind {@link ClientException.Kind#CANCELLED} after
     *     {@link #cancel()}
     * @throws IllegalStateException if the call ran before, or the client is closed
     * @throws IOException only as one of the two above
     */
    public ClientResponse execute() throws IOException {
        synchronized (this) {
            if (executed) {
                throw new IllegalStateException("a call runs once; make a new one with client.newCall(request)");
            }
            executed = true;
        }
        client.checkOpen();
        return new Attempts(this, client, request).run();
    }

    /** Makes {@code x} the attempt in progress; cancels it at once when the call was cancelled already. */
    void attach(Exchange x) {
        exchange = x;
        if (cancelled) {
            x.cancel();
        }
    }

    /** Cancels the call from any thread. Idempotent; a call that has finished is not affected. */
    public void cancel() {
        cancelled = true;
        Exchange x = exchange;
        if (x != null) {
            x.cancel();
        }
    }

    /** {@return whether {@link #cancel()} was called} */
    public boolean isCancelled() {
        return cancelled;
    }
}
