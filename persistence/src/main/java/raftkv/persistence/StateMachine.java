package raftkv.persistence;

/**
 * What committed log entries are applied to. Implementations are deterministic and free of I/O:
 * the same sequence of entries gives the same state on every member.
 */
public interface StateMachine {

  /**
   * Applies one committed command entry; entries arrive once each, in index order.
   *
   * @return the result handed back to the client that proposed the entry
   */
  byte[] apply(LogEntry entry);
}
