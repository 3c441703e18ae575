package io.hourglass.testing;

import io.hourglass.http.Headers;
import java.nio.charset.StandardCharsets;

/**
 * A request a {@link TestServer} received, as its handler saw it, its body read in full.
 *
 * @param sequence the request's number on this server, from 0
 * @param method the method, e.g. {@code GET}
 * @param target the request-target as sent, e.g. {@code /users/7?verbose=1}
 * @param headers the header fields (a copy)
 * @param body the body's bytes (empty without a body)
 * @param connectionId the id of the server connection that carried it: requests on one keep-alive connection
 *     share it
 */
public record RecordedRequest(int sequence, String method, String target, Headers headers, byte[] body,
        long connectionId) {
    /**
     * The first value of a header field.
     *
     * @param name the name, in any case
     * @return the value, or null when absent
     */
    public String header(String name) {
        return headers.first(name);
    }

    /** {@return the path of the target, without its query} */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** {@return the body as UTF-8 text} */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
