package raftkv.server.crash;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import raftkv.raft.ProposeReply;

/**
 * A steady stream of unique writes {@code w-<n>}, each proposed once (never retried, so each is
 * applied at most once), at most {@code concurrency} in flight, to the target members in turn
 * (followers forward to the leader). It records every write acknowledged {@code Committed} with
 * its index, and every write answered {@code NotCommitted} (which must then never be applied).
 */
final class Writer {
  private final CrashCluster cluster;
  private final int concurrency;
  private final Duration timeout;
  private final Semaphore window;
  private final Thread thread;
  private volatile List<String> targets = List.of();
  private volatile boolean stopping;

  /** Acknowledged writes: command → index. */
  final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  final Set<String> notCommitted = ConcurrentHashMap.newKeySet();
  final AtomicLong proposed = new AtomicLong();
  final AtomicLong unknown = new AtomicLong();
  final AtomicLong timedOut = new AtomicLong();
  private final List<String> wrongResults = new ArrayList<>();

  Writer(CrashCluster cluster, int concurrency, Duration timeout) {
    this.cluster = cluster;
    this.concurrency = concurrency;
    this.timeout = timeout;
    this.window = new Semaphore(concurrency);
    this.thread = new Thread(this::run, "crash-test-writer");
    this.thread.setDaemon(true);
  }

  /** The members writes go to from now on (those that run). */
  void targets(List<String> ids) {
    targets = List.copyOf(ids);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long n = 0;
    while (!stopping) {
      List<String> to = targets;
      try {
        if (to.isEmpty() || !window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
      } catch (InterruptedException e) {
        return;
      }
      String command = "w-" + n;
      String target = to.get((int) (n % to.size()));
      n++;
      proposed.incrementAndGet();
      cluster.propose(target, command, timeout).whenComplete((reply, failure) -> {
        record(command, reply);
        window.release();
      });
    }
  }

  private void record(String command, ProposeReply reply) {
    if (reply instanceof ProposeReply.Committed c) {
      acknowledged.put(command, c.index());
      String result = c.result() == null ? null : new String(c.result(), StandardCharsets.UTF_8);
      if (!Long.toString(c.index()).equals(result)) {
        synchronized (wrongResults) {
          wrongResults.add(command + " committed at " + c.index() + " but answered " + result);
        }
      }
    } else if (reply instanceof ProposeReply.NotCommitted) {
      notCommitted.add(command);
    } else if (reply instanceof ProposeReply.Unknown) {
      unknown.incrementAndGet();
    } else {
      timedOut.incrementAndGet();
    }
  }

  /** Stops proposing and waits until every write in flight is answered or timed out. */
  void stop() throws InterruptedException {
    stopping = true;
    thread.join(timeout.toMillis() + 5_000);
    long drain = timeout.toMillis() + 5_000;
    if (!window.tryAcquire(concurrency, drain, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("writes still in flight " + drain + " ms after the writer stopped");
    }
    window.release(concurrency);
  }

  /** Writes whose Committed reply carried another result than the index (the state machine's answer). */
  List<String> wrongResults() {
    synchronized (wrongResults) {
      return List.copyOf(wrongResults);
    }
  }

  String summary() {
    return acknowledged.size() + " writes acknowledged of " + proposed.get() + " proposed ("
        + notCommitted.size() + " not committed, " + unknown.get() + " unknown, " + timedOut.get() + " timed out)";
  }
}
