import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Lists the public types of a module's exported packages, from its compiled classes: see public-api.sh.
 * Exported means what module-info.class exports to everyone; without a module-info.class (before the
 * library was a module), every package whose name has no "internal" segment.
 */
public class PublicApi {
    public static void main(String[] args) throws Exception {
        Path classes = Path.of(args.length > 0 ? args[0] : "hourglass-core/target/classes");
        if (!Files.isDirectory(classes)) {
            System.err.println("public-api: no classes directory " + classes + " (build first: ./mvnw -q compile)");
            System.exit(2);
        }
        Set<String> exported = exportedPackages(classes);
        TreeMap<String, Set<String>> byPackage = new TreeMap<>();
        int topLevel = 0;
        int nested = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String rel = classes.relativize(f).toString().replace('\\', '/');
                if (rel.contains("$") || rel.endsWith("-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(rel.substring(0, rel.length() - 6).replace('/', '.'), false, loader);
                if (!exported.contains(c.getPackageName()) || !Modifier.isPublic(c.getModifiers())) {
                    continue;
                }
                Set<String> names = byPackage.computeIfAbsent(c.getPackageName(), k -> new TreeSet<>());
                names.add(c.getSimpleName());
                topLevel++;
                nested += members(c, c.getSimpleName(), names);
            }
        }
        byPackage.forEach((pkg, names) -> System.out.println(pkg + " (" + names.size() + "): "
                + String.join(", ", names)));
        System.out.println(topLevel + " public top-level types in " + byPackage.size() + " exported packages, and "
                + nested + " public nested types");
    }

    /** Adds the public (or, in a non-final class, protected) member types of {@code c}; returns how many. */
    private static int members(Class<?> c, String name, Set<String> out) {
        int n = 0;
        for (Class<?> m : c.getDeclaredClasses()) {
            int mod = m.getModifiers();
            if (Modifier.isPublic(mod) || (Modifier.isProtected(mod) && !Modifier.isFinal(c.getModifiers()))) {
                out.add(name + "." + m.getSimpleName());
                n += 1 + members(m, name + "." + m.getSimpleName(), out);
            }
        }
        return n;
    }

    private static Set<String> exportedPackages(Path classes) throws IOException {
        Set<String> out = new TreeSet<>();
        Path info = classes.resolve("module-info.class");
        if (Files.exists(info)) {
            try (var in = Files.newInputStream(info)) {
                for (ModuleDescriptor.Exports e : ModuleDescriptor.read(in).exports()) {
                    if (!e.isQualified()) {
                        out.add(e.source());
                    }
                }
            }
            return out;
        }
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String pkg = classes.relativize(p.getParent()).toString().replace('/', '.');
                if (!pkg.isEmpty() && !(pkg.equals("io.hourglass.internal") || pkg.contains(".internal."))) {
                    out.add(pkg);
                }
            });
        }
        return out;
    }
}
