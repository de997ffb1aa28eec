package raftkv.raft;

import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.TypedActorContext;

/**
 * Hands the journal whatever a message changed, after the role handled it: one write for all of
 * one message's changes, and while a write is in flight, one for everything until it completes.
 */
final class FlushJournal extends BehaviorInterceptor<RaftMessage, RaftMessage> {
  private final RaftState state;

  FlushJournal(RaftState state) {
    super(RaftMessage.class);
    this.state = state;
  }

  @Override
  public Behavior<RaftMessage> aroundReceive(
      TypedActorContext<RaftMessage> ctx, RaftMessage msg, ReceiveTarget<RaftMessage> target) {
    Behavior<RaftMessage> next = target.apply(ctx, msg);
    state.journal.flush(state.log.lastIndex());
    return next;
  }
}
