package raftkv.jepsen;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One run: a cluster of real processes, the register workload, a watch, and a nemesis, then the
 * checks: linearizability of the history (with final reads of every key after healing, so a
 * lost acknowledged write fails it), revisions per worker never going back, and the watch
 * delivering every revision once, in order.
 */
final class JepsenRun {
  /**
   * @param faults   the faults; with {@code each} every one once, in order, else random ones
   *                 until {@code duration} is over
   * @param duration the workload's length when the faults are random (an upper bound otherwise)
   */
  record Config(int members, int workers, int keys, List<Nemesis.Fault> faults, boolean each, Duration duration,
                Duration hold, Duration quiet, long seed, Duration clientTimeout, Duration checkBudget) {}

  /** What a run found. */
  record Result(Config config, String network, History history, List<Nemesis.Period> periods,
                Map<Nemesis.Fault, Integer> faults, LinearizabilityChecker.Result linearizability,
                List<String> revisionProblems, List<String> watchProblems, int watchEvents, int watchReconnects,
                long finalRevision, Duration took) {
    boolean valid() {
      return linearizability.linearizable() && revisionProblems.isEmpty() && watchProblems.isEmpty();
    }

    long count(Op.Kind kind, Op.Outcome outcome) {
      return history.ops().stream().filter(o -> (kind == null || o.kind() == kind) && o.outcome() == outcome).count();
    }

    String summary() {
      StringBuilder s = new StringBuilder();
      s.append(String.format("raftkv jepsen: %d members (%s), %d workers, %d keys, seed %d, %.0f s%n",
          config.members(), network, config.workers(), config.keys(), config.seed(), took.toMillis() / 1000.0));
      s.append(String.format("%-10s %8s %8s %8s %8s%n", "operation", "total", "ok", "failed", "unknown"));
      for (Op.Kind kind : Op.Kind.values()) {
        long ok = count(kind, Op.Outcome.OK);
        long failed = count(kind, Op.Outcome.FAILED);
        long unknown = count(kind, Op.Outcome.UNKNOWN);
        s.append(String.format("%-10s %8d %8d %8d %8d%n", kind.name().toLowerCase(), ok + failed + unknown, ok, failed,
            unknown));
      }
      long casMatched = history.ops().stream()
          .filter(o -> o.kind() == Op.Kind.CAS && o.outcome() == Op.Outcome.OK && o.casMatched()).count();
      s.append(String.format("%-10s %8d %8d %8d %8d   (cas matched: %d; a read without an answer is unknown and left out)%n",
          "all", history.ops().size(), count(null, Op.Outcome.OK), count(null, Op.Outcome.FAILED),
          count(null, Op.Outcome.UNKNOWN), casMatched));
      s.append(String.format("%-17s %5s %18s   %s%n", "faults injected", "count", "ops ok/fail/unkn", "what"));
      for (Nemesis.Fault f : Nemesis.Fault.values()) {
        if (faults.containsKey(f) || config.faults().contains(f)) {
          long[] during = new long[3];
          for (Nemesis.Period p : periods) {
            if (p.fault() == f) {
              for (Op o : history.ops()) {
                if (o.invokedAt() >= p.start() && o.invokedAt() <= p.end()) {
                  during[o.outcome().ordinal()]++;
                }
              }
            }
          }
          s.append(String.format("  %-15s %5d %18s   %s%n", f.name().toLowerCase(), faults.getOrDefault(f, 0),
              during[0] + "/" + during[1] + "/" + during[2], f.description));
        }
      }
      s.append(String.format("watch: %d events up to revision %d, %d reconnects%n", watchEvents, finalRevision,
          watchReconnects));
      s.append("linearizability: ").append(linearizability).append('\n');
      s.append("revisions per worker: ").append(revisionProblems.isEmpty() ? "never went back" : revisionProblems).append('\n');
      s.append("watch: ").append(watchProblems.isEmpty() ? "every revision once, in order" : watchProblems).append('\n');
      s.append("verdict: ").append(valid() ? "VALID" : "INVALID").append('\n');
      return s.toString();
    }
  }

  private JepsenRun() {}

