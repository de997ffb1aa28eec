package raftkv.raft;

import raftkv.persistence.CborSerializable;
import raftkv.persistence.Configuration;

/** The outcome of a {@link ClientRequest.ChangeMembership}. */
public sealed interface MembershipReply extends CborSerializable {

  /** Committed at {@code index} and applied on the member that took the request. */
  record Changed(long index, Configuration configuration) implements MembershipReply {}

  /** The change is invalid or unsafe as the group stands (the reason says why): do not retry as is. */
  record Refused(String reason) implements MembershipReply {}

  /**
   * Certainly not committed, for a passing reason (no leader, the previous change not committed
   * yet, a leadership transfer under way, the leader's entry overwritten): retry.
   */
  record NotCommitted(String reason) implements MembershipReply {}

  /** The leader changed after taking it: it may or may not commit. */
  record Unknown(String reason) implements MembershipReply {}
}
