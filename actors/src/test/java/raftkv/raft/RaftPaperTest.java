package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import raftkv.persistence.LogEntry;

/**
 * Directed scenarios from the Raft paper (Ongaro and Ousterhout, 2014) and thesis (Ongaro, 2014),
 * each named after the section it checks, run in the deterministic {@link Simulator} with no
 * random faults: the test alone decides what fails. Invariants are checked after every step.
 */
class RaftPaperTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Runs until {@code condition} holds; on timeout fails with the simulator's recent events. */
  private static void await(Simulator sim, java.util.function.BooleanSupplier condition, String what) {
    if (!sim.runUntil(condition, WAIT)) {
      StringBuilder members = new StringBuilder();
      sim.members().forEach(m -> members.append("\n  ").append(sim.status(m)).append(" disk ").append(sim.disk(m.id)));
      throw new AssertionError("timed out waiting until " + what + "; members:" + members
          + "\nlast events:\n  " + String.join("\n  ", sim.trace()));
    }
  }

  private static Simulator healthy(int size) {
    Simulator sim = new Simulator(42, size);
    assertTrue(sim.runUntil(() -> sim.leader() != null, WAIT), "no leader elected");
    assertTrue(sim.commitOne(WAIT));
    assertTrue(sim.runUntil(sim::converged, WAIT));
    return sim;
  }

  private static List<String> othersThan(Simulator sim, String... excluded) {
    List<String> ids = new ArrayList<>();
    sim.members().forEach(m -> ids.add(m.id));
    ids.removeAll(List.of(excluded));
    return ids;
  }

  private static long term(Simulator sim, String id) {
    return sim.status(sim.member(id)).term();
  }

  @Test
  void section5_2_aLeaderIsElectedWithinElectionTimeouts() {
    Simulator sim = new Simulator(1, 3);
    assertTrue(sim.runUntil(() -> sim.leader() != null, Duration.ofSeconds(5)));
    String leader = sim.leader();
    for (String other : othersThan(sim, leader)) {
      assertTrue(sim.runUntil(() -> leader.equals(sim.status(sim.member(other)).leader()), WAIT));
      assertEquals(term(sim, leader), term(sim, other));
    }
  }

  @Test
  void section5_2_aCrashedLeaderIsReplacedInAHigherTerm() {
    Simulator sim = healthy(3);
    String old = sim.leader();
    long oldTerm = term(sim, old);
    sim.crash(old);
    assertTrue(sim.runUntil(() -> sim.leader() != null, WAIT));
    assertNotEquals(old, sim.leader());
    assertTrue(term(sim, sim.leader()) > oldTerm);
    assertTrue(sim.commitOne(WAIT), "the new leader commits");
  }

  @Test
  void section5_3_aFollowerThatMissedEntriesCatchesUp() {
    Simulator sim = healthy(3);
    String behind = othersThan(sim, sim.leader()).get(0);
    sim.isolate(Set.of(behind));
    for (int i = 0; i < 20; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    long missed = sim.status(sim.member(sim.leader())).lastIndex() - sim.status(sim.member(behind)).lastIndex();
    assertTrue(missed >= 20, "the isolated follower missed " + missed);
    sim.heal();
    assertTrue(sim.runUntil(sim::converged, WAIT));
    assertEquals(sim.applied(sim.leader()), sim.applied(behind));
  }

  @Test
  void section5_3_aDeposedLeadersUncommittedEntriesAreOverwritten() {
    Simulator sim = healthy(5);
    String old = sim.leader();
    sim.isolate(Set.of(old));
    for (int i = 0; i < 3; i++) {
      sim.propose(old); // can never commit: the old leader is alone
    }
    assertTrue(sim.runUntil(() -> sim.leaderAmong(othersThan(sim, old)) != null, WAIT));
    String fresh = sim.leaderAmong(othersThan(sim, old));
    for (int i = 0; i < 5; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    sim.heal();
    assertTrue(sim.runUntil(sim::converged, WAIT));
    assertEquals(sim.applied(fresh), sim.applied(old));
    await(sim, () -> sim.disk(fresh).equals(sim.disk(old)), "the old leader's log was replaced on disk");
  }

  @Test
  void section5_4_1_aMemberWithAStaleLogCannotBeElected() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    String stale = othersThan(sim, leader).get(0);
    String upToDate = othersThan(sim, leader).get(1);
    sim.isolate(Set.of(stale));
    for (int i = 0; i < 5; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    sim.crash(leader);
    sim.heal();
    assertTrue(sim.runUntil(() -> sim.leader() != null, WAIT));
    assertEquals(upToDate, sim.leader(), "only the member holding every committed entry can win");
  }

  /**
   * Figure 8: an entry of an earlier term that a new leader has copied to a majority may still be
   * overwritten, so a leader counts replicas only for entries of its own term (§5.4.2). Entries are
   * sent one per AppendEntries so the test can stop replication between the old entry and the new
   * leader's no-op.
   */
  @Test
  void section5_4_2_figure8_aLeaderDoesNotCommitAnOlderTermsEntryByCountingReplicas() {
    Simulator sim = new Simulator(8, 5, 1, Long.MAX_VALUE);
    assertTrue(sim.runUntil(() -> sim.leader() != null, WAIT));
    assertTrue(sim.commitOne(WAIT));
    assertTrue(sim.runUntil(sim::converged, WAIT));
    String s1 = sim.leader();
    List<String> rest = othersThan(sim, s1);
    String s2 = rest.get(0);
    String s3 = rest.get(1);
    String s4 = rest.get(2);
    String s5 = rest.get(3);
    int index = sim.disk(s1).size() + 1;

    // (a) S1 leads and copies the entry at `index` to S2 only.
    sim.isolate(Set.of(s1, s2));
    sim.propose(s1);
    await(sim, () -> sim.disk(s1).size() >= index && sim.disk(s2).size() >= index, "S1 and S2 hold the entry");
    long oldTerm = sim.disk(s2).get(index - 1).term();
    sim.crash(s1);

    // (b) S5 wins with S3 and S4, writes its own entry at `index`, and crashes before sending it.
    assertTrue(sim.runUntil(() -> sim.leaderAmong(List.of(s3, s4, s5)) != null, WAIT));
    String winner = sim.leaderAmong(List.of(s3, s4, s5));
    sim.isolate(Set.of(winner));
    assertTrue(sim.runUntil(() -> sim.disk(winner).size() >= index, WAIT));
    assertTrue(sim.disk(winner).get(index - 1).term() > oldTerm);
    sim.crash(winner);
    List<String> others = new ArrayList<>(List.of(s3, s4, s5));
    others.remove(winner);
    String s3x = others.get(0); // gets the old entry from the next leader
    String s4x = others.get(1); // gets nothing from it

    // (c) S1 or S2 (same log) leads again and copies the old entry to S3: a majority holds it.
    sim.heal();
    sim.restart(s1);
    sim.cut(s1, s4x);
    sim.cut(s2, s4x);
    await(sim, () -> sim.disk(s3x).size() >= index && sim.disk(s3x).get(index - 1).term() == oldTerm,
        "S3 holds the old entry");
    String leader = sim.leaderAmong(List.of(s1, s2));
    assertNotNull(leader);
    sim.cut(leader, s3x); // its own no-op never reaches S3
    sim.runUntil(() -> false, Duration.ofMillis(200));
    assertTrue(sim.status(sim.member(leader)).commitIndex() < index,
        "the leader committed an entry of an earlier term by counting replicas");

    // (d) Both crash; S5 returns, wins with S3 and S4, and overwrites the old entry.
    sim.crash(s1);
    sim.crash(s2);
    sim.heal();
    sim.restart(winner);
    await(sim, () -> winner.equals(sim.leaderAmong(List.of(winner, s3x, s4x))), "S5 leads");
    await(sim, () -> sim.disk(s3x).size() >= index && sim.disk(s3x).get(index - 1).term() != oldTerm,
        "S5's entry replaced the old one on S3");
    assertTrue(sim.commitOne(WAIT));
    assertEquals(sim.disk(winner).get(index - 1), sim.disk(s3x).get(index - 1));
  }

  @Test
  void section7_aFollowerBehindTheCompactedLogCatchesUpThroughASnapshot() {
    Simulator sim = new Simulator(9, 3, 16, 20);
    await(sim, () -> sim.leader() != null, "a leader");
    String leader = sim.leader();
    String behind = othersThan(sim, leader).get(0);
    sim.crash(behind);
    for (int i = 0; i < 60; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    assertTrue(sim.diskSnapshotIndex(leader) >= 40, "the leader compacted its log");
    sim.restart(behind);
    await(sim, () -> sim.diskSnapshotIndex(behind) >= 40, "the follower installed the leader's snapshot");
    await(sim, sim::converged, "all members applied everything");
    assertEquals(sim.applied(leader), sim.applied(behind));
  }

  /**
   * §5.3 says a follower learns the commit index from the leader's next AppendEntries. A follower
   * that acknowledges entries a quorum without it has already committed must be told at once, not
   * at the next heartbeat: a client whose write it forwarded waits until it applies the entry.
   * Messages take at most 20 ms and fsyncs 10 ms in the simulation, heartbeats come every 100 ms.
   */
  @Test
  void section5_3_aLateFollowerLearnsTheCommitOfWhatItAcknowledgesWithoutWaitingForAHeartbeat() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    String late = othersThan(sim, leader).get(0);
    long slowest = 0;
    for (int i = 0; i < 10; i++) {
      sim.pause(late);
      long before = sim.status(sim.member(leader)).commitIndex();
      sim.propose(leader);
      await(sim, () -> sim.status(sim.member(leader)).commitIndex() > before, "the leader committed without " + late);
      long committed = sim.status(sim.member(leader)).commitIndex();
      sim.resume(late);
      long resumed = sim.now();
      await(sim, () -> sim.status(sim.member(late)).appliedIndex() >= committed, late + " applied the entry");
      slowest = Math.max(slowest, sim.now() - resumed);
    }
    assertTrue(slowest <= 60, "a late follower applied an entry " + slowest + " ms after it resumed");
  }

  @Test
  void section6_2_aLeaderCutOffFromAQuorumStepsDown() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    sim.isolate(Set.of(leader));
    assertTrue(sim.runUntil(
        () -> sim.status(sim.member(leader)).role() != Status.Role.LEADER, Duration.ofMillis(2 * 1000 + 200)));
  }

  @Test
  void thesis9_6_preVote_aMemberThatWasCutOffDoesNotDisruptTheLeaderWhenItReturns() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    long leaderTerm = term(sim, leader);
    String loner = othersThan(sim, leader).get(0);
    sim.isolate(Set.of(loner));
    sim.runUntil(() -> false, Duration.ofSeconds(10)); // many election timeouts alone
    assertEquals(leaderTerm, term(sim, loner), "pre-votes that fail do not raise the term");
    sim.heal();
    assertTrue(sim.runUntil(() -> leader.equals(sim.status(sim.member(loner)).leader()), WAIT));
    assertEquals(leader, sim.leader());
    assertEquals(leaderTerm, term(sim, leader), "the leader kept its term");
  }

  @Test
  void section5_4_3_everyMemberAppliesTheSameCommandsInTheSameOrder() {
    Simulator sim = healthy(5);
    for (int i = 0; i < 30; i++) {
      sim.propose(othersThan(sim).get(i % 5)); // any member takes proposals
    }
    assertTrue(sim.commitOne(WAIT));
    assertTrue(sim.runUntil(sim::converged, WAIT));
    List<LogEntry> reference = sim.applied("m1");
    assertTrue(reference.size() >= 30);
    sim.members().forEach(m -> assertEquals(reference, m.stateMachine.applied()));
    assertFalse(reference.stream().anyMatch(e -> e.kind() != LogEntry.Kind.COMMAND));
  }
}
