package raftkv.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * The "disk" of an {@link InMemoryJournal}: it outlives the journal actor, so a test can stop a
 * member and start it again over the same store. Nothing here survives the JVM.
 */
public final class InMemoryLogStore {
  private HardState hardState = HardState.INITIAL;
  private Snapshot snapshot;
  /** The entries after the snapshot's index (after 0 without a snapshot). */
  private final List<LogEntry> entries = new ArrayList<>();

  private long base() {
    return snapshot == null ? 0 : snapshot.index();
  }

  /** Applies one write, in the order a {@link JournalCommand.Write} defines. */
  public synchronized void apply(JournalCommand.Write write) {
    if (write.hardState() != null) {
      hardState = write.hardState();
    }
    if (write.snapshot() != null) {
      keepSnapshot(write.snapshot());
    }
    if (write.truncateFrom() > 0) {
      int keep = (int) Math.max(0, Math.min(entries.size(), write.truncateFrom() - 1 - base()));
      entries.subList(keep, entries.size()).clear();
    }
    for (LogEntry e : write.entries()) {
      if (e.index() != base() + entries.size() + 1) {
        throw new IllegalStateException(
            "gap in the log: appending " + e.index() + " after " + (base() + entries.size()));
      }
      entries.add(e);
    }
  }

  private void keepSnapshot(Snapshot next) {
    int at = (int) (next.index() - base()); // position after the snapshot's last entry
    boolean agrees = at >= 1 && at <= entries.size() && entries.get(at - 1).term() == next.term();
    if (agrees) {
      entries.subList(0, at).clear();
    } else {
      entries.clear();
    }
    snapshot = next;
  }

  public synchronized JournalReply.Recovered recovered() {
    return new JournalReply.Recovered(hardState, snapshot, List.copyOf(entries));
  }
}
