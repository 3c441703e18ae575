package io.hourglass.internal.h2;

import io.hourglass.http.Headers;

/**
 * A request's header section received over HTTP/2, checked by {@link H2Messages#request}.
 *
 * @param method        {@code :method}
 * @param scheme        {@code :scheme}; null for CONNECT
 * @param authority     {@code :authority}, or null when the request had none
 * @param path          {@code :path} (origin form, or {@code *} for OPTIONS); null for CONNECT
 * @param headers       the regular fields, names lowercase, as a handler sees them on HTTP/1.1 too: a
 *                      {@code host} field holding {@code :authority} first when the request had no Host,
 *                      and several {@code cookie} fields joined into one with "; " (RFC 9113 section 8.2.3)
 * @param contentLength the {@code content-length} value, or -1 when absent; the connection checks the DATA
 *                      frames against it (section 8.1.1)
 */
public record H2RequestHead(String method, String scheme, String authority, String path, Headers headers,
                            long contentLength) {
}
