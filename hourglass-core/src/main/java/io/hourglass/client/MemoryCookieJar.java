package io.hourglass.client;

import io.hourglass.client.CookieJar.Cookie;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** {@link CookieJar#inMemory()}: RFC 6265 sections 5.3 and 5.4 over a map in insertion (creation) order. */
final class MemoryCookieJar implements CookieJar {
    /** RFC 6265 section 6.1 asks for at least 3000 cookies in all; past that the oldest go. */
    static final int MAX_COOKIES = 3000;

    private record Key(String name, String domain, String path) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Cookie> cookies = new LinkedHashMap<>(); // guarded by lock

    @Override
    public List<Cookie> load(URI uri) {
        Instant now = Instant.now();
        List<Cookie> out = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Cookie> it = cookies.values().iterator(); it.hasNext(); ) {
                Cookie c = it.next();
                if (c.expired(now)) {
                    it.remove(); // section 5.3: expired cookies are removed
                } else if (c.matches(uri)) {
                    out.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        // section 5.4 step 2: longer paths first, then earlier creation (a stable sort keeps that order)
        out.sort(Comparator.comparingInt((Cookie c) -> c.path().length()).reversed());
        return out;
    }

    @Override
    public void save(URI uri, List<Cookie> list) {
        Instant now = Instant.now();
        lock.lock();
        try {
            for (Cookie c : list) {
                Key k = new Key(c.name(), c.domain(), c.path());
                // section 5.3 step 11: a new cookie replaces the old one but keeps its creation time (its place)
                if (c.expired(now)) {
                    cookies.remove(k);
                } else if (cookies.replace(k, c) == null) {
                    cookies.put(k, c);
                }
            }
            Iterator<Key> oldest = cookies.keySet().iterator();
            while (cookies.size() > MAX_COOKIES) {
                oldest.next();
                oldest.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "CookieJar.inMemory(" + cookies.size() + " cookies)";
        } finally {
            lock.unlock();
        }
    }
}
