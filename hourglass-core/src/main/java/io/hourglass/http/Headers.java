package io.hourglass.http;

import io.hourglass.internal.HeadersAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of header fields with case-insensitive names, as sent or received on the wire.
 *
 * <p>Field order and repeated names are kept (RFC 9110 section 5.3). Lookups compare names ASCII
 * case-insensitively. Not thread-safe; a request's or a response's headers belong to one thread at a time.
 * Values set through this class are validated: a name must be an RFC 9110 token and a value must not
 * contain CR, LF or NUL, so a header can never split a message. No public method adds a field unchecked.
 *
 * <p>{@link #copyOf} makes a read-only snapshot, whose mutators throw {@link UnsupportedOperationException}.
 */
public final class Headers {
    static {
        // The codec's unchecked append, lent through a package that is not exported (see HeadersAccess).
        HeadersAccess.install(Headers::append);
    }

    private String[] fields; // name0, value0, name1, value1, ...
    private int size;        // number of fields
    private final boolean readOnly;

    /** An empty list, with room for 8 fields before it grows. */
    public Headers() {
        this(8);
    }

    /**
     * An empty list.
     *
     * @param capacity the number of fields it holds before it grows
     */
    public Headers(int capacity) {
        fields = new String[Math.max(2, capacity * 2)];
        readOnly = false;
    }

    private Headers(Headers source) {
        fields = Arrays.copyOf(source.fields, Math.max(2, 2 * source.size));
        size = source.size;
        readOnly = true;
    }

    /**
     * A read-only copy of {@code source}, like {@link List#copyOf}: later changes to {@code source} do not show
     * in it, and its {@link #add}, {@link #set}, {@link #remove} and {@link #clear} throw
     * {@link UnsupportedOperationException}. A read-only {@code source} is returned as it is.
     *
     * @param source the fields to copy
     * @return the read-only copy
     * @throws NullPointerException if {@code source} is null
     */
    public static Headers copyOf(Headers source) {
        Objects.requireNonNull(source, "source");
        return source.readOnly ? source : new Headers(source);
    }

    /** {@return whether this is a read-only copy made by {@link #copyOf}} */
    public boolean isReadOnly() {
        return readOnly;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("these headers are a read-only copy");
        }
    }

    /** {@return the number of fields (a repeated name counts once per occurrence)} */
    public int size() {
        return size;
    }

    /** {@return whether there is no field} */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The name of one field, as it was added.
     *
     * @param i the field's index, from 0 to {@code size() - 1}
     * @return its name
     * @throws IndexOutOfBoundsException for an index out of range
     */
    public String name(int i) {
        Objects.checkIndex(i, size);
        return fields[2 * i];
    }

    /**
     * The value of one field.
     *
     * @param i the field's index, from 0 to {@code size() - 1}
     * @return its value
     * @throws IndexOutOfBoundsException for an index out of range
     */
    public String value(int i) {
        Objects.checkIndex(i, size);
        return fields[2 * i + 1];
    }

    /**
     * Appends a field, validating the name and value.
     *
     * @param name the field name, an RFC 9110 token
     * @param value the field value, without CR, LF, NUL or a character above U+00FF
     * @return this
     * @throws IllegalArgumentException naming the field, for an invalid name or value
     */
    public Headers add(String name, String value) {
        checkName(name);
        checkValue(name, value);
        append(name, value);
        return this;
    }

    /** Appends without validation; reached from the codec only, through {@link HeadersAccess}. */
    private void append(String name, String value) {
        checkWritable();
        if (2 * size == fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[2 * size] = name;
        fields[2 * size + 1] = value;
        size++;
    }

    /**
     * Replaces every field of this name with one field, at the end.
     *
     * @param name the field name, an RFC 9110 token
     * @param value the field value, without CR, LF, NUL or a character above U+00FF
     * @return this
     * @throws IllegalArgumentException naming the field, for an invalid name or value
     */
    public Headers set(String name, String value) {
        checkName(name);
        checkValue(name, value);
        remove(name);
        append(name, value);
        return this;
    }

    /**
     * Removes every field of this name.
     *
     * @param name the field name, compared ASCII case-insensitively
     * @return how many were removed
     */
    public int remove(String name) {
        checkWritable();
        int w = 0;
        int removed = 0;
        for (int r = 0; r < size; r++) {
            if (fields[2 * r].equalsIgnoreCase(name)) {
                removed++;
                continue;
            }
            fields[2 * w] = fields[2 * r];
            fields[2 * w + 1] = fields[2 * r + 1];
            w++;
        }
        for (int i = w; i < size; i++) {
            fields[2 * i] = null;
            fields[2 * i + 1] = null;
        }
        size = w;
        return removed;
    }

    /**
     * The first value of a name.
     *
     * @param name the field name, compared ASCII case-insensitively
     * @return the value, or null when absent
     */
    public String first(String name) {
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name)) {
                return fields[2 * i + 1];
            }
        }
        return null;
    }

    /**
     * Every value of a name, in order.
     *
     * @param name the field name, compared ASCII case-insensitively
     * @return the values, a new list, empty when absent
     */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name)) {
                out.add(fields[2 * i + 1]);
            }
        }
        return out;
    }

    /**
     * Counts the fields of a name.
     *
     * @param name the field name, compared ASCII case-insensitively
     * @return how many fields have it
     */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether a name is present.
     *
     * @param name the field name, compared ASCII case-insensitively
     * @return true when at least one field has it
     */
    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * Whether a comma-separated field of this name has the token {@code token} (case-insensitive), as in
     * {@code Connection: keep-alive, close}.
     *
     * @param name the field name, compared ASCII case-insensitively
     * @param token the token, compared ASCII case-insensitively after trimming spaces and tabs
     * @return true when a field of the name lists the token
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name) && containsToken(fields[2 * i + 1], token)) {
                return true;
            }
        }
        return false;
    }

    static boolean containsToken(String value, String token) {
        int n = value.length();
        int i = 0;
        while (i < n) {
            int comma = value.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int s = i;
            int e = end;
            while (s < e && isWs(value.charAt(s))) s++;
            while (e > s && isWs(value.charAt(e - 1))) e--;
            if (e - s == token.length() && value.regionMatches(true, s, token, 0, token.length())) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static boolean isWs(char c) {
        return c == ' ' || c == '\t';
    }

    /** Removes every field. */
    public void clear() {
        checkWritable();
        Arrays.fill(fields, 0, 2 * size, null);
        size = 0;
    }

    /**
     * Whether a character may appear in a token, such as a field name or a method (an RFC 9110 tchar).
     *
     * @param c the character
     * @return true for a tchar
     */
    public static boolean isTokenChar(int c) {
        return c < 128 && TCHAR[c];
    }

    private static final boolean[] TCHAR = new boolean[128];
    static {
        for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
        for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name " + quote(name) + " has a character not allowed in a token");
            }
        }
    }

    private static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " has a null value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                throw new IllegalArgumentException("header " + name + " has a value with CR, LF, NUL or a non-Latin-1 character");
            }
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\r", "\\r").replace("\n", "\\n") + '"';
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(fields[2 * i]).append(": ").append(fields[2 * i + 1]).append('\n');
        }
        return sb.toString();
    }
}
