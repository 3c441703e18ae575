package io.hourglass.internal.h1;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * A codec fuzz target's method: a Jazzer {@link FuzzTest} taking {@code byte[]}, replayed on its seeds and
 * findings in every build and fuzzed by {@code scripts/fuzz.sh}. The {@link Timeout} bounds one input in
 * both modes: in a build, an input that hangs fails its test after 10 s instead of stopping the build (on a
 * thread of its own, so even a loop that ignores interrupts is left behind); when
 * fuzzing, Jazzer passes it to libFuzzer as {@code -timeout} (scripts/fuzz.sh turns JUnit's own timeouts off
 * there, since JUnit would apply it to the whole fuzzing run).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@FuzzTest(maxDuration = "20s")
public @interface CodecFuzzTest {}
