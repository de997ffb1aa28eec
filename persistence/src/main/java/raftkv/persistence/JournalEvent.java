package raftkv.persistence;

import java.util.List;

/**
 * What {@link RaftJournal} writes to Akka Persistence: the changes of a member's durable Raft state
 * (DESIGN decision 5). Each {@link JournalCommand.Write} becomes exactly one event (one LevelDB
 * write, one fsync): the specific event when the write changes one thing, {@link Combined} when it
 * changes several (a new term with the new leader's first entry, a truncation with the entries
 * that replace the removed ones, a leader's snapshot installed together with the entries after it).
 *
 * <p>An event that carries a {@link Snapshot} carries its whole image: the event is what makes the
 * snapshot durable before the member is answered. Once it is persisted, {@link RaftJournal} also
 * saves its state to Akka's snapshot store and then deletes the events that state covers, this one
 * included, so the image stays on disk in the snapshot store only.
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
   * The log was compacted into {@code snapshot} (Raft §7): the snapshot is kept, the entries up to
   * its index go; all entries go when the log's entry at its index has another term or is missing
   * (a follower installing its leader's snapshot). The rule of {@link JournalCommand.Write}.
   */
  record SnapshotTaken(Snapshot snapshot) implements JournalEvent {}

  /**
   * Several changes made durable together, applied in this order (that of {@link
   * JournalCommand.Write}): hard state, snapshot, truncation, entries.
   *
   * @param hardState    the new term and vote, or {@code null} when unchanged
   * @param snapshot     a snapshot kept as {@link SnapshotTaken} keeps it, or {@code null} (always
   *     {@code null} in events written before snapshots existed)
   * @param truncateFrom the first index removed, or 0 for none
   * @param entries      entries appended after the truncation, possibly empty
   */
  record Combined(HardState hardState, Snapshot snapshot, long truncateFrom, List<LogEntry> entries)
      implements JournalEvent {}
}
