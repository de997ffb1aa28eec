package raftkv.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Akka Persistence configuration of a member whose data lives in one directory: the LevelDB
 * journal with the native JNI library and fsync on every write, and Akka's local snapshot store,
 * both under that directory (layout: {@link DataDirectory}). Put it in front of the member's own
 * configuration: {@code RaftJournalConfig.forDataDirectory(dir).withFallback(ConfigFactory.load())}.
 * The keys it sets are listed in this module's {@code reference.conf}.
 *
 * <p>Check the directory with {@link DataDirectory#open} first: this class only computes settings.
 */
public final class RaftJournalConfig {
  /** The journal plugin used: Akka's LevelDB journal (deprecated since Akka 2.6.15, still shipped). */
  public static final String JOURNAL_PLUGIN = "akka.persistence.journal.leveldb";
  /** The snapshot store plugin used: Akka's local file snapshot store. */
  public static final String SNAPSHOT_PLUGIN = "akka.persistence.snapshot-store.local";

  private RaftJournalConfig() {}

  public static Config forDataDirectory(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("akka.persistence.journal.plugin", JOURNAL_PLUGIN);
    settings.put(JOURNAL_PLUGIN + ".dir", dir.resolve(DataDirectory.JOURNAL_DIR).toString());
    settings.put(JOURNAL_PLUGIN + ".native", true);
    settings.put(JOURNAL_PLUGIN + ".fsync", true);
    settings.put(JOURNAL_PLUGIN + ".checksum", true);
    settings.put("akka.persistence.snapshot-store.plugin", SNAPSHOT_PLUGIN);
    settings.put(SNAPSHOT_PLUGIN + ".dir", dir.resolve(DataDirectory.SNAPSHOT_DIR).toString());
    return ConfigFactory.parseMap(settings, "raftkv data directory " + dir);
  }
}
