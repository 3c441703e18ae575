package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.ResponseHead;
import java.io.IOException;

/**
 * A connection that can carry a call's exchange: the seam between the call's lifecycle ({@link Exchange}:
 * the pool, the deadlines, the retry, the errors, the events, what a timeout costs) and the protocol on the
 * wire. {@link ClientConn} is the HTTP/1.1 one: it carries one exchange at a time, its {@link H1Stream}.
 * {@link H2Connection} is the HTTP/2 one: it carries many at once, one stream each ({@link H2Call}).
 *
 * <p>Waiting: a stream's reads park the caller untimed; the stream calls {@link Exchange#check()} before it
 * hands bytes over and before it parks, and wakes the caller at the instant the call last gave to
 * {@link Stream#wakeAt}, running {@link Exchange#onAlarm()} then. So one mechanism serves every deadline of a
 * call, whatever carries it.
 */
interface Carrier {
    /** {@return the connection's id, as in messages and events ("connection #12")} */
    long id();

    /** {@return the protocol it speaks, as the metrics' {@code protocol} label: {@code http/1.1} or {@code h2}} */
    String protocol();

    /**
     * Opens this carrier's part of one call. HTTP/1.1: the connection itself, for the call's length (the pool
     * gave it to this call alone). HTTP/2: a new stream.
     *
     * @param call the call, which the stream checks while it waits and tells when its wake-up comes
     * @return the stream the call talks to until it ends
     */
    Stream open(Exchange call);

    /**
     * One exchange: a request out, its response in. Called on the caller's thread, but {@link #cancel} (any
     * thread) and {@link #wakeAt} (also the timer's). Every end of an exchange goes through exactly one of
     * {@link #complete}, {@link #abandon}, {@link #discard} and {@link #release}.
     */
    interface Stream {
        /** {@return the id of the connection that carries it} */
        long connectionId();

        /** {@return the HTTP/2 stream id, for messages; 0 over HTTP/1.1 and before the stream opened} */
        default int streamId() {
            return 0;
        }

        /**
         * Writes the request's head, then its body unless it waits for 100 Continue, and sends them.
         *
         * @param expectContinue the head asks for 100 Continue: the body waits for {@link #writeBody}
         * @param deadline the instant by which the request must be written (the call's), 0 for none
         */
        void writeRequest(ClientRequest req, boolean expectContinue, long deadline) throws IOException;

        /** Writes and sends the body held back for 100 Continue. */
        void writeBody(RequestBody body) throws IOException;

        /** The request is written: its write deadline no longer applies. */
        void requestWritten();

        /**
         * Reads a response head: the final one (other 1xx responses are skipped; 101 is final), or a 100
         * Continue when {@code stopAtContinue}. Waits parked, checking the call.
         */
        ResponseHead readHead(boolean stopAtContinue) throws IOException;

        /** Opens the body of the final head {@code h}: from now on the body methods below read it. */
        void openBody(ResponseHead h);

        int readBody(byte[] b, int off, int len) throws IOException;

        int bodyAvailable() throws IOException;

        /** {@return whether the body has been read to its end} */
        boolean bodyComplete();

        /** {@return the body bytes delivered so far} */
        long bodyDelivered();

        /** Wakes the waiting caller at {@code nanoTime}, 0 to disarm; see the class comment of {@link Carrier}. */
        void wakeAt(long nanoTime);

        /**
         * Whether nothing of the request reached the peer and the carrier is as good as before: a call that
         * failed before writing may give it back with {@link #release}.
         */
        boolean untouched();

        /** Whether the request was certainly not processed, so an idempotent call may send it again. */
        boolean retryable(IOException e);

        /**
         * How many times in all a call may be sent again after {@code e}, whatever its method, because the
         * server said it did not process it (HTTP/2: REFUSED_STREAM once, a stream above a GOAWAY's last
         * stream id or one that never opened twice; RFC 9113 section 8.7); 0 when it cannot say so.
         */
        default int unprocessedRetries(IOException e) {
            return 0;
        }

        /** {@return the response's trailer fields once its body has been read to its end; empty otherwise} */
        Headers trailers();

        /** The exchange ended normally (the body read, or closed, at its end). */
        void complete();

        /**
         * The call gave up after its request went out, before the response's end (a timeout, a cancel, a body
         * closed early): the carrier does what {@code policy} asks of it. HTTP/1.1: DRAIN reads the rest of the
         * response in the background and keeps the connection; CLOSE closes it. HTTP/2 resets the stream
         * either way and keeps the connection: it has nothing to drain.
         *
         * @param closeReason why, for the event, when the connection is closed instead
         */
        void abandon(TimeoutPolicy policy, String closeReason);

        /** The exchange failed in a way that spoils the carrier (HTTP/1.1: the connection is closed). */
        void discard(String reason);

        /** Nothing was sent ({@link #untouched}): the carrier goes back as it was. */
        void release();

        /** Another thread cancels the call: wakes the waiting caller, and stops a write in progress. */
        void cancel();
    }
}
