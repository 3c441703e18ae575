package io.hourglass.internal.h2;

import io.hourglass.http.Headers;

/**
 * A response's header section received over HTTP/2, checked by {@link H2Messages#response}: a final
 * response, or an interim one when {@code status} is 1xx (section 8.1: more HEADERS follow).
 *
 * @param status        {@code :status}, 100 to 599 but never 101 (section 8.6)
 * @param headers       the regular fields, names lowercase
 * @param contentLength the {@code content-length} value, or -1 when absent
 */
public record H2ResponseHead(int status, Headers headers, long contentLength) {
    /** Whether this is an interim (1xx) response. */
    public boolean interim() {
        return status < 200;
    }
}
