package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestInbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import raftkv.persistence.Configuration;

/**
 * Directed scenarios for membership changes through the log (Raft thesis §4, single-server
 * changes) and leadership transfer (§3.10), in the deterministic {@link Simulator}. The simulator
 * checks throughout that every commit is held by a majority of the leader's voters (learners never
 * count), that no learner leads, and the Raft safety properties.
 */
class MembershipTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
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

  /** Three voters m1..m3, and {@code pool - 3} members waiting to join. */
  private static Simulator healthy(int pool, long snapshotEvery) {
    Simulator sim = new Simulator(7, 3, pool, 16, snapshotEvery);
    await(sim, () -> sim.leader() != null, "a leader");
    assertTrue(sim.commitOne(WAIT));
    await(sim, sim::converged, "all applied");
    return sim;
  }

  private static <T> T reply(Simulator sim, TestInbox<T> inbox) {
    await(sim, inbox::hasMessages, "an answer");
    return inbox.receiveMessage();
  }

  private static MembershipReply.Changed changed(Simulator sim, String at, MembershipChange change) {
    MembershipReply r = reply(sim, sim.change(at, change));
    return assertInstanceOf(MembershipReply.Changed.class, r, "answer to " + change);
  }

  private static List<String> votersOtherThan(Simulator sim, String leader) {
    List<String> ids = new ArrayList<>(sim.configuration(leader).voters());
    ids.remove(leader);
    return ids;
  }

  private static Status status(Simulator sim, String id) {
    return sim.status(sim.member(id));
  }

  private static void commitSome(Simulator sim, int n) {
    for (int i = 0; i < n; i++) {
      assertTrue(sim.commitOne(WAIT), "commit " + i);
    }
  }

  @Test
  void thesis4_2_1_aLearnerCatchesUpAndIsPromoted() {
    Simulator sim = healthy(4, Long.MAX_VALUE);
    String leader = sim.leader();
    var added = changed(sim, leader, new MembershipChange.Add("m4", "sim://m4", true));
    assertTrue(added.configuration().isLearner("m4"));
    await(sim, () -> status(sim, "m4").appliedIndex() == status(sim, leader).commitIndex(), "the learner caught up");
    assertTrue(sim.configuration("m4").isLearner("m4"), "the learner learnt the configuration from the log");
    // a follower takes the promotion and forwards it to the leader
    String follower = votersOtherThan(sim, leader).get(0);
    var promoted = changed(sim, follower, new MembershipChange.Promote("m4"));
    assertTrue(promoted.configuration().isVoter("m4"));
    assertEquals(List.of("m1", "m2", "m3", "m4"), status(sim, leader).configuration().voters());
    commitSome(sim, 3);
    await(sim, sim::converged, "all four applied");
  }

  @Test
  void thesis4_2_1_promotionIsRefusedUntilTheLearnerCaughtUp() {
    Simulator sim = healthy(4, Long.MAX_VALUE);
    String leader = sim.leader();
    changed(sim, leader, new MembershipChange.Add("m4", "sim://m4", true));
    sim.isolate(Set.of("m4"));
    commitSome(sim, (int) Simulator.LEARNER_MAX_LAG + 5);
    MembershipReply early = reply(sim, sim.change(leader, new MembershipChange.Promote("m4")));
    var refused = assertInstanceOf(MembershipReply.Refused.class, early);
    assertTrue(refused.reason().contains("not ready"), refused.reason());
    assertTrue(sim.configuration(leader).isLearner("m4"));
    sim.heal();
    await(sim, () -> status(sim, "m4").appliedIndex() == status(sim, leader).commitIndex(), "the learner caught up");
    changed(sim, leader, new MembershipChange.Promote("m4"));
  }

  @Test
  void thesis4_learnersNeverCountInCommitsOrReadRounds() {
    Simulator sim = healthy(5, Long.MAX_VALUE);
    String leader = sim.leader();
    changed(sim, leader, new MembershipChange.Add("m4", "sim://m4", true));
    changed(sim, leader, new MembershipChange.Add("m5", "sim://m5", true));
    await(sim, sim::converged, "the learners caught up");
    // Without the learners, the voters commit and confirm reads.
    sim.isolate(Set.of("m4", "m5"));
    assertTrue(sim.commitOne(WAIT));
    assertTrue(sim.readOne(leader, WAIT) != null);
    sim.heal();
    // With both learners but only one voter (the leader), nothing commits and no read is served,
    // although the leader and the learners are three of the five members.
    List<String> voters = votersOtherThan(sim, leader);
    sim.isolate(Set.copyOf(voters));
    sim.propose(leader);
    List<ReadReply> read = sim.read(leader, true);
    long commit = status(sim, leader).commitIndex();
    idle(sim, A_WHILE);
    assertEquals(commit, status(sim, leader).commitIndex(), "committed with learners only");
    assertTrue(read.isEmpty() || !(read.get(0) instanceof ReadReply.Done), "a read confirmed by learners: " + read);
    // Check quorum (§6.2) does not count them either: the leader steps down.
    await(sim, () -> status(sim, leader).role() != Status.Role.LEADER, "the leader stepped down");
    // The learners never campaign: no leader while the voters are cut off.
    idle(sim, Duration.ofSeconds(5));
    assertEquals(null, sim.leaderAmong(List.of(leader, "m4", "m5")));
    sim.heal();
    assertTrue(sim.commitOne(WAIT));
    await(sim, sim::converged, "all applied");
  }

  @Test
  void thesis4_2_2_aLeaderThatRemovesItselfStepsDownOnceTheChangeCommits() {
    Simulator sim = healthy(3, Long.MAX_VALUE);
    String leader = sim.leader();
    var removed = changed(sim, leader, new MembershipChange.Remove(leader));
    assertFalse(removed.configuration().contains(leader));
    await(sim, () -> status(sim, leader).role() != Status.Role.LEADER, "the old leader stepped down");
    await(sim, () -> sim.leaderAmong(votersOtherThan(sim, votersOtherThan(sim, leader).get(0)).isEmpty()
        ? List.of() : removed.configuration().voters()) != null, "a new leader among the remaining voters");
    long termThen = status(sim, leader).term();
    assertTrue(sim.commitOne(WAIT));
    idle(sim, Duration.ofSeconds(5));
    // The removed member never campaigns, so it never disturbs the others' term.
    assertEquals(termThen, status(sim, leader).term());
    assertNotEquals(Status.Role.LEADER, status(sim, leader).role());
    assertEquals(2, status(sim, sim.leader()).configuration().voters().size());
  }

  @Test
  void strictReconfigurationCheckRefusesAChangeThatLeavesTooFewActiveVoters() {
    Simulator sim = healthy(4, Long.MAX_VALUE);
    String leader = sim.leader();
    List<String> followers = votersOtherThan(sim, leader);
    sim.crash(followers.get(0));
    idle(sim, Duration.ofMillis(2500)); // more than a check-quorum period: it counts as inactive
    // 2 active voters of 4 after adding m4 is no majority
    var addVoter = assertInstanceOf(MembershipReply.Refused.class,
        reply(sim, sim.change(leader, new MembershipChange.Add("m4", "sim://m4", false))));
    assertTrue(addVoter.reason().contains("strict"), addVoter.reason());
    // removing the other active follower leaves 1 active of 2
    var remove = assertInstanceOf(MembershipReply.Refused.class,
        reply(sim, sim.change(leader, new MembershipChange.Remove(followers.get(1)))));
    assertTrue(remove.reason().contains("strict"), remove.reason());
    // a learner changes no quorum; and removing the inactive voter leaves 2 active of 2
    changed(sim, leader, new MembershipChange.Add("m4", "sim://m4", true));
    changed(sim, leader, new MembershipChange.Remove(followers.get(0)));
    assertEquals(2, sim.configuration(leader).voters().size());
  }

  @Test
  void thesis4_1_aChangeIsRefusedWhileThePreviousIsUncommitted() {
    Simulator sim = healthy(5, Long.MAX_VALUE);
    String leader = sim.leader();
    List<String> followers = votersOtherThan(sim, leader);
    followers.forEach(f -> sim.cut(leader, f));
    TestInbox<MembershipReply> first = sim.change(leader, new MembershipChange.Add("m4", "sim://m4", true));
    idle(sim, Duration.ofMillis(50));
    assertTrue(sim.configuration(leader).isLearner("m4"), "the leader uses the configuration once in its log");
    var second = assertInstanceOf(MembershipReply.NotCommitted.class,
        reply(sim, sim.change(leader, new MembershipChange.Add("m5", "sim://m5", true))));
    assertTrue(second.reason().contains("not committed"), second.reason());
    assertFalse(first.hasMessages());
    sim.heal();
    assertInstanceOf(MembershipReply.Changed.class, reply(sim, first));
    changed(sim, leader, new MembershipChange.Add("m5", "sim://m5", true));
  }

  @Test
  void thesis4_1_anUncommittedChangeThatANewLeaderOverwritesIsReverted() {
    Simulator sim = healthy(4, Long.MAX_VALUE);
    String leader = sim.leader();
    List<String> followers = votersOtherThan(sim, leader);
    sim.isolate(Set.of(leader));
    TestInbox<MembershipReply> change = sim.change(leader, new MembershipChange.Add("m4", "sim://m4", true));
    idle(sim, Duration.ofMillis(50));
    assertTrue(sim.configuration(leader).isLearner("m4"), "in force on the leader once in its log");
    await(sim, () -> sim.leaderAmong(followers) != null, "a new leader among the others");
    assertTrue(sim.commitOne(WAIT));
    sim.heal();
    await(sim, () -> !sim.configuration(leader).contains("m4"), "the old leader truncated the change and reverted");
    assertInstanceOf(MembershipReply.NotCommitted.class, reply(sim, change));
    await(sim, sim::converged, "all applied");
  }

  @Test
  void thesis4_aMemberInstallingASnapshotLearnsTheConfigurationFromIt() {
    Simulator sim = healthy(4, 10);
    String leader = sim.leader();
    sim.isolate(Set.of("m4"));
    changed(sim, leader, new MembershipChange.Add("m4", "sim://m4", true));
    commitSome(sim, 30); // the leader compacts the configuration entry into its snapshot
    assertTrue(sim.diskSnapshotIndex(leader) > 0);
    sim.heal();
    await(sim, () -> sim.configuration("m4").isLearner("m4"), "the learner learnt it was added");
    await(sim, sim::converged, "all applied");
    assertTrue(sim.snapshotChunks() > 0, "it came through InstallSnapshot");
  }

  @Test
  void thesis3_10_leaderTransferMovesLeadership() {
    Simulator sim = healthy(3, Long.MAX_VALUE);
    String leader = sim.leader();
    String target = votersOtherThan(sim, leader).get(1);
    var done = assertInstanceOf(TransferReply.Transferred.class, reply(sim, sim.transfer(leader, target)));
    assertEquals(target, done.leader());
    assertEquals(target, sim.leader());
    assertTrue(sim.commitOne(WAIT));
    // not the leader: refused, naming the leader
    var refused = assertInstanceOf(TransferReply.Refused.class, reply(sim, sim.transfer(leader, leader)));
    assertEquals(target, refused.leader());
  }

  @Test
  void thesis3_10_aTransferToALaggingMemberFirstCatchesItUpAndHoldsProposals() {
    Simulator sim = healthy(3, Long.MAX_VALUE);
    String leader = sim.leader();
    String target = votersOtherThan(sim, leader).get(0);
    sim.cut(leader, target);
    commitSome(sim, 5);
    long leaderLast = status(sim, leader).lastIndex();
    assertTrue(status(sim, target).lastIndex() < leaderLast, "the target lags");
    TestInbox<TransferReply> transfer = sim.transfer(leader, target);
    TestInbox<ProposeReply> held = TestInbox.create();
    sim.tell(leader, new ClientRequest.Propose(new byte[] {1}, held.getRef()));
    assertInstanceOf(ProposeReply.NotCommitted.class, held.receiveMessage(), "no proposals during a transfer");
    sim.heal();
    var done = assertInstanceOf(TransferReply.Transferred.class, reply(sim, transfer));
    assertEquals(target, done.leader());
    assertTrue(status(sim, target).commitIndex() >= leaderLast, "the new leader has everything");
  }

  @Test
  void thesis3_10_aTransferThatDoesNotHappenIsAbandonedAfterAnElectionTimeout() {
    Simulator sim = healthy(3, Long.MAX_VALUE);
    String leader = sim.leader();
    String target = votersOtherThan(sim, leader).get(0);
    sim.cut(leader, target);
    var failed = assertInstanceOf(TransferReply.Failed.class, reply(sim, sim.transfer(leader, target)));
    assertTrue(failed.reason().contains("election timeout"), failed.reason());
    assertEquals(Status.Role.LEADER, status(sim, leader).role());
    assertTrue(sim.commitOne(WAIT), "the leader takes proposals again");
    var notVoter = assertInstanceOf(TransferReply.Refused.class, reply(sim, sim.transfer(leader, "m9")));
    assertTrue(notVoter.reason().contains("not a voter"));
  }
}
