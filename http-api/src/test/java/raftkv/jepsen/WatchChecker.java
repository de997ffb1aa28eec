package raftkv.jepsen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A watch on the workload's prefix, opened before the workload, kept across the faults: when its
 * stream breaks (or is silent for a while: its member may be cut off or paused) it opens a new one
 * on a random member from the last revision it got + 1. It must deliver every revision after its
 * start once, in order, with no gap, since every write of the workload is one revision; and the
 * event at an acknowledged write's revision must be that write.
 */
final class WatchChecker implements AutoCloseable {
  private static final Duration SILENCE = Duration.ofSeconds(3);

  /** One delivered event. */
  record Event(long revision, String key, String value, String member) {}

  private final JepsenCluster cluster;
  private final GatewayClient client;
  private final String prefix;
  private final Random random;
  private final long startRevision;
  private final List<Event> events = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private volatile boolean stop;
  private volatile long last;
  private int reconnects;
  private final Thread thread;

  private final int firstMember;

  /** Opens on {@code firstMember} from {@code startRevision + 1}. */
  WatchChecker(JepsenCluster cluster, GatewayClient client, String prefix, long startRevision, int firstMember, long seed) {
    this.firstMember = firstMember;
    this.cluster = cluster;
    this.client = client;
    this.prefix = prefix;
    this.random = new Random(seed);
    this.startRevision = startRevision;
    this.last = startRevision;
    this.thread = new Thread(this::run, "jepsen-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    int member = firstMember;
    for (int stream = 0; stream < 100_000 && !stop; stream++) {
      watchOnce(member);
      if (!stop) {
        synchronized (this) {
          reconnects++;
        }
        member = random.nextInt(cluster.size());
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // pacing
      }
    }
  }

  /** One stream, until it ends, errs, stays silent too long, or the checker stops. */
  private void watchOnce(int member) {
    long from = last + 1;
    String body = "{\"create_request\":{\"key\":\"" + GatewayClient.b64(prefix) + "\",\"range_end\":\""
        + GatewayClient.b64(prefixEnd(prefix)) + "\",\"start_revision\":" + from + "}}";
    HttpRequest request = HttpRequest.newBuilder(cluster.clientUrl(member).resolve("/v3/watch"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    String end = "\u0000end";
    CompletableFuture<HttpResponse<Stream<String>>> response =
        client.http().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    response.whenComplete((r, e) -> {
      if (e != null) {
        lines.add(end);
        return;
      }
      CompletableFuture.runAsync(() -> {
        try (Stream<String> s = r.body()) {
          s.forEach(lines::add);
        } catch (RuntimeException ignored) {
          // the stream broke: reconnect
        } finally {
          lines.add(end);
        }
      });
    });
    try {
      while (!stop) {
        String line = lines.poll(SILENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line.equals(end)) {
          return;
        }
        if (line.isBlank()) {
          continue;
        }
        JsonNode result = GatewayClient.JSON.readTree(line).path("result");
        if (result.path("canceled").asBoolean(false)) {
          problem("watch on " + JepsenCluster.name(member) + " from " + from + " canceled: " + line);
          return;
        }
        for (JsonNode e : result.path("events")) {
          JsonNode kv = e.path("kv");
          long revision = kv.path("mod_revision").asLong();
          Event event = new Event(revision, GatewayClient.unb64(kv.path("key").asText("")),
              GatewayClient.unb64(kv.path("value").asText("")), JepsenCluster.name(member));
          synchronized (this) {
            if (revision != last + 1) {
              problem("after revision " + last + " the watch on " + event.member() + " delivered " + revision
                  + (revision <= last ? " (again or out of order)" : " (a gap)"));
            }
            events.add(event);
            last = Math.max(last, revision);
            notifyAll();
          }
        }
      }
    } catch (IOException e) {
      problem("unreadable watch message: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop = true;
    } finally {
      response.cancel(true);
      response.thenAccept(r -> r.body().close());
    }
  }

  private synchronized void problem(String what) {
    if (problems.size() < 20) {
      problems.add(what);
    }
  }

  /** Waits until the watch delivered {@code revision}; false if not within the timeout. */
  synchronized boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (last < revision) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * What is wrong: gaps, repeats, disorder; a revision up to {@code finalRevision} never
   * delivered; an acknowledged write whose revision shows another event.
   */
  synchronized List<String> check(long finalRevision, Map<Long, History.Entry> acknowledged) {
    List<String> out = new ArrayList<>(problems);
    Map<Long, Event> byRevision = new TreeMap<>();
    events.forEach(e -> byRevision.putIfAbsent(e.revision(), e));
    for (long r = startRevision + 1; r <= finalRevision; r++) {
      if (!byRevision.containsKey(r)) {
        out.add("revision " + r + " was never delivered (watch got up to " + last + ")");
        break;
      }
    }
    acknowledged.forEach((revision, entry) -> {
      Event e = byRevision.get(revision);
      if (e != null && !(e.key().equals(entry.op().key()) && e.value().equals(entry.op().value()))) {
        out.add("revision " + revision + " is " + e + " in the watch, but " + entry.op() + " was acknowledged at it");
      }
    });
    return out;
  }

  synchronized int delivered() {
    return events.size();
  }

  synchronized int reconnects() {
    return reconnects;
  }

  static String prefixEnd(String prefix) {
    char[] c = prefix.toCharArray();
    c[c.length - 1]++;
    return new String(c);
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(SILENCE.toMillis() + 5_000);
  }
}
