package raftkv.http.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd 3.4 ({@code /usr/bin/etcd}) on loopback, as the reference the gateway is compared
 * with: single member, free ephemeral ports, data in the given directory. {@link #start} returns
 * once {@code /health} answers; {@link #close} stops this process (by its PID) and waits for it.
 * If etcd is missing it is installed with apt when running as root, else the start fails saying how.
 *
 * <p>For the end-to-end suites too: {@link #post} sends one gateway request and returns the
 * status and the body as etcd wrote them.
 */
public final class EtcdProcess implements AutoCloseable {
  public static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final String clientUrl;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private EtcdProcess(Process process, String clientUrl, Path log) {
    this.process = process;
    this.clientUrl = clientUrl;
    this.log = log;
  }

  /** An HTTP answer as received. */
  public record Answer(int status, String body) {}

  /** Starts etcd with its data and log under {@code dir}; retries on other ports if they were taken meanwhile. */
  public static EtcdProcess start(Path dir) throws IOException, InterruptedException {
    ensureInstalled();
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int clientPort = freePort();
      int peerPort = freePort();
      if (clientPort == peerPort) {
        continue;
      }
      Path data = dir.resolve("etcd-data-" + attempt);
      Path log = dir.resolve("etcd-" + attempt + ".log");
      String client = "http://127.0.0.1:" + clientPort;
      String peer = "http://127.0.0.1:" + peerPort;
      Process p = new ProcessBuilder(ETCD.toString(), "--name", "default", "--data-dir", data.toString(),
          "--listen-client-urls", client, "--advertise-client-urls", client,
          "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
          "--initial-cluster", "default=" + peer)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      var etcd = new EtcdProcess(p, client, log);
      try {
        etcd.awaitHealthy();
        return etcd;
      } catch (IOException e) {
        etcd.close();
        last = e;
      }
    }
    throw last != null ? last : new IOException("no two distinct free ports");
  }

  public String clientUrl() {
    return clientUrl;
  }

  public long pid() {
    return process.pid();
  }

  public Answer post(String path, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(clientUrl + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body());
  }

  /** Stops this etcd (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest health = HttpRequest.newBuilder(URI.create(clientUrl + "/health")).timeout(Duration.ofSeconds(2)).GET()
        .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ": " + tail());
      }
      try {
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      process.waitFor(50, TimeUnit.MILLISECONDS); // returns at once if etcd exits
    }
    throw new IOException("etcd not healthy after " + START_TIMEOUT + ": " + tail());
  }

  private String tail() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static synchronized void ensureInstalled() throws IOException, InterruptedException {
    if (Files.isExecutable(ETCD)) {
      return;
    }
    String how = "etcd 3.4 is needed at " + ETCD + ": install it with `sudo apt-get install -y etcd-server`";
    if (!"0".equals(run(List.of("id", "-u")).trim())) {
      throw new IllegalStateException(how);
    }
    if (!apt("install", "-y", "etcd-server")) {
      apt("update");
      apt("install", "-y", "etcd-server");
    }
    if (!Files.isExecutable(ETCD)) {
      throw new IllegalStateException(how + " (apt-get failed)");
    }
  }

  private static boolean apt(String... args) throws IOException, InterruptedException {
    var command = new java.util.ArrayList<String>(List.of("apt-get"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return p.waitFor() == 0;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
