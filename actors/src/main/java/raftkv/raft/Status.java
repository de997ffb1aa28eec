package raftkv.raft;

import raftkv.persistence.CborSerializable;
import raftkv.persistence.Configuration;

/**
 * A member's view of its group.
 *
 * @param leader the member it believes leads {@code term}, or {@code null}
 * @param logSize how many entries its log holds in memory
 * @param configuration the group's members with their roles, as this member's log says (the
 *     last configuration entry, committed or not, thesis §4.1)
 */
public record Status(
    String group,
    String member,
    Status.Role role,
    long term,
    String leader,
    long commitIndex,
    long appliedIndex,
    long lastIndex,
    long logSize,
    Configuration configuration)
    implements CborSerializable {

  /** What part a member plays in its group's current term. */
  public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
}
