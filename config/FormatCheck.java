import com.google.googlejavaformat.java.Formatter;
import com.google.googlejavaformat.java.FormatterException;
import com.google.googlejavaformat.java.ImportOrderer;
import com.google.googlejavaformat.java.JavaFormatterOptions.Style;
import com.google.googlejavaformat.java.RemoveUnusedImports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs google-java-format on the JDK that Maven's toolchain selected, so Java 21 syntax parses even
 * when Maven itself runs on an older JDK. Usage: FormatCheck (check|apply) DIR...
 */
public class FormatCheck {
  public static void main(String[] args) throws IOException {
    boolean apply = args[0].equals("apply");
    Formatter formatter = new Formatter();
    List<String> bad = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      Path root = Path.of(args[i]);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          String src = Files.readString(f, StandardCharsets.UTF_8);
          String out;
          try {
            out =
                formatter.formatSource(
                    ImportOrderer.reorderImports(
                        RemoveUnusedImports.removeUnusedImports(src), Style.GOOGLE));
          } catch (FormatterException e) {
            System.err.println(f + ": " + e.getMessage());
            bad.add(f.toString());
            continue;
          }
          if (!out.equals(src)) {
            if (apply) {
              Files.writeString(f, out, StandardCharsets.UTF_8);
              System.err.println("formatted " + f);
            } else {
              bad.add(f.toString());
            }
          }
        }
      }
    }
    if (!bad.isEmpty() && !apply) {
      System.err.println("These files are not formatted (run: mvn process-sources -Dformat=apply):");
      bad.forEach(b -> System.err.println("  " + b));
      System.exit(1);
    }
    if (!bad.isEmpty()) {
      System.exit(1);
    }
  }
}
