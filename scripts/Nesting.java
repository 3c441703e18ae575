import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Lists the deepest nesting of control blocks in Java sources: STYLE.md's "nesting to three levels or fewer".
 *
 * <p>A level is a block of if, else, for, while, do, try, catch, finally, switch or synchronized, counted from
 * the innermost method, constructor, lambda or class body around it (a lambda or an anonymous class starts
 * again at 0). Strings, characters, text blocks and comments are skipped. Run by scripts/nesting.sh:
 * {@code java scripts/Nesting.java [--max N] [--top K] DIR...}; exits 1 when a file goes past the maximum.
 */
public class Nesting {
    private static final Pattern CONTROL = Pattern.compile(
            "(?:^|[^\\w$])(if|else|for|while|do|try|catch|finally|switch|synchronized)\\s*(\\(.*\\))?\\s*$", Pattern.DOTALL);

    record Hit(Path file, int line, int depth) {}

    public static void main(String[] args) throws IOException {
        int max = 3;
        int top = 15;
        List<Path> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--max" -> max = Integer.parseInt(args[++i]);
                case "--top" -> top = Integer.parseInt(args[++i]);
                default -> roots.add(Path.of(args[i]));
            }
        }
        List<Hit> worst = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    worst.add(deepest(f, Files.readString(f)));
                }
            }
        }
        worst.sort(Comparator.comparingInt(Hit::depth).reversed().thenComparing(h -> h.file().toString()));
        int over = 0;
        for (Hit h : worst) {
            if (h.depth() > max) {
                over++;
            }
        }
        System.out.println("deepest control-block nesting per file (limit " + max + "), worst first:");
        for (Hit h : worst.subList(0, Math.min(top, worst.size()))) {
            System.out.printf("  %d  %s:%d%n", h.depth(), h.file(), h.line());
        }
        System.out.println(over == 0 ? "none past " + max : over + " file(s) past " + max);
        System.exit(over == 0 ? 0 : 1);
    }

    /** The deepest nesting in one file, and the first line where it is reached. */
    static Hit deepest(Path file, String src) {
        String code = blankOut(src);
        Deque<Boolean> blocks = new ArrayDeque<>(); // per open brace: whether it is a control block
        Deque<Integer> bases = new ArrayDeque<>();  // control depth at which each function-like body started
        bases.push(0);
        int control = 0;
        int best = 0;
        int bestLine = 1;
        int line = 1;
        int stmtStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char ch = code.charAt(i);
            if (ch == '\n') {
                line++;
            } else if (ch == '{') {
                String header = code.substring(stmtStart, i).trim();
                boolean isControl = CONTROL.matcher(header).find() && !header.endsWith("->");
                blocks.push(isControl);
                if (isControl) {
                    control++;
                    int depth = control - bases.peek();
                    if (depth > best) {
                        best = depth;
                        bestLine = line;
                    }
                } else {
                    bases.push(control); // a class, method, lambda or initializer body starts again
                }
                stmtStart = i + 1;
            } else if (ch == '}') {
                boolean wasControl = !blocks.isEmpty() && blocks.pop();
                if (wasControl) {
                    control--;
                } else if (bases.size() > 1) {
                    bases.pop();
                }
                stmtStart = i + 1;
            } else if (ch == ';') {
                stmtStart = i + 1;
            }
        }
        return new Hit(file, bestLine, best);
    }

    /** The source with comments, strings, characters and text blocks replaced by spaces (newlines kept). */
    static String blankOut(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int end = skipEnd(s, i);
            if (end == i) {
                out.append(s.charAt(i++));
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }

    /** Where the comment or literal starting at {@code i} ends, or {@code i} when none starts there. */
    private static int skipEnd(String s, int i) {
        if (s.startsWith("//", i)) {
            int n = s.indexOf('\n', i);
            return n < 0 ? s.length() : n;
        }
        if (s.startsWith("/*", i)) {
            int n = s.indexOf("*/", i + 2);
            return n < 0 ? s.length() : n + 2;
        }
        if (s.startsWith("\"\"\"", i)) {
            int n = s.indexOf("\"\"\"", i + 3);
            return n < 0 ? s.length() : n + 3;
        }
        char c = s.charAt(i);
        if (c != '"' && c != '\'') {
            return i;
        }
        int k = i + 1;
        while (k < s.length() && s.charAt(k) != c && s.charAt(k) != '\n') {
            k += s.charAt(k) == '\\' ? 2 : 1;
        }
        return Math.min(k + 1, s.length());
    }
}
