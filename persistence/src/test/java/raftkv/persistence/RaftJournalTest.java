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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftJournal}'s events, replies and recovery, on the persistence testkit's in-memory
 * journal and snapshot store: every event type, snapshots and the compaction after them, and the
 * state after {@code restart()}.
 */
class RaftJournalTest {
  private static ActorTestKit testKit;
  private static final AtomicInteger members = new AtomicInteger();

  private EventSourcedBehaviorTestKit<JournalCommand, JournalEvent, JournalState> kit;
  private String persistenceId;
  /** The events of each journal write of this test's journal, as the journal received them. */
  private final List<List<Object>> journalWrites = Collections.synchronizedList(new ArrayList<>());

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
  private EventSourcedBehaviorTestKit<JournalCommand, JournalEvent, JournalState> newJournal() {
    String member = "m" + members.incrementAndGet();
    persistenceId = RaftJournal.persistenceId("g1", member);
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        RaftJournal.create("g1", member),
        // Commands, events and the state (the state snapshot format) round-trip after every command.
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    kit.persistenceTestKit().withPolicy(new ProcessingPolicy<JournalOperation>() {
      @Override
      public ProcessingResult tryProcess(String pid, JournalOperation operation) {
        if (operation instanceof WriteEvents w && pid.equals(persistenceId)) {
          journalWrites.add(List.copyOf(w.getBatch()));
        }
        return ProcessingSuccess.getInstance();
      }
    });
    return kit;
  }

  /**
   * The events of the latest journal write. After a write with a snapshot, use this rather than
   * the testkit's {@code events()}, which reads the journal after the reply: the compaction may
   * have deleted the event by then.
   */
  private List<Object> lastJournalWrite() {
    return journalWrites.get(journalWrites.size() - 1);
  }

  private CommandResultWithReply<JournalCommand, JournalEvent, JournalState, JournalReply> write(
      long id, HardState hardState, long truncateFrom, List<LogEntry> entries) {
    return kit.runCommand(
        (ActorRef<JournalReply> replyTo) -> JournalFixtures.write(id, hardState, truncateFrom, entries, replyTo));
  }

  private CommandResultWithReply<JournalCommand, JournalEvent, JournalState, JournalReply> write(
      long id, HardState hardState, Snapshot snapshot, long truncateFrom, List<LogEntry> entries) {
    return kit.runCommand((ActorRef<JournalReply> replyTo) ->
        JournalFixtures.write(id, hardState, snapshot, truncateFrom, entries, replyTo));
  }

  /** The events still in the journal: those after the latest state snapshot, once compacted. */
  private List<Object> eventsInJournal() {
    return kit.persistenceTestKit().persistedInStorage(persistenceId);
  }

