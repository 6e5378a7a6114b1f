package dev.easel.testing;

import dev.easel.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code easel} command line in-process and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
