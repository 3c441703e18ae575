package io.hourglass.server;

/**
 * Answers {@code OPTIONS *} in the server itself, before the application's handler: 200 with
 * {@code Content-Length: 0} and, when the handler is a {@link Router} whose routes all name their method,
 * {@code Allow} listing those methods. Every other request goes to the handler unchanged.
 *
 * <p>The asterisk-form target "is only used for a server-wide OPTIONS request" (RFC 9112 section 3.2.4; the
 * parser rejects it with any other method), one that "applies to the server in general rather than to a
 * specific resource" (RFC 9110 section 9.3.7), so no route can stand for it: the router used to answer 404.
 * Go's net/http answers it the same way, without routing (its {@code globalOptionsHandler}). A request body,
 * if any, is left to the server, which discards it (up to {@code maxDrainBytes}) before the next request.
 * Filters do not run for it, and nothing is logged for it but the server's own metrics.
 */
final class AsteriskOptions implements Handler {
    private final Handler next;

    AsteriskOptions(Handler next) {
        this.next = next;
    }

    @Override
    public void handle(Request req, Response res) throws Exception {
        String target = req.target();
        if (target.length() != 1 || target.charAt(0) != '*') {
            next.handle(req, res);
            return;
        }
        String allow = next instanceof Router r ? r.allowedMethods() : null;
        if (allow != null) {
            res.header("Allow", allow); // RFC 9110 section 9.3.7: SHOULD send what indicates supported features
        }
        res.send(new byte[0]); // 200 with Content-Length: 0, which section 9.3.7 requires when there is no content
    }
}
