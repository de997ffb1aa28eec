package raftkv.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import raftkv.jepsen.Nemesis.Fault;

/**
 * Strict serializability of real server processes under faults, Jepsen style: a register workload
 * through random members while a nemesis kills, pauses and partitions members and the leader; the
 * history must be linearizable, no revision a client sees may go back, and a watch must deliver
 * every revision once, in order. And the checker must see a stale serializable read.
 *
 * <p>Partitions put every member in a network namespace of its own ({@link NetNamespaces}); where
 * that is not possible (not root, no {@code ip netns}) those tests are skipped, saying why. Each run
 * prints its seed; its history, faults and latency plot go to {@code target/jepsen/<test>}.
 */
class JepsenTest {
  private static final Duration CLIENT_TIMEOUT = Duration.ofMillis(1000);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void killsAndPausesOfMembersAndOfTheLeaderKeepTheHistoryLinearizable(TestInfo info) throws Exception {
    run(info, List.of(Fault.KILL, Fault.KILL_LEADER, Fault.PAUSE, Fault.PAUSE_LEADER), false);
  }

  @Test
  void partitionsKeepTheHistoryLinearizable(TestInfo info) throws Exception {
    Optional<String> why = NetNamespaces.unavailable();
    assumeTrue(why.isEmpty(), () -> "partition tests skipped: " + why.orElse(""));
    run(info, List.of(Fault.PARTITION, Fault.ISOLATE_LEADER, Fault.BRIDGE, Fault.ONE_WAY), true);
  }

  private void run(TestInfo info, List<Fault> faults, boolean namespaces) throws Exception {
    long seed = System.nanoTime() % 1_000_000;
    System.out.println(info.getDisplayName() + ": seed " + seed);
    var config = new JepsenRun.Config(3, 4, 4, faults, true, Duration.ofSeconds(90), Duration.ofSeconds(3),
        Duration.ofSeconds(2), seed, CLIENT_TIMEOUT, Duration.ofSeconds(30));
    JepsenRun.Result result = JepsenRun.run(config, namespaces, tmp.resolve("members"));
    Path out = Path.of("target", "jepsen", info.getTestMethod().orElseThrow().getName());
    JepsenRun.write(result, out);
    System.out.print(result.summary());
    System.out.println("history and plot: " + out.toAbsolutePath());
    for (Fault f : faults) {
      assertEquals(1, result.faults().getOrDefault(f, 0), f + " injected once\n" + result.summary());
    }
    assertTrue(result.count(null, Op.Outcome.OK) > 50, "enough operations answered\n" + result.summary());
    assertTrue(result.valid(), "seed " + seed + "\n" + result.summary());
  }

  /**
   * A member cut off from the others still serves serializable reads from its own state, which is
   * stale once the majority took a write: the checker must call that history not linearizable —
   * which shows it can see staleness — while the same history without that read passes.
   */
  @Test
  void aStaleSerializableReadFromACutOffMemberIsCaughtByTheChecker() throws Exception {
    Optional<String> why = NetNamespaces.unavailable();
    assumeTrue(why.isEmpty(), () -> "partition tests skipped: " + why.orElse(""));
    try (NetNamespaces net = NetNamespaces.create(3);
         JepsenCluster cluster = new JepsenCluster(tmp.resolve("members"), net, 3)) {
      cluster.start();
      int leader = cluster.awaitLeader(Duration.ofSeconds(60));
      int cutOff = (leader + 1) % 3;
      GatewayClient client = new GatewayClient(cluster, CLIENT_TIMEOUT);
      History history = new History();
      String key = "stale/k";

      writeUntilOk(client, cluster, history, leader, key, "v1");
      awaitSerializable(client, history, cutOff, key, "v1");
      for (int other = 0; other < 3; other++) {
        if (other != cutOff) {
          net.cut(cutOff, other);
          net.cut(other, cutOff);
        }
      }
      writeUntilOk(client, cluster, history, leader, key, "v2");
      long invoked = System.nanoTime();
      GatewayClient.Answer stale = client.read(cutOff, key, true);
      assertEquals(Op.Outcome.OK, stale.outcome(), "a serializable read is served without a leader: " + stale);
      assertEquals("v1", stale.value(), "the cut-off member has not seen v2");
      Op staleRead = Op.read(history.nextId(), 1, key, stale.value(), invoked, System.nanoTime());
      List<Op> withoutIt = history.ops();
      history.add(new History.Entry(staleRead, 1, JepsenCluster.name(cutOff), stale.revision(), true, null));

      // A linearizable read there must not say v1.
      GatewayClient.Answer linearizable = client.read(cutOff, key, false);
      assertFalse(linearizable.outcome() == Op.Outcome.OK && "v1".equals(linearizable.value()),
          "a linearizable read on the cut-off member answered the stale value: " + linearizable);

      var verdict = LinearizabilityChecker.check(history.ops(), Duration.ofSeconds(10));
      System.out.println("stale serializable read: " + verdict);
      assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict.verdict(), verdict.toString());
      assertTrue(verdict.counterexample().contains(staleRead), verdict.toString());
      assertTrue(verdict.counterexample().stream().anyMatch(op -> op.kind() == Op.Kind.WRITE && op.value().equals("v2")
          && op.outcome() == Op.Outcome.OK), "the counterexample shows the write the read missed: " + verdict);
      assertTrue(LinearizabilityChecker.check(withoutIt, Duration.ofSeconds(10)).linearizable(),
          "the history without the stale read is linearizable");
      net.healAll();
    }
  }

  private static void writeUntilOk(GatewayClient client, JepsenCluster cluster, History history, int via, String key,
      String value) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (int attempt = 0; ; attempt++) {
      long invoked = System.nanoTime();
      GatewayClient.Answer a = client.write(via, key, value);
      history.add(new History.Entry(Op.write(history.nextId(), 0, key, value, a.outcome(), invoked, System.nanoTime()),
          0, JepsenCluster.name(via), a.revision(), false, a.error()));
      if (a.outcome() == Op.Outcome.OK) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "no write within 30 s: " + a.error() + "\n" + cluster.describe());
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static void awaitSerializable(GatewayClient client, History history, int member, String key, String value) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (int attempt = 0; ; attempt++) {
      long invoked = System.nanoTime();
      GatewayClient.Answer a = client.read(member, key, true);
      if (a.outcome() == Op.Outcome.OK && value.equals(a.value())) {
        history.add(new History.Entry(Op.read(history.nextId(), 1, key, a.value(), invoked, System.nanoTime()),
            1, JepsenCluster.name(member), a.revision(), true, null));
        return;
      }
      assertTrue(System.nanoTime() < deadline, "member " + member + " never served " + value + ": " + a);
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
