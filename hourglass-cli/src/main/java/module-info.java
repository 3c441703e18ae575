/** The {@code hourglass} command line: serve, get, load, tcpstat and lab (picocli). Not an API. */
module io.hourglass.cli {
    requires io.hourglass;
    requires info.picocli;
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM and SIGINT handlers (Signals)

    // picocli sets the @Option and @Parameters fields and calls the subcommands by reflection.
    opens io.hourglass.cli to info.picocli;
}
