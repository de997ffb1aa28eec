package raftkv.persistence;

import static raftkv.persistence.JournalFixtures.entries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RaftJournal} on the real LevelDB JNI journal and local snapshot store in a temporary data
 * directory: what one actor system wrote, the next one, started on the same directory after the
 * first terminated, recovers; a snapshot deletes, on disk, the events and older snapshots it covers.
 */
class RaftJournalLevelDbTest {
  @TempDir Path dataDir;

  private ActorTestKit start() throws DataDirectoryException {
    DataDirectory dir = DataDirectory.open(dataDir, "cluster-a", "m1");
    Config config = dir.akkaConfig().withFallback(ConfigFactory.load());
    return ActorTestKit.create("RaftJournalLevelDbTest", config);
  }

  @Test
  void whatOneActorSystemWroteTheNextOneRecovers() throws Exception {
    List<LogEntry> expected = new ArrayList<>(entries(1, 3, 1));
    expected.addAll(entries(4, 6, 2));

    ActorTestKit first = start();
    try {
      Config c = first.system().settings().config();
      assertTrue(c.getBoolean("akka.persistence.journal.leveldb.native"));
      assertTrue(c.getBoolean("akka.persistence.journal.leveldb.fsync"));
      assertEquals(dataDir.resolve("journal").toAbsolutePath().toString(),
          c.getString("akka.persistence.journal.leveldb.dir"));

      ActorRef<JournalCommand> journal = first.spawn(RaftJournal.create("g1", "m1"));
      ActorRef<JournalCommand> otherGroup = first.spawn(RaftJournal.create("g2", "m1"));
      TestProbe<JournalReply> replies = first.createTestProbe();
      journal.tell(new JournalCommand.Recover(replies.ref()));
      replies.expectMessage(JournalFixtures.recovered(HardState.INITIAL, List.of()));

      journal.tell(JournalFixtures.write(1, new HardState(1, "m1"), 0, entries(1, 5, 1), replies.ref()));
      replies.expectMessage(new JournalReply.Written(1));
      journal.tell(JournalFixtures.write(2, new HardState(2, null), 4, entries(4, 5, 2), replies.ref()));
      replies.expectMessage(new JournalReply.Written(2));
      journal.tell(JournalFixtures.write(3, new HardState(2, "m3"), 0, List.of(), replies.ref()));
      replies.expectMessage(new JournalReply.Written(3));
      journal.tell(JournalFixtures.write(4, null, 0, entries(6, 6, 2), replies.ref()));
      replies.expectMessage(new JournalReply.Written(4));
      otherGroup.tell(JournalFixtures.write(1, new HardState(7, "m2"), 0, entries(1, 1, 7), replies.ref()));
      replies.expectMessage(new JournalReply.Written(1));
    } finally {
      first.shutdownTestKit(); // terminates the system: the journal closes LevelDB
    }

    assertTrue(Files.exists(dataDir.resolve("journal").resolve("CURRENT")), "LevelDB files in <dir>/journal");
    if (Files.isReadable(Path.of("/proc/self/maps"))) {
      assertTrue(NativeLevelDb.mappedFile().orElse("").contains("leveldbjni"),
          "the native library is mapped into this process: " + NativeLevelDb.mappedFile());
    }

    ActorTestKit second = start();
    try {
      TestProbe<JournalReply> replies = second.createTestProbe();
      second.spawn(RaftJournal.create("g1", "m1")).tell(new JournalCommand.Recover(replies.ref()));
      replies.expectMessage(JournalFixtures.recovered(new HardState(2, "m3"), expected));
      second.spawn(RaftJournal.create("g2", "m1")).tell(new JournalCommand.Recover(replies.ref()));
      replies.expectMessage(JournalFixtures.recovered(new HardState(7, "m2"), entries(1, 1, 7)));
    } finally {
      second.shutdownTestKit();
    }

    DataDirectory reopened = DataDirectory.open(dataDir, "cluster-a", "m1");
    assertFalse(reopened.created());
    assertTrue(reopened.journalRecords() > 0, "verified " + reopened.journalRecords() + " records");
  }

