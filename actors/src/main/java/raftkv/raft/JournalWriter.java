package raftkv.raft;

import akka.actor.typed.ActorRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.HardState;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.JournalReply;
import raftkv.persistence.LogEntry;
import raftkv.persistence.Snapshot;

/**
 * Group commit towards the journal: at most one write in flight; every change made meanwhile goes
 * into the next write. Messages that promise durability (vote grants, append acknowledgements)
 * wait here until the write that covers them is on disk (Raft §5.1 "respond after persisting").
 */
final class JournalWriter {
  private final ActorRef<JournalCommand> journal;
  private final ActorRef<JournalReply> replyTo;

  private HardState unsavedHardState;
  private Snapshot unsavedSnapshot;
  private long unsavedTruncateFrom;
  private final List<LogEntry> unsavedEntries = new ArrayList<>();

  private long nextWriteId = 1;
  private boolean writing;
  private long writingId;
  private long writingLastIndex;
  private HardState writingHardState;

  private long durableLastIndex;
  private HardState durableHardState;
  private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();

  private record Deferred(long writeId, ActorRef<RaftMessage> to, RaftMessage message) {}

  JournalWriter(
      ActorRef<JournalCommand> journal,
      ActorRef<JournalReply> replyTo,
      HardState recovered,
      long recoveredLastIndex) {
    this.journal = journal;
    this.replyTo = replyTo;
    this.durableHardState = recovered;
    this.durableLastIndex = recoveredLastIndex;
  }

  void saveHardState(HardState hardState) {
    unsavedHardState = hardState;
  }

  void append(LogEntry entry) {
    unsavedEntries.add(entry);
  }

  /**
   * The journal is to keep {@code snapshot} and drop the entries it covers. Goes before the
   * truncation and entries of the same write, so a follower that installs a snapshot and drops a
   * disagreeing log also calls {@link #truncateFrom} just after it.
   */
  void saveSnapshot(Snapshot snapshot) {
    unsavedSnapshot = snapshot;
    unsavedEntries.removeIf(e -> e.index() <= snapshot.index());
  }

  /** The log lost the entry at {@code index} and everything after it. */
  void truncateFrom(long index) {
    unsavedEntries.removeIf(e -> e.index() >= index);
    unsavedTruncateFrom = unsavedTruncateFrom == 0 ? index : Math.min(unsavedTruncateFrom, index);
    durableLastIndex = Math.min(durableLastIndex, index - 1);
    writingLastIndex = Math.min(writingLastIndex, index - 1);
  }

  /** Sends {@code message} now if everything is durable, else once what exists now is. */
  void sendWhenDurable(ActorRef<RaftMessage> to, RaftMessage message) {
    if (hasUnsaved()) {
      deferred.addLast(new Deferred(nextWriteId, to, message));
    } else if (writing) {
      deferred.addLast(new Deferred(writingId, to, message));
    } else {
      to.tell(message);
    }
  }

  /** Starts the next write if none is in flight; {@code lastIndex} is the log's end now. */
  void flush(long lastIndex) {
    if (writing || !hasUnsaved()) {
      return;
    }
    writing = true;
    writingId = nextWriteId++;
    writingLastIndex = lastIndex;
    writingHardState = unsavedHardState;
    journal.tell(
        new JournalCommand.Write(
            writingId, unsavedHardState, unsavedSnapshot, unsavedTruncateFrom, List.copyOf(unsavedEntries), replyTo));
    unsavedHardState = null;
    unsavedSnapshot = null;
    unsavedTruncateFrom = 0;
    unsavedEntries.clear();
  }

  /** The journal confirmed write {@code writeId}: release what waited for it. */
  void written(long writeId) {
    if (!writing || writeId != writingId) {
      throw new IllegalStateException("journal confirmed write " + writeId + ", expected " + writingId);
    }
    writing = false;
    durableLastIndex = writingLastIndex;
    if (writingHardState != null) {
      durableHardState = writingHardState;
    }
    while (!deferred.isEmpty() && deferred.peekFirst().writeId() <= writeId) {
      Deferred d = deferred.removeFirst();
      d.to().tell(d.message());
    }
  }

  /** The highest index known to be on disk and still part of the log. */
  long durableLastIndex() {
    return durableLastIndex;
  }

  HardState durableHardState() {
    return durableHardState;
  }

  private boolean hasUnsaved() {
    return unsavedHardState != null
        || unsavedSnapshot != null
        || unsavedTruncateFrom != 0
        || !unsavedEntries.isEmpty();
  }
}