  /** The sequence numbers of the state snapshots in the snapshot store. */
  private List<Long> stateSnapshots() {
    return kit.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId).stream()
        .map(p -> p.first().sequenceNr())
        .toList();
  }

  /** Waits until the compaction after the latest state snapshot has deleted what it covers. */
  private void awaitCompacted(List<Object> eventsLeft, List<Long> snapshotsLeft) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(snapshotsLeft, stateSnapshots(), "state snapshots");
      assertEquals(eventsLeft, eventsInJournal(), "events in the journal");
      return null;
    });
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
    assertEquals(List.of(new JournalEvent.Combined(new HardState(1, "m1"), null, 0, entries(1, 4, 1))), first.events());
    // A new leader in term 3 overwrites entries 3 and 4 (Raft §5.3): term, vote, truncation and
    // the new entries reach the disk together.
    var combined = write(2, new HardState(3, "m9"), 3, entries(3, 5, 3));
    assertEquals(new JournalReply.Written(2), combined.reply());
    assertEquals(List.of(new JournalEvent.Combined(new HardState(3, "m9"), null, 3, entries(3, 5, 3))), combined.events());
    var truncateAndAppend = write(3, null, 5, entries(5, 6, 3));
    assertEquals(List.of(new JournalEvent.Combined(null, null, 5, entries(5, 6, 3))), truncateAndAppend.events());
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

  // ---------------------------------------------------------------------------------------------
  // Snapshots (Raft §7): the rule of JournalCommand.Write and InMemoryLogStore.apply.

  @Test
  void aSnapshotOnlyWriteIsOneEventThenAStateSnapshotAndTheEventsItCoversAreDeleted() {
    newJournal();
    write(1, new HardState(1, "m1"), 0, entries(1, 5, 1));
    Snapshot snapshot = JournalFixtures.snapshot(3, 1);
    var taken = write(2, null, snapshot, 0, List.of());
    assertEquals(new JournalReply.Written(2), taken.reply());
    assertEquals(List.of(new JournalEvent.SnapshotTaken(snapshot)), lastJournalWrite());
    // The snapshot agrees with the log (entry 3 has term 1): the entries after it stay.
    assertEquals(snapshot, taken.state().snapshot());
    assertEquals(entries(4, 5, 1), taken.state().entries());
    assertEquals(5, taken.state().lastIndex());
    var expected = JournalFixtures.recovered(new HardState(1, "m1"), snapshot, entries(4, 5, 1));
    assertEquals(expected, recover());

    // The state after event 2 went to the snapshot store; events 1 and 2 went from the journal.
    awaitCompacted(List.of(), List.of(2L));
    assertEquals(taken.state(), kit.restart().state());
    assertEquals(expected, recover());

    // The log goes on after the snapshot, from its events after the state snapshot.
    write(3, null, 0, entries(6, 7, 1));
    assertEquals(List.of(new JournalEvent.EntriesAppended(entries(6, 7, 1))), eventsInJournal());
    assertEquals(entries(4, 7, 1), kit.restart().state().entries());
    assertEquals(JournalFixtures.recovered(new HardState(1, "m1"), snapshot, entries(4, 7, 1)), recover());
  }

  @Test
  void hardStateSnapshotTruncationAndEntriesInOneWriteAreOneCombinedEventInOneJournalWrite() {
    newJournal();
    write(1, new HardState(1, "m1"), 0, entries(1, 6, 1));
    // Applied in this order: term 2 and the vote; the snapshot up to 3 (entry 3 has term 1: the
    // entries after it stay); the truncation from 5; then 5 and 6 of term 2.
    Snapshot snapshot = JournalFixtures.snapshot(3, 1);
    var all = write(2, new HardState(2, "m2"), snapshot, 5, entries(5, 6, 2));
    assertEquals(new JournalReply.Written(2), all.reply());
    // One event in one journal write (one fsync).
    assertEquals(List.of(new JournalEvent.Combined(new HardState(2, "m2"), snapshot, 5, entries(5, 6, 2))),
        lastJournalWrite());
    assertEquals(2, journalWrites.size());

    List<LogEntry> expected = new ArrayList<>(entries(4, 4, 1));
    expected.addAll(entries(5, 6, 2));
    var recovered = JournalFixtures.recovered(new HardState(2, "m2"), snapshot, expected);
    assertEquals(recovered, recover());
    awaitCompacted(List.of(), List.of(2L));
    var restarted = kit.restart().state();
    assertEquals(snapshot, restarted.snapshot());
    assertEquals(expected, restarted.entries());
    assertEquals(recovered, recover());
  }

  @Test
  void aSnapshotThatAgreesWithTheLogKeepsTheEntriesAfterIt() {
    newJournal();
    write(1, null, 0, entries(1, 3, 1));
    write(2, null, 0, entries(4, 6, 2));
    Snapshot agrees = JournalFixtures.snapshot(4, 2);
    var taken = write(3, null, agrees, 0, List.of());
    assertEquals(entries(5, 6, 2), taken.state().entries());
    assertEquals(4, taken.state().snapshotIndex());
    // A snapshot at the log's last entry keeps nothing after it, and still agrees.
    Snapshot atTheEnd = JournalFixtures.snapshot(6, 2);
    var last = write(4, null, atTheEnd, 0, List.of());
    assertEquals(List.of(), last.state().entries());
    assertEquals(6, last.state().lastIndex());
    // Entries go on after the snapshot's index.
    write(5, null, 0, entries(7, 7, 2));
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, atTheEnd, entries(7, 7, 2)), recover());
    awaitCompacted(List.of(new JournalEvent.EntriesAppended(entries(7, 7, 2))), List.of(4L));
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, atTheEnd, entries(7, 7, 2)),
        kit.restart().state().recovered());
  }

  @Test
  void aSnapshotThatDisagreesWithTheLogReplacesAllOfIt() {
    newJournal();
    write(1, null, 0, entries(1, 5, 1));
    // A follower installs its leader's snapshot up to 4, whose entry 4 has term 2, not 1: the
    // follower's log is another one, all of it goes.
    Snapshot leaders = JournalFixtures.snapshot(4, 2);
    var installed = write(2, new HardState(2, "m2"), leaders, 0, entries(5, 6, 2));
    assertEquals(new JournalReply.Written(2), installed.reply());
    assertEquals(List.of(new JournalEvent.Combined(new HardState(2, "m2"), leaders, 0, entries(5, 6, 2))),
        lastJournalWrite());
    assertEquals(entries(5, 6, 2), installed.state().entries());
    assertEquals(JournalFixtures.recovered(new HardState(2, "m2"), leaders, entries(5, 6, 2)), recover());

    // A snapshot beyond the log's end (the entry at its index is missing) replaces it too.
    Snapshot beyond = JournalFixtures.snapshot(9, 3);
    var jumped = write(3, null, beyond, 0, List.of());
    assertEquals(List.of(), jumped.state().entries());
    assertEquals(9, jumped.state().lastIndex());
    // ... and the log goes on at 10, not earlier.
    var gap = write(4, null, 0, entries(7, 7, 3));
    var failed = assertInstanceOf(JournalReply.WriteFailed.class, gap.reply());
    assertTrue(failed.reason().contains("appending 7 where 10 comes next"), failed.reason());
    write(5, null, 0, entries(10, 10, 3));

    var expected = JournalFixtures.recovered(new HardState(2, "m2"), beyond, entries(10, 10, 3));
    assertEquals(expected, recover());
    awaitCompacted(List.of(new JournalEvent.EntriesAppended(entries(10, 10, 3))), List.of(3L));
    kit.restart();
    assertEquals(expected, recover());
  }

  @Test
  void aSecondSnapshotReplacesTheFirstInTheSnapshotStoreAndTheJournal() {
    newJournal();
    write(1, new HardState(1, "m1"), 0, entries(1, 4, 1));
    Snapshot first = JournalFixtures.snapshot(2, 1);
    write(2, null, first, 0, List.of());
    awaitCompacted(List.of(), List.of(2L));

    write(3, null, 0, entries(5, 8, 1));
    write(4, new HardState(2, null), 0, List.of());
    assertEquals(2, eventsInJournal().size(), "the events since the first snapshot");
    assertEquals(JournalFixtures.recovered(new HardState(2, null), first, entries(3, 8, 1)),
        kit.restart().state().recovered());

    Snapshot second = JournalFixtures.snapshot(7, 1);
    write(5, null, second, 0, List.of());
    assertEquals(List.of(new JournalEvent.SnapshotTaken(second)), lastJournalWrite());
    // Only the second state snapshot is left, and no event.
    awaitCompacted(List.of(), List.of(5L));
    var expected = JournalFixtures.recovered(new HardState(2, null), second, entries(8, 8, 1));
    assertEquals(expected, recover());
    assertEquals(expected, kit.restart().state().recovered());
    assertEquals(expected, recover());
  }

  @Test
  void aTruncationAtOrBeforeTheSnapshotRemovesTheEntriesAfterItButKeepsTheSnapshot() {
    newJournal();
    write(1, null, 0, entries(1, 6, 1));
    Snapshot snapshot = JournalFixtures.snapshot(3, 1);
    write(2, null, snapshot, 0, List.of());
    var truncated = write(3, null, 2, List.of());
    assertEquals(List.of(new JournalEvent.LogTruncated(2)), lastJournalWrite());
    assertEquals(3, truncated.state().lastIndex());
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, snapshot, List.of()), recover());
    // Truncating an empty log after the snapshot removes nothing: not persisted.
    assertTrue(write(4, null, 3, List.of()).hasNoEvents());
    write(5, null, 0, entries(4, 4, 2));
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, snapshot, entries(4, 4, 2)),
        kit.restart().state().recovered());
  }

  @Test
  void aSnapshotWithoutAnImageOrIndexIsRefused() {
    newJournal();
    write(1, null, 0, entries(1, 3, 1));
    var noImage = write(2, null, new Snapshot(2, 1, null), 0, List.of());
    var failed = assertInstanceOf(JournalReply.WriteFailed.class, noImage.reply());
    assertTrue(failed.reason().contains("no image"), failed.reason());
    assertTrue(noImage.hasNoEvents());
    var noIndex = write(3, null, new Snapshot(0, 0, new byte[0]), 0, List.of());
    assertInstanceOf(JournalReply.WriteFailed.class, noIndex.reply());
    assertEquals(JournalFixtures.recovered(HardState.INITIAL, entries(1, 3, 1)), recover());
  }

  /**
   * RaftJournal and the reference semantics ({@link InMemoryLogStore#apply}) agree on random
   * writes: hard states, snapshots that agree, disagree, lie beyond the log or behind the current
   * one, truncations anywhere, appends; with restarts in between. A failure names its seed;
   * {@code -Draftkv.test.seed=<seed>} replays it.
   */
  @Test
  void behavesLikeTheInMemoryLogStoreOnRandomWrites() {
    newJournal();
    long seed = Long.getLong("raftkv.test.seed", System.nanoTime());
    Random random = new Random(seed);
    InMemoryLogStore reference = new InMemoryLogStore();
    for (int id = 1; id <= 150; id++) {
      JournalReply.Recovered before = reference.recovered();
      long base = before.snapshot() == null ? 0 : before.snapshot().index();
      long last = base + before.entries().size();
      long term = Math.max(1, before.hardState().term());
      HardState hardState = random.nextInt(4) == 0 ? new HardState(term + random.nextInt(2), "m" + random.nextInt(3)) : null;
      Snapshot snapshot = null;
      if (random.nextInt(5) == 0) {
        long index = Math.max(1, base - 1 + random.nextInt((int) (last - base) + 4));
        long at = index - base;
        boolean inLog = at >= 1 && at <= before.entries().size();
        long snapshotTerm = inLog && random.nextInt(3) > 0 ? before.entries().get((int) at - 1).term() : term + 1;
        snapshot = new Snapshot(index, snapshotTerm, ("image " + id).getBytes(StandardCharsets.UTF_8));
      }
      long truncateFrom = random.nextInt(4) == 0 ? 1 + random.nextInt((int) last + 3) : 0;
      // Where the appended entries start: apply everything else to the reference first.
      reference.apply(new JournalCommand.Write(id, hardState, snapshot, truncateFrom, List.of(), null));
      JournalReply.Recovered middle = reference.recovered();
      long next = (middle.snapshot() == null ? 0 : middle.snapshot().index()) + middle.entries().size() + 1;
      List<LogEntry> append = random.nextInt(3) == 0 ? List.of()
          : entries(next, next + random.nextInt(4), Math.max(term, hardState == null ? 0 : hardState.term()));
      reference.apply(new JournalCommand.Write(id, null, null, 0, append, null));

      var result = write(id, hardState, snapshot, truncateFrom, append);
      assertEquals(new JournalReply.Written(id), result.reply(), "seed " + seed + ", write " + id);
      assertEquals(reference.recovered(), result.state().recovered(), "seed " + seed + ", write " + id);
      if (random.nextInt(10) == 0) {
        assertEquals(reference.recovered(), kit.restart().state().recovered(), "seed " + seed + " after a restart");
      }
    }
    assertEquals(reference.recovered(), kit.restart().state().recovered(), "seed " + seed + " after a restart");
    assertEquals(reference.recovered(), recover(), "seed " + seed);
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
