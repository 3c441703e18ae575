package io.hourglass.internal.h2;

import java.util.Arrays;

/**
 * The six settings of RFC 9113 section 6.5.2, as one immutable value; {@link #DEFAULTS} holds the initial
 * values every endpoint assumes until the peer's SETTINGS frame says otherwise.
 *
 * <p>A connection keeps two: its own (what it sends in its preface, in force once the peer acknowledges
 * them) and the peer's (updated by every SETTINGS frame received, see {@link Entries#applyTo}). Values are
 * unsigned 32-bit numbers on the wire; {@link #UNLIMITED} stands for "no limit", the initial value of
 * SETTINGS_MAX_CONCURRENT_STREAMS and SETTINGS_MAX_HEADER_LIST_SIZE.
 */
public final class Settings {
    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** "No limit": the initial value of MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE; never sent. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    private static final long MAX_VALUE = 0xffff_ffffL;

    /** The initial values of section 6.5.2. */
    public static final Settings DEFAULTS =
            new Settings(new long[] {0, 4096, 1, UNLIMITED, Frame.DEFAULT_WINDOW, Frame.DEFAULT_MAX_FRAME_SIZE, UNLIMITED});

    private final long[] values; // indexed by setting id, 1..6

    private Settings(long[] values) {
        this.values = values;
    }

    /** SETTINGS_HEADER_TABLE_SIZE: the most bytes of HPACK dynamic table the sender's decoder allows. */
    public long headerTableSize() {
        return values[HEADER_TABLE_SIZE];
    }

    /** SETTINGS_ENABLE_PUSH: whether the sender accepts PUSH_PROMISE (true initially; Hourglass sends 0). */
    public boolean enablePush() {
        return values[ENABLE_PUSH] == 1;
    }

    /** SETTINGS_MAX_CONCURRENT_STREAMS: the most streams the sender lets its peer open, or {@link #UNLIMITED}. */
    public long maxConcurrentStreams() {
        return values[MAX_CONCURRENT_STREAMS];
    }

    /** SETTINGS_INITIAL_WINDOW_SIZE: the sender's initial flow-control window of every stream. */
    public int initialWindowSize() {
        return (int) values[INITIAL_WINDOW_SIZE];
    }

    /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload the sender accepts. */
    public int maxFrameSize() {
        return (int) values[MAX_FRAME_SIZE];
    }

    /** SETTINGS_MAX_HEADER_LIST_SIZE: the largest decoded header list the sender accepts, or {@link #UNLIMITED}. */
    public long maxHeaderListSize() {
        return values[MAX_HEADER_LIST_SIZE];
    }

    /** The value of a known setting id (1 to 6). */
    public long value(int id) {
        if (id < 1 || id > 6) {
            throw new IllegalArgumentException("unknown setting id " + id);
        }
        return values[id];
    }

    /**
     * A copy with one setting changed, for a connection's own configuration; unknown ids are ignored, as on
     * the wire. {@link #UNLIMITED} restores the "no limit" default of the two settings that have one.
     *
     * @throws IllegalArgumentException for a value outside the range section 6.5.2 allows
     */
    public Settings with(int id, long value) {
        boolean unlimited = value == UNLIMITED && (id == MAX_CONCURRENT_STREAMS || id == MAX_HEADER_LIST_SIZE);
        H2Exception bad = unlimited ? null : check(id, value);
        if (bad != null) {
            throw new IllegalArgumentException(bad.reason());
        }
        return id < 1 || id > 6 ? this : copyWith(id, value);
    }

    /**
     * Checks one setting received from the peer (section 6.5.2); null when acceptable. Unknown ids are
     * acceptable: they are ignored.
     */
    static H2Exception check(int id, long value) {
        if (value < 0 || value > MAX_VALUE) {
            return H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "setting " + name(id) + " value " + value + " is not a 32-bit number");
        }
        switch (id) {
            case ENABLE_PUSH:
                return value <= 1 ? null
                        : H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH is " + value + ", not 0 or 1");
            case INITIAL_WINDOW_SIZE:
                return value <= Frame.MAX_WINDOW ? null
                        : H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE " + value + " is above 2^31-1");
            case MAX_FRAME_SIZE:
                return value >= Frame.DEFAULT_MAX_FRAME_SIZE && value <= Frame.MAX_MAX_FRAME_SIZE ? null
                        : H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE " + value + " is outside [2^14, 2^24-1]");
            default:
                return null;
        }
    }

    private Settings copyWith(int id, long value) {
        if (values[id] == value) {
            return this;
        }
        long[] v = values.clone();
        v[id] = value;
        return new Settings(v);
    }

    /** The name of a setting id for messages: {@code SETTINGS_...}, or its number when unknown. */
    public static String name(int id) {
        return switch (id) {
            case HEADER_TABLE_SIZE -> "SETTINGS_HEADER_TABLE_SIZE";
            case ENABLE_PUSH -> "SETTINGS_ENABLE_PUSH";
            case MAX_CONCURRENT_STREAMS -> "SETTINGS_MAX_CONCURRENT_STREAMS";
            case INITIAL_WINDOW_SIZE -> "SETTINGS_INITIAL_WINDOW_SIZE";
            case MAX_FRAME_SIZE -> "SETTINGS_MAX_FRAME_SIZE";
            case MAX_HEADER_LIST_SIZE -> "SETTINGS_MAX_HEADER_LIST_SIZE";
            default -> "setting 0x" + Integer.toHexString(id);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Settings{");
        for (int id = 1; id <= 6; id++) {
            sb.append(id == 1 ? "" : ", ").append(name(id).substring("SETTINGS_".length())).append('=')
                    .append(values[id] == UNLIMITED ? "unlimited" : Long.toString(values[id]));
        }
        return sb.append('}').toString();
    }

    /**
     * The entries of one SETTINGS frame in the order received, as the {@link FrameReader} hands them over:
     * every value already checked, unknown ids included (to be ignored). The reader reuses the object for
     * the next frame, so keep what is needed (see {@link #applyTo}) before the callback returns.
     */
    public static final class Entries {
        private int count;
        private int[] ids = new int[8];
        private long[] values = new long[8];

        /** Number of entries (0 for an empty SETTINGS frame). */
        public int count() {
            return count;
        }

        /** The id of entry {@code i}. */
        public int id(int i) {
            return ids[i];
        }

        /** The value of entry {@code i}, an unsigned 32-bit number. */
        public long value(int i) {
            return values[i];
        }

        /**
         * The settings after this frame: {@code current} with each known entry applied in order (section
         * 6.5.3: values are processed in the order they appear). The change of SETTINGS_INITIAL_WINDOW_SIZE
         * to apply to every stream window is {@code result.initialWindowSize() - current.initialWindowSize()}.
         */
        public Settings applyTo(Settings current) {
            Settings s = current;
            for (int i = 0; i < count; i++) {
                if (ids[i] >= 1 && ids[i] <= 6) {
                    s = s.copyWith(ids[i], values[i]);
                }
            }
            return s;
        }

        void clear() {
            count = 0;
        }

        void add(int id, long value) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            ids[count] = id;
            values[count++] = value;
        }
    }
}
