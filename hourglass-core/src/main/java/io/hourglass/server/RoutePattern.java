package io.hourglass.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One parsed route pattern, {@code [METHOD ][HOST]/path}, with Go 1.22's ServeMux semantics, and the
 * comparison that decides which of two patterns is more specific.
 *
 * <p>Path segments are literals, {@code {name}} (one non-empty segment), {@code {name...}} (the rest of the
 * path, last only) or {@code {$}} (the end of a path that ends in a slash, last only). A path that ends in a
 * slash without {@code {$}} matches that path and everything below it, as in Go. A {@code {$}} is kept as an
 * empty literal segment: a request path that ends in a slash splits into a last empty segment, which only it
 * (or a rest wildcard) matches.
 */
final class RoutePattern {
    static final int LITERAL = 0, WILD = 1, MULTI = 2;

    /** Relations between two patterns, as seen from the first one. */
    enum Rel { EQUIVALENT, MORE_SPECIFIC, MORE_GENERAL, OVERLAPS, DISJOINT }

    final String text;      // as registered, for messages
    final String method;    // null: any method
    final String host;      // null: any host; lower case
    final int[] kinds;      // per segment: LITERAL, WILD or MULTI
    final String[] values;  // per segment: the literal, or the wildcard's name ("" for a trailing slash)

    private RoutePattern(String text, String method, String host, int[] kinds, String[] values) {
        this.text = text;
        this.method = method;
        this.host = host;
        this.kinds = kinds;
        this.values = values;
    }

    /** Parses {@code [METHOD ][HOST]/path}; a bad pattern gets a message naming it and what is wrong. */
    static RoutePattern parse(String text) {
        String s = text.strip();
        String method = null;
        int sp = s.indexOf(' ');
        if (sp >= 0) {
            method = s.substring(0, sp);
            s = s.substring(sp + 1).stripLeading();
            for (int i = 0; i < method.length(); i++) {
                if (!io.hourglass.http.Headers.isTokenChar(method.charAt(i))) {
                    throw bad(text, "the method \"" + method + "\" is not a token");
                }
            }
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw bad(text, "the path must start with '/'");
        }
        String host = slash == 0 ? null : s.substring(0, slash).toLowerCase(Locale.ROOT);
        if (host != null && (host.indexOf('{') >= 0 || host.indexOf(' ') >= 0)) {
            throw bad(text, "the host \"" + host + "\" may not hold wildcards or spaces");
        }
        return parsePath(text, method, host, s.substring(slash));
    }

