package raftkv.persistence;

import java.util.Arrays;

/**
 * One entry of the replicated log. Immutable and shared by reference between the in-memory log,
 * journal writes and outgoing AppendEntries; {@code data} is never modified after construction.
 *
 * @param index position in the log, from 1
 * @param term  the leader's term when the entry was created
 * @param kind  what the entry carries
 * @param data  the command for the state machine (empty for a no-op; the configuration for CONFIG)
 */
public record LogEntry(long index, long term, Kind kind, byte[] data) implements CborSerializable {

  /** What an entry carries. */
  public enum Kind {
    /** Appended by a new leader so that it can commit entries of earlier terms (Raft §5.4.2). */
    NOOP,
    /** A client command for the state machine. */
    COMMAND,
    /**
     * A whole new group {@link Configuration} ({@code data} is {@link Configuration#encode()}): in
     * force on a member as soon as it is in its log (thesis §4.1). State machines ignore it.
     */
    CONFIG
  }

  private static final byte[] NONE = new byte[0];

  public static LogEntry noop(long index, long term) {
    return new LogEntry(index, term, Kind.NOOP, NONE);
  }

  public static LogEntry command(long index, long term, byte[] data) {
    return new LogEntry(index, term, Kind.COMMAND, data);
  }

  public static LogEntry config(long index, long term, Configuration configuration) {
    return new LogEntry(index, term, Kind.CONFIG, configuration.encode());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.index == index
        && e.term == term
        && e.kind == kind
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(index) + Long.hashCode(term)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LogEntry[" + index + "@" + term + " " + kind + " " + data.length + "B]";
  }
}
