package raftkv.jepsen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * The register workload: workers, each one operation at a time, doing reads, writes and
 * compare-and-sets on a few keys through random members, recording each operation in a
 * {@link History}. Every written value is unique, so a read tells which write it saw. A worker
 * also checks that the revisions in the answers it gets never go back.
 */
final class Workload {
  private final JepsenCluster cluster;
  private final GatewayClient client;
  private final History history;
  private final List<String> keys;
  private final boolean serializableReads;
  private final long seed;
  private final List<String> revisionViolations = new ArrayList<>();

  Workload(JepsenCluster cluster, GatewayClient client, History history, List<String> keys, boolean serializableReads, long seed) {
    this.cluster = cluster;
    this.client = client;
    this.history = history;
    this.keys = keys;
    this.serializableReads = serializableReads;
    this.seed = seed;
  }

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  /** Starts {@code workers} workers; they stop at {@link #stop}, after {@code duration}, or after {@code maxOps} each. */
  void start(int workers, Duration duration, int maxOps) {
    long end = System.nanoTime() + duration.toNanos();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Random random = new Random(seed * 1_000_003L + w);
      Thread t = new Thread(() -> work(worker, random, end, maxOps), "jepsen-worker-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops the workers and waits for them (each finishes its operation in hand). */
  void stop() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(60_000);
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " did not stop");
      }
    }
  }

  private void work(int worker, Random random, long end, int maxOps) {
    int logical = history.newClient();
    long lastRevision = 0;
    Map<String, String> lastSeen = new HashMap<>();
    for (int n = 0; n < maxOps && !stopped && System.nanoTime() < end; n++) {
      String key = keys.get(random.nextInt(keys.size()));
      int member = random.nextInt(cluster.size());
      int roll = random.nextInt(10);
      long id = history.nextId();
      long invoked = System.nanoTime();
      GatewayClient.Answer a;
      Op op;
      if (roll < 5 || (roll >= 8 && !lastSeen.containsKey(key))) {
        a = client.read(member, key, serializableReads);
        long completed = System.nanoTime();
        if (a.outcome() != Op.Outcome.OK) {
          op = new Op(id, logical, key, Op.Kind.READ, null, null, Op.Outcome.UNKNOWN, false, invoked, completed);
        } else {
          op = Op.read(id, logical, key, a.value(), invoked, completed);
          if (a.value() != null) {
            lastSeen.put(key, a.value());
          }
        }
      } else if (roll < 8) {
        String value = "w" + worker + "." + n;
        a = client.write(member, key, value);
        op = Op.write(id, logical, key, value, a.outcome(), invoked, System.nanoTime());
      } else {
        String value = "c" + worker + "." + n;
        a = client.cas(member, key, lastSeen.get(key), value);
        op = Op.cas(id, logical, key, lastSeen.get(key), value, a.outcome(), a.matched(), invoked, System.nanoTime());
      }
      history.add(new History.Entry(op, worker, JepsenCluster.name(member), a.revision(),
          op.kind() == Op.Kind.READ && serializableReads, a.error()));
      if (a.outcome() == Op.Outcome.OK) {
        if (a.revision() < lastRevision) {
          synchronized (revisionViolations) {
            revisionViolations.add("worker " + worker + ": revision " + a.revision() + " after " + lastRevision + " in " + op);
          }
        }
        lastRevision = Math.max(lastRevision, a.revision());
      }
      if (op.outcome() == Op.Outcome.UNKNOWN) {
        if (op.kind() != Op.Kind.READ) {
          logical = history.newClient(); // that operation may still take effect: a new client goes on
        }
        // Pacing, not synchronization: a worker whose member does not answer backs off a little.
        LockSupport.parkNanos(Duration.ofMillis(20 + random.nextInt(80)).toNanos());
      } else {
        LockSupport.parkNanos(Duration.ofMillis(random.nextInt(10)).toNanos());
      }
    }
  }

  /** After the faults: a linearizable read of every key, retried until answered, in the history. */
  void finalReads(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int logical = history.newClient();
    for (String key : keys) {
      for (int attempt = 0; ; attempt++) {
        int member = attempt % cluster.size();
        long invoked = System.nanoTime();
        GatewayClient.Answer a = client.read(member, key, false);
        if (a.outcome() == Op.Outcome.OK) {
          history.add(new History.Entry(Op.read(history.nextId(), logical, key, a.value(), invoked, System.nanoTime()),
              -1, JepsenCluster.name(member), a.revision(), false, null));
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no final read of " + key + " within " + timeout.toSeconds() + " s: " + a.error()
              + "\n" + cluster.describe());
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
    }
  }

  List<String> revisionViolations() {
    synchronized (revisionViolations) {
      return List.copyOf(revisionViolations);
    }
  }
}
