package raftkv.raft;

/**
 * How a member that is not the leader gets a client's proposal into the log: it forwards the
 * command, the leader appends it and says at which index, and the forwarding member answers its
 * client once it has applied that index itself.
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
}