  /**
   * A snapshot on the real journal and the local snapshot store: the state snapshot is saved, the
   * events it covers are deleted from LevelDB and the older state snapshots from the snapshot
   * directory, a new actor system recovers the snapshot and the entries after it, and a second
   * snapshot replaces the first.
   */
  @Test
  void aSnapshotCompactsTheJournalOnDiskAndTheNextActorSystemRecoversIt() throws Exception {
    String id = RaftJournal.persistenceId("g1", "m1");
    Snapshot first = new Snapshot(3, 1, new byte[64 * 1024]); // a larger image than the rest
    Snapshot second = JournalFixtures.snapshot(6, 2);

    ActorTestKit one = start();
    try {
      ActorRef<JournalCommand> journal = one.spawn(RaftJournal.create("g1", "m1"));
      ActorRef<JournalCommand> otherGroup = one.spawn(RaftJournal.create("g2", "m1"));
      TestProbe<JournalReply> replies = one.createTestProbe();
      journal.tell(JournalFixtures.write(1, new HardState(1, "m1"), 0, entries(1, 5, 1), replies.ref()));
      replies.expectMessage(new JournalReply.Written(1));
      otherGroup.tell(JournalFixtures.write(1, new HardState(1, "m2"), 0, entries(1, 2, 1), replies.ref()));
      replies.expectMessage(new JournalReply.Written(1));
      // Event 2: the snapshot. Akka saves the state, then the compaction deletes events 1 and 2.
      compacted(one, id, 2, 3, () -> {
        journal.tell(JournalFixtures.write(2, null, first, 0, List.of(), replies.ref()));
        replies.expectMessage(new JournalReply.Written(2));
      });
      journal.tell(JournalFixtures.write(3, new HardState(2, "m2"), 0, entries(6, 7, 2), replies.ref()));
      replies.expectMessage(new JournalReply.Written(3));
    } finally {
      one.shutdownTestKit();
    }

    // On disk: the journal holds event 3 only (its highest sequence number is still 3); the other
    // group's journal is untouched; one state snapshot, at sequence number 2.
    assertEquals(List.of(3L), journalSequenceNumbers(id));
    assertEquals(3L, highestSequenceNumber(id));
    assertEquals(List.of(1L), journalSequenceNumbers(RaftJournal.persistenceId("g2", "m1")));
    assertEquals(List.of("snapshot-raft%7Cg1%7Cm1-2"), stateSnapshotFiles());
    // The data directory still opens, with files in its snapshot store.
    assertFalse(DataDirectory.open(dataDir, "cluster-a", "m1").created());

    List<LogEntry> afterFirst = new ArrayList<>(entries(4, 5, 1));
    afterFirst.addAll(entries(6, 7, 2));
    ActorTestKit two = start();
    try {
      ActorRef<JournalCommand> journal = two.spawn(RaftJournal.create("g1", "m1"));
      TestProbe<JournalReply> replies = two.createTestProbe();
      journal.tell(new JournalCommand.Recover(replies.ref()));
      replies.expectMessage(JournalFixtures.recovered(new HardState(2, "m2"), first, afterFirst));
      two.spawn(RaftJournal.create("g2", "m1")).tell(new JournalCommand.Recover(replies.ref()));
      replies.expectMessage(JournalFixtures.recovered(new HardState(1, "m2"), entries(1, 2, 1)));

      // Event 4: the second snapshot, with entries after it; events 3 and 4 and the first state
      // snapshot go.
      compacted(two, id, 4, 6, () -> {
        journal.tell(JournalFixtures.write(4, null, second, 0, entries(8, 8, 2), replies.ref()));
        replies.expectMessage(new JournalReply.Written(4));
      });
    } finally {
      two.shutdownTestKit();
    }

    assertEquals(List.of(), journalSequenceNumbers(id));
    assertEquals(4L, highestSequenceNumber(id), "the highest sequence number survives the deletion");
    assertEquals(List.of("snapshot-raft%7Cg1%7Cm1-4"), stateSnapshotFiles());
    DataDirectory reopened = DataDirectory.open(dataDir, "cluster-a", "m1");
    assertFalse(reopened.created());

    ActorTestKit three = start();
    try {
      TestProbe<JournalReply> replies = three.createTestProbe();
      ActorRef<JournalCommand> journal = three.spawn(RaftJournal.create("g1", "m1"));
      journal.tell(new JournalCommand.Recover(replies.ref()));
      replies.expectMessage(JournalFixtures.recovered(new HardState(2, "m2"), second, entries(7, 8, 2)));
      // New events continue after the deleted ones.
      journal.tell(JournalFixtures.write(5, null, 0, entries(9, 9, 2), replies.ref()));
      replies.expectMessage(new JournalReply.Written(5));
    } finally {
      three.shutdownTestKit();
    }
    assertEquals(List.of(5L), journalSequenceNumbers(id));
  }

