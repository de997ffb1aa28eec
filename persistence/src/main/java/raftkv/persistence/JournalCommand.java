package raftkv.persistence;

import akka.actor.typed.ActorRef;
import java.util.List;

/**
 * What a Raft member asks of its journal. The member keeps at most one {@link Write} in flight
 * and folds everything that happens meanwhile into the next one (group commit).
 */
public sealed interface JournalCommand extends CborSerializable {

  /** Asks for the durable state; answered with {@link JournalReply.Recovered}. */
  record Recover(ActorRef<JournalReply> replyTo) implements JournalCommand {}

  /**
   * Makes one change durable, in this order: hard state, snapshot, truncation, appended entries.
   * Answered with {@link JournalReply.Written} only once it is on disk.
   *
   * @param writeId      chosen by the member, increasing; echoed in the reply
   * @param hardState    the new term and vote, or {@code null} when unchanged
   * @param snapshot     a snapshot to keep instead of the entries it covers, or {@code null}: the
   *     entries up to its index go, and all entries go when the log's entry at its index has
   *     another term (or is missing)
   * @param truncateFrom the first index to remove (it and everything after), or 0 for none
   * @param entries      entries to append after the truncation, consecutive, possibly empty
   */
  record Write(
      long writeId,
      HardState hardState,
      Snapshot snapshot,
      long truncateFrom,
      List<LogEntry> entries,
      ActorRef<JournalReply> replyTo)
      implements JournalCommand {}
}
