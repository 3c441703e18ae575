package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Which requests may be sent again, and after which failures. */
class RetryRulesTest {
    private static final URI U = URI.create("http://127.0.0.1:1/x");

    @ParameterizedTest(name = "{0} repeatable: {1}")
    @CsvSource({"GET, true", "HEAD, true", "OPTIONS, true", "TRACE, true", "PUT, true", "DELETE, true",
        "POST, false", "PATCH, false"})
    void idempotentMethodsMayBeSentAgain(String method, boolean repeatable) {
        assertThat(RetryRules.repeatable(ClientRequest.builder(method, U).build())).isEqualTo(repeatable);
    }

    @ParameterizedTest(name = "{0} with an Idempotency-Key")
    @CsvSource({"POST", "PATCH"})
    void anIdempotencyKeyMakesAnyMethodRepeatable(String method) {
        ClientRequest r = ClientRequest.builder(method, U).header("Idempotency-Key", "8e03978e-40d5-43e8")
                .body(RequestBody.of("{}")).build();
        assertThat(RetryRules.repeatable(r)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PUT", "POST"})
    void aBodySentOnceIsNeverRepeatable(String method) {
        ClientRequest r = ClientRequest.builder(method, U).header("Idempotency-Key", "k")
                .body(RequestBody.of(new ByteArrayInputStream(new byte[3]), 3)).build();
        assertThat(RetryRules.repeatable(r)).isFalse();
    }

    @ParameterizedTest(name = "timeout in {0}")
    @EnumSource(Phase.class)
    void onlyTimeoutsOfOneAttemptAreRetried(Phase phase) {
        boolean expected = switch (phase) {
            case CONNECT, TLS_HANDSHAKE, RESPONSE_HEADERS, ATTEMPT -> true;
            default -> false;
        };
        HttpTimeoutException e = new HttpTimeoutException(phase, Duration.ofSeconds(1), Duration.ofSeconds(1), null);
        assertThat(RetryRules.retryableFailure(e)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientException.Kind.class)
    void onlyFailuresOfTheConnectionAreRetried(ClientException.Kind kind) {
        boolean expected = switch (kind) {
            case REFUSED, RESET, PREMATURE_EOF -> true;
            default -> false;
        };
        assertThat(RetryRules.retryableFailure(new ClientException(kind, "x", null))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"503, true", "429, true", "502, false", "504, false", "500, false"})
    void retryAfterIsHonouredOn503And429(int status, boolean honoured) {
        assertThat(RetryRules.honoursRetryAfter(status)).isEqualTo(honoured);
    }
}
