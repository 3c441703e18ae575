package io.hourglass.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Router}'s routes compiled for dispatch: immutable, built once after the routes change.
 *
 * <p>Per host (and once for patterns without a host) the routes are kept in an order where every pattern
 * comes before the patterns it is more specific than (a topological order of "more specific than"). Since
 * conflicting patterns are refused when added, any two patterns that match the same request are ordered
 * by specificity, so the first match in that order is the most specific one. Literal patterns are also in
 * a map by path: most requests of a typical service are found there without splitting the path.
 */
final class RouteTable {
    record Route(RoutePattern pattern, Handler handler, Router group, int order) {}

    private record Compiled(RoutePattern p, Handler chain) {}

    private record Found(Compiled c, int rest) {
        boolean exact(String[] segs) {
            return !c.p.endsInMulti() || (rest == segs.length - 1 && segs[rest].isEmpty());
        }
    }

    private record Group(RoutePattern prefix, List<Filter> filters) {}

    /** The routes of one host (or of no host). */
    private static final class Sub {
        final Map<String, Compiled[]> literals = new HashMap<>();
        Compiled[] ordered;   // most specific first
        Compiled[] byOrder;   // as registered, for the Allow header
    }

    private final Sub any;
    private final Map<String, Sub> hosts;
    private final Group[] groups;  // most specific first
    private final Handler notFound;
    private final Handler entry;   // the root's filters around dispatch

    private RouteTable(Sub any, Map<String, Sub> hosts, Group[] groups, Handler notFound, List<Filter> rootFilters) {
        this.any = any;
        this.hosts = hosts;
        this.groups = groups;
        this.notFound = notFound;
        this.entry = wrap(rootFilters, this::dispatch);
    }

    /** Refuses {@code added} when it conflicts with {@code earlier} (Go 1.22's rule), naming both. */
    static void checkConflict(RoutePattern added, RoutePattern earlier) {
        if (!Objects.equals(added.host, earlier.host)) {
            return; // a host pattern and a host-less one never conflict: the host one is tried first
        }
        RoutePattern.Rel rel = added.compare(earlier);
        if (rel == RoutePattern.Rel.EQUIVALENT) {
            throw new IllegalArgumentException("route \"" + added + "\" matches the same requests as \"" + earlier
                    + "\", added earlier");
        }
        if (rel == RoutePattern.Rel.OVERLAPS) {
            throw new IllegalArgumentException("route \"" + added + "\" conflicts with \"" + earlier
                    + "\", added earlier: both match " + added.commonExample(earlier)
                    + " and neither is more specific than the other");
        }
    }

