package io.hourglass.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Settings: RFC defaults, local configuration checks, frames applied in order. */
class SettingsTest {

    @Test
    void defaultsAreThoseOfSection652() {
        Settings s = Settings.DEFAULTS;
        assertThat(s.headerTableSize()).isEqualTo(4096);
        assertThat(s.enablePush()).isTrue();
        assertThat(s.maxConcurrentStreams()).isEqualTo(Settings.UNLIMITED);
        assertThat(s.initialWindowSize()).isEqualTo(65_535);
        assertThat(s.maxFrameSize()).isEqualTo(16_384);
        assertThat(s.maxHeaderListSize()).isEqualTo(Settings.UNLIMITED);
    }

    @Test
    void withChangesOneSettingAndKeepsTheOriginal() {
        Settings s = Settings.DEFAULTS.with(Settings.ENABLE_PUSH, 0).with(Settings.MAX_CONCURRENT_STREAMS, 100);
        assertThat(s.enablePush()).isFalse();
        assertThat(s.maxConcurrentStreams()).isEqualTo(100);
        assertThat(Settings.DEFAULTS.enablePush()).isTrue();
        assertThat(s.with(Settings.MAX_CONCURRENT_STREAMS, Settings.UNLIMITED).with(Settings.ENABLE_PUSH, 1))
                .isEqualTo(Settings.DEFAULTS);
    }

    @Test
    void outOfRangeLocalValueIsRejectedWithTheSettingsName() {
        assertThatThrownBy(() -> Settings.DEFAULTS.with(Settings.MAX_FRAME_SIZE, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SETTINGS_MAX_FRAME_SIZE");
        assertThatThrownBy(() -> Settings.DEFAULTS.with(Settings.INITIAL_WINDOW_SIZE, 1L << 31))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SETTINGS_INITIAL_WINDOW_SIZE");
    }

    @Test
    void entriesApplyInOrderAndIgnoreUnknownIds() {
        Settings.Entries e = new Settings.Entries();
        e.add(Settings.INITIAL_WINDOW_SIZE, 1000);
        e.add(0x42, 7);
        e.add(Settings.INITIAL_WINDOW_SIZE, 2000);
        Settings s = e.applyTo(Settings.DEFAULTS);
        assertThat(s.initialWindowSize()).isEqualTo(2000);
        assertThat(s.initialWindowSize() - Settings.DEFAULTS.initialWindowSize()).isEqualTo(2000 - 65_535);
    }

    @Test
    void writerSendsOnlyValuesThatDifferFromTheDefaults() throws Exception {
        H2Wire.Collected c = new H2Wire.Collected();
        FrameWriter w = new FrameWriter(c.out);
        w.writeSettings(Settings.DEFAULTS.with(Settings.ENABLE_PUSH, 0).with(Settings.MAX_HEADER_LIST_SIZE, 16_384));
        assertThat(H2Wire.hex(c.flushed(), 0, 21)).isEqualTo("00000c040000000000" + "000200000000" + "000600004000");
    }
}
