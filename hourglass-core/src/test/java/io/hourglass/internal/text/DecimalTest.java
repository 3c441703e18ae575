package io.hourglass.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecimalTest {
    @Test
    void digitsAloneWithinTheLimitAreANumber() {
        assertThat(Decimal.parse("0", 18)).isZero();
        assertThat(Decimal.parse("000123", 18)).isEqualTo(123);
        assertThat(Decimal.parse("999999999999999999", 18)).isEqualTo(999_999_999_999_999_999L);
        assertThat(Decimal.parse("123456789", 9)).isEqualTo(123_456_789);
    }

    @Test
    void anythingElseIsMinusOne() {
        assertThat(Decimal.parse("", 18)).isEqualTo(-1);
        assertThat(Decimal.parse("1234567890", 9)).as("more digits than allowed").isEqualTo(-1);
        assertThat(Decimal.parse("1000000000000000000", 30)).as("19 digits: more than a long holds safely").isEqualTo(-1);
        assertThat(Decimal.parse("-1", 18)).isEqualTo(-1);
        assertThat(Decimal.parse("+1", 18)).isEqualTo(-1);
        assertThat(Decimal.parse(" 1", 18)).isEqualTo(-1);
        assertThat(Decimal.parse("1 ", 18)).isEqualTo(-1);
        assertThat(Decimal.parse("1,2", 18)).isEqualTo(-1);
        assertThat(Decimal.parse("١", 18)).as("a non-ASCII digit").isEqualTo(-1);
    }
}
