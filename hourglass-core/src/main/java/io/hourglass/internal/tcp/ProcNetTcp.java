package io.hourglass.internal.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the kernel's table of TCP sockets from {@code /proc/net/tcp} (IPv4) and {@code /proc/net/tcp6}
 * (IPv6), the files {@code netstat} reads; {@code ss} gets the same sockets over netlink.
 *
 * <p><b>Format.</b> A header line starting with {@code sl}, then one line per socket with whitespace-separated
 * fields: slot, local {@code ADDR:PORT}, remote {@code ADDR:PORT}, state (hex, see {@link TcpState}),
 * {@code TXQ:RXQ} (hex), timer, retransmits, uid, timeout, inode, and more that are ignored. Ports are 4 hex
 * digits. An IPv4 address is 8 hex digits: the 32-bit address as the CPU stores it, printed as a number, so on
 * little-endian machines {@code 0100007F} is 127.0.0.1. An IPv6 address is 32 hex digits: four such 32-bit
 * words, each in the CPU's byte order. The parser takes that byte order as a parameter; it defaults to the
 * running machine's.
 *
 * <p>The files show the network namespace of the reading process, the same one {@code ss} run by that process
 * sees. The kernel builds them a page at a time without a global lock, so on a busy host a socket that
 * changes state during the read can appear twice or not at all: each snapshot is approximate to that extent,
 * as {@code netstat}'s is.
 */
public final class ProcNetTcp {
    private static final Path PROC_NET = Path.of("/proc/net");

    private ProcNetTcp() {}

