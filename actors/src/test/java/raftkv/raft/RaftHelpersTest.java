package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import raftkv.persistence.LogEntry;
import raftkv.persistence.Snapshot;

/** The pure helpers the roles are built on: log, quorum arithmetic, follower progress. */
class RaftHelpersTest {

  private static RaftLog logOfTerms(long... terms) {
    RaftLog log = new RaftLog(0, 0, List.of());
    for (int i = 0; i < terms.length; i++) {
      log.append(LogEntry.noop(i + 1, terms[i]));
    }
    return log;
  }

  @Test
  void section5_4_1_upToDateComparesLastTermThenLength() {
    RaftLog log = logOfTerms(1, 1, 2);
    assertTrue(log.isUpToDate(3, 2));
    assertTrue(log.isUpToDate(1, 3), "a higher last term wins even when shorter");
    assertFalse(log.isUpToDate(2, 2), "same last term, shorter");
    assertFalse(log.isUpToDate(9, 1), "lower last term loses even when longer");
  }

  @Test
  void section5_3_matchesAndFastBacktrackingHints() {
    RaftLog log = logOfTerms(1, 1, 2, 2, 2, 3);
    assertTrue(log.matches(0, 0));
    assertTrue(log.matches(4, 2));
    assertFalse(log.matches(4, 3));
    assertFalse(log.matches(7, 3));
    assertEquals(3, log.firstIndexOfTermAt(5));
    assertEquals(5, log.lastIndexOfTerm(2));
    assertEquals(0, log.lastIndexOfTerm(4));
    log.truncateFrom(4);
    assertEquals(3, log.lastIndex());
    assertEquals(List.of(LogEntry.noop(2, 1), LogEntry.noop(3, 2)), log.slice(2, 10, 1000));
  }

  @Test
  void aBatchStopsAtItsByteLimitButAlwaysCarriesOneEntry() {
    RaftLog log = new RaftLog(0, 0, List.of());
    for (int i = 1; i <= 4; i++) {
      log.append(LogEntry.command(i, 1, new byte[100]));
    }
    assertEquals(2, log.slice(1, 10, 250).size());
    assertEquals(1, log.slice(1, 10, 50).size(), "an entry larger than the limit goes alone");
    assertEquals(3, log.slice(1, 3, 1000).size());
  }

  @Test
  void quorumCommitIndexIsWhatAMajorityHolds() {
    assertEquals(5, Quorum.committedIndex(List.of(9L, 5L, 1L)));
    assertEquals(4, Quorum.committedIndex(List.of(9L, 8L, 4L, 1L, 0L)));
    assertEquals(3, Quorum.majority(5));
    assertEquals(2, Quorum.majority(3));
    assertFalse(Quorum.isMajority(2, 4), "half is not a majority");
  }

  @Test
  void progressProbesThenPipelinesUpToItsWindow() {
    Progress p = new Progress(11, 2);
    assertTrue(p.canSend());
    p.sent(10);
    assertFalse(p.canSend(), "one probe at a time");
    assertTrue(p.rejected(10, 6));
    assertEquals(6, p.next());
    p.sent(8);
    assertFalse(p.rejected(10, 3), "a stale rejection is ignored");
    assertTrue(p.accepted(8));
    assertEquals(9, p.next());
    p.sent(9);
    p.sent(10);
    assertFalse(p.canSend(), "window of 2 full");
    assertEquals(11, p.next());
    assertTrue(p.accepted(9));
    assertTrue(p.canSend());
  }

  @Test
  void progressResendsFromTheMatchWhenARoundBringsNoAcknowledgement() {
    Progress p = new Progress(1, 8);
    p.sent(5);
    p.accepted(5);
    p.sent(9);
    p.startRound(9);
    p.startRound(9);
    assertEquals(6, p.next(), "nothing acknowledged for a round: start over after the match");
    assertTrue(p.canSend());
  }

  @Test
  void section7_onlyTheAnswerToTheChunkInFlightMovesASnapshotTransferOn() {
    Progress p = new Progress(1, 8);
    p.startSnapshot(new Snapshot(40, 2, new byte[200]));
    p.chunkSent();
    p.chunkAcknowledged(40, 0, 64);
    assertTrue(p.canSendChunk());
    assertEquals(64, p.sendingOffset());
    p.chunkSent();
    p.chunkAcknowledged(40, 0, 64); // a duplicate of the first answer
    assertFalse(p.canSendChunk(), "a duplicated answer must not send the chunk again");
    assertTrue(p.snapshotInstalled(40));
    assertEquals(41, p.next());
    assertFalse(p.snapshotInstalled(40), "a duplicated 'done' changes nothing");
    assertEquals(null, p.sending());
  }

