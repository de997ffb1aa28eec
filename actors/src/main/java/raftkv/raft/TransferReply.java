package raftkv.raft;

import raftkv.persistence.CborSerializable;

/** The outcome of a {@link ClientRequest.TransferLeadership}. */
public sealed interface TransferReply extends CborSerializable {

  /** {@code leader} leads {@code term} now. */
  record Transferred(String leader, long term) implements TransferReply {}

  /** Not attempted: the receiver is not the leader (it names the one it knows), or the target is not a voter. */
  record Refused(String reason, String leader) implements TransferReply {}

  /** Attempted, but the target did not take over within an election timeout (or another member won). */
  record Failed(String reason) implements TransferReply {}
}
