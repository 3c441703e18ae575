package io.hourglass.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** HOST:PORT (or [v6]:PORT); PORT may be 0. */
record HostPort(String host, int port) {
    static final class Converter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:8080, or port 0 for any free port)");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = "0.0.0.0";
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' has no valid port (0-65535)");
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("port " + port + " is out of range (0-65535)");
            }
            return new HostPort(host, port);
        }
    }
}
