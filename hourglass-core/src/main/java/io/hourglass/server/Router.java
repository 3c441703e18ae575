package io.hourglass.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes requests by method and path pattern: {@code GET /users/{id}}, {@code POST /echo},
 * {@code GET /files/{path...}}.
 *
 * <p>A pattern is a sequence of segments: literals match exactly; {@code {name}} matches one non-empty
 * segment; {@code {name...}} at the end matches the rest of the path. Routes are tried in the order they
 * were added. No match gives 404; a path that matches with other methods only gives 405 with an Allow
 * header. A HEAD request uses the GET route when no HEAD route matches.
 */
public final class Router implements Handler {
    private record Route(String method, String[] segments, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private Handler notFound = (req, res) -> {
        res.status(404);
        res.send("not found\n");
    };

    /** An empty router: every request gets 404 until routes are added. */
    public Router() {}

    /**
     * Adds a route. Routes are tried in the order they were added.
     *
     * @param methodAndPattern the method and path pattern, e.g. {@code "GET /users/{id}"}
     * @param handler handles the matching requests
     * @return this router
     * @throws IllegalArgumentException for a malformed route or pattern
     */
    public Router route(String methodAndPattern, Handler handler) {
        int sp = methodAndPattern.indexOf(' ');
        if (sp <= 0) {
            throw new IllegalArgumentException("route must be \"METHOD /pattern\", got \"" + methodAndPattern + "\"");
        }
        return add(methodAndPattern.substring(0, sp), methodAndPattern.substring(sp + 1).strip(), handler);
    }

    /**
     * Adds a GET route; same as {@code route("GET " + pattern, handler)}.
     *
     * @param pattern the path pattern, starting with {@code /}
     * @param handler handles the matching requests
     * @return this router
     * @throws IllegalArgumentException for a malformed pattern
     */
    public Router get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    /**
     * Adds a POST route; same as {@code route("POST " + pattern, handler)}.
     *
     * @param pattern the path pattern, starting with {@code /}
     * @param handler handles the matching requests
     * @return this router
     * @throws IllegalArgumentException for a malformed pattern
     */
    public Router post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    /**
     * Adds a PUT route; same as {@code route("PUT " + pattern, handler)}.
     *
     * @param pattern the path pattern, starting with {@code /}
     * @param handler handles the matching requests
     * @return this router
     * @throws IllegalArgumentException for a malformed pattern
     */
    public Router put(String pattern, Handler handler) {
        return add("PUT", pattern, handler);
    }

    /**
     * Adds a DELETE route; same as {@code route("DELETE " + pattern, handler)}.
     *
     * @param pattern the path pattern, starting with {@code /}
     * @param handler handles the matching requests
     * @return this router
     * @throws IllegalArgumentException for a malformed pattern
     */
    public Router delete(String pattern, Handler handler) {
        return add("DELETE", pattern, handler);
    }

    /**
     * Sets the handler for requests that match no route (default: 404 "not found").
     *
     * @param handler handles the unmatched requests
     * @return this router
     */
    public Router notFound(Handler handler) {
        this.notFound = java.util.Objects.requireNonNull(handler);
        return this;
    }

    private Router add(String method, String pattern, Handler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("pattern must start with '/', got \"" + pattern + "\"");
        }
        String[] segs = split(pattern);
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            if (s.startsWith("{") && s.endsWith("...}") && i != segs.length - 1) {
                throw new IllegalArgumentException("{name...} must be the last segment in \"" + pattern + "\"");
            }
        }
        routes.add(new Route(method, segs, java.util.Objects.requireNonNull(handler)));
        return this;
    }

    private static String[] split(String path) {
        if (path.equals("/")) {
            return new String[0];
        }
        String p = path.substring(1);
        return p.split("/", -1);
    }

    @Override
    public void handle(Request req, Response res) throws Exception {
        String[] segs = split(req.path().isEmpty() ? "/" : req.path());
        Set<String> allowed = null;
        Route getFallback = null;
        Map<String, String> fallbackParams = null;
        for (Route r : routes) {
            Map<String, String> params = match(r.segments, segs);
            if (params == null) {
                continue;
            }
            if (r.method.equals(req.method())) {
                req.pathParams = params;
                r.handler.handle(req, res);
                return;
            }
            if (getFallback == null && req.method().equals("HEAD") && r.method.equals("GET")) {
                getFallback = r;
                fallbackParams = params;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method);
        }
        if (getFallback != null) {
            req.pathParams = fallbackParams;
            getFallback.handler.handle(req, res);
            return;
        }
        if (allowed != null) {
            res.status(405);
            res.header("Allow", String.join(", ", allowed));
            res.send("method not allowed\n");
            return;
        }
        notFound.handle(req, res);
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            boolean param = p.length() > 2 && p.charAt(0) == '{' && p.charAt(p.length() - 1) == '}';
            if (param && p.endsWith("...}")) {
                String rest = i < path.length ? String.join("/", java.util.Arrays.copyOfRange(path, i, path.length)) : "";
                if (params == null) params = new LinkedHashMap<>();
                params.put(p.substring(1, p.length() - 4), rest);
                return params;
            }
            if (i >= path.length) {
                return null;
            }
            if (param) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (params == null) params = new LinkedHashMap<>();
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        if (pattern.length != path.length) {
            return null;
        }
        return params == null ? Map.of() : params;
    }
}
