package raftkv.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import raftkv.cli.CtlCommand;
import raftkv.cli.CtlException;
import raftkv.cli.GatewayClient;
import raftkv.cli.RaftkvCtl;

/**
 * {@code benchmark watch-latency}: etcd's watch-latency. {@code --streams} watch streams
 * ({@code /v3/watch} requests, spread over the endpoints), each with {@code --watchers-per-stream}
 * watchers of one key; then one putter puts that key {@code --total} times (or for
 * {@code --duration}) at {@code --put-rate} puts/s, each put waiting for its answer. Reported:
 * {@code put} (put sent → answered), {@code event} (put answered → the event arrived at a
 * watcher, once per watcher and put: the headline; an event that arrives before its put's answer
 * counts as 0 and is counted in {@code eventsBeforeAck}) and {@code put-to-event} (put sent →
 * event arrived, what etcd's tool reports). An event that never arrives is an error. The result's
 * clients are the watchers, its conns the streams.
 */
@Command(name = "watch-latency", description = "Benchmark watch latency: from a put's answer to its event at every watcher")
public final class WatchLatencyBenchmark extends CtlCommand {
  @Option(names = "--streams", defaultValue = "10", description = "watch streams (default: ${DEFAULT-VALUE})")
  int streams;

  @Option(names = "--watchers-per-stream", defaultValue = "10", description = "watchers on each stream (default: ${DEFAULT-VALUE})")
  int watchersPerStream;

  @Option(names = "--put-rate", defaultValue = "100", description = "puts per second (default: ${DEFAULT-VALUE})")
  int putRate;

  @Option(names = "--key", defaultValue = "watch-latency-key", description = "the watched key (default: ${DEFAULT-VALUE})")
  String key;

  @Option(names = "--val-size", defaultValue = "32", description = "value size in bytes, at least 20 (default: ${DEFAULT-VALUE})")
  int valSize;

