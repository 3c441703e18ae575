package io.hourglass.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {

    @Test
    void looksUpNamesCaseInsensitivelyAndKeepsTheirSpelling() {
        Headers h = new Headers().add("Content-Type", "text/plain").add("X-Id", "1");

        assertThat(h.first("content-type")).isEqualTo("text/plain");
        assertThat(h.first("CONTENT-TYPE")).isEqualTo("text/plain");
        assertThat(h.contains("x-id")).isTrue();
        assertThat(h.contains("X-Other")).isFalse();
        assertThat(h.first("X-Other")).isNull();
        assertThat(h.name(0)).isEqualTo("Content-Type");
    }

    @Test
    void keepsRepeatedFieldsInOrder() {
        Headers h = new Headers().add("Via", "a").add("X", "1").add("via", "b").add("VIA", "c");

        assertThat(h.all("Via")).containsExactly("a", "b", "c");
        assertThat(h.count("via")).isEqualTo(3);
        assertThat(h.first("Via")).isEqualTo("a");
        assertThat(h.all("Nope")).isEmpty();
        assertThat(h.size()).isEqualTo(4);
    }

    @Test
    void setReplacesEveryFieldOfTheNameWithOne() {
        Headers h = new Headers().add("A", "1").add("Cookie", "x").add("B", "2").add("cookie", "y");

        h.set("COOKIE", "z");

        assertThat(h.size()).isEqualTo(3);
        assertThat(h.all("Cookie")).containsExactly("z");
        assertThat(h.name(0)).isEqualTo("A");
        assertThat(h.name(1)).isEqualTo("B");
        assertThat(h.name(2)).isEqualTo("COOKIE");
    }

    @Test
    void setAddsAMissingField() {
        Headers h = new Headers().set("Date", "today");

        assertThat(h.first("date")).isEqualTo("today");
        assertThat(h.size()).isEqualTo(1);
    }

    @Test
    void removeDropsEveryFieldOfTheNameAndKeepsTheOthersInOrder() {
        Headers h = new Headers().add("A", "1").add("X", "a").add("B", "2").add("x", "b").add("C", "3");

        assertThat(h.remove("X")).isEqualTo(2);

        assertThat(h.size()).isEqualTo(3);
        assertThat(h.name(0) + h.name(1) + h.name(2)).isEqualTo("ABC");
        assertThat(h.value(2)).isEqualTo("3");
        assertThat(h.remove("X")).isZero();
        assertThatThrownBy(() -> h.name(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void growsPastItsInitialCapacity() {
        Headers h = new Headers(0);
        for (int i = 0; i < 50; i++) {
            h.add("X-" + i, Integer.toString(i));
        }

        assertThat(h.size()).isEqualTo(50);
        assertThat(h.first("x-49")).isEqualTo("49");
    }

    @Test
    void clearEmptiesAndCanBeRefilled() {
        Headers h = new Headers().add("A", "1").add("B", "2");

        h.clear();

        assertThat(h.isEmpty()).isTrue();
        assertThat(h.first("A")).isNull();
        h.add("C", "3");
        assertThat(h.name(0)).isEqualTo("C");
    }

    @Test
    void indexOutsideTheFieldsFails() {
        Headers h = new Headers().add("A", "1");

        assertThatThrownBy(() -> h.value(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> h.name(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest(name = "Connection: [{0}] has close: {1}")
    @CsvSource(delimiter = '|', value = {
        "close                | true",
        "Close                | true",
        "keep-alive, close    | true",
        "keep-alive,close     | true",
        "' close '            | true",
        "'\tclose\t'          | true",
        "',, close ,'         | true",
        "upgrade ,  CLOSE     | true",
        "closed               | false",
        "'close-ish'          | false",
        "keep-alive           | false",
        "'clo se'             | false",
        "''                   | false",
    })
    void findsCommaSeparatedTokens(String value, boolean found) {
        Headers h = new Headers().add("Connection", value);

        assertThat(h.hasToken("connection", "close")).isEqualTo(found);
    }

    @Test
    void findsTokenInAnyFieldOfTheName() {
        Headers h = new Headers().add("Connection", "upgrade").add("X", "close").add("connection", "close");

        assertThat(h.hasToken("Connection", "close")).isTrue();
        assertThat(h.hasToken("Connection", "upgrade")).isTrue();
        assertThat(h.hasToken("Connection", "x")).isFalse();
        assertThat(h.hasToken("Missing", "close")).isFalse();
    }

    @ParameterizedTest(name = "value {0}")
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\nInjected: yes", "\r\n", "a\0b", "caf\u0113", "\u20ac"})
    void rejectsValuesThatCouldSplitAMessageOrAreNotLatin1(String value) {
        Headers h = new Headers();

        assertThatThrownBy(() -> h.add("X", value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.set("X", value)).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.isEmpty()).isTrue();
    }

    @Test
    void setWithABadValueKeepsTheExistingField() {
        Headers h = new Headers().add("X", "old");

        assertThatThrownBy(() -> h.set("X", "new\r\nEvil: 1")).isInstanceOf(IllegalArgumentException.class);

        assertThat(h.all("X")).containsExactly("old");
    }

    @Test
    void rejectsNullValue() {
        assertThatThrownBy(() -> new Headers().add("X", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "name [{0}]")
    @ValueSource(strings = {"", "Bad Name", "Bad:Name", "Bad\tName", "X\r\nY", "(x)", "caf\u00e9", "a/b", "a@b"})
    void rejectsNamesThatAreNotTokens(String name) {
        assertThatThrownBy(() -> new Headers().add(name, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsNullName() {
        assertThatThrownBy(() -> new Headers().add(null, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTokenNamesAndLatin1Values() {
        Headers h = new Headers().add("!#$%&'*+-.^_`|~09azAZ", "caf\u00e9\ttab, \"quoted\"").add("X-Empty", "");

        assertThat(h.value(0)).isEqualTo("caf\u00e9\ttab, \"quoted\"");
        assertThat(h.first("x-empty")).isEmpty();
    }

    @Test
    void tokenCharsAreTheRfc9110Set() {
        assertThat(Headers.isTokenChar('a')).isTrue();
        assertThat(Headers.isTokenChar('~')).isTrue();
        assertThat(Headers.isTokenChar(':')).isFalse();
        assertThat(Headers.isTokenChar(' ')).isFalse();
        assertThat(Headers.isTokenChar('"')).isFalse();
        assertThat(Headers.isTokenChar(0x7f)).isFalse();
        assertThat(Headers.isTokenChar(0xe9)).isFalse();
        assertThat(Headers.isTokenChar(0)).isFalse();
    }

    @Test
    void printsOneFieldPerLine() {
        assertThat(new Headers().add("A", "1").add("b", "two").toString()).isEqualTo("A: 1\nb: two\n");
    }
    /**
     * Issue 9: a handler could split a response through the public {@code addUnchecked}. No public method may
     * add a field without the CR/LF check; the codec's fast path goes through a non-exported route.
     */
    @Test
    void noPublicMethodAddsAFieldWithoutTheCrLfCheck() throws Exception {
        for (java.lang.reflect.Method m : Headers.class.getMethods()) {
            Class<?>[] p = m.getParameterTypes();
            if (m.getDeclaringClass() != Headers.class || java.lang.reflect.Modifier.isStatic(m.getModifiers())
                    || p.length != 2 || p[0] != String.class || p[1] != String.class
                    || (m.getReturnType() != void.class && m.getReturnType() != Headers.class)) {
                continue; // not a (name, value) mutator
            }
            Headers h = new Headers();
            assertThatThrownBy(() -> m.invoke(h, "X-A", "v\r\nSet-Cookie: evil"))
                    .as("Headers.%s with a CR LF in the value", m.getName())
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(h.size()).as("Headers.%s left a field behind", m.getName()).isZero();
        }
        assertThat(java.util.Arrays.stream(Headers.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("addUnchecked");
    }

    @Test
    void copyOfIsAnUnmodifiableSnapshot() {
        Headers source = new Headers().add("A", "1").add("B", "2");

        Headers copy = Headers.copyOf(source);
        source.add("C", "3");
        source.set("A", "changed");

        assertThat(copy.size()).isEqualTo(2);
        assertThat(copy.first("A")).isEqualTo("1");
        assertThat(copy.isReadOnly()).isTrue();
        assertThat(source.isReadOnly()).isFalse();
        assertThatThrownBy(() -> copy.add("D", "4")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.set("A", "4")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.remove("A")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(copy::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThat(copy.size()).isEqualTo(2);
        assertThat(Headers.copyOf(copy)).as("a read-only copy is its own copy").isSameAs(copy);
    }
}
