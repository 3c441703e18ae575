package io.hourglass.cli;

import io.hourglass.client.Protocol;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The HTTP version flags of the client commands, named as curl names them. Without either, the commands speak
 * HTTP/1.1 (what they always did; the library's own default also offers HTTP/2 by ALPN).
 */
final class ProtocolOptions {
    @Option(names = "--http2",
            description = "Over https, offer HTTP/2 by ALPN and use it when the server picks it, else HTTP/1.1. "
                    + "Over http, HTTP/1.1 (no Upgrade dance): see --http2-prior-knowledge.")
    boolean http2;

    @Option(names = "--http2-prior-knowledge",
            description = "Speak HTTP/2 from the first byte: h2c over http, h2 by ALPN alone over https.")
    boolean priorKnowledge;

    /** The client's protocol list for these flags. */
    List<Protocol> protocols() {
        if (http2 && priorKnowledge) {
            throw new Cli.UsageException("give --http2 or --http2-prior-knowledge, not both");
        }
        if (priorKnowledge) {
            return List.of(Protocol.H2_PRIOR_KNOWLEDGE);
        }
        return http2 ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1);
    }
}
