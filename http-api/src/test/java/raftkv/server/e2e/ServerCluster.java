package raftkv.server.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import raftkv.testing.MemberProcess;
import raftkv.testing.TestJvm;

/**
 * Real raftkv server processes ({@code raftkv.server.Main}, as {@code bin/raftkv} runs it) on
 * loopback, configured with etcd's flags exactly as an operator would, and an HTTP client for
 * them. Every member has its client and peer port and its data directory of its own.
 */
public final class ServerCluster implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String READY = "raftkv: member ";

  private final Map<String, MemberProcess> members = new LinkedHashMap<>();
  private final Map<String, URI> clientUrls = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Members {@code n1..n<size>} under {@code root}, not started yet. */
  public ServerCluster(Path root, int size) {
    Map<String, Integer> peerPorts = new LinkedHashMap<>();
    for (int i = 1; i <= size; i++) {
      String name = "n" + i;
      peerPorts.put(name, TestJvm.freePort());
      clientUrls.put(name, URI.create("http://127.0.0.1:" + TestJvm.freePort()));
    }
    String initialCluster = peerPorts.entrySet().stream()
        .map(e -> e.getKey() + "=http://127.0.0.1:" + e.getValue())
        .collect(Collectors.joining(","));
    peerPorts.forEach((name, peerPort) -> {
      Path home = root.resolve(name);
      List<String> args = new ArrayList<>(List.of(
          "--name", name,
          "--data-dir", home.resolve("data").toString(),
          "--listen-client-urls", clientUrls.get(name).toString(),
          "--advertise-client-urls", clientUrls.get(name).toString(),
          "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
          "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
          "--initial-cluster", initialCluster,
          "--initial-cluster-state", "new"));
      members.put(name, new MemberProcess(
          name, home, TestJvm.java(root.resolve("jvm-tmp"), "raftkv.server.Main", args), READY, null));
    });
  }

  /** Starts every member and waits until each serves clients. */
  public ServerCluster start() throws InterruptedException {
    try {
      members.values().forEach(MemberProcess::start);
      for (MemberProcess m : members.values()) {
        m.awaitReady(READY_TIMEOUT);
      }
      return this;
    } catch (RuntimeException | Error | InterruptedException e) {
      close(); // the caller never gets the cluster to close
      throw e;
    }
  }

  public List<String> names() {
    return List.copyOf(members.keySet());
  }

  public MemberProcess member(String name) {
    return members.get(name);
  }

  public URI clientUrl(String name) {
    return clientUrls.get(name);
  }

  /** POSTs a JSON body to a member; a connection failure is an answer of status 0. */
  public Answer post(String name, String path, String json) {
    return send(HttpRequest.newBuilder(clientUrls.get(name).resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"));
  }

  public Answer get(String name, String path) {
    return send(HttpRequest.newBuilder(clientUrls.get(name).resolve(path)).GET());
  }

  public Answer put(String name, String path, String body) {
    return send(HttpRequest.newBuilder(clientUrls.get(name).resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Answer delete(String name, String path) {
    return send(HttpRequest.newBuilder(clientUrls.get(name).resolve(path)).DELETE());
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException e) {
      return new Answer(0, e.toString(), Map.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpClient http() {
    return http;
  }

  /** An HTTP answer: status (0 when there was none) and body. */
  public record Answer(int status, String body, Map<String, List<String>> headers) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** Every member's last output lines, for a failure message. */
  public String describe() {
    return members.values().stream().map(MemberProcess::describe).collect(Collectors.joining());
  }

  @Override
  public void close() {
    members.values().forEach(MemberProcess::destroy);
  }
}
