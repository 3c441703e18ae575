package io.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Server;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the library's public surface: what module-info exports, and which types are public in the exported
 * packages, against the table "The public API" in docs/design.md. Adding, removing or making public a type in
 * an exported package fails here until the table says so (and why); exporting an internal package to everyone
 * fails always.
 */
class PublicApiTest {
    private static final Path DESIGN = Path.of("..", "docs", "design.md");
    /** A row of the table: | `Type` (`Type.Nested`, ...) | `io.hourglass.pkg` | why |. */
    private static final Pattern ROW = Pattern.compile("^\\| (`[A-Z][A-Za-z0-9]*`[^|]*)\\| `(io\\.hourglass[a-z0-9.]*)` \\|");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z0-9.]*)`");

    private static final Module MODULE = Server.class.getModule();

    @Test
    void theTestsRunInsideTheNamedModule() {
        // Surefire puts target/classes on the module path and patches the tests into it; were the library on
        // the class path, the checks below would read no descriptor and prove nothing.
        assertThat(MODULE.isNamed()).isTrue();
        assertThat(MODULE.getName()).isEqualTo("io.hourglass");
        assertThat(PublicApiTest.class.getModule()).isSameAs(MODULE);
    }

    @Test
    void internalPackagesAreExportedToHourglassModulesOnly() {
        for (ModuleDescriptor.Exports e : MODULE.getDescriptor().exports()) {
            if (isInternal(e.source())) {
                assertThat(e.isQualified()).as("%s is exported to everyone", e.source()).isTrue();
                assertThat(e.targets()).as("%s is exported outside Hourglass", e.source())
                        .allMatch(m -> m.startsWith("io.hourglass."));
            }
        }
        assertThat(MODULE.getDescriptor().opens()).as("opened packages").isEmpty();
    }

    @Test
    void exportedPackagesAreTheTablesPackages() throws IOException {
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : MODULE.getDescriptor().exports()) {
            if (!e.isQualified()) {
                exported.add(e.source());
            }
        }
        Set<String> recorded = new TreeSet<>();
        for (Row r : table()) {
            recorded.add(r.pkg());
        }
        assertThat(exported).as("packages exported to everyone vs. the packages in docs/design.md's table")
                .isEqualTo(recorded);
    }

    @Test
    void publicTypesAreTheTablesTypes() throws IOException {
        Set<String> actual = publicTypes();
        Set<String> recorded = new TreeSet<>();
        for (Row r : table()) {
            for (String name : r.types()) {
                recorded.add(r.pkg() + "." + name);
            }
        }
        Set<String> unrecorded = new TreeSet<>(actual);
        unrecorded.removeAll(recorded);
        Set<String> stale = new TreeSet<>(recorded);
        stale.removeAll(actual);
        long topLevel = actual.stream().filter(t -> t.matches("[a-z0-9.]+\\.[A-Z][A-Za-z0-9]*")).count();
        assertThat(unrecorded).as("public types in exported packages that docs/design.md's table \"The public API\""
                + " does not list (now %d top-level public types, %d nested): make them package-private or"
                + " internal, or add them to a row that says why they are API", topLevel, actual.size() - topLevel)
                .isEmpty();
        assertThat(stale).as("types docs/design.md's table lists that are not public in an exported package")
                .isEmpty();
    }

    /**
     * Public top-level types of the exported packages, and their public or protected member types (as
     * {@code pkg.Outer.Inner}), read from the module's own classes (not the patched-in tests).
     */
    private static Set<String> publicTypes() throws IOException {
        ResolvedModule resolved = MODULE.getLayer().configuration().findModule(MODULE.getName()).orElseThrow();
        Set<String> exported = new TreeSet<>();
        MODULE.getDescriptor().exports().stream().filter(e -> !e.isQualified()).forEach(e -> exported.add(e.source()));
        Set<String> out = new TreeSet<>();
        try (ModuleReader reader = resolved.reference().open(); Stream<String> names = reader.list()) {
            for (String resource : names.toList()) {
                if (!resource.endsWith(".class") || resource.contains("$") || resource.endsWith("-info.class")) {
                    continue;
                }
                String className = resource.substring(0, resource.length() - ".class".length()).replace('/', '.');
                Class<?> c = load(className);
                if (exported.contains(c.getPackageName()) && Modifier.isPublic(c.getModifiers())) {
                    addWithMembers(c, c.getSimpleName(), out);
                }
            }
        }
        return out;
    }

    private static void addWithMembers(Class<?> c, String name, Set<String> out) {
        out.add(c.getPackageName() + "." + name);
        for (Class<?> member : c.getDeclaredClasses()) {
            int m = member.getModifiers();
            if (Modifier.isPublic(m) || (Modifier.isProtected(m) && !Modifier.isFinal(c.getModifiers()))) {
                addWithMembers(member, name + "." + member.getSimpleName(), out);
            }
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PublicApiTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("listed by the module but not loadable: " + name, e);
        }
    }

    private record Row(List<String> types, String pkg) {}

    /** The rows of the table under "## The public API" in docs/design.md. */
    private static List<Row> table() throws IOException {
        List<Row> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(DESIGN)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## The public API");
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (inSection && m.find()) {
                List<String> types = new ArrayList<>();
                Matcher n = NAME.matcher(m.group(1));
                while (n.find()) {
                    types.add(n.group(1));
                }
                rows.add(new Row(types, m.group(2)));
            }
        }
        assertThat(rows).as("rows of the table under \"## The public API\" in %s", DESIGN.toAbsolutePath()).isNotEmpty();
        return rows;
    }

    private static boolean isInternal(String pkg) {
        return pkg.equals("io.hourglass.internal") || pkg.startsWith("io.hourglass.internal.");
    }
}
