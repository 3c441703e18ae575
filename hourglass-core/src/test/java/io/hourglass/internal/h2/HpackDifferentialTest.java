package io.hourglass.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our HPACK against Debian's python3-hpack (src/test/resources/.../hpack_peer.py): what our encoder writes,
 * python-hpack decodes to the same fields; what python-hpack writes, ours decodes to the same fields; over a
 * few hundred generated header lists on one long-lived pair of tables each way, with table size changes.
 *
 * <p>Needs /usr/bin/python3 with python3-hpack: installed with apt-get when missing and running as root,
 * otherwise the test fails saying what to install. It never skips.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HpackDifferentialTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int LISTS = 400;
    private static final Pattern FIELD = Pattern.compile("\\[\"([0-9a-f]*)\", \"([0-9a-f]*)\", (true|false)\\]");
    private static final Pattern BLOCK = Pattern.compile("\\{\"block\": \"([0-9a-f]*)\"\\}");
    private static Process peer;
    private static BufferedWriter toPeer;
    private static BufferedReader fromPeer;

    @BeforeAll
    static void startPeer() throws Exception {
        ensurePythonHpack();
        Path script = Path.of(HpackDifferentialTest.class.getResource("hpack_peer.py").toURI());
        peer = new ProcessBuilder(PYTHON, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        toPeer = new BufferedWriter(new OutputStreamWriter(peer.getOutputStream(), StandardCharsets.US_ASCII));
        fromPeer = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
    }

    @AfterAll
    static void stopPeer() throws Exception {
        if (peer != null) {
            toPeer.close();
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
    }

    @Test
    void listsWeEncodeArePythonHpacksToo() throws Exception {
        Random rnd = new Random(7541);
        HpackEncoder enc = new HpackEncoder(4096);
        for (int i = 0; i < LISTS; i++) {
            if (i % 50 == 49) {
                int size = new int[] {0, 256, 1024, 4096}[rnd.nextInt(4)];
                ask("{\"op\": \"decoder_max_table_size\", \"size\": " + size + "}");
                enc.peerHeaderTableSize(size);
            }
            FieldList f = RoundTripTest.randomFields(rnd);
            int n = enc.encode(f);
            String answer = ask("{\"op\": \"decode\", \"block\": \"" + HexFormat.of().formatHex(enc.buffer(), 0, n) + "\"}");
            FieldList back = fields(answer, "list " + i);
            assertThat(H2Wire.Recorder.fields(back)).as("list %d", i).isEqualTo(H2Wire.Recorder.fields(f));
            for (int k = 0; k < f.size(); k++) {
                boolean mustBeNeverIndexed = f.sensitive(k) || f.name(k).equals("authorization")
                        || (f.name(k).equals("cookie") && f.value(k).length() < HpackEncoder.SHORT_COOKIE);
                if (mustBeNeverIndexed) {
                    assertThat(back.sensitive(k)).as("list %d: %s arrives never-indexed", i, f.name(k)).isTrue();
                }
            }
        }
    }

    @Test
    void listsPythonHpackEncodesAreOursToo() throws Exception {
        Random rnd = new Random(9113);
        HpackDecoder dec = new HpackDecoder(Settings.UNLIMITED);
        FieldList out = new FieldList();
        int neverIndexed = 0;
        for (int i = 0; i < LISTS; i++) {
            if (i % 50 == 49) {
                int size = new int[] {0, 256, 1024, 4096}[rnd.nextInt(4)];
                ask("{\"op\": \"encoder_table_size\", \"size\": " + size + "}");
                dec.maxTableSizeSetting(size); // as on our SETTINGS ACK: the update must come next
            }
            FieldList f = RoundTripTest.randomFields(rnd);
            String answer = ask(encodeRequest(f, rnd.nextBoolean()));
            Matcher m = BLOCK.matcher(answer);
            if (!m.matches()) {
                fail("python-hpack could not encode list " + i + ": " + answer);
            }
            byte[] block = HexFormat.of().parseHex(m.group(1));
            dec.decode(block, 0, block.length, out);
            assertThat(H2Wire.Recorder.fields(out)).as("list %d", i).isEqualTo(H2Wire.Recorder.fields(f));
            for (int k = 0; k < f.size(); k++) {
                // python-hpack sends a sensitive field as an index when an equal entry is already in its
                // table, so only "never indexed on the wire => sensitive here" can be asserted.
                assertThat(!out.sensitive(k) || f.sensitive(k)).as("list %d field %d: no false sensitivity", i, k).isTrue();
                neverIndexed += out.sensitive(k) ? 1 : 0;
            }
        }
        assertThat(neverIndexed).as("never-indexed literals seen").isPositive();
    }

    private static String encodeRequest(FieldList f, boolean huffman) {
        StringBuilder sb = new StringBuilder("{\"op\": \"encode\", \"huffman\": ").append(huffman).append(", \"fields\": [");
        for (int i = 0; i < f.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("[\"").append(hex(f.name(i))).append("\", \"").append(hex(f.value(i)))
                    .append("\", ").append(f.sensitive(i)).append(']');
        }
        return sb.append("]}").toString();
    }

    private static FieldList fields(String answer, String what) {
        if (!answer.startsWith("{\"fields\"")) {
            fail("python-hpack could not decode " + what + ": " + answer);
        }
        FieldList f = new FieldList();
        Matcher m = FIELD.matcher(answer);
        while (m.find()) {
            f.add(latin1(m.group(1)), latin1(m.group(2)), Boolean.parseBoolean(m.group(3)));
        }
        return f;
    }

    private static String hex(String latin1) {
        return HexFormat.of().formatHex(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String latin1(String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1);
    }

    private static String ask(String request) throws IOException {
        toPeer.write(request);
        toPeer.write('\n');
        toPeer.flush();
        String line = fromPeer.readLine();
        if (line == null) {
            fail("the python-hpack peer exited (see its stderr above)");
        }
        return line;
    }

    /** Makes sure Debian's python3-hpack is importable by /usr/bin/python3, installing it as root if needed. */
    static void ensurePythonHpack() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing: this test needs Debian's python3 and python3-hpack (apt-get install -y python3-hpack)");
        }
        if (run(PYTHON, "-c", "import hpack") == 0) {
            return;
        }
        if (!"0".equals(output("id", "-u")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            fail("python3-hpack is not installed and this user cannot install it: run apt-get install -y python3-hpack as root");
        }
        if (run("apt-get", "install", "-y", "-q", "python3-hpack") != 0) {
            run("apt-get", "update", "-q");
            run("apt-get", "install", "-y", "-q", "python3-hpack");
        }
        if (run(PYTHON, "-c", "import hpack") != 0) {
            fail("apt-get install -y python3-hpack did not make 'import hpack' work for " + PYTHON);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor(1, TimeUnit.MINUTES);
        return out;
    }
}
