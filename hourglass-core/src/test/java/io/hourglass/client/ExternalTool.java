package io.hourglass.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external program a test runs against (nginx, a proxy): installed with apt when missing and running as root,
 * else the test fails naming the package (never skips); started on free loopback ports and stopped with the test.
 */
final class ExternalTool implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ExternalTool(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Makes sure {@code command} is on the PATH, installing {@code debianPackage} with apt-get when it is not. */
    static void require(String command, String debianPackage) throws IOException, InterruptedException {
        if (onPath(command)) {
            return;
        }
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII).strip();
        if (uid.equals("0")) {
            ProcessBuilder apt = new ProcessBuilder("apt-get", "install", "-y", "-q", debianPackage).redirectErrorStream(true);
            apt.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = apt.start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                Process u = new ProcessBuilder("apt-get", "update", "-q").redirectErrorStream(true).start();
                u.getInputStream().readAllBytes();
                u.waitFor();
                Process again = apt.start();
                again.getInputStream().readAllBytes();
                again.waitFor();
            }
        }
        if (!onPath(command)) {
            throw new AssertionError(command + " is needed by this test: apt-get install " + debianPackage);
        }
    }

    static boolean onPath(String command) throws IOException, InterruptedException {
        return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    }

    /** A loopback port nothing listens on now (the tool binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code command} and waits until 127.0.0.1:{@code port} accepts connections (10 s at most). */
    static ExternalTool start(List<String> command, Path dir, int port) throws IOException, InterruptedException {
        Path log = dir.resolve("tool.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ExternalTool tool = new ExternalTool(p, log);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - until < 0) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return tool;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    break;
                }
                Thread.sleep(20); // a bounded poll; the deadline bounds it
            }
        }
        tool.close();
        throw new AssertionError(command.get(0) + " did not start listening on port " + port + ": "
                + Files.readString(log));
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
