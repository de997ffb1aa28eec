package raftkv.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataDirectory}: the layout it creates, and every case in which a member must not start. */
class DataDirectoryTest {
  private static final String RESTORE = "Restore the directory from a backup";

  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("member-1");
  }

  /** A directory of member m1 of cluster c1 whose journal holds some records, like after a run. */
  private Path usedDirectory() throws Exception {
    DataDirectory.open(dir(), "c1", "m1");
    try (DB db = JniDBFactory.factory.open(dir().resolve("journal").toFile(), new Options())) {
      byte[] value = new byte[200];
      for (int i = 0; i < 2000; i++) {
        db.put(String.format("key-%06d", i).getBytes(StandardCharsets.UTF_8), value, new WriteOptions().sync(false));
      }
    }
    return dir();
  }

  /** Opening once more moves LevelDB's write-ahead log into a table file. */
  private Path tableFile() throws Exception {
    usedDirectory();
    DataDirectory.open(dir(), "c1", "m1");
    try (Stream<Path> files = Files.list(dir().resolve("journal"))) {
      return files.filter(p -> p.toString().endsWith(".sst") || p.toString().endsWith(".ldb"))
          .max(Comparator.comparingLong(p -> p.toFile().length()))
          .orElseThrow();
    }
  }

  private DataDirectoryException refused(String cluster, String member) {
    return assertThrows(DataDirectoryException.class, () -> DataDirectory.open(dir(), cluster, member));
  }

  private static void assertMentions(DataDirectoryException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
    assertTrue(e.getMessage().startsWith("Refusing to start"), e.getMessage());
  }

  private static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
  }

  @Test
  void aMissingDirectoryBecomesANewMembersDirectory() throws Exception {
    DataDirectory created = DataDirectory.open(dir(), "c1", "m1");
    assertTrue(created.created());
    assertTrue(Files.isRegularFile(dir().resolve(DataDirectory.MARKER_FILE)));
    assertTrue(Files.exists(dir().resolve("journal").resolve("CURRENT")));
    assertTrue(Files.isDirectory(dir().resolve("snapshots")));
    String marker = Files.readString(dir().resolve(DataDirectory.MARKER_FILE));
    assertTrue(marker.contains("cluster-id=c1\n") && marker.contains("member-id=m1\n"), marker);
    assertTrue(created.nativeLibrary().startsWith("leveldbjni 1.8"), created.nativeLibrary());

    DataDirectory again = DataDirectory.open(dir(), "c1", "m1");
    assertFalse(again.created());
    assertEquals(0, again.journalRecords());
    assertEquals(dir().toAbsolutePath(), again.path());
  }

  @Test
  void anEmptyDirectoryBecomesANewMembersDirectory() throws Exception {
    Files.createDirectories(dir());
    assertTrue(DataDirectory.open(dir(), "c1", "m1").created());
  }

  @Test
  void whatAnInterruptedFirstStartLeftBehindIsTakenOver() throws Exception {
    Files.createDirectories(dir().resolve("journal"));
    Files.createDirectories(dir().resolve("snapshots"));
    Files.writeString(dir().resolve(DataDirectory.MARKER_FILE + ".tmp"), "format=1\ncluster-");
    assertTrue(DataDirectory.open(dir(), "c1", "m1").created());
    assertFalse(Files.exists(dir().resolve(DataDirectory.MARKER_FILE + ".tmp")));
  }

  @Test
  void aRecordedDirectoryOpensAndItsRecordsAreVerified() throws Exception {
    usedDirectory();
    DataDirectory opened = DataDirectory.open(dir(), "c1", "m1");
    assertEquals(2000, opened.journalRecords());
  }

  /** What Akka's local snapshot store leaves: state snapshots, and a temporary file after a crash. */
  private static void snapshotFiles(Path snapshots) throws IOException {
    Files.write(snapshots.resolve("snapshot-raft%7Cg1%7Cm1-42-1700000000000"), new byte[] {1, 2, 3});
    Files.write(snapshots.resolve("snapshot-raft%7Cg2%7Cm1-7-1700000000001"), new byte[] {4});
    Files.write(snapshots.resolve("snapshot-raft%7Cg1%7Cm1-50-1700000000002tmp"), new byte[0]);
  }

  @Test
  void aDirectoryWithStateSnapshotsOpens() throws Exception {
    usedDirectory();
    snapshotFiles(dir().resolve("snapshots"));
    DataDirectory opened = DataDirectory.open(dir(), "c1", "m1");
    assertFalse(opened.created());
    assertEquals(2000, opened.journalRecords());
    assertEquals(dir().resolve("snapshots").toAbsolutePath(), opened.snapshotDirectory());
  }

  @Test
  void refusesStateSnapshotsWhoseMarkerWasLost() throws Exception {
    DataDirectory.open(dir(), "c1", "m1");
    snapshotFiles(dir().resolve("snapshots"));
    Files.delete(dir().resolve(DataDirectory.MARKER_FILE));
    var e = refused("c1", "m1");
    assertMentions(e, dir().toString(), "snapshot store", "is not empty but there is no marker", "restore the marker");
  }

  @Test
  void refusesAFileInsteadOfADirectory() throws Exception {
    Files.writeString(dir(), "not a directory");
    assertMentions(refused("c1", "m1"), dir().toString(), "is not a directory");
  }

  @Test
  void refusesTheDirectoryOfAnotherMember() throws Exception {
    usedDirectory();
    var e = refused("c1", "m2");
    assertMentions(e, "member 'm2'", dir().toString(), "belongs to member 'm1' of cluster 'c1'",
        DataDirectory.MARKER_FILE, "on its own data directory");
  }

  @Test
  void refusesTheDirectoryOfAnotherCluster() throws Exception {
    usedDirectory();
    var e = refused("c2", "m1");
    assertMentions(e, "cluster 'c2'", dir().toString(), "belongs to member 'm1' of cluster 'c1'");
  }

  @Test
  void refusesADirectoryWithOtherFilesAndNoMarker() throws Exception {
    Files.createDirectories(dir());
    Files.writeString(dir().resolve("notes.txt"), "hello");
    var e = refused("c1", "m1");
    assertMentions(e, dir().toString(), "is not a raftkv data directory", "notes.txt", DataDirectory.MARKER_FILE);
  }

  @Test
  void refusesAJournalWithRecordsWhoseMarkerWasLost() throws Exception {
    usedDirectory();
    Files.delete(dir().resolve(DataDirectory.MARKER_FILE));
    var e = refused("c1", "m1");
    assertMentions(e, dir().toString(), "holds 2000 records but there is no marker", "restore the marker");
  }

  @Test
  void refusesATruncatedMarker() throws Exception {
    usedDirectory();
    Path marker = dir().resolve(DataDirectory.MARKER_FILE);
    String text = Files.readString(marker);
    Files.writeString(marker, text.substring(0, text.length() / 2));
    var e = refused("c1", "m1");
    assertMentions(e, marker.toString(), "is damaged", "Restore it from a backup");
    assertEquals(marker.toAbsolutePath(), e.path());
  }

  @Test
  void refusesAnEditedMarker() throws Exception {
    usedDirectory();
    Path marker = dir().resolve(DataDirectory.MARKER_FILE);
    Files.writeString(marker, Files.readString(marker).replace("member-id=m1", "member-id=m2"));
    var e = refused("c1", "m2");
    assertMentions(e, marker.toString(), "checksum mismatch");
  }

  @Test
  void refusesAMarkerWithoutItsJournal() throws Exception {
    usedDirectory();
    Path journal = dir().resolve("journal");
    try (Stream<Path> files = Files.walk(journal)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    var e = refused("c1", "m1");
    assertMentions(e, journal.toString(), "is missing", "Do not start this member over an empty", RESTORE);
  }

  @Test
  void refusesAJournalThatLostItsLevelDbFiles() throws Exception {
    usedDirectory();
    Files.delete(dir().resolve("journal").resolve("CURRENT"));
    var e = refused("c1", "m1");
    assertMentions(e, dir().resolve("journal").toString(), "has lost its LevelDB files", RESTORE);
  }

  @Test
  void refusesAMissingSnapshotStore() throws Exception {
    usedDirectory();
    Files.delete(dir().resolve("snapshots"));
    var e = refused("c1", "m1");
    assertMentions(e, dir().resolve("snapshots").toString(), "is missing", RESTORE);
  }

  @Test
  void refusesAJournalThatIsOpenElsewhere() throws Exception {
    usedDirectory();
    DB holder = JniDBFactory.factory.open(dir().resolve("journal").toFile(), new Options());
    try {
      var e = refused("c1", "m1");
      assertMentions(e, dir().resolve("journal").toString(), "cannot be opened", "lock", "has it open");
    } finally {
      holder.close();
    }
  }

  @Test
  void refusesATruncatedTableFile() throws Exception {
    Path table = tableFile();
    try (RandomAccessFile f = new RandomAccessFile(table.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    var e = refused("c1", "m1");
    assertMentions(e, dir().resolve("journal").toString(), "is damaged", table.toString(), "truncated", RESTORE);
  }

  @Test
  void refusesAMissingTableFile() throws Exception {
    Path table = tableFile();
    Files.delete(table);
    var e = refused("c1", "m1");
    assertMentions(e, "is damaged", table.getFileName().toString(), "missing", RESTORE);
  }

  @Test
  void refusesACorruptedTableFile() throws Exception {
    Path table = tableFile();
    flipByte(table, table.toFile().length() / 3);
    var e = refused("c1", "m1");
    assertMentions(e, dir().resolve("journal").toString(), "is damaged", "checksum mismatch", RESTORE);
  }

  @Test
  void refusesACorruptedWriteAheadLog() throws Exception {
    usedDirectory();
    Path log;
    try (Stream<Path> files = Files.list(dir().resolve("journal"))) {
      log = files.filter(p -> p.toString().endsWith(".log"))
          .max(Comparator.comparingLong(p -> p.toFile().length()))
          .orElseThrow();
    }
    flipByte(log, log.toFile().length() / 2);
    var e = refused("c1", "m1");
    assertMentions(e, dir().resolve("journal").toString(), "Corruption", RESTORE);
  }

  @Test
  void refusesIdsThatCannotBeRecorded() {
    assertThrows(IllegalArgumentException.class, () -> DataDirectory.open(dir(), "c1", "m|1"));
    assertThrows(IllegalArgumentException.class, () -> DataDirectory.open(dir(), "c\n1", "m1"));
    assertThrows(IllegalArgumentException.class, () -> DataDirectory.open(dir(), " ", "m1"));
  }
}
