package raftkv.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's data directory, checked before the actor system starts its journal. Layout:
 *
 * <pre>
 *   &lt;dir&gt;/raftkv-member.properties   marker: format, cluster id, member id, creation time, CRC-32
 *   &lt;dir&gt;/journal/                    the LevelDB journal (every Raft group of the member)
 *   &lt;dir&gt;/snapshots/                  Akka's local snapshot store
 * </pre>
 *
 * <p>{@link #open} creates the layout in an empty or missing directory, and otherwise refuses,
 * with a {@link DataDirectoryException} that names the path and what to do, a directory that
 * belongs to another member or cluster, that is not a raftkv directory, whose marker is damaged,
 * whose journal is missing, locked, unreadable, truncated or corrupted. It never starts a member
 * empty over existing data. The journal is opened with LevelDB's paranoid checks (a damaged
 * write-ahead log fails instead of losing records silently), every table file is compared with
 * the size LevelDB's manifest records, and with {@code
 * raftkv.persistence.data-directory.verify-on-open} every record is read once with checksums.
 * This matters because Akka opens the journal without paranoid checks, and LevelDB then drops
 * the records after a damaged block of its write-ahead log without a word (tried: a flipped byte
 * in the middle of the log lost 3 of 1,000 records); once checked here, the log has been moved
 * into a table file and Akka's open finds nothing to repair.
 *
 * <p>The marker names the cluster and the member, not a Raft group: one data directory holds the
 * logs of all the member's groups, told apart by their persistence ids ({@code
 * raft|<group>|<member>}).
 */
public final class DataDirectory {
  public static final String MARKER_FILE = "raftkv-member.properties";
  public static final String JOURNAL_DIR = "journal";
  public static final String SNAPSHOT_DIR = "snapshots";
  static final int FORMAT = 1;

  private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

  private static final String LOST_STATE_ADVICE =
      "Do not start this member over an empty or partial log: it may have voted, or acknowledged"
          + " entries, that the rest of its group counts on (Raft \u00a75.1, \u00a75.4). Restore"
          + " the directory from a backup, or remove the member from its group and add it back"
          + " under a new member id with a new, empty data directory.";

  private final Path path;
  private final String clusterId;
  private final String memberId;
  private final boolean created;
  private final long journalRecords;
  private final String nativeLibrary;

  private DataDirectory(
      Path path, String clusterId, String memberId, boolean created, long journalRecords, String nativeLibrary) {
    this.path = path;
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.created = created;
    this.journalRecords = journalRecords;
    this.nativeLibrary = nativeLibrary;
  }

  /** {@link #open(Path, String, String, Config)} with the settings of {@code ConfigFactory.load()}. */
  public static DataDirectory open(Path dir, String clusterId, String memberId) throws DataDirectoryException {
    return open(dir, clusterId, memberId, ConfigFactory.load());
  }

