package io.hourglass.server;

/**
 * Handles one request. Runs on the connection's virtual thread; blocking is fine and expected.
 *
 * <p>Read the request body from {@link Request#body()} and write the response through {@link Response}.
 * When the handler returns, the server completes the response (an empty 200 when nothing was sent, the end
 * of a chunked body otherwise). An exception thrown before anything was sent becomes a 500; after that, the
 * connection is closed so that the client sees a truncated response.
 *
 * <p>Cancellation: when the client goes away, or the handler timeout passes, {@link Request#isCancelled()}
 * turns true and the thread is interrupted, so blocking calls ({@code Thread.sleep}, socket and lock waits)
 * throw. A handler that ignores this still loses its connection at once.
 */
@FunctionalInterface
public interface Handler {
    /**
     * Handles one request.
     *
     * @param request the request: method, target, headers, body, cancellation
     * @param response where the answer goes
     * @throws Exception any failure: a 500 when nothing was sent yet, a truncated response otherwise
     */
    void handle(Request request, Response response) throws Exception;
}
