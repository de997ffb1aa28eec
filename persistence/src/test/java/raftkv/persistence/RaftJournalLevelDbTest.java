package raftkv.persistence;

import static raftkv.persistence.JournalFixtures.entries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RaftJournal} on the real LevelDB JNI journal in a temporary data directory: what one actor
 * system wrote, the next one, started on the same directory after the first terminated, recovers.
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
}
