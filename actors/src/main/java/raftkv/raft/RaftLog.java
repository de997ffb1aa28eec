package raftkv.raft;

import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.LogEntry;

/**
 * A member's in-memory view of its log: everything appended, durable or not, after the last
 * snapshot. Entries up to {@code snapshotIndex} are compacted into the snapshot; only the index
 * and term of the last of them are kept (index 0, term 0 for a log that never compacted).
 */
final class RaftLog {
  private final ArrayList<LogEntry> entries;
  private long snapshotIndex;
  private long snapshotTerm;

  RaftLog(long snapshotIndex, long snapshotTerm, List<LogEntry> recovered) {
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    entries = new ArrayList<>(recovered);
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).index() != snapshotIndex + i + 1) {
        throw new IllegalStateException(
            "recovered log is not consecutive after snapshot " + snapshotIndex + " at position " + i);
      }
    }
  }

  long snapshotIndex() {
    return snapshotIndex;
  }

  long snapshotTerm() {
    return snapshotTerm;
  }

  long lastIndex() {
    return snapshotIndex + entries.size();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  /** Entries held in memory (after the snapshot). */
  int size() {
    return entries.size();
  }

  /** The term of the entry at {@code index}, which must be the snapshot's last or held. */
  long term(long index) {
    return index == snapshotIndex ? snapshotTerm : get(index).term();
  }

  boolean has(long index) {
    return index > snapshotIndex && index <= lastIndex();
  }

  LogEntry get(long index) {
    if (!has(index)) {
      throw new IllegalArgumentException("no entry " + index + " (snapshot " + snapshotIndex + ", last " + lastIndex() + ")");
    }
    return entries.get((int) (index - snapshotIndex - 1));
  }

  /**
   * Whether this log holds an entry at {@code index} with {@code term}. The snapshot's last entry
   * matches by its term; indexes inside the snapshot are not asked (they are committed).
   */
  boolean matches(long index, long term) {
    return (index == snapshotIndex && term == snapshotTerm) || (has(index) && get(index).term() == term);
  }

  /**
   * Entries from {@code from} (after the snapshot): at most {@code maxEntries}, and no more than
   * {@code maxBytes} of data unless the first alone is larger. Shares the entries.
   */
  List<LogEntry> slice(long from, int maxEntries, long maxBytes) {
    int start = (int) (from - snapshotIndex - 1);
    int end = start;
    long bytes = 0;
    while (end < entries.size() && end - start < maxEntries) {
      bytes += entries.get(end).data().length;
      if (bytes > maxBytes && end > start) {
        break;
      }
      end++;
    }
    return List.copyOf(entries.subList(start, end));
  }

  void append(LogEntry entry) {
    if (entry.index() != lastIndex() + 1) {
      throw new IllegalArgumentException("appending " + entry.index() + " after " + lastIndex());
    }
    entries.add(entry);
  }

  /** Removes the entry at {@code index} and every later one. */
  void truncateFrom(long index) {
    entries.subList((int) (index - snapshotIndex - 1), entries.size()).clear();
  }

  /** Drops the entries up to {@code index}, which a snapshot now covers. */
  void compactTo(long index, long term) {
    if (has(index) && get(index).term() == term) {
      entries.subList(0, (int) (index - snapshotIndex)).clear();
    } else {
      entries.clear(); // the snapshot is ahead of this log or disagrees with it: it replaces it
    }
    snapshotIndex = index;
    snapshotTerm = term;
  }

  /**
   * Whether a candidate whose log ends at ({@code lastIndex}, {@code lastTerm}) is at least as up
   * to date as this log (Raft §5.4.1).
   */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    return lastTerm > lastTerm() || (lastTerm == lastTerm() && lastIndex >= lastIndex());
  }

  /** The first index (after the snapshot) of the run of entries of the term at {@code index}. */
  long firstIndexOfTermAt(long index) {
    long term = term(index);
    long i = index;
    while (i > snapshotIndex + 1 && term(i - 1) == term) {
      i--;
    }
    return i;
  }

  /** The last index whose entry has {@code term}, or 0 when this log holds none of it. */
  long lastIndexOfTerm(long term) {
    for (long i = lastIndex(); i > snapshotIndex; i--) {
      long t = term(i);
      if (t == term) {
        return i;
      }
      if (t < term) {
        return 0;
      }
    }
    return 0;
  }
}
