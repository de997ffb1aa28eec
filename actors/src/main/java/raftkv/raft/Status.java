package raftkv.raft;

import raftkv.persistence.CborSerializable;

/**
 * A member's view of its group.
 *
 * @param leader the member it believes leads {@code term}, or {@code null}
 * @param logSize how many entries its log holds in memory
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
    long logSize)
    implements CborSerializable {

  /** What part a member plays in its group's current term. */
  public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
}
