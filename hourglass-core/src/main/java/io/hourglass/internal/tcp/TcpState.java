package io.hourglass.internal.tcp;

/**
 * The states of a TCP socket as the Linux kernel numbers them ({@code include/net/tcp_states.h}), which is the
 * hex {@code st} column of {@code /proc/net/tcp}.
 *
 * <p>{@link #ssName()} is the word {@code ss} prints in its State column; {@link #metricName()} is the
 * lowercase label value used in metrics.
 */
public enum TcpState {
    /** 1: data can flow both ways. */
    ESTABLISHED(1, "ESTAB"),
    /** 2: we sent a SYN and wait for the SYN-ACK (an outgoing connect in progress). */
    SYN_SENT(2, "SYN-SENT"),
    /** 3: a SYN arrived and we answered; waiting for the final ACK. */
    SYN_RECV(3, "SYN-RECV"),
    /** 4: we closed (sent FIN) and wait for its ACK. */
    FIN_WAIT1(4, "FIN-WAIT-1"),
    /** 5: our FIN was acknowledged; waiting for the peer to close its side. */
    FIN_WAIT2(5, "FIN-WAIT-2"),
    /** 6: both sides closed and we closed first; lingers (60 s on Linux) to absorb stray segments. */
    TIME_WAIT(6, "TIME-WAIT"),
    /** 7: closed. {@code ss} calls this state {@code UNCONN}. */
    CLOSE(7, "UNCONN"),
    /** 8: the peer closed (its FIN arrived) and the local application has not closed yet. */
    CLOSE_WAIT(8, "CLOSE-WAIT"),
    /** 9: we closed after the peer did and wait for the ACK of our FIN. */
    LAST_ACK(9, "LAST-ACK"),
    /** 10: a listening socket. */
    LISTEN(10, "LISTEN"),
    /** 11: both sides closed at the same time; waiting for the ACK of our FIN. */
    CLOSING(11, "CLOSING"),
    /**
     * 12: a request socket (a SYN answered, before accept). The kernel reports these as {@link #SYN_RECV} in
     * {@code /proc/net/tcp} and to {@code ss}, so this constant exists for completeness and {@code ss} shows
     * it as {@code SYN-RECV}.
     */
    NEW_SYN_RECV(12, "SYN-RECV");

    private static final TcpState[] BY_CODE = new TcpState[13];

    static {
        for (TcpState s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;
    private final String ssName;
    private final String metricName;

    TcpState(int code, String ssName) {
        this.code = code;
        this.ssName = ssName;
        this.metricName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The kernel's number for this state, 1 to 12. */
    public int code() {
        return code;
    }

    /** The name {@code ss} prints: {@code ESTAB}, {@code TIME-WAIT}, {@code UNCONN} for {@link #CLOSE}, .... */
    public String ssName() {
        return ssName;
    }

    /** The lowercase constant name, for metric labels: {@code established}, {@code time_wait}, .... */
    public String metricName() {
        return metricName;
    }

    /**
     * The state with the kernel's number {@code code}.
     *
     * @throws IllegalArgumentException if no state has that number
     */
    public static TcpState ofCode(int code) {
        if (code < 1 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown TCP state " + code + " (expected 1 to 12)");
        }
        return BY_CODE[code];
    }

    /**
     * The state {@code ss} prints as {@code name}; {@code SYN-RECV} gives {@link #SYN_RECV}.
     *
     * @throws IllegalArgumentException if {@code ss} has no state by that name
     */
    public static TcpState ofSsName(String name) {
        for (TcpState s : values()) {
            if (s.ssName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown ss state name \"" + name + "\"");
    }
}
