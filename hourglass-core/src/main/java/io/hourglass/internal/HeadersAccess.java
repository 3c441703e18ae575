package io.hourglass.internal;

import io.hourglass.http.Headers;

/**
 * The HTTP/1.1 codec's route to {@link Headers}' unchecked append, which is not public API.
 *
 * <p>The parser has already checked every byte of a field line (RFC 9112 section 5), so checking the name and
 * value again in {@link Headers#add} would only cost time on every request. The unchecked append is private
 * to {@code Headers}, which hands it to this class when it is initialized; this package is not exported
 * (issue 9: a public unchecked append let a handler bypass the CR/LF check and split a response). The same
 * pattern as the JDK's {@code SharedSecrets}.
 */
public final class HeadersAccess {
    /** What {@link Headers} lends to the codec. */
    @FunctionalInterface
    public interface Appender {
        /** Appends a field whose name and value the caller has already validated. */
        void append(Headers headers, String name, String value);
    }

    private static final Lent<Appender> APPENDER = new Lent<>("io.hourglass.http.Headers");

    private HeadersAccess() {}

    /** Called once by {@link Headers}' static initializer; a second call fails. */
    public static void install(Appender a) {
        APPENDER.install(a);
    }

    /**
     * Appends a field to {@code headers} without validating it. Only for bytes the codec has checked: a name of
     * token characters and a value without CR, LF, NUL or other controls.
     */
    public static void appendUnchecked(Headers headers, String name, String value) {
        APPENDER.get().append(headers, name, value);
    }
}
