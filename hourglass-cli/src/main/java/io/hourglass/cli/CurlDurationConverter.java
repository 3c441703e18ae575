package io.hourglass.cli;

import io.hourglass.internal.text.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration as curl's timeout flags take it, a plain number of seconds ({@code 2.5}), or in Go's syntax
 * ({@code 2500ms}); {@code 0} disables.
 */
final class CurlDurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        if (value.matches("[0-9]+(\\.[0-9]+)?")) {
            try {
                return Duration.ofNanos(new BigDecimal(value).movePointRight(9).longValueExact());
            } catch (ArithmeticException e) {
                throw new TypeConversionException("invalid duration \"" + value + "\": too large");
            }
        }
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
