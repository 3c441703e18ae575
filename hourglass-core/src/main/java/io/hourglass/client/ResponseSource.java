package io.hourglass.client;

import io.hourglass.http.Headers;
import java.io.IOException;

/**
 * What a {@link ClientResponse}'s body reads from: the call that produced it, over HTTP/1.1 ({@link Exchange})
 * or HTTP/2 ({@link H2Call}). Internal.
 */
interface ResponseSource {
    /** Reads body bytes; -1 at the end. Bounded by the call's total deadline. */
    int readBody(byte[] b, int off, int len) throws IOException;

    /** Bytes readable without waiting. */
    int availableBody() throws IOException;

    /** The caller closed the body (before its end or after). */
    void closeBody();

    /** The response became unreachable without being closed. */
    void leaked();

    /** The trailer fields, once the body has been read to its end; empty otherwise. */
    Headers trailers();
}
