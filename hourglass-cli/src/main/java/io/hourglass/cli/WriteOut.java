package io.hourglass.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;

/**
 * {@code hourglass get -w FORMAT}: curl's {@code --write-out}, with its common variables ({@code %{http_code}},
 * {@code %{time_total}}...), {@code %{stdout}} / {@code %{stderr}} to switch streams, {@code %%} and the escapes
 * {@code \n}, {@code \r}, {@code \t}, {@code \\}. Times are seconds from the start of the call, with six
 * decimals, as curl prints them.
 */
final class WriteOut {
    /** What the call ended with, beside the trace. */
    record Outcome(int exitCode, String error, String contentType, String redirectUrl, URI url, String method) {}

    static final String VARIABLES = "http_code response_code http_version time_namelookup time_connect "
            + "time_appconnect time_pretransfer time_starttransfer time_redirect time_total size_download "
            + "size_header size_upload speed_download num_redirects num_connects url_effective redirect_url "
            + "content_type remote_ip remote_port exitcode errormsg method scheme stdout stderr";

    private WriteOut() {}

    /** Writes {@code format} with its variables replaced to {@code out} (or stderr after {@code %{stderr}}). */
    static void write(String format, GetTrace t, Outcome o, PrintStream out, PrintWriter err) {
        StringBuilder sb = new StringBuilder();
        boolean toErr = false;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '\\' && i + 1 < format.length()) {
                char e = format.charAt(++i);
                sb.append(switch (e) {
                    case 'n' -> "\n";
                    case 'r' -> "\r";
                    case 't' -> "\t";
                    case '\\' -> "\\";
                    default -> "\\" + e;
                });
            } else if (c == '%' && format.startsWith("%%", i)) {
                sb.append('%');
                i++;
            } else if (c == '%' && format.startsWith("%{", i) && format.indexOf('}', i) > 0) {
                int end = format.indexOf('}', i);
                String name = format.substring(i + 2, end);
                i = end;
                if (name.equals("stdout") || name.equals("stderr")) {
                    flush(sb, toErr, out, err);
                    toErr = name.equals("stderr");
                    continue;
                }
                String v = value(name, t, o);
                if (v == null) {
                    err.println("hourglass get: unknown --write-out variable: '" + name + "'");
                } else {
                    sb.append(v);
                }
            } else {
                sb.append(c);
            }
        }
        flush(sb, toErr, out, err);
    }

    private static void flush(StringBuilder sb, boolean toErr, PrintStream out, PrintWriter err) {
        if (toErr) {
            err.print(sb);
            err.flush();
        } else {
            out.print(sb);
            out.flush();
        }
        sb.setLength(0);
    }

    private static String value(String name, GetTrace t, Outcome o) {
        return switch (name) {
            case "http_code", "response_code" -> String.format("%03d", t.status);
            case "http_version" -> t.version.isEmpty() ? "0" : t.version.substring("HTTP/".length());
            case "time_namelookup" -> GetTrace.seconds(t.connectStart);
            case "time_connect" -> GetTrace.seconds(t.connectEnd);
            case "time_appconnect" -> GetTrace.seconds(t.tlsEnd);
            case "time_pretransfer" -> GetTrace.seconds(t.acquired);
            case "time_starttransfer" -> GetTrace.seconds(t.headers);
            case "time_redirect" -> GetTrace.seconds(t.lastRedirect);
            case "time_total" -> GetTrace.seconds(t.ended);
            case "size_download" -> Long.toString(t.bodyBytes);
            case "size_header" -> Long.toString(t.headerBytes);
            case "size_upload" -> t.lastRequest == null || t.lastRequest.body() == null ? "0"
                    : Long.toString(Math.max(0, t.lastRequest.body().length()));
            case "speed_download" -> Long.toString(t.ended == 0 ? 0 : (long) (t.bodyBytes / (t.ended / 1e9)));
            case "num_redirects" -> Integer.toString(t.redirects);
            case "num_connects" -> Integer.toString(t.connects);
            case "url_effective" -> (t.lastRequest != null ? t.lastRequest.uri() : o.url()).toString();
            case "redirect_url" -> o.redirectUrl() == null ? "" : o.redirectUrl();
            case "content_type" -> o.contentType() == null ? "" : o.contentType();
            case "remote_ip" -> t.remoteIp;
            case "remote_port" -> t.remotePort == 0 ? "" : Integer.toString(t.remotePort);
            case "exitcode" -> Integer.toString(o.exitCode());
            case "errormsg" -> o.error() == null ? "" : o.error();
            case "method" -> o.method();
            case "scheme" -> o.url().getScheme().toUpperCase(java.util.Locale.ROOT);
            default -> null;
        };
    }
}
