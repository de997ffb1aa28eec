package raftkv.persistence;

/**
 * What committed log entries are applied to. Implementations are deterministic and free of I/O:
 * the same sequence of entries gives the same state on every member.
 */
public interface StateMachine {

  /**
   * Applies one committed entry; every entry arrives once, in index order, no-ops and
   * configuration entries included (so that the state machine always knows the index its state
   * stands for). Only {@link LogEntry.Kind#COMMAND} entries are the state machine's business.
   *
   * @return the result handed back to the client that proposed the entry ({@code null} for a no-op)
   */
  byte[] apply(LogEntry entry);

  /** The whole state as it stands after the last entry applied, for a {@link Snapshot}. */
  byte[] snapshot();

  /** Replaces the whole state with an image made by {@link #snapshot()}. */
  void restore(byte[] image);
}
