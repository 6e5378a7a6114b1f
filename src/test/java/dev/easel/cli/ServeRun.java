package dev.easel.cli;

import dev.easel.api.EaselServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/** {@code easel ARGS…} run in-process until its server is up. */
record ServeRun(EaselServer server, CompletableFuture<Integer> exit) {
  /** Starts {@code easel ARGS…}, whose arguments include the {@code serve} command. */
  static ServeRun start(String... args) {
    CommandLine cl = EaselCommand.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    // picocli makes the subcommand objects with the command line and parses into them: take the
    // serve command now rather than reading picocli's parse state while another thread parses
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    ExecutorService threads = Executors.newCachedThreadPool();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> cl.execute(args), threads);
    CompletableFuture<EaselServer> server =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return serve.awaitServer();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            threads);
    threads.shutdown();
    Object first;
    try {
      first = CompletableFuture.anyOf(server, exit).get(120, TimeUnit.SECONDS);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new IllegalStateException(
          "easel did not start serving (" + e + "); it printed: " + err);
    }
    if (first instanceof Integer code) {
      throw new IllegalStateException("easel exited with " + code + " before serving: " + err);
    }
    return new ServeRun(server.join(), exit);
  }

  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> generate(String json) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/images/generations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Stops the server; the command's exit code. */
  int stop() throws Exception {
    server.stop();
    return exit.get(30, TimeUnit.SECONDS);
  }
}
