package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import java.io.IOException;

/**
 * Which requests may be sent again, and after which outcomes (issue 14). What Envoy's {@code retry_on:
 * connect-failure,reset,gateway-error,retriable-status-codes} and gRPC's retry policy agree on, for HTTP:
 *
 * <ul>
 * <li>only requests whose repetition is harmless: idempotent methods (RFC 9110 section 9.2.2), or any method
 *     carrying an {@code Idempotency-Key} (draft-ietf-httpapi-idempotency-key-header), with a body that can be
 *     sent again;
 * <li>after a failure before any response: a connection refused, reset or closed, a connect, TLS or
 *     response-header timeout, or the attempt's own timeout; never after the call's total timeout, its
 *     deadline, a cancel, the pool's timeout, or an error the next attempt would meet again (a malformed
 *     response, TLS, an unknown host);
 * <li>after a response that says "try again": 502, 503 and 504 (a gateway's failure), and 429; never a 504
 *     that says {@code Deadline-Expired: true} (the caller's time is gone: a new attempt has less).
 * </ul>
 */
final class RetryRules {
    /** The request field that makes any method safe to send again. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private RetryRules() {}

    /** Whether the request may be sent more than once. */
    static boolean repeatable(ClientRequest req) {
        if (!req.idempotent() && req.headers().first(IDEMPOTENCY_KEY) == null) {
            return false;
        }
        return req.body() == null || req.body().replayable();
    }

    /** Whether a response asks to be tried again. */
    static boolean retryableStatus(ClientResponse resp) {
        int s = resp.status();
        if (s == 504 && "true".equalsIgnoreCase(headerOf(resp, "Deadline-Expired"))) {
            return false;
        }
        return s == 502 || s == 503 || s == 504 || s == 429;
    }

    /** Whether the server may say when to come back in {@code Retry-After}: on a 503 or a 429. */
    static boolean honoursRetryAfter(int status) {
        return status == 503 || status == 429;
    }

    /** Whether a failed attempt (no response) may be followed by another. */
    static boolean retryableFailure(IOException e) {
        if (e instanceof PoolTimeoutException) {
            return false; // the pool is full: another attempt would wait for the same pool
        }
        if (e instanceof HttpTimeoutException t) {
            return switch (t.phase()) {
                case CONNECT, TLS_HANDSHAKE, RESPONSE_HEADERS, ATTEMPT -> true;
                default -> false; // TOTAL, DEADLINE: the call's time is gone
            };
        }
        if (e instanceof ClientException c) {
            return switch (c.kind()) {
                case REFUSED, RESET, PREMATURE_EOF -> true;
                default -> false;
            };
        }
        return false;
    }

    private static String headerOf(ClientResponse resp, String name) {
        return resp.headers().first(name);
    }
}
