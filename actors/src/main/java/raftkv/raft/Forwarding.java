package raftkv.raft;

/**
 * How a member that is not the leader gets a client's proposal into the log: it forwards the
 * command, the leader appends it and says at which index, and the forwarding member answers its
 * client once it has applied that index itself. Linearizable reads go the same way: the member
 * asks for a read index and runs the query itself once it has applied that index.
 */
public sealed interface Forwarding extends PeerMessage {

  record ForwardPropose(String group, String from, long requestId, byte[] command)
      implements Forwarding {}

  /** The forwarded command was appended at {@code index} in {@code term}. */
  record ProposeAccepted(String group, String from, long requestId, long index, long term)
      implements Forwarding {}

  /** The receiver was not the leader; the command was not appended. */
  record ProposeRejected(String group, String from, long requestId, String reason)
      implements Forwarding {}

  /**
   * A linearizable read taken by a non-leader: the member keeps the query and asks the leader for
   * a read index, which the leader confirms in its next ReadIndex round like its own reads.
   */
  record ForwardReadIndex(String group, String from, long requestId) implements Forwarding {}

  /**
   * The leader of {@code term} confirmed it still led after the read arrived: the read may run
   * once {@code readIndex} is applied at the member that asked.
   */
  record ReadIndexConfirmed(String group, String from, long requestId, long readIndex, long term)
      implements Forwarding {}

  /** The receiver was not the leader, or stopped leading before confirming: the read cannot run. */
  record ReadIndexRejected(String group, String from, long requestId, String reason)
      implements Forwarding {}

  /** A membership change taken by a non-leader, for the leader to check and append. */
  record ForwardChange(String group, String from, long requestId, MembershipChange change) implements Forwarding {}

  /** The forwarded change was appended at {@code index} in {@code term}. */
  record ChangeAccepted(String group, String from, long requestId, long index, long term) implements Forwarding {}

  /** The forwarded change was not appended: {@code retry} for a passing reason, else it is invalid. */
  record ChangeRefused(String group, String from, long requestId, String reason, boolean retry)
      implements Forwarding {}
}
