package raftkv.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * The "disk" of an {@link InMemoryJournal}: it outlives the journal actor, so a test can stop a
 * member and start it again over the same store. Nothing here survives the JVM.
 */
public final class InMemoryLogStore {
  private HardState hardState = HardState.INITIAL;
  private final List<LogEntry> entries = new ArrayList<>();

  /** Applies one write, in the order a {@link JournalCommand.Write} defines. */
  public synchronized void apply(JournalCommand.Write write) {
    if (write.hardState() != null) {
      hardState = write.hardState();
    }
    if (write.truncateFrom() > 0) {
      int keep = (int) Math.min(entries.size(), write.truncateFrom() - 1);
      entries.subList(keep, entries.size()).clear();
    }
    for (LogEntry e : write.entries()) {
      if (e.index() != entries.size() + 1) {
        throw new IllegalStateException(
            "gap in the log: appending " + e.index() + " after " + entries.size());
      }
      entries.add(e);
    }
  }

  public synchronized JournalReply.Recovered recovered() {
    return new JournalReply.Recovered(hardState, List.copyOf(entries));
  }
}
