package io.hourglass.client;

import io.hourglass.client.CookieJar.Cookie;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/** RFC 6265's {@code Set-Cookie} parsing (section 5.2), storage rules (5.3), and its matching helpers. */
final class SetCookie {
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

    private SetCookie() {}

    static Cookie parse(URI uri, String header, Instant now) {
        int semi = header.indexOf(';');
        String pair = semi < 0 ? header : header.substring(0, semi);
        int eq = pair.indexOf('=');
        if (eq < 0) {
            return null; // section 5.2 step 2
        }
        String name = trim(pair.substring(0, eq));
        String value = trim(pair.substring(eq + 1));
        if (name.isEmpty()) {
            return null;
        }
        Instant expires = null;
        Instant maxAge = null;
        String domain = null;
        String path = null;
        boolean secure = false;
        boolean httpOnly = false;
        String rest = semi < 0 ? "" : header.substring(semi + 1);
        for (String av : rest.split(";", -1)) {
            int e = av.indexOf('=');
            String an = trim(e < 0 ? av : av.substring(0, e)).toLowerCase(Locale.ROOT);
            String v = e < 0 ? "" : trim(av.substring(e + 1));
            switch (an) {
                case "expires" -> {
                    Instant t = date(v);
                    if (t != null) expires = t;
                }
                case "max-age" -> {
                    Instant t = maxAge(v, now);
                    if (t != null) maxAge = t;
                }
                case "domain" -> {
                    if (!v.isEmpty()) domain = (v.startsWith(".") ? v.substring(1) : v).toLowerCase(Locale.ROOT);
                }
                case "path" -> path = v.startsWith("/") ? v : null;
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                default -> { } // unknown attributes are ignored (section 5.2 step 6)
            }
        }
        return store(uri, name, value, maxAge != null ? maxAge : expires, domain, path, secure, httpOnly);
    }

    /** Section 5.3: resolves domain and path against the URL, or refuses the cookie. */
    private static Cookie store(URI uri, String name, String value, Instant expires, String domain, String path,
            boolean secure, boolean httpOnly) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        boolean hostOnly = domain == null;
        if (domain != null) {
            if (domain.indexOf('.') < 0 && !domain.equals(host)) {
                return null; // a single label is a public suffix (step 5; no list here)
            }
            if (domain.equals(host)) {
                hostOnly = domain.indexOf('.') < 0; // a public suffix equal to the host: host-only
            } else if (!domainMatches(host, domain)) {
                return null; // step 6: a domain the host is not within
            }
        }
        if (secure && !https) {
            return null; // RFC 6265bis section 5.7 step 8: only a secure origin sets a Secure cookie
        }
        String p = path != null ? path : defaultPath(uri.getRawPath());
        if (name.startsWith("__Secure-") && !secure
                || name.startsWith("__Host-") && (!secure || !hostOnly || !p.equals("/"))) {
            return null; // RFC 6265bis section 4.1.3: the prefixes' promises
        }
        return new Cookie(name, value, hostOnly ? host : domain, p, expires, hostOnly, secure, httpOnly);
    }

    /** Section 5.1.3: identical, or {@code domain} a suffix of a host name after a dot. */
    static boolean domainMatches(String host, String domain) {
        if (host.equals(domain)) {
            return true;
        }
        return host.endsWith(domain) && host.length() > domain.length()
                && host.charAt(host.length() - domain.length() - 1) == '.' && !isIp(host);
    }

    private static boolean isIp(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** Section 5.1.4: the same path, or one below it. */
    static boolean pathMatches(String requestPath, String cookiePath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        return requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    /** Section 5.1.4: the directory of the request path. */
    static String defaultPath(String uriPath) {
        if (uriPath == null || !uriPath.startsWith("/")) {
            return "/";
        }
        int last = uriPath.lastIndexOf('/');
        return last == 0 ? "/" : uriPath.substring(0, last);
    }

    private static Instant maxAge(String v, Instant now) {
        if (v.isEmpty() || !(Character.isDigit(v.charAt(0)) || v.charAt(0) == '-')) {
            return null;
        }
        for (int i = 1; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return null;
            }
        }
        if (v.startsWith("-") || v.chars().allMatch(c -> c == '0')) {
            return Instant.EPOCH; // section 5.2.2: zero or negative is "the earliest representable time"
        }
        long seconds = v.length() > 12 ? 999_999_999_999L : Long.parseLong(v); // ~31 000 years: enough
        return now.plusSeconds(seconds);
    }

    private static String trim(String s) {
        int a = 0, b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) a++;
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) b--;
        return s.substring(a, b);
    }

    /** Section 5.1.1's cookie-date: tokens between delimiters, each taken as time, day, month or year. */
    static Instant date(String s) {
        int hour = -1, minute = -1, second = -1, day = -1, month = -1, year = -1;
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && delimiter(s.charAt(i))) i++;
            int start = i;
            while (i < s.length() && !delimiter(s.charAt(i))) i++;
            if (start == i) {
                break;
            }
            String t = s.substring(start, i);
            int[] hms = hour < 0 ? time(t) : null;
            if (hms != null) {
                hour = hms[0];
                minute = hms[1];
                second = hms[2];
            } else if (day < 0 && digits(t, 1, 2) >= 0) {
                day = digits(t, 1, 2);
            } else if (month < 0 && t.length() >= 3 && MONTHS.indexOf(t.substring(0, 3).toLowerCase(Locale.ROOT)) % 3 == 0) {
                month = MONTHS.indexOf(t.substring(0, 3).toLowerCase(Locale.ROOT)) / 3 + 1;
            } else if (year < 0 && digits(t, 2, 4) >= 0) {
                year = digits(t, 2, 4);
            }
        }
        if (year >= 70 && year <= 99) year += 1900;
        else if (year >= 0 && year <= 69) year += 2000;
        if (hour < 0 || day < 1 || day > 31 || month < 1 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null; // 31 February
        }
    }

    private static boolean delimiter(char c) {
        return c == 0x09 || c >= 0x20 && c <= 0x2f || c >= 0x3b && c <= 0x40 || c >= 0x5b && c <= 0x60
                || c >= 0x7b && c <= 0x7e;
    }

    /** The value of {@code min} to {@code max} leading digits followed by nothing or a non-digit; else -1. */
    private static int digits(String t, int min, int max) {
        int n = 0;
        while (n < t.length() && n <= max && Character.isDigit(t.charAt(n))) n++;
        if (n < min || n > max) {
            return -1;
        }
        return Integer.parseInt(t.substring(0, n));
    }

    /** hms-time = 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT, then anything after a non-digit. */
    private static int[] time(String t) {
        String[] parts = t.split(":", 3);
        if (parts.length != 3) {
            return null;
        }
        int h = digitsExactly(parts[0]);
        int m = digitsExactly(parts[1]);
        int sec = digits(parts[2], 1, 2);
        return h < 0 || m < 0 || sec < 0 ? null : new int[] {h, m, sec};
    }

    private static int digitsExactly(String t) {
        return t.length() >= 1 && t.length() <= 2 && t.chars().allMatch(Character::isDigit) ? Integer.parseInt(t) : -1;
    }
}
