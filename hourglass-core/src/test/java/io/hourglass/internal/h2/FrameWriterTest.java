package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.HpackAppendixCTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The writer's bytes: frame headers, header blocks split by the peer's max frame size, the preface. */
class FrameWriterTest {

    @Test
    void dataFrameHasTheNineByteHeader() throws Exception {
        H2Wire.Collected c = new H2Wire.Collected();
        new FrameWriter(c.out).writeData(3, new byte[] {'h', 'i'}, 0, 2, true);
        assertThat(H2Wire.hex(c.flushed(), 0, 11)).isEqualTo("000002" + "00" + "01" + "00000003" + "6869");
    }

    @Test
    void prefaceIsTheMagicOfSection34() throws Exception {
        H2Wire.Collected c = new H2Wire.Collected();
        FrameWriter w = new FrameWriter(c.out);
        w.writePreface();
        w.writeSettings(Settings.DEFAULTS);
        assertThat(new String(c.flushed(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0");
    }

    @Test
    void headerBlockLargerThanTheFrameSizeIsSplitIntoContinuations() throws Exception {
        H2Wire.Collected c = new H2Wire.Collected();
        FrameWriter w = new FrameWriter(c.out);
        HpackEncoder enc = new HpackEncoder(4096);
        FieldList f = list(":status", "200", "x-big", "v".repeat(40_000));
        w.writeHeaders(1, enc, f, true);
        byte[] wire = c.flushed();
        // HEADERS (END_STREAM, no END_HEADERS) of 16384, CONTINUATION 16384, CONTINUATION (END_HEADERS) rest
        assertThat(H2Wire.hex(wire, 0, 9)).isEqualTo("004000" + "01" + "01" + "00000001");
        assertThat(H2Wire.hex(wire, 9 + 16384, 9)).isEqualTo("004000" + "09" + "00" + "00000001");
        assertThat(H2Wire.hex(wire, 2 * (9 + 16384) + 3, 2)).isEqualTo("0904");
        // and the reader puts it back together
        FrameReader r = H2Wire.serverReader(H2Wire.concat(H2Wire.EMPTY_SETTINGS, wire), 1000);
        assertThat(H2Wire.readAll(r)).singleElement().asString().startsWith("HEADERS 1 [:status=200, x-big=vvvv").endsWith("END_STREAM");
    }

    @Test
    void largerPeerFrameSizeKeepsTheBlockInOneFrame() throws Exception {
        H2Wire.Collected c = new H2Wire.Collected();
        FrameWriter w = new FrameWriter(c.out);
        w.maxFrameSize(1 << 16);
        w.writeHeaders(1, new HpackEncoder(4096), list(":status", "200", "x-big", "v".repeat(40_000)), false);
        byte[] wire = c.flushed();
        assertThat(wire[4]).isEqualTo((byte) Frame.FLAG_END_HEADERS);
        assertThat(wire.length - 9).isEqualTo(((wire[0] & 0xff) << 16) | ((wire[1] & 0xff) << 8) | (wire[2] & 0xff));
    }

    @Test
    void callerMistakesAreIllegalArguments() {
        FrameWriter w = new FrameWriter(new H2Wire.Collected().out);
        assertThatThrownBy(() -> w.writeData(0, new byte[1], 0, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.writeData(1, new byte[16385], 0, 16385, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.writeWindowUpdate(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.writePriority(1, 0, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.maxFrameSize(1 << 24)).isInstanceOf(IllegalArgumentException.class);
    }
}
