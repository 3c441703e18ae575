package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.io.ReadAhead;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A request's trailer section (see {@link ClientRequest.Builder#trailers(Collection, Supplier)}): the field
 * names declared when the request is built, and the supplier of their values, asked once the body has been
 * sent. Immutable; the supplier is the caller's.
 *
 * <p>Which names may be declared follows RFC 9110 section 6.5.1: a field whose meaning is needed before the
 * content is read cannot be a trailer. Those are refused here, when the request is built, so a forbidden
 * name never reaches the wire, and the supplier may only give values for declared names.
 */
final class RequestTrailers {
    /** Fields that cannot be trailers, lower case, with the reason a message gives (RFC 9110 section 6.5.1). */
    private static final Map<String, String> FORBIDDEN = forbidden();

    private static final Headers NONE = Headers.copyOf(new Headers(0));

    private final List<String> names;            // as declared, each once (case-insensitively)
    private final Supplier<Headers> values;

    private RequestTrailers(List<String> names, Supplier<Headers> values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Checks {@code names} and keeps them with {@code values}.
     *
     * @throws IllegalArgumentException naming the field, for an empty list, a name that is not a field name, a
     *     pseudo-header field, a name given twice, or a field RFC 9110 section 6.5.1 keeps out of trailers
     */
    static RequestTrailers of(Collection<String> names, Supplier<Headers> values) {
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(values, "values");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("request trailers: declare at least one trailer field name");
        }
        List<String> kept = new ArrayList<>(names.size());
        for (String n : names) {
            checkName(n);
            for (String k : kept) {
                if (k.equalsIgnoreCase(n)) {
                    throw new IllegalArgumentException("request trailers: field " + n + " is declared twice");
                }
            }
            kept.add(n);
        }
        return new RequestTrailers(List.copyOf(kept), values);
    }

    /**
     * Checks that {@code name} may be a request trailer field.
     *
     * @throws IllegalArgumentException naming the field and the rule it breaks
     */
    static void checkName(String name) {
        Objects.requireNonNull(name, "trailer field name");
        if (name.startsWith(":")) {
            // RFC 9113 section 8.1: pseudo-header fields belong to the header section only
            throw new IllegalArgumentException("request trailers: pseudo-header field " + name
                    + " is not allowed in a trailer section (RFC 9113 section 8.1)");
        }
        try {
            new Headers(1).add(name, ""); // a field name is a token, checked as every header name is
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("request trailers: " + e.getMessage(), e);
        }
        String why = FORBIDDEN.get(name.toLowerCase(Locale.ROOT));
        if (why != null) {
            throw new IllegalArgumentException("request trailers: " + name + " is not allowed in a trailer section: "
                    + why + " (RFC 9110 section 6.5.1)");
        }
    }

    /** {@return the declared names, in the order given} */
    List<String> names() {
        return names;
    }

    /** {@return the caller's supplier of the values} */
    Supplier<Headers> values() {
        return values;
    }

    /** {@return the declared names as the value of a {@code Trailer} field (RFC 9110 section 6.6.2)} */
    String declaration() {
        return String.join(", ", names);
    }

    /**
     * Asks the supplier for the values, on the calling thread, and checks them: only declared names (each any
     * number of times, or not at all). A null answer is no fields. The supplier's time is the call's: when
     * {@code call}'s deadline passed (or it was cancelled) while the supplier ran, that error is thrown now,
     * before the request's end goes out.
     *
     * @throws IOException when the supplier throws (the cause) or gives a field that was not declared, or the
     *     call's timeout or cancel: the request cannot be completed, so the caller cuts it (HTTP/1.1: no last
     *     chunk; HTTP/2: RST_STREAM)
     */
    Headers collect(ReadAhead.Waiter call) throws IOException {
        Headers h;
        try {
            h = values.get();
        } catch (RuntimeException e) {
            throw new IOException("request trailers: the supplier failed, so the request was cut before its end ("
                    + e + ")", e);
        }
        call.check(); // the deadline may have passed while the supplier ran: no wait would notice it
        if (h == null) {
            return NONE;
        }
        for (int i = 0; i < h.size(); i++) {
            if (!declared(h.name(i))) {
                throw new IOException("request trailers: the supplier gave " + h.name(i) + ", which was not declared ("
                        + declaration() + "), so the request was cut before its end");
            }
        }
        return h;
    }

    private boolean declared(String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> forbidden() {
        String framing = "it frames the message";
        String routing = "it routes the request";
        String connection = "it manages the connection";
        String auth = "it authenticates the request";
        String modifier = "it modifies how the request is handled (a control or a condition)";
        String content = "it describes the content's format";
        return Map.ofEntries(
                Map.entry("content-length", framing), Map.entry("transfer-encoding", framing),
                Map.entry("trailer", framing), Map.entry("te", framing),
                Map.entry("host", routing), Map.entry("max-forwards", routing),
                Map.entry("connection", connection), Map.entry("keep-alive", connection),
                Map.entry("proxy-connection", connection), Map.entry("upgrade", connection),
                Map.entry("authorization", auth), Map.entry("proxy-authorization", auth), Map.entry("cookie", auth),
                Map.entry("www-authenticate", auth), Map.entry("proxy-authenticate", auth),
                Map.entry("expect", modifier), Map.entry("range", modifier), Map.entry("if-range", modifier),
                Map.entry("if-match", modifier), Map.entry("if-none-match", modifier),
                Map.entry("if-modified-since", modifier), Map.entry("if-unmodified-since", modifier),
                Map.entry("cache-control", modifier), Map.entry("pragma", modifier),
                Map.entry("content-type", content), Map.entry("content-encoding", content),
                Map.entry("content-range", content));
    }
}
