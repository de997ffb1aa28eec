package raftkv.persistence;

/**
 * The part of a member's state that must be on disk before it answers (Raft Figure 2, "persistent
 * state on all servers" minus the log).
 *
 * @param term     the latest term this member has seen
 * @param votedFor the member it voted for in {@code term}, or {@code null}
 */
public record HardState(long term, String votedFor) implements CborSerializable {
  public static final HardState INITIAL = new HardState(0, null);
}
