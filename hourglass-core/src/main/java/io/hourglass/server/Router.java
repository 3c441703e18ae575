package io.hourglass.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Routes requests by method, host and path pattern with Go 1.22 ServeMux's rules, and runs filters around
 * them.
 *
 * <p><b>Patterns.</b> {@code [METHOD ][HOST]/path}, e.g. {@code GET /users/{id}}, {@code /files/},
 * {@code api.example.com/v1/{rest...}}, {@code GET /{$}}. A literal segment matches itself; {@code {name}}
 * matches one non-empty segment; {@code {name...}}, last only, matches the rest of the path; a path that ends
 * in a slash matches that path and everything below it; {@code {$}} after a final slash matches that path
 * only. Segments are matched percent-decoded ({@code %2F} stays inside its segment), and the values of
 * wildcards ({@link Request#pathParam}) are decoded. No method matches every method; GET also serves HEAD.
 *
 * <p><b>Precedence.</b> The most specific matching pattern wins, whatever the order routes were added in:
 * a pattern is more specific than another when it matches a strict subset of its requests (a literal beats
 * a wildcard, a longer literal prefix beats a shorter one, a method beats no method). Two patterns that
 * match some request in common with neither more specific conflict: adding the second throws an
 * {@link IllegalArgumentException} naming both and a request they share. A pattern with a host takes
 * precedence over those without one when the request's host (Host header, port removed) matches it.
 *
 * <p><b>Redirects and errors.</b> A path that is not clean ({@code //}, {@code /./}, {@code /../}) is
 * redirected to its clean form; {@code /dir} is redirected to {@code /dir/} when only {@code /dir/} (or a
 * pattern below it) would match. Both use 301 for GET and HEAD, and 308 (which keeps the method and body)
 * for other methods. A path that matches patterns of other methods only gets 405 with an Allow header; no
 * match at all runs the {@linkplain #notFound not-found handler} (404).
 *
 * <p><b>Filters and groups.</b> {@link #use} adds filters; on the root router they run around everything
 * it handles (redirects, 404 and 405 included), in the order added: the first added runs first. A
 * {@linkplain #group group} shares a path prefix (and optionally a host) and has filters of its own, which
 * run after the root's and its parent groups' filters for the routes added through it, and for 404 and
 * 405 answers of paths under its prefix (so a CORS filter on a group also answers preflight requests).
 *
 * <p>Add routes and filters before the router serves requests; changes made while it serves are seen by
 * later requests (the route table is rebuilt on the first request after a change).
 */
public final class Router implements Handler {
    private final Router root;                 // this, for the root router
    private final Router parent;               // null for the root
    private final String groupHost;            // a group's host, or null
    private final String groupPath;            // a group's whole path prefix ("" for the root)
    private final List<Filter> filters = new ArrayList<>(); // guarded by root.lock

    // Root only: the registered routes and groups, and the compiled table.
    private final ReentrantLock lock;
    private final List<RouteTable.Route> routes;  // guarded by lock
    private final List<Router> groups;            // guarded by lock
    private Handler notFound = (req, res) -> {    // guarded by lock
        res.status(404);
        res.send("not found\n");
    };
    private volatile RouteTable table; // null after a change; the next request compiles it (racing compiles agree)

    /** An empty router: every request gets 404 until routes are added. */
    public Router() {
        this.root = this;
        this.parent = null;
        this.groupHost = null;
        this.groupPath = "";
        this.lock = new ReentrantLock();
        this.routes = new ArrayList<>();
        this.groups = new ArrayList<>();
    }

    private Router(Router parent, String host, String path) {
        this.root = parent.root;
        this.parent = parent;
        this.groupHost = host;
        this.groupPath = path;
        this.lock = null;
        this.routes = null;
        this.groups = null;
    }

    /**
     * Adds a route from a whole pattern, {@code "[METHOD ][HOST]/path"}: {@code "GET /users/{id}"},
     * {@code "/static/"} (every method). On a {@linkplain #group group} the path (and the host, if the
     * group has one) is relative to the group's prefix.
     *
     * @param pattern the pattern, with the syntax of the class comment; surrounding spaces are ignored
     * @param handler what runs for the requests the pattern matches, inside the filters of this router's
     *     groups (and the root's)
     * @return this router, for chaining
     * @throws IllegalArgumentException when the pattern is malformed (the message says what is wrong), names a
     *     host other than its group's, or conflicts with a route added before (the message names both and a
     *     request they share)
     * @throws NullPointerException when {@code pattern} or {@code handler} is null
     */
    public Router route(String pattern, Handler handler) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(handler, "handler");
        RoutePattern p = RoutePattern.parse(pattern);
        if (parent != null) {
            p = p.withPrefix(groupHost, groupPath);
        }
        root.add(p, handler, this);
        return this;
    }

    /**
     * Adds {@code GET [HOST]/path} (which serves HEAD too): {@code route("GET " + pattern, handler)}.
     *
     * @param pattern the pattern without a method, {@code "[HOST]/path"}
     * @param handler what runs for the requests it matches
     * @return this router, for chaining
     * @throws IllegalArgumentException as {@link #route(String, Handler)} does
     * @throws NullPointerException when {@code handler} is null
     */
    public Router get(String pattern, Handler handler) {
        return route("GET " + pattern, handler);
    }

    /**
     * Adds {@code POST [HOST]/path}: {@code route("POST " + pattern, handler)}.
     *
     * @param pattern the pattern without a method, {@code "[HOST]/path"}
     * @param handler what runs for the requests it matches
     * @return this router, for chaining
     * @throws IllegalArgumentException as {@link #route(String, Handler)} does
     * @throws NullPointerException when {@code handler} is null
     */
    public Router post(String pattern, Handler handler) {
        return route("POST " + pattern, handler);
    }

    /**
     * Adds {@code PUT [HOST]/path}: {@code route("PUT " + pattern, handler)}.
     *
     * @param pattern the pattern without a method, {@code "[HOST]/path"}
     * @param handler what runs for the requests it matches
     * @return this router, for chaining
     * @throws IllegalArgumentException as {@link #route(String, Handler)} does
     * @throws NullPointerException when {@code handler} is null
     */
    public Router put(String pattern, Handler handler) {
        return route("PUT " + pattern, handler);
    }

    /**
     * Adds {@code PATCH [HOST]/path}: {@code route("PATCH " + pattern, handler)}.
     *
     * @param pattern the pattern without a method, {@code "[HOST]/path"}
     * @param handler what runs for the requests it matches
     * @return this router, for chaining
     * @throws IllegalArgumentException as {@link #route(String, Handler)} does
     * @throws NullPointerException when {@code handler} is null
     */
    public Router patch(String pattern, Handler handler) {
        return route("PATCH " + pattern, handler);
    }

    /**
     * Adds {@code DELETE [HOST]/path}: {@code route("DELETE " + pattern, handler)}.
     *
     * @param pattern the pattern without a method, {@code "[HOST]/path"}
     * @param handler what runs for the requests it matches
     * @return this router, for chaining
     * @throws IllegalArgumentException as {@link #route(String, Handler)} does
     * @throws NullPointerException when {@code handler} is null
     */
    public Router delete(String pattern, Handler handler) {
        return route("DELETE " + pattern, handler);
    }

    /**
     * Adds filters, run in the order given (the first one outermost). On the root router they wrap every
     * request it handles; on a group, the group's routes and the 404 and 405 answers under its prefix.
     * They apply to routes added before and after this call alike.
     *
     * @param filters the filters, appended after those added before
     * @return this router, for chaining
     * @throws NullPointerException when a filter is null
     */
    public Router use(Filter... filters) {
        root.lock.lock();
        try {
            for (Filter f : filters) {
                this.filters.add(Objects.requireNonNull(f, "filter"));
            }
            root.table = null;
        } finally {
            root.lock.unlock();
        }
        return this;
    }

    /**
     * Adds a group of routes under a prefix, {@code "[HOST]/path"} without a trailing slash, e.g.
     * {@code "/api"} or {@code "/users/{id}"}: {@code routes} receives a router whose patterns are relative to
     * it ({@code get("/items")} adds {@code GET /api/items}) and whose {@link #use filters} apply only to it.
     * Groups nest.
     *
     * @param prefix the group's {@code "[HOST]/path"}: a path without a trailing slash (wildcards allowed),
     *     or {@code "host/"} for a group of a host alone
     * @param routes called once, at once, with the group's router to add its routes and filters
     * @return this router (not the group), for chaining
     * @throws IllegalArgumentException when the prefix is malformed, has a method or a trailing slash, or
     *     names a host other than the parent group's
     * @throws NullPointerException when {@code prefix} or {@code routes} is null
     */
    public Router group(String prefix, Consumer<Router> routes) {
        Objects.requireNonNull(routes, "routes");
        RoutePattern p = RoutePattern.parse(Objects.requireNonNull(prefix, "prefix"));
        boolean hostOnly = p.kinds.length == 1 && p.endsInMulti() && p.values[0].isEmpty(); // "/" or "host/"
        if (p.method != null || (p.endsInMulti() && !hostOnly)) {
            throw new IllegalArgumentException("bad group prefix \"" + prefix
                    + "\": expected \"[HOST]/path\" without a method or a trailing slash, e.g. \"/api\"");
        }
        if (p.host != null && groupHost != null && !p.host.equals(groupHost)) {
            throw new IllegalArgumentException("bad group prefix \"" + prefix + "\": its host differs from "
                    + "its parent group's host \"" + groupHost + "\"");
        }
        String path = groupPath + (hostOnly ? "" : p.pathText());
        Router g = new Router(this, p.host != null ? p.host : groupHost, path);
        root.lock.lock();
        try {
            root.groups.add(g);
            root.table = null;
        } finally {
            root.lock.unlock();
        }
        routes.accept(g);
        return this;
    }

    /**
     * The handler for requests that match no route (default: 404 "not found"). It runs inside the root's
     * filters, and inside a group's filters when the path is under the group's prefix. Root router only.
     *
     * @param handler what answers unmatched requests, replacing the one set before
     * @return this router, for chaining
     * @throws IllegalStateException when called on a group
     * @throws NullPointerException when {@code handler} is null
     */
    public Router notFound(Handler handler) {
        if (parent != null) {
            throw new IllegalStateException("notFound is set on the root router, not on a group");
        }
        Objects.requireNonNull(handler, "handler");
        lock.lock();
        try {
            notFound = handler;
            table = null;
        } finally {
            lock.unlock();
        }
        return this;
    }

    @Override
    public void handle(Request req, Response res) throws Exception {
        RouteTable t = root.table;
        if (t == null) {
            t = root.compile();
        }
        t.handle(req, res);
    }

    // ---- registration (root only) ----

    private void add(RoutePattern p, Handler handler, Router group) {
        lock.lock();
        try {
            for (RouteTable.Route o : routes) {
                RouteTable.checkConflict(p, o.pattern());
            }
            routes.add(new RouteTable.Route(p, handler, group, routes.size()));
            table = null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The methods this router's routes name, registration order, HEAD after GET and OPTIONS last (the server
     * answers {@code OPTIONS *} itself): the {@code Allow} value of {@link AsteriskOptions}. Null when a route
     * takes every method, since such a server's methods cannot be listed.
     */
    String allowedMethods() {
        Router r = root;
        r.lock.lock();
        try {
            java.util.Set<String> methods = new java.util.LinkedHashSet<>();
            for (RouteTable.Route route : r.routes) {
                String m = route.pattern().method;
                if (m == null) {
                    return null;
                }
                methods.add(m);
                if (m.equals("GET")) {
                    methods.add("HEAD");
                }
            }
            methods.remove("OPTIONS");
            methods.add("OPTIONS");
            return String.join(", ", methods);
        } finally {
            r.lock.unlock();
        }
    }

    private RouteTable compile() {
        lock.lock();
        try {
            RouteTable t = table;
            if (t != null) {
                return t; // another request compiled it while this one waited
            }
            t = RouteTable.compile(routes, groups, notFound, filters);
            table = t;
            return t;
        } finally {
            lock.unlock();
        }
    }

    // ---- what the table needs to know about a group ----

    /** This group's filters and its parents', outermost first; the root's own filters are not included. */
    List<Filter> groupFilters() {
        List<Filter> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    private static void collect(Router g, List<Filter> out) {
        if (g.parent == null) {
            return;
        }
        collect(g.parent, out);
        out.addAll(g.filters);
    }

    String groupHost() {
        return groupHost;
    }

    String groupPath() {
        return groupPath;
    }
}
