package io.hourglass.internal.h1;

import static io.hourglass.internal.h1.Wire.bytes;
import static io.hourglass.internal.h1.Wire.rest;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** InBuffer: filling, compaction, growth to its maximum, and direct reads. */
class InBufferTest {

    @Test
    void fillAppendsWhatTheSourceGives() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("abcdef"), 2), 8, 8);

        assertThat(in.fill()).isEqualTo(2);
        assertThat(in.fill()).isEqualTo(2);

        assertThat(rest(in)).isEqualTo("abcd");
        assertThat(in.available()).isEqualTo(4);
    }

    @Test
    void fillReturnsMinusOneAtEndOfStream() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("ab")), 8, 8);

        assertThat(in.fill()).isEqualTo(2);
        assertThat(in.fill()).isEqualTo(-1);
        assertThat(rest(in)).isEqualTo("ab");
    }

    @Test
    void fullBufferCompactsUnconsumedBytesToTheFront() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("abcdefghij")), 8, 8);
        in.fill();
        in.pos = 5;

        assertThat(in.fill()).isEqualTo(2);

        assertThat(in.pos).isZero();
        assertThat(rest(in)).isEqualTo("fghij");
    }

    @Test
    void fullBufferGrowsUpToItsMaximumThenFillReturnsZero() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("x".repeat(100))), 8, 20);

        assertThat(in.fill()).isEqualTo(8);
        assertThat(in.fill()).isEqualTo(8);
        assertThat(in.buf).hasSize(16);
        assertThat(in.fill()).isEqualTo(4);
        assertThat(in.buf).hasSize(20);

        assertThat(in.fill()).isZero();
        assertThat(in.available()).isEqualTo(20);
    }

    @Test
    void readTakesBufferedBytesFirst() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("abcdef"), 4), 8, 8);
        in.fill();
        byte[] b = new byte[10];

        assertThat(in.read(b, 0, 10)).isEqualTo(4);
        assertThat(Wire.text(b, 0, 4)).isEqualTo("abcd");
        assertThat(in.read(b, 0, 10)).isEqualTo(2);
        assertThat(in.read(b, 0, 10)).isEqualTo(-1);
    }

    @Test
    void largeReadOfAnEmptyBufferGoesStraightToTheCaller() throws IOException {
        Wire.Fragments src = new Wire.Fragments(bytes("0123456789abcdef"));
        InBuffer in = new InBuffer(src, 8, 8);
        byte[] b = new byte[12];

        assertThat(in.read(b, 0, 12)).isEqualTo(12);

        assertThat(Wire.text(b, 0, 12)).isEqualTo("0123456789ab");
        assertThat(in.available()).isZero();
        assertThat(src.served()).isEqualTo(12);
    }

    @Test
    void readOfNothingReadsNothing() throws IOException {
        InBuffer in = new InBuffer((b, off, len) -> {
            throw new AssertionError("no read expected");
        }, 8, 8);

        assertThat(in.read(new byte[4], 0, 0)).isZero();
    }

    @Test
    void readByteRewindsWhenEmptyAndReportsEndOfStream() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("ab"), 1), 8, 8);

        assertThat(in.readByte()).isEqualTo('a');
        assertThat(in.readByte()).isEqualTo('b');
        assertThat(in.pos).isEqualTo(1); // rewound to the front before the second fill
        assertThat(in.readByte()).isEqualTo(-1);
    }

    @Test
    void readByteReturnsUnsignedValues() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(new byte[] {(byte) 0xff, (byte) 0x80}), 8, 8);

        assertThat(in.readByte()).isEqualTo(0xff);
        assertThat(in.readByte()).isEqualTo(0x80);
    }

    @Test
    void rewindIfEmptyOnlyRewindsAnEmptyBuffer() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("abcd")), 8, 8);
        in.fill();
        in.pos = 2;

        in.rewindIfEmpty();
        assertThat(in.pos).isEqualTo(2);

        in.pos = 4;
        in.rewindIfEmpty();
        assertThat(in.pos).isZero();
        assertThat(in.lim).isZero();
    }

    @Test
    void shrinkReplacesAGrownBufferOnlyWhenEmpty() throws IOException {
        InBuffer in = new InBuffer(new Wire.Fragments(bytes("x".repeat(20))), 8, 32);
        while (in.available() < 20) {
            in.fill();
        }
        assertThat(in.buf.length).isGreaterThan(8);

        in.shrink(8);
        assertThat(in.buf.length).isGreaterThan(8);

        in.pos = in.lim;
        in.shrink(8);
        assertThat(in.buf).hasSize(8);
        assertThat(in.available()).isZero();
    }
}
