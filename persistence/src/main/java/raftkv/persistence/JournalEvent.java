package raftkv.persistence;

import java.util.List;

/**
 * What {@link RaftJournal} writes to Akka Persistence: the changes of a member's durable Raft state
 * (DESIGN decision 5). Each {@link JournalCommand.Write} becomes exactly one event (one LevelDB
 * write, one fsync): the specific event when the write changes one thing, {@link Combined} when it
 * changes several (a new term with the new leader's first entry, a truncation with the entries
 * that replace the removed ones).
 *
 * <p>These records are the on-disk format: the journal stores each event with its class name as
 * the serializer manifest, so renaming or moving one makes existing journals unreadable. Add new
 * fields only with a default (Jackson leaves them {@code null}/0 in old events), add new events as
 * new records.
 */
public sealed interface JournalEvent extends CborSerializable {

  /** The member's term and vote changed (Raft Figure 2: currentTerm, votedFor). */
  record HardStateChanged(HardState hardState) implements JournalEvent {}

  /** The entry at {@code fromIndex} and every later one were removed from the log (Raft §5.3). */
  record LogTruncated(long fromIndex) implements JournalEvent {}

  /** A batch of consecutive entries appended to the end of the log; never empty. */
  record EntriesAppended(List<LogEntry> entries) implements JournalEvent {}

  /**
   * Several changes made durable together, applied in this order (that of {@link
   * JournalCommand.Write}).
   *
   * @param hardState    the new term and vote, or {@code null} when unchanged
   * @param truncateFrom the first index removed, or 0 for none
   * @param entries      entries appended after the truncation, possibly empty
   */
  record Combined(HardState hardState, long truncateFrom, List<LogEntry> entries) implements JournalEvent {}
}