  /** Runs on namespaces when {@code namespaces}, else on loopback; members' files under {@code dir}. */
  static Result run(Config config, boolean namespaces, Path dir) throws Exception {
    long began = System.nanoTime();
    try (Network net = namespaces ? NetNamespaces.create(config.members()) : Network.loopback(config.members());
         JepsenCluster cluster = new JepsenCluster(dir, net, config.members())) {
      if (!net.partitionable() && config.faults().stream().anyMatch(Nemesis.Fault::partition)) {
        throw new IllegalArgumentException("partitions need network namespaces");
      }
      cluster.start();
      // The watch starts on the leader: the faults that hit the leader then also break its stream.
      int leader = cluster.awaitLeader(Duration.ofSeconds(60));
      GatewayClient client = new GatewayClient(cluster, config.clientTimeout());
      History history = new History();
      String prefix = "jepsen-" + config.seed() + "/";
      List<String> keys = IntStream.range(0, config.keys()).mapToObj(i -> prefix + "k" + i).toList();

      long startRevision = readRevision(client, cluster, prefix + "k0");
      Map<Long, History.Entry> acknowledged = new TreeMap<>();
      Nemesis nemesis = new Nemesis(cluster, config.seed(), config.hold(), config.quiet());
      Workload workload = new Workload(cluster, client, history, keys, false, config.seed());
      long finalRevision;
      int events;
      int reconnects;
      List<String> watchProblems;
      try (WatchChecker watch = new WatchChecker(cluster, client, prefix, startRevision, leader, config.seed())) {
        Duration limit = config.each() ? config.duration().plus(Duration.ofMinutes(5)) : config.duration();
        workload.start(config.workers(), limit, Integer.MAX_VALUE);
        try {
          if (config.each()) {
            nemesis.runEach(config.faults());
          } else {
            nemesis.runRandom(config.faults(), config.duration());
          }
        } finally {
          workload.stop();
          net.healAll();
          for (int i = 0; i < cluster.size(); i++) {
            cluster.resume(i);
            if (!cluster.alive(i)) {
              cluster.restart(i);
            }
          }
        }
        cluster.awaitLeader(Duration.ofSeconds(60));
        workload.finalReads(Duration.ofSeconds(60));
        finalRevision = history.entries().stream().filter(e -> e.worker() < 0).mapToLong(History.Entry::revision)
            .max().orElseThrow();
        watch.awaitRevision(finalRevision, Duration.ofSeconds(30));
        for (History.Entry e : history.entries()) {
          Op op = e.op();
          if (op.outcome() == Op.Outcome.OK && (op.kind() == Op.Kind.WRITE || (op.kind() == Op.Kind.CAS && op.casMatched()))) {
            acknowledged.put(e.revision(), e);
          }
        }
        watchProblems = watch.check(finalRevision, acknowledged);
        events = watch.delivered();
        reconnects = watch.reconnects();
      }
      LinearizabilityChecker.Result lin = LinearizabilityChecker.check(history.ops(), config.checkBudget());
      return new Result(config, net.toString(), history, nemesis.periods(), nemesis.counts(), lin,
          workload.revisionViolations(), watchProblems, events, reconnects, finalRevision,
          Duration.ofNanos(System.nanoTime() - began));
    }
  }

  /** The current revision, from a linearizable read (retried until answered). */
  static long readRevision(GatewayClient client, JepsenCluster cluster, String key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int attempt = 0; ; attempt++) {
      GatewayClient.Answer a = client.read(attempt % cluster.size(), key, false);
      if (a.outcome() == Op.Outcome.OK) {
        return a.revision();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no linearizable read within 60 s: " + a.error() + "\n" + cluster.describe());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** history.jsonl, faults.jsonl, latency.svg and summary.txt in {@code out}. */
  static void write(Result result, Path out) throws IOException {
    Files.createDirectories(out);
    result.history().writeJsonLines(out.resolve("history.jsonl"));
    try (Writer w = Files.newBufferedWriter(out.resolve("faults.jsonl"), StandardCharsets.UTF_8)) {
      for (Nemesis.Period p : result.periods()) {
        w.write(GatewayClient.JSON.createObjectNode().put("fault", p.fault().name().toLowerCase())
            .put("detail", p.detail()).put("start_ms", result.history().millis(p.start()))
            .put("end_ms", result.history().millis(p.end())).toString());
        w.write('\n');
      }
    }
    Files.writeString(out.resolve("latency.svg"), LatencyPlot.svg(result), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("summary.txt"), result.summary(), StandardCharsets.UTF_8);
  }

  static String faultNames(List<Nemesis.Fault> faults) {
    return faults.stream().map(f -> f.name().toLowerCase()).collect(Collectors.joining(","));
  }

  static List<Nemesis.Fault> copy(List<Nemesis.Fault> faults) {
    return new ArrayList<>(faults);
  }
}