  @Override
  protected int run(RaftkvCtl global) {
    BenchmarkCommand bench = (BenchmarkCommand) spec.parent().userObject();
    if (streams < 1 || watchersPerStream < 1 || putRate < 1 || valSize < 20) {
      throw new CtlException("--streams, --watchers-per-stream and --put-rate must be at least 1, --val-size at least 20");
    }
    GatewayClient client = client(global);
    List<String> endpoints = bench.endpoints(client);
    ClosedLoop.Budget budget = bench.budget(1000);
    int puts = (int) (budget.duration() == null ? budget.total() : Math.max(1, budget.duration().toMillis() * putRate / 1000));
    int watchers = streams * watchersPerStream;
    long[] sentAt = new long[puts];
    long[] acked = new long[puts];
    long[][] arrived = new long[watchers][puts];
    LatencyStats stats = new LatencyStats(List.of("put", "event", "put-to-event"));
    CountDownLatch created = new CountDownLatch(watchers);
    AtomicLong events = new AtomicLong();
    List<Stream<String>> open = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    String keyB64 = GatewayClient.b64(key);
    long start = System.nanoTime();
    try {
      for (int s = 0; s < streams; s++) {
        String endpoint = endpoints.get(s % endpoints.size());
        StringBuilder body = new StringBuilder();
        for (int w = 0; w < watchersPerStream; w++) {
          body.append("{\"create_request\":{\"key\":\"").append(keyB64).append("\"}}\n");
        }
        HttpClient http = GatewayClient.newHttpClient(global.dialTimeout());
        HttpResponse<Stream<String>> response;
        try {
          response = http.send(GatewayClient.request(endpoint, "watch", body.toString().getBytes(StandardCharsets.UTF_8),
              java.time.Duration.ofDays(1)), HttpResponse.BodyHandlers.ofLines());
        } catch (java.io.IOException e) {
          throw new CtlException(endpoint + ": cannot open a watch stream: " + e, e);
        }
        if (response.statusCode() != 200) {
          throw new CtlException(endpoint + ": watch answered HTTP " + response.statusCode());
        }
        open.add(response.body());
        int firstSlot = s * watchersPerStream;
        Thread reader = new Thread(() -> read(response.body(), firstSlot, arrived, created, events, stats), "watch-stream-" + s);
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
      }
      if (!created.await(global.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new CtlException("only " + (watchers - created.getCount()) + " of " + watchers + " watchers were created within "
            + global.commandTimeout().toMillis() + " ms");
      }
      String filler = GatewayClient.b64(Keys.value(valSize, new java.util.SplittableRandom(7))).substring(0, valSize - 20);
      HttpClient putter = GatewayClient.newHttpClient(global.dialTimeout());
      long putStart = System.nanoTime();
      for (int i = 0; i < puts; i++) {
        long due = putStart + (long) (i * 1e9 / putRate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        String value = String.format("%020d", i) + filler;
        byte[] put = ("{\"key\":\"" + keyB64 + "\",\"value\":\"" + GatewayClient.b64(value) + "\"}").getBytes(StandardCharsets.US_ASCII);
        long sent = System.nanoTime();
        sentAt[i] = sent;
        try {
          HttpResponse<byte[]> r = putter.send(GatewayClient.request(endpoints.get(0), "kv/put", put, global.commandTimeout()),
              HttpResponse.BodyHandlers.ofByteArray());
          acked[i] = System.nanoTime();
          if (r.statusCode() == 200) {
            stats.record("put", acked[i] - sent);
          } else {
            stats.error(ClosedLoop.kind(r), new String(r.body(), StandardCharsets.UTF_8));
          }
        } catch (java.io.IOException e) {
          acked[i] = System.nanoTime();
          stats.error(e.getClass().getSimpleName(), e.toString());
        }
      }
      long expected = stats.byOp().get("put").getTotalCount() * watchers;
      long waitUntil = System.nanoTime() + global.commandTimeout().toNanos();
      while (events.get() < expected && System.nanoTime() < waitUntil) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted");
    } finally {
      open.forEach(Stream::close);
      readers.forEach(Thread::interrupt);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long early = 0;
    long missing = 0;
    for (int w = 0; w < watchers; w++) {
      for (int i = 0; i < puts; i++) {
        if (acked[i] == 0) {
          continue;
        }
        if (arrived[w][i] == 0) {
          missing++;
          stats.error("event missing", "watcher " + w + " did not see put " + i);
        } else {
          long latency = arrived[w][i] - acked[i];
          if (latency < 0) {
            early++;
          }
          stats.record("event", Math.max(0, latency));
          stats.record("put-to-event", arrived[w][i] - sentAt[i]);
        }
      }
    }
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("streams", streams);
    facts.put("watchersPerStream", watchersPerStream);
    facts.put("putRate", putRate);
    facts.put("puts", puts);
    facts.put("eventsBeforeAck", early);
    facts.put("eventsMissing", missing);
    new BenchmarkResult("watch-latency", endpoints, watchers, streams, seconds, stats, "event", facts).print(global.writeOut(), out());
    return stats.succeeded() == 0 ? 1 : 0;
  }

  /** Reads one watch stream: counts created watchers, and stamps each event's arrival for its watcher and put. */
  private static void read(Stream<String> lines, int firstSlot, long[][] arrived, CountDownLatch created, AtomicLong events,
      LatencyStats stats) {
    Map<String, Integer> slots = new ConcurrentHashMap<>();
    try {
      lines.forEach(line -> {
        long now = System.nanoTime();
        if (line.isBlank()) {
          return;
        }
        JsonNode message;
        try {
          message = GatewayClient.JSON.readTree(line);
        } catch (java.io.IOException e) {
          stats.error("watch: not JSON", line);
          return;
        }
        if (message.has("error")) {
          stats.error("watch stream error", line);
          return;
        }
        JsonNode result = message.path("result");
        String watchId = result.path("watch_id").asText("0");
        if (result.path("created").asBoolean(false)) {
          slots.putIfAbsent(watchId, firstSlot + slots.size());
          created.countDown();
        }
        Integer slot = slots.get(watchId);
        for (JsonNode event : result.path("events")) {
          if (slot == null) {
            continue;
          }
          String value = GatewayClient.text(event.path("kv"), "value");
          int seq = Integer.parseInt(value.substring(0, 20));
          if (seq < arrived[slot].length && arrived[slot][seq] == 0) {
            arrived[slot][seq] = now;
            events.incrementAndGet();
          }
        }
      });
    } catch (RuntimeException closed) {
      // the stream was closed at the end
    }
  }
}