  @Test
  void section7_aChunkOfAnotherSnapshotAsksForThatOneFromTheStart() {
    SnapshotAssembly assembly = new SnapshotAssembly();
    assertFalse(assembly.offer(new RaftRpc.InstallSnapshot("g", 2, "m1", 30, 2, 0, new byte[64], false, null)));
    var other = new RaftRpc.InstallSnapshot("g", 2, "m1", 40, 2, 64, new byte[64], false, null);
    assertFalse(assembly.offer(other));
    assertEquals(0, assembly.nextOffset(other));
    assertFalse(assembly.offer(new RaftRpc.InstallSnapshot("g", 2, "m1", 40, 2, 0, new byte[64], false, null)));
    assertTrue(assembly.offer(new RaftRpc.InstallSnapshot("g", 2, "m1", 40, 2, 64, new byte[8], true, null)));
    assertEquals(new Snapshot(40, 2, new byte[72]), assembly.take());
  }

  private static List<String> reads(List<ReadRounds.Confirmed<String>> confirmed) {
    return confirmed.stream().map(ReadRounds.Confirmed::read).toList();
  }

  @Test
  void thesis6_4_readsWaitForTheFirstCommitOfTheTermAndTakeItsIndex() {
    ReadRounds<String> rounds = new ReadRounds<>(List.of("b", "c"));
    rounds.add("r1", 3);
    assertFalse(rounds.roundDue(), "no round before the leader committed in its term");
    assertFalse(rounds.awaitingConfirmation());
    rounds.open(7);
    assertTrue(rounds.roundDue());
    long round = rounds.start();
    rounds.answered("b", round);
    assertEquals(List.of(new ReadRounds.Confirmed<>("r1", 7L)), rounds.takeConfirmed(),
        "a held read's index is the commit index at the first commit, not the stale one at arrival");
  }

  @Test
  void thesis6_4_oneRoundInFlight_readsArrivingMeanwhileShareTheNext() {
    ReadRounds<String> rounds = new ReadRounds<>(List.of("b", "c", "d", "e"));
    rounds.open(5);
    rounds.add("r1", 5);
    long first = rounds.start();
    rounds.add("r2", 6);
    rounds.add("r3", 6);
    assertFalse(rounds.roundDue(), "a round is in flight");
    assertTrue(rounds.awaitingConfirmation());
    rounds.answered("b", first);
    rounds.answered("b", first); // a duplicate counts once
    assertEquals(List.of(), rounds.takeConfirmed(), "the leader and one follower are not a majority of five");
    rounds.answered("c", first);
    assertEquals(List.of("r1"), reads(rounds.takeConfirmed()));
    assertTrue(rounds.roundDue(), "the reads that waited start the next round at once");
    long second = rounds.start();
    rounds.answered("d", first); // an answer to an older round does not confirm a newer one
    rounds.answered("e", first);
    assertEquals(List.of(), rounds.takeConfirmed());
    rounds.answered("b", second);
    rounds.answered("c", second);
    assertEquals(List.of("r2", "r3"), reads(rounds.takeConfirmed()));
    assertFalse(rounds.awaitingConfirmation());
  }

  @Test
  void thesis6_4_aLaterRoundsAnswersConfirmEarlierRounds_andOnlyVotersCount() {
    ReadRounds<String> rounds = new ReadRounds<>(List.of("b", "c"));
    rounds.open(1);
    rounds.add("r1", 1);
    rounds.start(); // its probes are lost
    rounds.add("r2", 2);
    long retry = rounds.start(); // the heartbeat tick starts another
    rounds.answered("learner", retry);
    assertEquals(List.of(), rounds.takeConfirmed(), "a non-voter's answer is not counted");
    rounds.answered("b", retry);
    assertEquals(List.of("r1", "r2"), reads(rounds.takeConfirmed()));
  }

  @Test
  void thesis6_4_aSingleVoterConfirmsAsSoonAsARoundStarts_andSteppingDownTakesEveryRead() {
    ReadRounds<String> alone = new ReadRounds<>(List.of());
    alone.open(4);
    alone.add("r1", 4);
    alone.start();
    assertEquals(List.of(new ReadRounds.Confirmed<>("r1", 4L)), alone.takeConfirmed());

    ReadRounds<String> rounds = new ReadRounds<>(List.of("b", "c"));
    rounds.add("held", 0);
    assertEquals(List.of("held"), rounds.takeAll());
    rounds.open(2);
    rounds.add("inRound", 2);
    rounds.start();
    rounds.add("next", 2);
    assertEquals(List.of("inRound", "next"), rounds.takeAll());
    assertFalse(rounds.awaitingConfirmation());
  }
}
