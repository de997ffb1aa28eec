package raftkv.persistence;

/**
 * What a {@link RaftJournal} reports about its disk, for the server's metrics. Called on the
 * journal's actor; implementations must be quick and thread-safe.
 */
public interface JournalMetrics {
  /** Reports nothing. */
  JournalMetrics NONE = new JournalMetrics() {};

  /**
   * One write made durable: from the moment the journal took it to the confirmation of Akka's
   * LevelDB journal, which returns after LevelDB's synced write (the fsync included).
   *
   * @param entries log entries the write appended
   */
  default void written(long nanos, int entries) {}

  /** A Raft snapshot saved to the snapshot store, from its write to the saved state file. */
  default void snapshotSaved(long nanos) {}
}
