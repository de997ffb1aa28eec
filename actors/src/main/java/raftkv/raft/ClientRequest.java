package raftkv.raft;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import java.util.function.Supplier;
import raftkv.persistence.CborSerializable;

/** What clients ask a Raft member; any member takes them. */
public sealed interface ClientRequest extends RaftMessage, CborSerializable {

  /**
   * Proposes a command. Answered with {@link ProposeReply.Committed} once the command is
   * committed and applied on the member that took the request.
   */
  record Propose(byte[] command, ActorRef<ProposeReply> replyTo) implements ClientRequest {}

  /**
   * Proposes a command only if this member leads {@code term}; otherwise (another term, or not
   * the leader) it is answered {@link ProposeReply.NotCommitted} at once and never forwarded.
   * For commands whose meaning depends on the leader that made them (a lease expiry decided on
   * the leader's clock): an entry of {@code term} can only commit while no later leader has
   * committed anything, so such a command never takes effect after a later leader's decisions.
   */
  record ProposeAsLeader(byte[] command, long term, ActorRef<ProposeReply> replyTo) implements ClientRequest {}

  /**
   * Runs {@code query} on this member's actor, where the state machine may be read safely, and
   * answers {@link ReadReply.Done} with what it returned.
   *
   * <p>Serializable: at once, on the state as applied here. Linearizable (Raft thesis §6.4,
   * ReadIndex): the leader notes its commit index as the read index once it has committed an
   * entry of its term, confirms with one heartbeat round answered by a quorum that it still leads
   * (one round serves every read that arrived before it started), and the member that took the
   * read runs it once it has applied the read index; a follower asks the leader for the index.
   * Answered {@link ReadReply.Unavailable} when no leader is known or the leader changed before
   * confirming.
   *
   * <p>Local only: the query is code, so this message never crosses the network.
   */
  record Read(Supplier<?> query, boolean linearizable, ActorRef<ReadReply> replyTo)
      implements ClientRequest, NoSerializationVerificationNeeded {}

  /**
   * Changes the group's configuration by one member (thesis §4.1). Taken by any member (a
   * follower forwards it to the leader); answered {@link MembershipReply.Changed} once the
   * configuration entry is committed and applied on the member that took it, or refused with the
   * reason. The leader takes one change at a time: the next only once the previous one committed.
   */
  record ChangeMembership(MembershipChange change, ActorRef<MembershipReply> replyTo) implements ClientRequest {}

  /**
   * Hands leadership to voter {@code target} (thesis §3.10): the leader stops taking proposals,
   * brings the target's log up to date, and tells it to campaign at once ({@link
   * RaftRpc.TimeoutNow}). Only the leader takes it (as etcd's MoveLeader); the transfer is given up
   * after an election timeout.
   */
  record TransferLeadership(String target, ActorRef<TransferReply> replyTo) implements ClientRequest {}

  /** Asks for a {@link Status}. */
  record GetStatus(ActorRef<Status> replyTo) implements ClientRequest {}
}