    private static RoutePattern parsePath(String text, String method, String host, String path) {
        String[] raw = path.substring(1).split("/", -1);
        List<Integer> kinds = new ArrayList<>(raw.length);
        List<String> values = new ArrayList<>(raw.length);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.length; i++) {
            String seg = raw[i];
            boolean last = i == raw.length - 1;
            if (seg.isEmpty()) {
                if (!last) {
                    throw bad(text, "empty segment (\"//\") in the path");
                }
                kinds.add(MULTI); // a trailing slash: this path and everything below it
                values.add("");
                continue;
            }
            if (seg.equals(".") || seg.equals("..")) {
                throw bad(text, "the path must be clean (no \".\" or \"..\" segments)");
            }
            if (seg.indexOf('{') < 0 && seg.indexOf('}') < 0) {
                kinds.add(LITERAL);
                values.add(seg);
                continue;
            }
            if (seg.charAt(0) != '{' || seg.charAt(seg.length() - 1) != '}' || seg.indexOf('{', 1) >= 0) {
                throw bad(text, "a wildcard must be a whole segment, got \"" + seg + "\"");
            }
            String name = seg.substring(1, seg.length() - 1);
            if (name.equals("$")) {
                if (!last) {
                    throw bad(text, "{$} must be the last segment");
                }
                kinds.add(LITERAL);
                values.add(""); // matches only the empty segment after a final slash
                continue;
            }
            int kind = WILD;
            if (name.endsWith("...")) {
                if (!last) {
                    throw bad(text, "{name...} must be the last segment");
                }
                kind = MULTI;
                name = name.substring(0, name.length() - 3);
            }
            if (!isIdentifier(name)) {
                throw bad(text, "bad wildcard name \"" + name + "\" (letters, digits and '_', not starting with a digit)");
            }
            if (!names.add(name)) {
                throw bad(text, "the wildcard name \"" + name + "\" appears twice");
            }
            kinds.add(kind);
            values.add(name);
        }
        int[] k = new int[kinds.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = kinds.get(i);
        }
        return new RoutePattern(text.strip(), method, host, k, values.toArray(new String[0]));
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad route pattern \"" + text + "\": " + why
                + " (expected \"METHOD /pattern\" or \"/pattern\", a host optionally before the path as in"
                + " \"GET example.com/users/{id}\"; wildcards {name}, {name...} at the end, {$})");
    }

    /** A copy with {@code prefix} (a group's path, e.g. {@code /api}) in front of the path. */
    RoutePattern withPrefix(String groupHost, String prefixPath) {
        String h = host;
        if (groupHost != null) {
            if (host != null && !host.equals(groupHost)) {
                throw bad(text, "its host differs from its group's host \"" + groupHost + "\"");
            }
            h = groupHost;
        }
        String path = prefixPath + pathText();
        String full = (method == null ? "" : method + " ") + (h == null ? "" : h) + path;
        return parsePath(full, method, h, path);
    }

    /** The path part as registered (wildcards spelled out). */
    String pathText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kinds.length; i++) {
            b.append('/');
            switch (kinds[i]) {
                case LITERAL -> b.append(values[i].isEmpty() ? "{$}" : values[i]);
                case WILD -> b.append('{').append(values[i]).append('}');
                default -> b.append(values[i].isEmpty() ? "" : "{" + values[i] + "...}");
            }
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    boolean endsInMulti() {
        return kinds.length > 0 && kinds[kinds.length - 1] == MULTI;
    }

    /** Whether every segment is a literal (so the pattern matches exactly one path). */
    boolean isLiteral() {
        for (int k : kinds) {
            if (k != LITERAL) {
                return false;
            }
        }
        return true;
    }

    /** The one path a literal pattern matches, as a request would spell it. */
    String literalPath() {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            b.append('/').append(v);
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    /** Whether this pattern's method accepts a request's method (GET also serves HEAD). */
    boolean acceptsMethod(String m) {
        return method == null || method.equals(m) || (m.equals("HEAD") && method.equals("GET"));
    }

    /**
     * Matches decoded path segments; returns the index of the first segment a rest wildcard took (the
     * segment count when none did), or -1 when the path does not match.
     */
    int match(String[] segs) {
        int n = kinds.length;
        for (int i = 0; i < n; i++) {
            int k = kinds[i];
            if (k == MULTI) {
                return i < segs.length ? i : -1;
            }
            if (i >= segs.length) {
                return -1;
            }
            if (k == WILD) {
                if (segs[i].isEmpty()) {
                    return -1;
                }
            } else if (!values[i].equals(segs[i])) {
                return -1;
            }
        }
        return n == segs.length ? n : -1;
    }

    /** Whether the segments before a final rest wildcard match the start of {@code segs}. */
    boolean matchesPrefix(String[] segs) {
        int n = endsInMulti() ? kinds.length - 1 : kinds.length;
        if (segs.length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            boolean ok = kinds[i] == WILD ? !segs[i].isEmpty() : values[i].equals(segs[i]);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ---- precedence (Go 1.22: the more specific pattern wins; neither more specific is a conflict) ----

    /** How this pattern relates to {@code o} when both have the same host. */
    Rel compare(RoutePattern o) {
        Rel m = compareMethods(o);
        if (m == Rel.DISJOINT) {
            return Rel.DISJOINT;
        }
        return combine(m, comparePaths(o));
    }

    private Rel compareMethods(RoutePattern o) {
        if (java.util.Objects.equals(method, o.method)) return Rel.EQUIVALENT;
        if (method == null) return Rel.MORE_GENERAL;
        if (o.method == null) return Rel.MORE_SPECIFIC;
        if (method.equals("GET") && o.method.equals("HEAD")) return Rel.MORE_GENERAL;
        if (method.equals("HEAD") && o.method.equals("GET")) return Rel.MORE_SPECIFIC;
        return Rel.DISJOINT;
    }

    private Rel comparePaths(RoutePattern o) {
        if (kinds.length != o.kinds.length && !endsInMulti() && !o.endsInMulti()) {
            return Rel.DISJOINT;
        }
        Rel rel = Rel.EQUIVALENT;
        int n = Math.min(kinds.length, o.kinds.length);
        for (int i = 0; i < n; i++) {
            rel = combine(rel, compareSegments(kinds[i], values[i], o.kinds[i], o.values[i]));
            if (rel == Rel.DISJOINT) {
                return rel;
            }
        }
        if (kinds.length == o.kinds.length) {
            return rel;
        }
        // Only a shorter pattern ending in a rest wildcard can still match what the longer one matches.
        if (kinds.length < o.kinds.length && endsInMulti()) {
            return combine(rel, Rel.MORE_GENERAL);
        }
        if (o.kinds.length < kinds.length && o.endsInMulti()) {
            return combine(rel, Rel.MORE_SPECIFIC);
        }
        return Rel.DISJOINT;
    }

    private static Rel compareSegments(int k1, String v1, int k2, String v2) {
        if (k1 == MULTI && k2 == MULTI) return Rel.EQUIVALENT;
        if (k1 == MULTI) return Rel.MORE_GENERAL;
        if (k2 == MULTI) return Rel.MORE_SPECIFIC;
        if (k1 == WILD && k2 == WILD) return Rel.EQUIVALENT;
        if (k1 == WILD) return v2.isEmpty() ? Rel.DISJOINT : Rel.MORE_GENERAL; // {x} never matches {$}
        if (k2 == WILD) return v1.isEmpty() ? Rel.DISJOINT : Rel.MORE_SPECIFIC;
        return v1.equals(v2) ? Rel.EQUIVALENT : Rel.DISJOINT;
    }

    private static Rel combine(Rel a, Rel b) {
        return switch (a) {
            case EQUIVALENT -> b;
            case DISJOINT -> Rel.DISJOINT;
            case OVERLAPS -> b == Rel.DISJOINT ? Rel.DISJOINT : Rel.OVERLAPS;
            case MORE_GENERAL, MORE_SPECIFIC -> {
                if (b == Rel.EQUIVALENT) yield a;
                if (b == inverse(a)) yield Rel.OVERLAPS;
                yield b;
            }
        };
    }

    private static Rel inverse(Rel r) {
        return switch (r) {
            case MORE_GENERAL -> Rel.MORE_SPECIFIC;
            case MORE_SPECIFIC -> Rel.MORE_GENERAL;
            default -> r;
        };
    }

    /** A request both patterns match (for the conflict message), e.g. {@code GET /a/b}. */
    String commonExample(RoutePattern o) {
        String m = method != null ? method : o.method != null ? o.method : "GET";
        if (method != null && o.method != null && !method.equals(o.method)) {
            m = "HEAD"; // GET and HEAD: a HEAD request matches both
        }
        StringBuilder b = new StringBuilder();
        int n = Math.max(kinds.length, o.kinds.length);
        for (int i = 0; i < n; i++) {
            String v = exampleSegment(i, o);
            if (v == null) {
                break;
            }
            b.append('/').append(v);
        }
        return m + " " + (b.length() == 0 ? "/" : b.toString());
    }

    private String exampleSegment(int i, RoutePattern o) {
        boolean mine = i < kinds.length && kinds[i] != MULTI;
        boolean theirs = i < o.kinds.length && o.kinds[i] != MULTI;
        if (!mine && !theirs) {
            return null; // both patterns are in their rest wildcard (or past their end): stop here
        }
        if (mine && kinds[i] == LITERAL) return values[i];
        if (theirs && o.kinds[i] == LITERAL) return o.values[i];
        return "x";
    }

    @Override
    public String toString() {
        return text;
    }
}
