package raftkv.persistence;

import static raftkv.persistence.JournalFixtures.entries;
import static raftkv.persistence.JournalFixtures.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.JournalOperation;
import akka.persistence.testkit.ProcessingPolicy;
import akka.persistence.testkit.ProcessingResult;
import akka.persistence.testkit.ProcessingSuccess;
import akka.persistence.testkit.WriteEvents;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftJournal}'s events, replies and recovery, on the persistence testkit's in-memory
 * journal: every event type, and the state after {@code restart()}.
 */
class RaftJournalTest {
  private static ActorTestKit testKit;
  private static final AtomicInteger members = new AtomicInteger();

  private EventSourcedBehaviorTestKit<JournalCommand, JournalEvent, RaftJournal.State> kit;
  private String persistenceId;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void resetPolicy() {
    if (kit != null) {
      kit.persistenceTestKit().resetPolicy();
    }
  }

  /** A journal of a member of its own, so that tests never share a persistence id. */
  private EventSourcedBehaviorTestKit<JournalCommand, JournalEvent, RaftJournal.State> newJournal() {
    String member = "m" + members.incrementAndGet();
    persistenceId = RaftJournal.persistenceId("g1", member);
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        RaftJournal.create("g1", member),
        // The state is never serialized (there are no snapshots yet); commands and events are.
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    return kit;
  }



  private CommandResultWithReply<JournalCommand, JournalEvent, RaftJournal.State, JournalReply> write(
      long id, HardState hardState, long truncateFrom, List<LogEntry> entries) {
    return kit.runCommand(
        (ActorRef<JournalReply> replyTo) -> JournalFixtures.write(id, hardState, truncateFrom, entries, replyTo));
  }

  private JournalReply.Recovered recover() {
    return (JournalReply.Recovered) kit.<JournalReply>runCommand(JournalCommand.Recover::new).reply();
  }

