package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestInbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Directed scenarios for reads (Raft thesis §6.4, ReadIndex) and {@code ProposeAsLeader}, run in
 * the deterministic {@link Simulator} with no random faults. The simulator checks every read's
 * answer too: a linearizable read must see everything acknowledged before it began.
 */
class ReadIndexTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Long enough for several round trips (1-20 ms each way), well short of an election timeout. */
  private static final Duration A_WHILE = Duration.ofMillis(300);

  private static void await(Simulator sim, BooleanSupplier condition, String what) {
    if (!sim.runUntil(condition, WAIT)) {
      StringBuilder members = new StringBuilder();
      sim.members().forEach(m -> members.append("\n  ").append(sim.status(m)));
      throw new AssertionError("timed out waiting until " + what + "; members:" + members
          + "\nlast events:\n  " + String.join("\n  ", sim.trace()));
    }
  }

  private static void idle(Simulator sim, Duration time) {
    sim.runUntil(() -> false, time);
  }

  private static Simulator healthy(int size) {
    Simulator sim = new Simulator(42, size);
    await(sim, () -> sim.leader() != null, "a leader");
    assertTrue(sim.commitOne(WAIT));
    await(sim, sim::converged, "all applied");
    return sim;
  }

  private static List<String> othersThan(Simulator sim, String... excluded) {
    List<String> ids = new ArrayList<>();
    sim.members().forEach(m -> ids.add(m.id));
    ids.removeAll(List.of(excluded));
    return ids;
  }

  private static Status status(Simulator sim, String id) {
    return sim.status(sim.member(id));
  }

  private static ReadReply.Done done(List<ReadReply> answers) {
    assertEquals(1, answers.size(), "one answer");
    return assertInstanceOf(ReadReply.Done.class, answers.get(0));
  }

  @Test
  void thesis6_4_aLeaderAnswersALinearizableReadOnlyAfterAQuorumAnsweredARoundStartedAfterIt() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    List<String> followers = othersThan(sim, leader);
    long commitAtRead = status(sim, leader).commitIndex();
    sim.cut(leader, followers.get(0));
    sim.cut(leader, followers.get(1));
    List<ReadReply> answers = sim.read(leader, true);
    idle(sim, A_WHILE);
    assertTrue(answers.isEmpty(), "answered with no follower confirming: " + answers);
    assertEquals(Status.Role.LEADER, status(sim, leader).role());

    sim.heal();
    sim.cut(leader, followers.get(1)); // one follower and the leader are a quorum of three
    await(sim, () -> !answers.isEmpty(), "the read is answered once a quorum answered a round");
    ReadReply.Done read = done(answers);
    assertTrue(read.appliedIndex() >= commitAtRead);
    assertEquals(Long.valueOf(read.appliedIndex()), read.value(), "the query ran on the applied state");
  }

  @Test
  void thesis6_4_oneRoundConfirmsEveryReadThatArrivedBeforeIt_notOneRoundPerRead() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    int probesBefore = sim.delivered(RaftRpc.ReadIndexHeartbeat.class);
    List<List<ReadReply>> reads = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      reads.add(sim.read(leader, true));
    }
    await(sim, () -> reads.stream().noneMatch(List::isEmpty), "all reads answered");
    reads.forEach(ReadIndexTest::done);
    int probes = sim.delivered(RaftRpc.ReadIndexHeartbeat.class) - probesBefore;
    // The first read starts a round at once; the 19 arriving while it is in flight share the next.
    assertTrue(probes <= 2 * 2, "20 reads took " + probes + " probes to two followers");
  }

  /**
   * The stale leader of §6.4: paused (a long GC) and cut off, it still believes it leads while a
   * new leader commits newer writes. Reading its own state would be stale; it must not answer.
   */
  @Test
  void thesis6_4_aCutOffOldLeaderThatHasNotSteppedDownCannotAnswerWhileANewLeaderCommitsNewerWrites() {
    Simulator sim = healthy(5);
    String old = sim.leader();
    sim.isolate(Set.of(old));
    sim.pause(old);
    await(sim, () -> sim.leaderAmong(othersThan(sim, old)) != null, "a new leader");
    String fresh = sim.leaderAmong(othersThan(sim, old));
    for (int i = 0; i < 3; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    assertEquals(Status.Role.LEADER, status(sim, old).role(), "the old leader still believes it leads");
    long newCommit = status(sim, fresh).commitIndex();
    assertTrue(newCommit > status(sim, old).commitIndex());

    List<ReadReply> answers = sim.read(old, true);
    sim.resume(old);
    await(sim, () -> !answers.isEmpty(), "the old leader gives up the read");
    assertInstanceOf(ReadReply.Unavailable.class, answers.get(0), "a stale read was served");
    assertFalse(status(sim, old).role() == Status.Role.LEADER, "it answered by stepping down (§6.2)");

    sim.heal();
    await(sim, () -> fresh.equals(status(sim, old).leader()), "the old leader follows the new one");
    ReadReply.Done read = sim.readOne(old, WAIT);
    assertTrue(read != null && read.appliedIndex() >= newCommit,
        "a read at the old leader now sees the new writes: " + read);
  }

  @Test
  void thesis6_4_aFollowerServesALinearizableReadOnlyOnceItHasAppliedTheReadIndex() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    String follower = othersThan(sim, leader).get(0);
    sim.drop((to, m) -> to.equals(follower) && m instanceof RaftRpc.AppendEntries);
    for (int i = 0; i < 3; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    long readIndex = status(sim, leader).commitIndex();
    assertTrue(status(sim, follower).appliedIndex() < readIndex, "the follower is behind");

    List<ReadReply> answers = sim.read(follower, true);
    idle(sim, A_WHILE);
    assertTrue(answers.isEmpty(), "served before applying the read index: " + answers);
    assertTrue(sim.delivered(Forwarding.ReadIndexConfirmed.class) > 0, "the leader did answer with an index");

    sim.drop(null);
    await(sim, () -> !answers.isEmpty(), "the follower catches up and serves");
    assertTrue(done(answers).appliedIndex() >= readIndex);
  }

  @Test
  void thesis6_4_readsBeforeTheLeadersFirstCommitInItsTermWaitForIt() {
    Simulator sim = healthy(3);
    for (int i = 0; i < 3; i++) {
      assertTrue(sim.commitOne(WAIT));
    }
    String old = sim.leader();
    sim.crash(old);
    // Nothing new replicates, so the next leader cannot commit its no-op yet.
    sim.drop((to, m) -> m instanceof RaftRpc.AppendEntries ae && !ae.entries().isEmpty());
    await(sim, () -> sim.leaderAmong(othersThan(sim, old)) != null, "a new leader");
    String fresh = sim.leaderAmong(othersThan(sim, old));
    long noop = status(sim, fresh).lastIndex();
    assertTrue(status(sim, fresh).commitIndex() < noop, "its no-op is not committed");

    List<ReadReply> answers = sim.read(fresh, true);
    idle(sim, A_WHILE);
    assertTrue(answers.isEmpty(), "answered before the leader committed in its term: " + answers);
    assertEquals(0, sim.delivered(RaftRpc.ReadIndexHeartbeat.class), "no round before the first commit");

    sim.drop(null);
    await(sim, () -> !answers.isEmpty(), "the read is served after the no-op commits");
    assertTrue(done(answers).appliedIndex() >= noop, "its read index is the commit index after the no-op");
  }

  @Test
  void thesis6_4_aSingleVoterConfirmsAtOnce() {
    Simulator sim = new Simulator(7, 1);
    await(sim, () -> sim.leader() != null, "a leader");
    assertTrue(sim.commitOne(WAIT));
    List<ReadReply> answers = sim.read("m1", true);
    assertEquals(sim.status(sim.member("m1")).commitIndex(), done(answers).appliedIndex(), "answered in the same step");
  }

  @Test
  void withNoLeaderKnownASerializableReadIsServedAndALinearizableOneIsUnavailableAtOnce() {
    Simulator sim = new Simulator(3, 3);
    await(sim, () -> status(sim, "m1") != null, "m1 recovered");
    assertEquals(null, status(sim, "m1").leader());
    assertEquals(Long.valueOf(0), done(sim.read("m1", false)).value());
    List<ReadReply> linearizable = sim.read("m1", true);
    assertInstanceOf(ReadReply.Unavailable.class, linearizable.get(0));
  }

  @Test
  void proposeAsLeaderIsTakenOnlyByTheLeaderOfThatTermAndNeverForwarded() {
    Simulator sim = healthy(3);
    String leader = sim.leader();
    String follower = othersThan(sim, leader).get(0);
    long term = status(sim, leader).term();

    TestInbox<ProposeReply> offTerm = TestInbox.create();
    sim.tell(leader, new ClientRequest.ProposeAsLeader(bytes("refused-1"), term - 1, offTerm.getRef()));
    assertInstanceOf(ProposeReply.NotCommitted.class, offTerm.receiveMessage(), "another term: refused at once");
    TestInbox<ProposeReply> atFollower = TestInbox.create();
    sim.tell(follower, new ClientRequest.ProposeAsLeader(bytes("refused-2"), term, atFollower.getRef()));
    assertInstanceOf(ProposeReply.NotCommitted.class, atFollower.receiveMessage(), "not the leader: refused at once");

    TestInbox<ProposeReply> taken = TestInbox.create();
    sim.tell(leader, new ClientRequest.ProposeAsLeader(bytes("taken"), term, taken.getRef()));
    await(sim, taken::hasMessages, "the leader's own-term proposal commits");
    assertInstanceOf(ProposeReply.Committed.class, taken.receiveMessage());
    await(sim, sim::converged, "all applied");
    for (SimMember m : sim.members()) {
      List<String> applied = m.stateMachine.applied().stream()
          .map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
      assertTrue(applied.contains("taken"), m.id + " applied " + applied);
      assertFalse(applied.stream().anyMatch(c -> c.startsWith("refused")), m.id + " applied a refused command");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
