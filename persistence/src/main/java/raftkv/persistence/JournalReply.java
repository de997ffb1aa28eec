package raftkv.persistence;

import java.util.List;

/** What a journal answers to a Raft member. */
public sealed interface JournalReply extends CborSerializable {

  /**
   * The durable state found on start: the member starts from it as a follower.
   *
   * @param snapshot the latest snapshot, or {@code null}
   * @param entries  the log after the snapshot (from index 1 without one)
   */
  record Recovered(HardState hardState, Snapshot snapshot, List<LogEntry> entries) implements JournalReply {}

  /** The write with this id, and every earlier one, is on disk. */
  record Written(long writeId) implements JournalReply {}

  /** The write could not be made durable; nothing of it may be acknowledged. */
  record WriteFailed(long writeId, String reason) implements JournalReply {}
}
