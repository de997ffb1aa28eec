package raftkv.raft;

/** The outcome of a {@link ClientRequest.Read}. */
public sealed interface ReadReply {

  /**
   * The query ran; {@code value} is what it returned.
   *
   * @param appliedIndex the index applied here when it ran (at least the read index)
   * @param term         this member's term then
   */
  record Done(Object value, long appliedIndex, long term) implements ReadReply {}

  /** The read could not be confirmed (no leader known, or leadership changed): retry. */
  record Unavailable(String reason) implements ReadReply {}
}