    /**
     * A listener on a free loopback port that no other socket on the machine has: the kernel hands an ephemeral
     * port number out again while the sockets of its earlier owner still sit on it (TIME_WAIT for 60 s, from
     * other tests, benchmarks, processes), and whoever counts the port's sockets by state would count those as
     * its own. For the tests that count TCP states by port; the lab, which cannot choose its server's port,
     * leaves such residue out instead ({@link TcpSnapshot#timeWaitLocalPorts()}).
     *
     * @return a bound listener (backlog 50) whose port has no socket but this one
     * @throws IOException if no port can be bound, /proc cannot be read, or 50 ports in a row had residue
     */
    public static ServerSocket freshLoopbackListener() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            if (snapshot().withPort(s.getLocalPort()).sockets().size() == 1) {
                return s; // only the listener itself
            }
            s.close();
        }
        throw new IOException("no loopback port free of other sockets in 50 tries");
    }

    /** True if this is Linux and {@code /proc/net/tcp} is readable. */
    public static boolean isSupported() {
        String os = System.getProperty("os.name", "");
        return os.toLowerCase(Locale.ROOT).startsWith("linux") && Files.isReadable(PROC_NET.resolve("tcp"));
    }

    /**
     * The sockets in {@code /proc/net/tcp} and {@code /proc/net/tcp6} now, IPv4 first.
     *
     * @throws IOException if {@code /proc/net/tcp} cannot be read (on other systems: NoSuchFileException)
     */
    public static TcpSnapshot snapshot() throws IOException {
        return snapshot(PROC_NET);
    }

    /**
     * The sockets in {@code dir/tcp} and {@code dir/tcp6}, IPv4 first, parsed with the running machine's byte
     * order. {@code dir/tcp6} may be missing (IPv6 disabled); {@code dir/tcp} may not. Tests pass a directory
     * of fixtures here.
     *
     * @throws IOException if {@code dir/tcp} or an existing {@code dir/tcp6} cannot be read
     * @throws IllegalArgumentException if a file is not in the expected format
     */
    public static TcpSnapshot snapshot(Path dir) throws IOException {
        return snapshot(dir, ByteOrder.nativeOrder());
    }

    /** As {@link #snapshot(Path)}, with the byte order of the machine that wrote the files. */
    public static TcpSnapshot snapshot(Path dir, ByteOrder order) throws IOException {
        List<TcpSocket> sockets = new ArrayList<>();
        readInto(dir.resolve("tcp"), order, sockets);
        try {
            readInto(dir.resolve("tcp6"), order, sockets);
        } catch (NoSuchFileException e) {
            // IPv6 disabled: the kernel has no tcp6 file.
        }
        return TcpSnapshot.of(sockets);
    }

    /** Parses the text of one file (tcp or tcp6, or both concatenated) with the machine's byte order. */
    public static List<TcpSocket> parse(String text) {
        try {
            return parse(new StringReader(text), ByteOrder.nativeOrder());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not throw
        }
    }

    /**
     * Parses lines in the format above until the end of {@code in}. Header lines (first field {@code sl}) and
     * blank lines are skipped; IPv4 and IPv6 lines may be mixed.
     *
     * @param order the byte order of the machine that wrote the text
     * @throws IllegalArgumentException for a line that is not in the format, naming its number
     */
    public static List<TcpSocket> parse(Reader in, ByteOrder order) throws IOException {
        List<TcpSocket> out = new ArrayList<>();
        parseInto(in instanceof BufferedReader b ? b : new BufferedReader(in), order, out);
        return out;
    }

    private static void readInto(Path file, ByteOrder order, List<TcpSocket> out) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            try {
                parseInto(r, order, out);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }

    private static void parseInto(BufferedReader r, ByteOrder order, List<TcpSocket> out) throws IOException {
        String[] f = new String[10];
        int lineNo = 0;
        for (String line; (line = r.readLine()) != null; ) {
            lineNo++;
            int n = fields(line, f);
            if (n == 0 || f[0].equals("sl")) {
                continue;
            }
            if (n < f.length) {
                throw new IllegalArgumentException("line " + lineNo + ": expected at least 10 fields, got " + n
                        + ": " + line.strip());
            }
            try {
                out.add(socket(f, order));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage() + ": " + line.strip(), e);
            }
        }
    }

    private static TcpSocket socket(String[] f, ByteOrder order) {
        InetSocketAddress local = address(f[1], order);
        InetSocketAddress remote = address(f[2], order);
        TcpState state = TcpState.ofCode((int) hex(f[3], 0, f[3].length(), "state"));
        int colon = f[4].indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("bad queue field \"" + f[4] + "\"");
        }
        long tx = hex(f[4], 0, colon, "tx_queue");
        long rx = hex(f[4], colon + 1, f[4].length(), "rx_queue");
        long uid = decimal(f[7], "uid");
        long inode = decimal(f[9], "inode");
        return new TcpSocket(state, local, remote, tx, rx, uid, inode);
    }

    /** {@code 0100007F:1F90} or 32 hex digits, a colon and the port. */
    static InetSocketAddress address(String s, ByteOrder order) {
        int colon = s.indexOf(':');
        int digits = colon;
        if (colon < 0 || (digits != 8 && digits != 32) || s.length() != colon + 5) {
            throw new IllegalArgumentException("bad address \"" + s + "\"");
        }
        byte[] bytes = new byte[digits / 2];
        for (int word = 0; word < digits / 8; word++) {
            long w = hex(s, word * 8, word * 8 + 8, "address");
            for (int i = 0; i < 4; i++) {
                // Byte i of the word in memory: lowest-order byte first on little-endian machines.
                int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (3 - i);
                bytes[word * 4 + i] = (byte) (w >>> shift);
            }
        }
        int port = (int) hex(s, colon + 1, s.length(), "port");
        try {
            // Numeric bytes: no lookup. A mapped ::ffff:a.b.c.d comes back as an Inet4Address.
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always a valid address", e);
        }
    }

    private static long hex(String s, int from, int to, String what) {
        if (from >= to || to - from > 16) {
            throw new IllegalArgumentException("bad " + what + " \"" + s + "\"");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                throw new IllegalArgumentException("bad " + what + " \"" + s + "\"");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static long decimal(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + " \"" + s + "\"");
        }
    }

    /** Splits on spaces and tabs into {@code out}, up to its length; returns how many fields were found. */
    private static int fields(String line, String[] out) {
        int n = 0;
        int i = 0;
        int len = line.length();
        while (n < out.length) {
            while (i < len && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i == len) {
                break;
            }
            int start = i;
            while (i < len && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            out[n++] = line.substring(start, i);
        }
        return n;
    }
}
