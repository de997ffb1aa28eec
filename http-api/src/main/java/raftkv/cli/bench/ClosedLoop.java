package raftkv.cli.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import raftkv.cli.GatewayClient;

/**
 * Closed-loop load: {@code clients} clients, each sending its next request only once the answer
 * to its last one arrived (so the offered load is what the server can take, as in etcd's
 * benchmark). Asynchronous ({@link HttpClient#sendAsync}, no thread per client: Java 17 has no
 * virtual threads); the completions run on a small fixed pool.
 *
 * <p>Client {@code i} talks to endpoint {@code i mod endpoints} over connection pool
 * {@code i mod conns} (one {@link HttpClient} each). The gateway is HTTP/1.1, so each request in
 * flight holds a TCP connection of its pool: a pool opens as many as it has clients.
 */
public final class ClosedLoop {
  /** One request: its operation (for the per-operation histograms), gateway path and JSON body. */
  public record Op(String name, String path, byte[] body) {}

  /** Makes a client's next request. Called by one client at a time, each with its own random source. */
  @FunctionalInterface
  public interface Workload {
    Op next(int client, SplittableRandom random);
  }

  /** How much to run: {@code total} requests, or for {@code duration}. */
  public record Budget(long total, Duration duration) {
    public static Budget of(Long total, Duration duration, long defaultTotal) {
      if (total != null && duration != null) {
        throw new raftkv.cli.CtlException("give --total or --duration, not both");
      }
      return duration != null ? new Budget(0, duration) : new Budget(total != null ? total : defaultTotal, null);
    }
  }

  private final List<String> endpoints;
  private final int clients;
  private final int conns;
  private final Duration dialTimeout;
  private final Duration requestTimeout;

  public ClosedLoop(List<String> endpoints, int clients, int conns, Duration dialTimeout, Duration requestTimeout) {
    if (clients < 1 || conns < 1) {
      throw new raftkv.cli.CtlException("--clients and --conns must be at least 1");
    }
    this.endpoints = endpoints;
    this.clients = clients;
    this.conns = conns;
    this.dialTimeout = dialTimeout;
    this.requestTimeout = requestTimeout;
  }

  /** Runs the workload to the end of the budget; returns the seconds it took. */
  public double run(Workload workload, Budget budget, LatencyStats stats, Progress progress) throws InterruptedException {
    List<HttpClient> pools = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      pools.add(GatewayClient.newHttpClient(dialTimeout));
    }
    ExecutorService executor = Executors.newFixedThreadPool(Math.min(clients, 4), r -> {
      Thread t = new Thread(r, "benchmark-client");
      t.setDaemon(true);
      return t;
    });
    AtomicLong issued = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    long start = System.nanoTime();
    long deadline = budget.duration() == null ? Long.MAX_VALUE : start + budget.duration().toNanos();
    progress.start(budget, start, finished);
    try {
      for (int i = 0; i < clients; i++) {
        Client c = new Client(i, endpoints.get(i % endpoints.size()), pools.get(i % conns), new SplittableRandom(1_000_003L * i + 7));
        executor.execute(() -> c.next(workload, budget, deadline, issued, finished, stats, done, executor));
      }
      done.await();
    } finally {
      progress.stop();
      executor.shutdownNow();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private final class Client {
    final int id;
    final String endpoint;
    final HttpClient http;
    final SplittableRandom random;

    Client(int id, String endpoint, HttpClient http, SplittableRandom random) {
      this.id = id;
      this.endpoint = endpoint;
      this.http = http;
      this.random = random;
    }

    void next(Workload workload, Budget budget, long deadline, AtomicLong issued, AtomicLong finished,
        LatencyStats stats, CountDownLatch done, ExecutorService executor) {
      boolean more = budget.duration() == null ? issued.incrementAndGet() <= budget.total() : System.nanoTime() < deadline;
      if (!more) {
        done.countDown();
        return;
      }
      Op op;
      try {
        op = workload.next(id, random);
      } catch (RuntimeException e) {
        stats.error("client error", e.toString());
        done.countDown();
        return;
      }
      long sent = System.nanoTime();
      http.sendAsync(GatewayClient.request(endpoint, op.path(), op.body(), requestTimeout), HttpResponse.BodyHandlers.ofByteArray())
          .whenCompleteAsync((response, failure) -> {
            long took = System.nanoTime() - sent;
            if (failure != null) {
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              stats.error(cause instanceof HttpTimeoutException ? "timeout" : cause.getClass().getSimpleName(), cause.toString());
            } else if (response.statusCode() != 200) {
              stats.error(kind(response), new String(response.body(), StandardCharsets.UTF_8));
            } else {
              stats.record(op.name(), took);
            }
            finished.incrementAndGet();
            next(workload, budget, deadline, issued, finished, stats, done, executor);
          }, executor);
    }
  }

  /** An error answer's kind: the HTTP status and the gRPC code etcd's gateway puts in the body. */
  static String kind(HttpResponse<byte[]> response) {
    String code = "?";
    try {
      code = GatewayClient.JSON.readTree(response.body()).path("code").asText("?");
    } catch (java.io.IOException | RuntimeException notJson) {
      // keep "?"
    }
    return "HTTP " + response.statusCode() + " (grpc code " + code + ")";
  }
}
