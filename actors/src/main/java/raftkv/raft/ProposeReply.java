package raftkv.raft;

import raftkv.persistence.CborSerializable;

/** The outcome of a {@link ClientRequest.Propose}. */
public sealed interface ProposeReply extends CborSerializable {

  /**
   * Committed at {@code index} and applied here; {@code result} is the state machine's answer,
   * {@code term} the applying member's current term.
   */
  record Committed(long index, byte[] result, long term) implements ProposeReply {}

  /** Certainly not committed (no leader known, or its log slot went to another entry): retry. */
  record NotCommitted(String reason) implements ProposeReply {}

  /** The outcome cannot be known here (the leader changed before confirming): it may commit. */
  record Unknown(String reason) implements ProposeReply {}
}