  /**
   * Runs {@code write} and waits until the compaction after the state snapshot at {@code seqNr}
   * (the Raft log up to {@code raftIndex}) is done.
   */
  private static void compacted(ActorTestKit kit, String persistenceId, long seqNr, long raftIndex, Runnable write) {
    TestProbe<JournalCompaction.Compacted> done = kit.createTestProbe();
    kit.system().eventStream().tell(new EventStream.Subscribe<>(JournalCompaction.Compacted.class, done.ref()));
    write.run();
    done.expectMessage(new JournalCompaction.Compacted(persistenceId, seqNr, raftIndex));
    kit.system().eventStream().tell(new EventStream.Unsubscribe<>(done.ref()));
  }

  /** The state snapshot files of the local snapshot store, without their timestamps. */
  private List<String> stateSnapshotFiles() throws Exception {
    try (Stream<Path> files = Files.list(dataDir.resolve(DataDirectory.SNAPSHOT_DIR))) {
      return files.map(p -> p.getFileName().toString())
          .map(name -> name.substring(0, name.lastIndexOf('-')))
          .sorted()
          .toList();
    }
  }

  /**
   * The sequence numbers of the events of {@code persistenceId} in the LevelDB journal, read
   * straight from its keys (Akka 2.6.21's LevelDB journal: a key is the persistence id's numeric id,
   * the sequence number and a mapping id, 4 + 8 + 4 bytes; numeric id 1 maps numeric ids to
   * persistence ids; sequence number 0 holds the highest sequence number).
   */
  private List<Long> journalSequenceNumbers(String persistenceId) throws Exception {
    List<Long> found = new ArrayList<>();
    withJournalKeys(persistenceId, (seqNr, value) -> {
      if (seqNr > 0) {
        found.add(seqNr);
      }
    });
    return found;
  }

  private long highestSequenceNumber(String persistenceId) throws Exception {
    long[] highest = {-1};
    withJournalKeys(persistenceId, (seqNr, value) -> {
      if (seqNr == 0) {
        highest[0] = ByteBuffer.wrap(value).getLong();
      }
    });
    return highest[0];
  }

  private void withJournalKeys(String persistenceId, BiConsumer<Long, byte[]> consumer) throws Exception {
    try (DB db = JniDBFactory.factory.open(dataDir.resolve(DataDirectory.JOURNAL_DIR).toFile(),
            new Options().createIfMissing(false));
        DBIterator it = db.iterator()) {
      int numericId = -1;
      for (it.seekToFirst(); it.hasNext(); ) {
        var entry = it.next();
        ByteBuffer key = ByteBuffer.wrap(entry.getKey());
        if (entry.getKey().length == 20 && key.getInt(0) == 1
            && new String(entry.getValue(), StandardCharsets.UTF_8).equals(persistenceId)) {
          numericId = key.getInt(12);
        }
      }
      assertTrue(numericId > 0, persistenceId + " has a numeric id in the journal");
      for (it.seekToFirst(); it.hasNext(); ) {
        var entry = it.next();
        ByteBuffer key = ByteBuffer.wrap(entry.getKey());
        if (entry.getKey().length == 20 && key.getInt(0) == numericId && key.getInt(12) == 0) {
          consumer.accept(key.getLong(4), entry.getValue());
        }
      }
    }
  }
}
