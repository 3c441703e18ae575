package io.hourglass.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads TCP socket states from {@code ss -Htan}, as an independent witness of what the kernel holds. */
final class SocketStates {
    private SocketStates() {}

    /** One line of ss: state, local port, remote port. */
    record Sock(String state, int localPort, int remotePort) {}

    /** Fails (never skips) when {@code ss} is missing: ./scripts/test installs iproute2 for it. */
    static void require() {
        if (!available()) {
            throw new AssertionError("this test needs ss (Debian's iproute2): apt-get install iproute2, "
                    + "or run ./scripts/test, which installs it");
        }
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("ss", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static List<Sock> all() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-Htan").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        List<Sock> socks = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) continue;
            socks.add(new Sock(f[0], port(f[3]), port(f[4])));
        }
        return socks;
    }

    private static int port(String addr) {
        int c = addr.lastIndexOf(':');
        String p = addr.substring(c + 1);
        return p.equals("*") ? 0 : Integer.parseInt(p);
    }

    /** The state of the server-side socket with local port {@code serverPort} and peer port {@code clientPort}. */
    static String serverSide(int serverPort, int clientPort) throws IOException, InterruptedException {
        for (Sock s : all()) {
            if (s.localPort == serverPort && s.remotePort == clientPort) {
                return s.state;
            }
        }
        return "GONE";
    }
}
