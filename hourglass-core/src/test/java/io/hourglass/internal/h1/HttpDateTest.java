package io.hourglass.internal.h1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpDateTest {
    @Test
    void daysBelowTenHaveTwoDigits() {
        // 2026-12-01T00:00:00Z
        assertThat(HttpDate.format(1_796_083_200L)).isEqualTo("Tue, 01 Dec 2026 00:00:00 GMT");
    }

    @Test
    void formatsTheImfFixdateOfRfc9110() {
        // The example of RFC 9110 section 5.6.7: 1994-11-06T08:49:37Z
        assertThat(HttpDate.format(784_111_777L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void lineIsAHeaderLineOfTheCurrentSecond() {
        String line = new String(HttpDate.line(), StandardCharsets.ISO_8859_1);
        assertThat(line).matches("Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n");
    }
}
