package io.hourglass.server;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type of a static file: by its extension (a built-in table of the types the web uses; text types
 * in UTF-8), else by a look at its first bytes, as Go's FileServer does.
 */
final class MediaTypes {
    private MediaTypes() {}

    private static final String UTF8 = "; charset=utf-8";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + UTF8), Map.entry("htm", "text/html" + UTF8),
            Map.entry("css", "text/css" + UTF8), Map.entry("js", "text/javascript" + UTF8),
            Map.entry("mjs", "text/javascript" + UTF8), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("xml", "text/xml" + UTF8), Map.entry("txt", "text/plain" + UTF8),
            Map.entry("csv", "text/csv" + UTF8), Map.entry("md", "text/markdown" + UTF8),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"), Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("pdf", "application/pdf"), Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"), Map.entry("wav", "audio/wav"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"), Map.entry("bin", "application/octet-stream"));

    /** The type for this file name's extension, or null when the extension is unknown or missing. */
    static String byName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return null;
        }
        return BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * The type of content that starts with these bytes: HTML when it opens like a page, plain text when it
     * has no binary control bytes and is valid UTF-8, else {@code application/octet-stream} (the WHATWG
     * sniffing algorithm's last steps, which Go's DetectContentType also ends with).
     */
    static String sniff(byte[] b, int n) {
        int i = 0;
        while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\f')) {
            i++;
        }
        String start = new String(b, i, Math.min(n - i, 16), java.nio.charset.StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        if (start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
                || start.startsWith("<body")) {
            return "text/html" + UTF8;
        }
        for (int k = 0; k < n; k++) {
            int c = b[k] & 0xff;
            // binary data bytes: 0x00-0x08, 0x0B, 0x0E-0x1A, 0x1C-0x1F (WHATWG MIME Sniffing, section 3)
            if (c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) {
                return "application/octet-stream";
            }
        }
        return validUtf8(b, n) ? "text/plain" + UTF8 : "application/octet-stream";
    }

    /** Valid UTF-8, allowing a sequence cut off at the end of the sample. */
    private static boolean validUtf8(byte[] b, int n) {
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xff;
            int more = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2
                    : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
            if (more < 0) {
                return false;
            }
            for (int k = 1; k <= more; k++) {
                if (i + k >= n) {
                    return true; // the sample ends inside a character
                }
                if ((b[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }
}
