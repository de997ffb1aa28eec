package raftkv.raft;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import raftkv.persistence.CborSerializable;

/**
 * One change to a group's configuration (thesis §4.1: one server at a time). Proposed with
 * {@link ClientRequest.ChangeMembership}; the leader checks it ({@link Membership}) and appends the
 * whole resulting configuration as a {@code CONFIG} entry.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "change")
@JsonSubTypes({
  @JsonSubTypes.Type(value = MembershipChange.Add.class, name = "add"),
  @JsonSubTypes.Type(value = MembershipChange.Promote.class, name = "promote"),
  @JsonSubTypes.Type(value = MembershipChange.Remove.class, name = "remove"),
  @JsonSubTypes.Type(value = MembershipChange.UpdateAddress.class, name = "update-address")
})
public sealed interface MembershipChange extends CborSerializable {
  String member();

  /**
   * Adds a member at {@code address}, as a voter or as a learner (which replicates but never votes
   * and never counts in a quorum). Adding a learner and promoting it once it caught up is the safe
   * way to add a voter (thesis §4.2.1).
   */
  record Add(String member, String address, boolean learner) implements MembershipChange {}

  /** Makes a learner a voter; refused unless its log is within the configured lag of the leader's. */
  record Promote(String member) implements MembershipChange {}

  /** Removes a member, voter or learner; a leader that removes itself steps down once it commits. */
  record Remove(String member) implements MembershipChange {}

  /** Changes where a member is reached; its role stays. */
  record UpdateAddress(String member, String address) implements MembershipChange {}
}
