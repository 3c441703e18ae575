package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** A built request is immutable: neither its builder nor its caller can change it afterwards (issue 10). */
class ClientRequestTest {

    @Test
    void builderChangesAfterBuildDoNotReachTheBuiltRequest() {
        ClientRequest.Builder b = ClientRequest.builder("GET", URI.create("http://127.0.0.1:8080/a"))
                .header("X-Trace", "1");
        ClientRequest first = b.build();

        b.header("X-Trace", "2").header("Authorization", "Bearer other");
        ClientRequest second = b.build();

        assertThat(first.headers().all("X-Trace")).containsExactly("1");
        assertThat(first.headers().contains("Authorization")).isFalse();
        assertThat(second.headers().all("X-Trace")).containsExactly("1", "2");
    }

    @Test
    void builtRequestHeadersCannotBeChanged() {
        ClientRequest r = ClientRequest.builder("GET", URI.create("http://127.0.0.1:8080/a"))
                .header("X-Trace", "1").build();

        assertThatThrownBy(() -> r.headers().add("X-Other", "v")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.headers().set("X-Trace", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.headers().remove("X-Trace")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.headers().all("X-Trace")).containsExactly("1");
    }
}
