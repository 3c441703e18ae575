package io.hourglass.internal.h1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The checked-in seed corpus of every fuzz target is exactly {@link FuzzSeeds}: a case added to a rejection
 * table that is not yet a seed fails here, naming the command that writes it
 * ({@code scripts/fuzz.sh --write-seeds}, which sets {@code -Dhourglass.fuzz.writeSeeds=true}). Findings of
 * fuzzing runs live one level down, in {@code <Target>Inputs/<method>/}, and are not touched.
 */
class FuzzSeedsTest {
    private static final Path RESOURCES = Path.of("src/test/resources/io/hourglass/internal/h1");

    @Test
    void everyRejectionCaseAndValidMessageIsASeedOfItsTarget() throws IOException {
        boolean write = Boolean.getBoolean("hourglass.fuzz.writeSeeds");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Class<?>, Map<String, byte[]>> target : FuzzSeeds.all().entrySet()) {
            Path dir = RESOURCES.resolve(target.getKey().getSimpleName() + "Inputs");
            Map<String, byte[]> seeds = target.getValue();
            if (write) {
                rewrite(dir, seeds);
            }
            for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                Path f = dir.resolve(seed.getKey());
                if (!Files.isRegularFile(f) || !Arrays.equals(Files.readAllBytes(f), seed.getValue())) {
                    wrong.add(f + " is missing or differs");
                }
            }
            for (Path f : files(dir)) {
                if (!seeds.containsKey(f.getFileName().toString())) {
                    wrong.add(f + " is no longer a seed");
                }
            }
        }
        assertThat(wrong).as("seed files out of date: run scripts/fuzz.sh --write-seeds").isEmpty();
        assertThat(FuzzSeeds.requests()).hasSizeGreaterThan(100);
    }

    private static void rewrite(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (Path f : files(dir)) {
            Files.delete(f);
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }

    /** The seed files of a target: regular files directly in its directory (findings are in subdirectories). */
    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
