package raftkv.raft;

import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.LogEntry;

/**
 * A member's in-memory view of its log: everything appended, durable or not. Index 0 is the empty
 * log's sentinel with term 0.
 */
final class RaftLog {
  private final ArrayList<LogEntry> entries;

  RaftLog(List<LogEntry> recovered) {
    entries = new ArrayList<>(recovered);
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).index() != i + 1) {
        throw new IllegalStateException("recovered log is not consecutive at position " + i);
      }
    }
  }

  long lastIndex() {
    return entries.size();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  /** The term of the entry at {@code index}; 0 for index 0. */
  long term(long index) {
    return index == 0 ? 0 : get(index).term();
  }

  boolean has(long index) {
    return index >= 1 && index <= lastIndex();
  }

  LogEntry get(long index) {
    return entries.get((int) (index - 1));
  }

  /** Whether this log holds an entry at {@code index} with {@code term} (index 0 always matches). */
  boolean matches(long index, long term) {
    return index == 0 || (has(index) && term(index) == term);
  }

  /** Up to {@code max} entries from {@code from}; the list shares the entries, not this log. */
  List<LogEntry> slice(long from, int max) {
    long to = Math.min(lastIndex(), from + max - 1);
    if (from > to) {
      return List.of();
    }
    return List.copyOf(entries.subList((int) (from - 1), (int) to));
  }

  void append(LogEntry entry) {
    if (entry.index() != lastIndex() + 1) {
      throw new IllegalArgumentException("appending " + entry.index() + " after " + lastIndex());
    }
    entries.add(entry);
  }

  /** Removes the entry at {@code index} and every later one. */
  void truncateFrom(long index) {
    entries.subList((int) (index - 1), entries.size()).clear();
  }

  /**
   * Whether a candidate whose log ends at ({@code lastIndex}, {@code lastTerm}) is at least as up
   * to date as this log (Raft §5.4.1).
   */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    return lastTerm > lastTerm() || (lastTerm == lastTerm() && lastIndex >= lastIndex());
  }

  /** The first index of the run of entries with the same term that contains {@code index}. */
  long firstIndexOfTermAt(long index) {
    long term = term(index);
    long i = index;
    while (i > 1 && term(i - 1) == term) {
      i--;
    }
    return i;
  }

  /** The last index whose entry has {@code term}, or 0 when this log has none of it. */
  long lastIndexOfTerm(long term) {
    for (long i = lastIndex(); i >= 1; i--) {
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