  /**
   * Checks (or, if it is empty or missing, creates) the data directory of member {@code memberId}
   * of cluster {@code clusterId}. Run it before the actor system starts, and start the system with
   * {@link #akkaConfig()}; the journal is closed again when this returns.
   *
   * @param config holds {@code raftkv.persistence.data-directory}
   * @throws DataDirectoryException if the member must not start on this directory
   */
  public static DataDirectory open(Path dir, String clusterId, String memberId, Config config)
      throws DataDirectoryException {
    requireId("cluster", clusterId);
    requireId("member", memberId);
    boolean verify = config.getBoolean("raftkv.persistence.data-directory.verify-on-open");
    Path path = dir.toAbsolutePath().normalize();
    String nativeLibrary = loadNative(path);
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new DataDirectoryException(path, "Refusing to start: the data directory " + path
          + " exists but is not a directory. Point the member at its data directory, or at a new,"
          + " empty one for a new member.");
    }
    long started = System.nanoTime();
    Path marker = path.resolve(MARKER_FILE);
    DataDirectory result;
    if (!Files.exists(marker)) {
      result = initialize(path, clusterId, memberId, nativeLibrary);
    } else {
      Marker m = Marker.read(path, marker);
      if (!m.clusterId().equals(clusterId)) {
        throw new DataDirectoryException(path, "Refusing to start member '" + memberId + "' of cluster '"
            + clusterId + "': the data directory " + path + " belongs to member '" + m.memberId()
            + "' of cluster '" + m.clusterId() + "' (see " + marker + "). Start each member on its own"
            + " data directory; a directory never moves to another cluster.");
      }
      if (!m.memberId().equals(memberId)) {
        throw new DataDirectoryException(path, "Refusing to start member '" + memberId + "': the data"
            + " directory " + path + " belongs to member '" + m.memberId() + "' of cluster '"
            + m.clusterId() + "' (see " + marker + "). Start member '" + memberId + "' on its own data"
            + " directory: two members on one log break Raft's safety.");
      }
      Path journal = path.resolve(JOURNAL_DIR);
      if (!Files.isDirectory(journal) || !Files.exists(journal.resolve("CURRENT"))) {
        throw new DataDirectoryException(journal, "Refusing to start: the data directory " + path
            + " belongs to member '" + memberId + "', but its journal " + journal
            + (Files.isDirectory(journal) ? " has lost its LevelDB files (no CURRENT)." : " is missing.")
            + " " + LOST_STATE_ADVICE);
      }
      Path snapshots = path.resolve(SNAPSHOT_DIR);
      if (!Files.isDirectory(snapshots)) {
        throw new DataDirectoryException(snapshots, "Refusing to start: the snapshot store " + snapshots
            + " of the data directory " + path + " is missing. " + LOST_STATE_ADVICE);
      }
      long records = checkJournal(journal, verify);
      result = new DataDirectory(path, clusterId, memberId, false, records, nativeLibrary);
    }
    log.info("data directory {} of member '{}' of cluster '{}': {} in {} ms; {}",
        path, memberId, clusterId,
        result.created ? "created"
            : result.journalRecords < 0 ? "opened the journal" : "verified " + result.journalRecords + " journal records",
        (System.nanoTime() - started) / 1_000_000, nativeLibrary);
    return result;
  }

  /** The configuration to start the member's actor system with (before its own configuration). */
  public Config akkaConfig() {
    return RaftJournalConfig.forDataDirectory(path);
  }

  public Path path() {
    return path;
  }

  public Path journalDirectory() {
    return path.resolve(JOURNAL_DIR);
  }

  public Path snapshotDirectory() {
    return path.resolve(SNAPSHOT_DIR);
  }

  public String clusterId() {
    return clusterId;
  }

  public String memberId() {
    return memberId;
  }

  /** Whether {@link #open} created this directory (a new member). */
  public boolean created() {
    return created;
  }

  /** LevelDB records read and verified by {@link #open}; -1 if not verified, 0 if just created. */
  public long journalRecords() {
    return journalRecords;
  }

  /** Which native LevelDB library this process uses. */
  public String nativeLibrary() {
    return nativeLibrary;
  }

  private static String loadNative(Path path) throws DataDirectoryException {
    try {
      return NativeLevelDb.load();
    } catch (LinkageError | RuntimeException e) {
      throw new DataDirectoryException(path, "Refusing to start: the native LevelDB library (leveldbjni-all "
          + JniDBFactory.VERSION + ") cannot be loaded on " + System.getProperty("os.name") + "/"
          + System.getProperty("os.arch") + ": " + e + ". It is extracted to java.io.tmpdir ("
          + System.getProperty("java.io.tmpdir") + "), which must be writable and allow executing;"
          + " or point -Dlibrary.leveldbjni.path at a directory holding the library.", e);
    }
  }

  /** A new member: create the layout in an empty or missing directory. */
  private static DataDirectory initialize(Path path, String clusterId, String memberId, String nativeLibrary)
      throws DataDirectoryException {
    Path journal = path.resolve(JOURNAL_DIR);
    Path snapshots = path.resolve(SNAPSHOT_DIR);
    if (Files.isDirectory(path)) {
      // An interrupted first start may have left the journal, the snapshot directory and the
      // marker's temporary file behind, all empty: anything else is somebody's data.
      for (Path child : list(path)) {
        String name = child.getFileName().toString();
        boolean leftover = name.equals(JOURNAL_DIR) || name.equals(SNAPSHOT_DIR) || name.equals(MARKER_FILE + ".tmp");
        if (!leftover) {
          throw notOurs(path, "it contains " + child.getFileName() + " but no marker " + MARKER_FILE);
        }
      }
      if (Files.exists(journal.resolve("CURRENT"))) {
        long records = checkJournal(journal, true);
        if (records > 0) {
          throw notOurs(path, "its journal " + journal + " holds " + records + " records but there is no marker "
              + MARKER_FILE + " (lost?)");
        }
      }
      if (Files.isDirectory(snapshots) && !list(snapshots).isEmpty()) {
        throw notOurs(path, "its snapshot store " + snapshots + " is not empty but there is no marker " + MARKER_FILE);
      }
    }
    try {
      Files.createDirectories(journal);
      Files.createDirectories(snapshots);
    } catch (IOException e) {
      throw new DataDirectoryException(path, "Refusing to start: cannot create the data directory " + path
          + ": " + e + ". Check the path and its permissions.", e);
    }
    try {
      // created empty; Akka's journal opens it once the actor system starts
      JniDBFactory.factory.open(journal.toFile(), new Options().createIfMissing(true)).close();
    } catch (IOException | RuntimeException e) {
      throw cannotOpen(journal, e);
    }
    try {
      Marker.write(path, new Marker(clusterId, memberId));
    } catch (IOException e) {
      throw new DataDirectoryException(path, "Refusing to start: cannot write the marker of the data directory "
          + path + ": " + e + ". Check its permissions and free disk space.", e);
    }
    return new DataDirectory(path, clusterId, memberId, true, 0, nativeLibrary);
  }

  private static DataDirectoryException notOurs(Path path, String why) {
    return new DataDirectoryException(path, "Refusing to start: the data directory " + path
        + " is not a raftkv data directory (" + why + "). Start a new member on an empty or missing"
        + " directory. If this is the member's own directory and only its marker was lost, restore the"
        + " marker from a backup; do not recreate it by hand unless you are sure which member of which"
        + " cluster this directory belongs to.");
  }

  private static final Pattern TABLE = Pattern.compile("^\\s*(\\d+):(\\d+)\\[", Pattern.MULTILINE);

  /**
   * Opens the journal with paranoid checks, compares every table file with the manifest, and with
   * {@code verify} reads every record with checksums. Returns the records read, or -1.
   */
  static long checkJournal(Path journal, boolean verify) throws DataDirectoryException {
    DB db;
    try {
      db = JniDBFactory.factory.open(journal.toFile(), new Options().createIfMissing(false).paranoidChecks(true));
    } catch (IOException | RuntimeException e) {
      throw cannotOpen(journal, e);
    }
    try {
      checkTables(db, journal);
      if (!verify) {
        return -1;
      }
      long records = 0;
      try (DBIterator it = db.iterator(new ReadOptions().verifyChecksums(true).fillCache(false))) {
        // seek(), unlike seekToFirst(), reports a table LevelDB cannot read instead of ending early
        it.seek(new byte[0]);
        while (it.hasNext()) {
          it.next();
          records++;
        }
      }
      return records;
    } catch (IOException | RuntimeException e) {
      throw damaged(journal, e.getMessage(), e);
    } finally {
      try {
        db.close();
      } catch (IOException | RuntimeException e) {
        log.warn("closing the journal {} after checking it: {}", journal, e.toString());
      }
    }
  }

  /** Listings to compare at most while LevelDB's background compaction keeps replacing tables. */
  private static final int TABLE_LISTINGS = 20;

  /**
   * Compares every table file with the manifest. Opening the journal replays its write-ahead log,
   * which may start a background compaction that replaces tables while we look; so a mismatch
   * counts as damage only if the manifest's listing did not change meanwhile.
   */
  private static void checkTables(DB db, Path journal) throws IOException, DataDirectoryException {
    String listing = db.getProperty("leveldb.sstables");
    for (int attempt = 1; ; attempt++) {
      String mismatch = tableMismatch(journal, listing);
      if (mismatch == null) {
        return;
      }
      String again = db.getProperty("leveldb.sstables");
      if (again.equals(listing) || attempt == TABLE_LISTINGS) {
        throw damaged(journal, mismatch, null);
      }
      listing = again;
    }
  }

  /** The first table file of {@code listing} that is missing or of another size, or null. */
  private static String tableMismatch(Path journal, String listing) throws IOException {
    Matcher m = TABLE.matcher(listing);
    while (m.find()) {
      long number = Long.parseLong(m.group(1));
      long size = Long.parseLong(m.group(2));
      Path table = journal.resolve(String.format("%06d.sst", number));
      if (!Files.exists(table)) {
        table = journal.resolve(String.format("%06d.ldb", number));
      }
      long actual = Files.exists(table) ? Files.size(table) : -1;
      if (actual != size) {
        return "its table file " + table + (actual < 0 ? " is missing" : " has " + actual
            + " bytes where the journal's manifest records " + size + " (truncated or replaced)");
      }
    }
    return null;
  }

  private static DataDirectoryException cannotOpen(Path journal, Exception e) {
    String msg = String.valueOf(e.getMessage());
    String advice;
    if (msg.contains("lock") || msg.contains("LOCK")) {
      advice = "Another process, or another member in this JVM, has it open: stop that one first, or"
          + " start this member on its own data directory.";
    } else if (msg.contains("Corruption")) {
      return damaged(journal, msg, e);
    } else {
      advice = "Check that the directory and its files are readable and writable by this user and that"
          + " the disk has space; if LevelDB reports missing or damaged files: " + LOST_STATE_ADVICE;
    }
    return new DataDirectoryException(journal, "Refusing to start: the journal " + journal
        + " cannot be opened: " + msg + ". " + advice, e);
  }

  private static DataDirectoryException damaged(Path journal, String what, Exception cause) {
    return new DataDirectoryException(journal, "Refusing to start: the journal " + journal
        + " is damaged: " + what + ". " + LOST_STATE_ADVICE, cause);
  }

  private static List<Path> list(Path dir) throws DataDirectoryException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new DataDirectoryException(dir, "Refusing to start: cannot list " + dir + ": " + e
          + ". Check its permissions.", e);
    }
  }

  static void requireId(String what, String id) {
    if (id == null || id.isBlank() || id.contains("|") || id.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          what + " id must be non-blank, without '|' or control characters: " + id);
    }
  }

  /** The marker file: which member of which cluster a directory belongs to. */
  record Marker(String clusterId, String memberId) {
    private static final String CRC = "crc32=";

    static void write(Path dir, Marker m) throws IOException {
      String body = "# raftkv data directory: it belongs to one member of one cluster. Do not edit or copy.\n"
          + "format=" + FORMAT + "\n"
          + "cluster-id=" + m.clusterId + "\n"
          + "member-id=" + m.memberId + "\n"
          + "created=" + Instant.now() + "\n";
      byte[] bytes = (body + CRC + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
      Path tmp = dir.resolve(MARKER_FILE + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, dir.resolve(MARKER_FILE), StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir);
    }

    static Marker read(Path dir, Path file) throws DataDirectoryException {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw damagedMarker(dir, file, "it disappeared", e);
      } catch (IOException e) {
        throw damagedMarker(dir, file, "it cannot be read: " + e, e);
      }
      int crcAt = text.lastIndexOf("\n" + CRC);
      if (crcAt < 0) {
        throw damagedMarker(dir, file, "no checksum line: truncated or edited", null);
      }
      String body = text.substring(0, crcAt + 1);
      String stored = text.substring(crcAt + 1 + CRC.length()).strip();
      if (!stored.equals(crc(body))) {
        throw damagedMarker(dir, file, "checksum mismatch: edited or corrupted", null);
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : body.split("\n")) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          values.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      if (!String.valueOf(FORMAT).equals(values.get("format"))) {
        throw damagedMarker(dir, file, "format " + values.get("format") + " is not " + FORMAT
            + " (written by another version of raftkv?)", null);
      }
      List<String> missing = new ArrayList<>();
      for (String key : List.of("cluster-id", "member-id")) {
        if (values.get(key) == null || values.get(key).isBlank()) {
          missing.add(key);
        }
      }
      if (!missing.isEmpty()) {
        throw damagedMarker(dir, file, "no " + String.join(", ", missing), null);
      }
      return new Marker(values.get("cluster-id"), values.get("member-id"));
    }

    private static DataDirectoryException damagedMarker(Path dir, Path file, String what, Exception cause) {
      return new DataDirectoryException(file, "Refusing to start: the marker " + file + " of the data directory "
          + dir + " is damaged (" + what + "). It records which member of which cluster the directory"
          + " belongs to. Restore it from a backup; do not recreate it by hand unless you are sure which"
          + " member of which cluster this directory belongs to.", cause);
    }

    private static String crc(String body) {
      CRC32 crc = new CRC32();
      crc.update(body.getBytes(StandardCharsets.UTF_8));
      return String.format("%08x", crc.getValue());
    }

    /** Makes the rename durable; not every platform can open a directory, which is fine there. */
    private static void syncDirectory(Path dir) {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException e) {
        log.debug("cannot fsync directory {}: {}", dir, e.toString());
      }
    }
  }
}
