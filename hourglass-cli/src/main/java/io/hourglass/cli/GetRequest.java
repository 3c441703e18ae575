package io.hourglass.cli;

import io.hourglass.client.ClientRequest;
import io.hourglass.client.RequestBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The request of {@code hourglass get} from its flags, as curl builds it: the method from {@code -X}, {@code -I}
 * or the data; the body from {@code -d}, {@code --data-binary} and {@code --data-raw} (curl's {@code @file}
 * read here, not by the argument parser); the headers from {@code -H}, {@code -u} and the data's form type.
 */
final class GetRequest {
    private GetRequest() {}

    static ClientRequest build(Get g) throws Get.Stop {
        byte[] body = body(g);
        if (g.head && g.method == null && body != null) {
            throw new Cli.UsageException("-I (HEAD) and data exclude each other: choose one method (or give -X)");
        }
        String m = g.method != null ? g.method : g.head ? "HEAD" : body != null ? "POST" : "GET";
        ClientRequest.Builder rb;
        try {
            rb = ClientRequest.builder(m, g.url);
            boolean contentType = false;
            for (String h : g.headers) {
                int c = h.indexOf(':');
                if (c <= 0) {
                    throw new Cli.UsageException("-H must be 'Name: value', got '" + h + "'");
                }
                String name = h.substring(0, c).trim();
                String value = h.substring(c + 1).trim();
                if (value.isEmpty()) {
                    rb.removeHeader(name); // curl's 'Name:': send none of that name
                    continue;
                }
                contentType |= name.equalsIgnoreCase("Content-Type");
                rb.header(name, value);
            }
            if (g.user != null) {
                if (g.user.indexOf(':') < 0) {
                    throw new Cli.UsageException("-u must be 'user:password' (this command does not prompt)");
                }
                rb.removeHeader("Authorization").header("Authorization", Get.basic(g.user));
            }
            if (body != null) {
                if (!contentType && (!g.data.isEmpty() || !g.dataRaw.isEmpty() || !g.dataBinary.isEmpty())) {
                    rb.header("Content-Type", "application/x-www-form-urlencoded"); // curl's default for -d
                }
                rb.body(RequestBody.of(body));
                rb.expectContinue(g.expectContinueTimeout != null);
            }
            return rb.build();
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
    }

    /** The data flags joined with '&' as curl joins them (-d first, then --data-raw, then --data-binary). */
    private static byte[] body(Get g) throws Get.Stop {
        if (g.data.isEmpty() && g.dataRaw.isEmpty() && g.dataBinary.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        append(all, g.data, true, true);
        append(all, g.dataRaw, false, false);
        append(all, g.dataBinary, true, false);
        return all.toByteArray();
    }

    private static void append(ByteArrayOutputStream all, List<String> values, boolean files, boolean stripNewlines)
            throws Get.Stop {
        for (String v : values) {
            if (all.size() > 0) {
                all.write('&');
            }
            byte[] b = files && v.startsWith("@") ? read(v.substring(1)) : v.getBytes(StandardCharsets.UTF_8);
            if (files && v.startsWith("@") && stripNewlines) {
                b = strip(b); // curl's -d @file drops carriage returns and newlines; --data-binary keeps them
            }
            all.writeBytes(b);
        }
    }

    private static byte[] read(String name) throws Get.Stop {
        try {
            return name.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
        } catch (NoSuchFileException e) {
            throw new Get.Stop(Get.READ, "cannot read data file " + name + ": no such file");
        } catch (IOException e) {
            throw new Get.Stop(Get.READ, "cannot read data file " + name + ": " + e.getMessage());
        }
    }

    private static byte[] strip(byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(b.length);
        for (byte x : b) {
            if (x != '\r' && x != '\n') {
                o.write(x);
            }
        }
        return o.toByteArray();
    }
}