    static RouteTable compile(List<Route> routes, List<Router> groups, Handler notFound, List<Filter> rootFilters) {
        Map<String, List<Route>> byHost = new LinkedHashMap<>();
        List<Route> anyHost = new ArrayList<>();
        for (Route r : routes) {
            if (r.pattern().host == null) {
                anyHost.add(r);
            } else {
                byHost.computeIfAbsent(r.pattern().host, h -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Sub> hosts = new HashMap<>();
        byHost.forEach((h, rs) -> hosts.put(h, sub(rs)));
        List<Group> gs = new ArrayList<>();
        for (Router g : groups) {
            String host = g.groupHost();
            gs.add(new Group(RoutePattern.parse((host == null ? "" : host) + g.groupPath() + "/"), g.groupFilters()));
        }
        // Deeper prefixes first; a host group before a host-less one of the same depth.
        gs.sort((a, b) -> a.prefix.kinds.length != b.prefix.kinds.length
                ? b.prefix.kinds.length - a.prefix.kinds.length
                : Boolean.compare(a.prefix.host == null, b.prefix.host == null));
        return new RouteTable(sub(anyHost), hosts, gs.toArray(new Group[0]), notFound, List.copyOf(rootFilters));
    }

    private static Sub sub(List<Route> rs) {
        Sub s = new Sub();
        Compiled[] byOrder = new Compiled[rs.size()];
        for (int i = 0; i < byOrder.length; i++) {
            Route r = rs.get(i);
            byOrder[i] = new Compiled(r.pattern(), wrap(r.group().groupFilters(), r.handler()));
        }
        s.byOrder = byOrder;
        s.ordered = specificFirst(byOrder);
        Map<String, List<Compiled>> lits = new HashMap<>();
        for (Compiled c : s.ordered) {
            if (c.p.isLiteral()) {
                lits.computeIfAbsent(c.p.literalPath(), k -> new ArrayList<>()).add(c);
            }
        }
        lits.forEach((path, cs) -> s.literals.put(path, cs.toArray(new Compiled[0])));
        return s;
    }

    /** A topological order of "more specific than", ties broken by registration order. */
    private static Compiled[] specificFirst(Compiled[] cs) {
        int n = cs.length;
        boolean[][] before = new boolean[n][n]; // before[i][j]: i must come before j
        int[] indegree = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                RoutePattern.Rel rel = cs[i].p.compare(cs[j].p);
                if (rel == RoutePattern.Rel.MORE_SPECIFIC) {
                    before[i][j] = true;
                    indegree[j]++;
                } else if (rel == RoutePattern.Rel.MORE_GENERAL) {
                    before[j][i] = true;
                    indegree[i]++;
                }
            }
        }
        Compiled[] out = new Compiled[n];
        boolean[] done = new boolean[n];
        for (int k = 0; k < n; k++) {
            int next = 0;
            while (done[next] || indegree[next] != 0) {
                next++; // a cycle is impossible: "more specific" is a strict partial order
            }
            done[next] = true;
            out[k] = cs[next];
            for (int j = 0; j < n; j++) {
                if (before[next][j]) {
                    indegree[j]--;
                }
            }
        }
        return out;
    }

    static Handler wrap(List<Filter> filters, Handler h) {
        for (int i = filters.size() - 1; i >= 0; i--) {
            h = filters.get(i).wrap(h);
        }
        return h;
    }

    void handle(Request req, Response res) throws Exception {
        entry.handle(req, res);
    }

    // ---- dispatch ----

    private void dispatch(Request req, Response res) throws Exception {
        String path = req.path();
        if (path.isEmpty() || path.charAt(0) != '/') {
            miss(req, res, null, notFound); // e.g. OPTIONS *
            return;
        }
        String method = req.method();
        if (!method.equals("CONNECT") && !Paths.isClean(path)) {
            redirect(req, res, Paths.clean(path));
            return;
        }
        String host = hosts.isEmpty() ? null : requestHost(req);
        Sub hostSub = host == null ? null : hosts.get(host);
        if (hostSub == null && path.indexOf('%') < 0) {
            Compiled c = literal(method, path);
            if (c != null) {
                req.route(Map.of(), null);
                c.chain.handle(req, res);
                return;
            }
        }
        String[] segs = Paths.segments(path);
        Found f = find(hostSub, method, segs);
        if (f != null && f.exact(segs)) {
            run(f, segs, req, res);
            return;
        }
        if (!path.endsWith("/")) {
            String[] dir = Arrays.copyOf(segs, segs.length + 1);
            dir[segs.length] = "";
            Found d = find(hostSub, method, dir);
            if (d != null && d.exact(dir)) {
                redirect(req, res, path + "/");
                return;
            }
        }
        if (f != null) {
            run(f, segs, req, res);
            return;
        }
        String allowed = allowed(hostSub, segs);
        miss(req, res, segs, allowed == null ? notFound : (q, r) -> {
            r.status(405);
            r.header("Allow", allowed);
            r.send("method not allowed\n");
        });
    }

    private Compiled literal(String method, String path) {
        Compiled[] cs = any.literals.get(path);
        if (cs == null) {
            return null;
        }
        for (Compiled c : cs) {
            if (c.p.acceptsMethod(method)) {
                return c;
            }
        }
        return null;
    }

    private Found find(Sub hostSub, String method, String[] segs) {
        if (hostSub != null) {
            Found f = find(hostSub.ordered, method, segs);
            if (f != null) {
                return f;
            }
        }
        return find(any.ordered, method, segs);
    }

    private static Found find(Compiled[] ordered, String method, String[] segs) {
        for (Compiled c : ordered) {
            if (c.p.acceptsMethod(method)) {
                int rest = c.p.match(segs);
                if (rest >= 0) {
                    return new Found(c, rest);
                }
            }
        }
        return null;
    }

    private static void run(Found f, String[] segs, Request req, Response res) throws Exception {
        RoutePattern p = f.c.p;
        Map<String, String> params = Map.of();
        for (int i = 0; i < p.kinds.length; i++) {
            int k = p.kinds[i];
            if (k == RoutePattern.LITERAL || p.values[i].isEmpty()) {
                continue;
            }
            if (params.isEmpty()) {
                params = new LinkedHashMap<>();
            }
            params.put(p.values[i], k == RoutePattern.WILD ? segs[i]
                    : String.join("/", Arrays.asList(segs).subList(i, segs.length)));
        }
        req.route(params, p.endsInMulti() ? Paths.rawRest(req.path(), f.rest) : null);
        f.c.chain.handle(req, res);
    }

    /** The methods of the patterns that match this path, as registered (HEAD after GET), or null. */
    private String allowed(Sub hostSub, String[] segs) {
        Set<String> methods = new LinkedHashSet<>();
        for (Sub s : hostSub == null ? new Sub[] {any} : new Sub[] {hostSub, any}) {
            for (Compiled c : s.byOrder) {
                if (c.p.method != null && c.p.match(segs) >= 0) {
                    methods.add(c.p.method);
                    if (c.p.method.equals("GET")) {
                        methods.add("HEAD");
                    }
                }
            }
        }
        return methods.isEmpty() ? null : String.join(", ", methods);
    }

    /** Runs a 404 or 405 inside the filters of the most specific group whose prefix holds the path. */
    private void miss(Request req, Response res, String[] segs, Handler h) throws Exception {
        if (segs != null && groups.length > 0) {
            String host = null;
            for (Group g : groups) {
                if (g.prefix.host != null && host == null) {
                    host = requestHost(req);
                }
                if ((g.prefix.host == null || g.prefix.host.equals(host)) && g.prefix.matchesPrefix(segs)) {
                    req.route(Map.of(), null);
                    wrap(g.filters, h).handle(req, res);
                    return;
                }
            }
        }
        req.route(Map.of(), null);
        h.handle(req, res);
    }

    private static void redirect(Request req, Response res, String path) throws java.io.IOException {
        // A backslash after the first slash would make browsers read "/\evil.example" as "//evil.example".
        String location = path.replace("\\", "%5C");
        String q = req.query();
        if (!q.isEmpty()) {
            location = location + "?" + q;
        }
        String m = req.method();
        res.status(m.equals("GET") || m.equals("HEAD") ? 301 : 308); // 308 keeps the method (RFC 9110 15.4.9)
        res.header("Location", location);
        res.send("moved to " + location + "\n");
    }

    /** The request's host without its port, lower case: from an absolute-form target, else the Host field. */
    static String requestHost(Request req) {
        String t = req.target();
        String h;
        int scheme = t.indexOf("://");
        if (scheme > 0 && t.charAt(0) != '/') {
            int end = t.indexOf('/', scheme + 3);
            h = end < 0 ? t.substring(scheme + 3) : t.substring(scheme + 3, end);
        } else {
            h = req.header("Host");
            if (h == null) {
                return "";
            }
        }
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h.toLowerCase(Locale.ROOT) : h.substring(1, close).toLowerCase(Locale.ROOT);
        }
        int colon = h.lastIndexOf(':');
        return (colon < 0 ? h : h.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** Path syntax: cleaning (Go's cleanPath), splitting into decoded segments, the raw rest. */
    static final class Paths {
        private Paths() {}

        static boolean isClean(String p) {
            int n = p.length();
            for (int i = 0; i < n; i++) {
                if (p.charAt(i) != '/' || i + 1 == n) {
                    continue;
                }
                char c = p.charAt(i + 1);
                if (c == '/') {
                    return false;
                }
                if (c == '.' && (i + 2 == n || p.charAt(i + 2) == '/'
                        || p.charAt(i + 2) == '.' && (i + 3 == n || p.charAt(i + 3) == '/'))) {
                    return false;
                }
            }
            return true;
        }

        /** Removes empty, "." and ".." segments; keeps a trailing slash. */
        static String clean(String p) {
            List<String> out = new ArrayList<>();
            for (String s : p.split("/", -1)) {
                if (s.isEmpty() || s.equals(".")) {
                    continue;
                }
                if (s.equals("..")) {
                    if (!out.isEmpty()) {
                        out.remove(out.size() - 1);
                    }
                    continue;
                }
                out.add(s);
            }
            String c = "/" + String.join("/", out);
            boolean trailing = p.endsWith("/") || p.endsWith("/.") || p.endsWith("/..");
            return trailing && !c.equals("/") ? c + "/" : c;
        }

        /** "/a/b%2Fc/" -> ["a", "b/c", ""]: split at literal slashes, then percent-decoded. */
        static String[] segments(String path) {
            String[] segs = path.substring(1).split("/", -1);
            if (path.indexOf('%') >= 0) {
                for (int i = 0; i < segs.length; i++) {
                    segs[i] = decode(segs[i]);
                }
            }
            return segs;
        }

        /** The raw path after segment {@code index}'s leading slash: the part a rest wildcard matched. */
        static String rawRest(String path, int index) {
            int pos = 0;
            for (int i = 0; i <= index; i++) {
                pos = path.indexOf('/', pos) + 1;
            }
            return path.substring(pos);
        }

        /** Percent-decodes (UTF-8; '+' is not a space in a path); a malformed escape leaves it as it is. */
        static String decode(String s) {
            if (s.indexOf('%') < 0) {
                return s;
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c != '%') {
                    b.write(c); // the parser admits only visible ASCII in a target
                    continue;
                }
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    return s;
                }
                b.write(hi * 16 + lo);
                i += 2;
            }
            return b.toString(StandardCharsets.UTF_8);
        }
    }
}
