package io.hourglass.server;

import io.hourglass.http.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One regular file as a response: validators, preconditions, then the whole file, one range, several
 * ranges as multipart/byteranges, or 416 (RFC 9110 sections 8.8, 13 and 14).
 */
final class FileResponse {
    private FileResponse() {}

    static void send(Request req, Response res, Path file, BasicFileAttributes a, StaticFiles cfg) throws IOException {
        long size = a.size();
        long modified = StaticFiles.modifiedSeconds(a);
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(a.lastModifiedTime().to(TimeUnit.NANOSECONDS))
                + "\"";
        Headers h = res.headers();
        h.set("ETag", etag);
        h.set("Last-Modified", Preconditions.formatDate(modified));
        if (cfg.cacheControlValue() != null) {
            h.set("Cache-Control", cfg.cacheControlValue());
        }
        int pre = Preconditions.evaluate(req, etag, modified);
        if (pre == Preconditions.NOT_MODIFIED) {
            h.remove("Last-Modified"); // the ETag is the better validator; RFC 9110 section 15.4.5 lists what a 304 carries
            res.status(304);
            return;
        }
        if (pre == Preconditions.FAILED) {
            StaticFiles.text(res, 412, "precondition failed");
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            String type = MediaTypes.byName(file.getFileName().toString());
            if (type == null) {
                type = sniff(ch);
            }
            ByteRanges.Decision d = rangeDecision(req, etag, modified, size);
            if (d.unsatisfiable()) {
                h.set("Content-Range", "bytes */" + size);
                StaticFiles.text(res, 416, "range not satisfiable");
                return;
            }
            h.set("Accept-Ranges", "bytes");
            if (d.ignore()) {
                h.set("Content-Type", type);
                res.contentLength(size);
                if (!req.method().equals("HEAD")) {
                    StaticFiles.Transfer t = new StaticFiles.Transfer(res, cfg, size);
                    t.copy(ch, 0, size);
                    t.finish();
                }
                return;
            }
            res.status(206);
            List<ByteRanges.Range> ranges = d.ranges();
            if (ranges.size() == 1) {
                ByteRanges.Range r = ranges.get(0);
                h.set("Content-Type", type);
                h.set("Content-Range", r.contentRange(size));
                res.contentLength(r.length());
                StaticFiles.Transfer t = new StaticFiles.Transfer(res, cfg, r.length());
                t.copy(ch, r.first(), r.length());
                t.finish();
                return;
            }
            multipart(res, ch, type, ranges, size, cfg);
        }
    }

    /** Range is defined for GET only (RFC 9110 section 14.2), and a failed If-Range asks for the whole file. */
    private static ByteRanges.Decision rangeDecision(Request req, String etag, long modified, long size) {
        List<String> ranges = req.headers().all("Range");
        if (ranges.size() != 1 || !req.method().equals("GET") || !Preconditions.ifRange(req, etag, modified)) {
            return ByteRanges.Decision.IGNORE;
        }
        return ByteRanges.decide(ranges.get(0), size);
    }

    private static void multipart(Response res, FileChannel ch, String type, List<ByteRanges.Range> ranges, long size,
            StaticFiles cfg) throws IOException {
        String boundary = ByteRanges.newBoundary();
        long length = ByteRanges.multipartLength(boundary, type, ranges, size);
        res.headers().set("Content-Type", "multipart/byteranges; boundary=" + boundary);
        res.contentLength(length);
        StaticFiles.Transfer t = new StaticFiles.Transfer(res, cfg, length);
        for (int i = 0; i < ranges.size(); i++) {
            ByteRanges.Range r = ranges.get(i);
            t.write(ByteRanges.partHead(boundary, type, r, size, i == 0));
            t.copy(ch, r.first(), r.length());
        }
        t.write(ByteRanges.closing(boundary));
        t.finish();
    }

    private static String sniff(FileChannel ch) throws IOException {
        byte[] b = new byte[512];
        ByteBuffer bb = ByteBuffer.wrap(b);
        int n = 0;
        while (bb.hasRemaining()) {
            int k = ch.read(bb, n);
            if (k < 0) {
                break;
            }
            n += k;
        }
        return MediaTypes.sniff(b, n);
    }
}