  @Test
  void aNewJournalRecoversTheInitialState() {
    newJournal();
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, List.of()), recover());
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, List.of()), recover(), "a second Recover too");
  }

  @Test
  void appendedEntriesAreOneEventPerBatchAndSurviveARestart() {
    newJournal();
    var first = write(1, null, 0, entries(1, 3, 1));
    assertEquals(new JournalReply.Written(1), first.reply());
    assertEquals(List.of(new JournalEvent.EntriesAppended(entries(1, 3, 1))), first.events());
    var second = write(2, null, 0, entries(4, 4, 1));
    assertEquals(List.of(new JournalEvent.EntriesAppended(entries(4, 4, 1))), second.events());

    var restarted = kit.restart().state();
    assertEquals(entries(1, 4, 1), restarted.entries());
    assertEquals(HardState.INITIAL, restarted.hardState());
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, entries(1, 4, 1)), recover());
  }

  @Test
  void aTruncationRemovesTheIndexAndEverythingAfterItAcrossARestart() {
    newJournal();
    write(1, null, 0, entries(1, 5, 1));
    var truncated = write(2, null, 4, List.of());
    assertEquals(new JournalReply.Written(2), truncated.reply());
    assertEquals(List.of(new JournalEvent.LogTruncated(4)), truncated.events());

    assertEquals(entries(1, 3, 1), kit.restart().state().entries());
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, entries(1, 3, 1)), recover());
  }

  @Test
  void aTruncationBeyondTheEndChangesNothingAndIsNotPersisted() {
    newJournal();
    write(1, null, 0, entries(1, 2, 1));
    // Truncating from lastIndex + 1 removes nothing: only the append is persisted.
    var appendAtEnd = write(2, null, 3, entries(3, 3, 1));
    assertEquals(List.of(new JournalEvent.EntriesAppended(entries(3, 3, 1))), appendAtEnd.events());
    var nothing = write(3, null, 9, List.of());
    assertEquals(new JournalReply.Written(3), nothing.reply());
    assertTrue(nothing.hasNoEvents());
    assertEquals(entries(1, 3, 1), kit.restart().state().entries());
  }

  @Test
  void theHardStateSurvivesARestart() {
    newJournal();
    var voted = write(1, new HardState(5, "m2"), 0, List.of());
    assertEquals(new JournalReply.Written(1), voted.reply());
    assertEquals(List.of(new JournalEvent.HardStateChanged(new HardState(5, "m2"))), voted.events());
    write(2, new HardState(6, null), 0, List.of());

    assertEquals(new HardState(6, null), kit.restart().state().hardState());
    assertEquals(JournalFixtures.recovered(new HardState(6, null), List.of()), recover());
  }

  @Test
  void anUnchangedHardStateIsNotPersistedAgain() {
    newJournal();
    write(1, new HardState(2, "m1"), 0, List.of());
    var same = write(2, new HardState(2, "m1"), 0, List.of());
    assertEquals(new JournalReply.Written(2), same.reply());
    assertTrue(same.hasNoEvents());
  }

  @Test
  void aWriteThatChangesSeveralThingsIsOneCombinedEventInOneJournalWrite() {
    newJournal();
    List<Integer> atomicWrites = Collections.synchronizedList(new ArrayList<>());
    kit.persistenceTestKit().withPolicy(new ProcessingPolicy<JournalOperation>() {
      @Override
      public ProcessingResult tryProcess(String pid, JournalOperation operation) {
        if (operation instanceof WriteEvents w && pid.equals(persistenceId)) {
          atomicWrites.add(w.getBatch().size());
        }
        return ProcessingSuccess.getInstance();
      }
    });
    var first = write(1, new HardState(1, "m1"), 0, entries(1, 4, 1));
    assertEquals(List.of(new JournalEvent.Combined(new HardState(1, "m1"), 0, entries(1, 4, 1))), first.events());
    // A new leader in term 3 overwrites entries 3 and 4 (Raft §5.3): term, vote, truncation and
    // the new entries reach the disk together.
    var combined = write(2, new HardState(3, "m9"), 3, entries(3, 5, 3));
    assertEquals(new JournalReply.Written(2), combined.reply());
    assertEquals(List.of(new JournalEvent.Combined(new HardState(3, "m9"), 3, entries(3, 5, 3))), combined.events());
    var truncateAndAppend = write(3, null, 5, entries(5, 6, 3));
    assertEquals(List.of(new JournalEvent.Combined(null, 5, entries(5, 6, 3))), truncateAndAppend.events());
    assertEquals(List.of(1, 1, 1), atomicWrites, "one event in one journal write (one fsync) per Write");

    List<LogEntry> expected = new ArrayList<>(entries(1, 2, 1));
    expected.addAll(entries(3, 6, 3));
    var restarted = kit.restart().state();
    assertEquals(new HardState(3, "m9"), restarted.hardState());
    assertEquals(expected, restarted.entries());
    assertEquals(JournalFixtures.recovered(new HardState(3, "m9"), expected), recover());
  }

  @Test
  void recoveryReplaysEveryEventTypeInOrder() {
    newJournal();
    write(1, new HardState(1, "m1"), 0, entries(1, 3, 1));
    write(2, new HardState(2, null), 0, List.of());
    write(3, new HardState(2, "m2"), 2, entries(2, 6, 2));
    write(4, null, 5, List.of());
    write(5, new HardState(4, "m3"), 0, entries(5, 5, 4));
    write(6, null, 0, entries(6, 7, 4));
    List<LogEntry> expected = new ArrayList<>(entries(1, 1, 1));
    expected.addAll(entries(2, 4, 2));
    expected.addAll(entries(5, 7, 4));
    assertEquals(expected, kit.getState().entries());

    var restarted = kit.restart().state();
    assertEquals(new HardState(4, "m3"), restarted.hardState());
    assertEquals(expected, restarted.entries());
    assertEquals(JournalFixtures.recovered(new HardState(4, "m3"), expected), recover());
  }

  @Test
  void anEmptyWriteIsAnsweredWithoutAnEvent() {
    newJournal();
    var empty = write(7, null, 0, List.of());
    assertEquals(new JournalReply.Written(7), empty.reply());
    assertTrue(empty.hasNoEvents());
  }

  @Test
  void aWriteThatLeavesAGapFailsAndChangesNothing() {
    newJournal();
    write(1, null, 0, entries(1, 2, 1));
    var gap = write(2, null, 0, entries(4, 4, 1));
    var failed = assertInstanceOf(JournalReply.WriteFailed.class, gap.reply());
    assertEquals(2, failed.writeId());
    assertTrue(failed.reason().contains("gap in the log: appending 4 where 3 comes next"), failed.reason());
    assertTrue(gap.hasNoEvents());
    var notConsecutive = write(3, null, 2, List.of(entry(2, 1), entry(4, 1)));
    assertInstanceOf(JournalReply.WriteFailed.class, notConsecutive.reply());
    assertTrue(notConsecutive.hasNoEvents());
    var negative = write(4, null, -1, List.of());
    assertInstanceOf(JournalReply.WriteFailed.class, negative.reply());
    assertEquals(entries(1, 2, 1), kit.restart().state().entries());
  }

  @Test
  void aWriteWithASnapshotIsRefusedUntilSnapshotsAreBuilt() {
    newJournal();
    write(1, null, 0, entries(1, 3, 1));
    var snapshot = kit.<JournalReply>runCommand(replyTo -> new JournalCommand.Write(
        2, null, new Snapshot(2, 1, new byte[] {7}), 0, List.of(), replyTo));
    var failed = assertInstanceOf(JournalReply.WriteFailed.class, snapshot.reply());
    assertTrue(failed.reason().contains("does not keep snapshots yet"), failed.reason());
    assertTrue(snapshot.hasNoEvents());
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, entries(1, 3, 1)), recover());
  }

  @Test
  void aWriteTheJournalFailsToStoreIsAnsweredWithWriteFailedAndNeverRecovered() {
    // Spawned directly: the behavior testkit cannot ask for the state while the journal restarts.
    String member = "m" + members.incrementAndGet();
    var journal = testKit.spawn(RaftJournal.create("g1", member));
    TestProbe<JournalReply> replies = testKit.createTestProbe();
    journal.tell(JournalFixtures.write(1, new HardState(1, null), 0, entries(1, 2, 1), replies.ref()));
    replies.expectMessage(new JournalReply.Written(1));

    PersistenceTestKit.create(testKit.system()).failNextPersisted(RaftJournal.persistenceId("g1", member));
    journal.tell(JournalFixtures.write(2, new HardState(2, "m1"), 0, entries(3, 3, 2), replies.ref()));
    var failed = replies.expectMessageClass(JournalReply.WriteFailed.class);
    assertEquals(2, failed.writeId());
    assertTrue(failed.reason().contains("is not confirmed durable: the journal failed to store it"), failed.reason());

    // The journal restarted with backoff and replayed what is on disk: nothing of write 2 ...
    journal.tell(new JournalCommand.Recover(replies.ref()));
    replies.expectMessage(JournalFixtures.recovered(new HardState(1, null), entries(1, 2, 1)));
    // ... and takes writes again.
    journal.tell(JournalFixtures.write(3, null, 0, entries(3, 3, 1), replies.ref()));
    replies.expectMessage(new JournalReply.Written(3));
    testKit.stop(journal);

    var again = testKit.spawn(RaftJournal.create("g1", member));
    again.tell(new JournalCommand.Recover(replies.ref()));
    replies.expectMessage(JournalFixtures.recovered(new HardState(1, null), entries(1, 3, 1)));
  }

  @Test
  void aWriteTheJournalRejectsIsAnsweredWithWriteFailedAndTheJournalStops() {
    String member = "m" + members.incrementAndGet();
    var journal = testKit.spawn(RaftJournal.create("g1", member));
    TestProbe<JournalReply> replies = testKit.createTestProbe();
    journal.tell(JournalFixtures.write(1, null, 0, entries(1, 1, 1), replies.ref()));
    replies.expectMessage(new JournalReply.Written(1));

    PersistenceTestKit.create(testKit.system()).rejectNextPersisted(RaftJournal.persistenceId("g1", member));
    journal.tell(JournalFixtures.write(2, null, 0, entries(2, 2, 1), replies.ref()));
    var failed = replies.expectMessageClass(JournalReply.WriteFailed.class);
    assertEquals(2, failed.writeId());
    replies.expectTerminated(journal);
  }
}
