package raftkv.raft;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import raftkv.persistence.LogEntry;

/** Follows the leader's log; campaigns when it hears from no leader for an election timeout. */
final class Follower extends Role {

  Follower(RaftSetup setup, RaftState state) {
    super(setup, state);
  }

  @Override
  Status.Role name() {
    return Status.Role.FOLLOWER;
  }

  Behavior<RaftMessage> enter() {
    setup.cancelLeaderTimers();
    setup.startElectionTimer();
    return behavior();
  }

  /** Becomes follower because of {@code m}, which carried a newer term, then handles it. */
  Behavior<RaftMessage> continueWith(RaftRpc m) {
    Behavior<RaftMessage> follower = enter();
    if (m instanceof RaftRpc.AppendEntries ae) {
      onAppendEntries(ae);
    } else if (m instanceof RaftRpc.RequestVote rv) {
      onRequestVote(rv);
    }
    return follower;
  }

  @Override
  BehaviorBuilder<RaftMessage> handlers(BehaviorBuilder<RaftMessage> builder) {
    return builder
        .onMessage(RaftRpc.AppendEntries.class, this::onAppendEntries)
        .onMessageEquals(Internal.ElectionTimeout.INSTANCE, this::onElectionTimeout);
  }

  /** The consistency check and append of Raft §5.3, acknowledged once durable. */
  private Behavior<RaftMessage> onAppendEntries(RaftRpc.AppendEntries m) {
    state.setLeader(m.from());
    setup.startElectionTimer();
    RaftLog log = state.log;
    if (!log.matches(m.prevLogIndex(), m.prevLogTerm())) {
      boolean shorter = m.prevLogIndex() > log.lastIndex();
      long conflictTerm = shorter ? 0 : log.term(m.prevLogIndex());
      long conflictIndex = shorter ? log.lastIndex() + 1 : log.firstIndexOfTermAt(m.prevLogIndex());
      setup.send(
          m.from(),
          RaftRpc.AppendResponse.rejected(
              setup.group(), state.term(), setup.self(), m.prevLogIndex(), conflictIndex, conflictTerm));
      return Behaviors.same();
    }
    for (LogEntry entry : m.entries()) {
      if (log.has(entry.index())) {
        if (log.term(entry.index()) == entry.term()) {
          continue; // already held: a duplicate or reordered AppendEntries must not truncate
        }
        state.truncateFrom(entry.index());
      }
      state.append(entry);
    }
    long matchIndex = m.prevLogIndex() + m.entries().size();
    state.commitTo(Math.min(m.leaderCommit(), matchIndex));
    state.journal.sendWhenDurable(
        setup.peers().ref(m.from()),
        RaftRpc.AppendResponse.accepted(setup.group(), state.term(), setup.self(), matchIndex));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onElectionTimeout() {
    return Candidate.campaign(setup, state);
  }
}
