package raftkv.raft;

import akka.actor.typed.ActorRef;
import raftkv.persistence.CborSerializable;

/** What clients ask a Raft member; any member takes them. */
public sealed interface ClientRequest extends RaftMessage, CborSerializable {

  /**
   * Proposes a command. Answered with {@link ProposeReply.Committed} once the command is
   * committed and applied on the member that took the request.
   */
  record Propose(byte[] command, ActorRef<ProposeReply> replyTo) implements ClientRequest {}

  /** Asks for a {@link Status}. */
  record GetStatus(ActorRef<Status> replyTo) implements ClientRequest {}
}
