package raftkv.raft;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import raftkv.persistence.LogEntry;

/** Follows the leader's log; campaigns when it hears from no leader for an election timeout. */
final class Follower extends Role {
  private final SnapshotAssembly snapshotChunks = new SnapshotAssembly();

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
    } else if (m instanceof RaftRpc.InstallSnapshot is) {
      onInstallSnapshot(is);
    } else if (m instanceof RaftRpc.RequestVote rv) {
      onRequestVote(rv);
    } else if (m instanceof RaftRpc.ReadIndexHeartbeat hb) {
      onReadIndexHeartbeat(hb);
    } else if (m instanceof RaftRpc.TimeoutNow tn) {
      return onTimeoutNow(tn);
    }
    return follower;
  }

  @Override
  BehaviorBuilder<RaftMessage> handlers(BehaviorBuilder<RaftMessage> builder) {
    return builder
        .onMessage(RaftRpc.AppendEntries.class, this::onAppendEntries)
        .onMessage(RaftRpc.InstallSnapshot.class, this::onInstallSnapshot)
        .onMessage(RaftRpc.ReadIndexHeartbeat.class, this::onReadIndexHeartbeat)
        .onMessage(RaftRpc.TimeoutNow.class, this::onTimeoutNow)
        .onMessageEquals(Internal.ElectionTimeout.INSTANCE, this::onElectionTimeout);
  }

  /** The consistency check and append of Raft §5.3, acknowledged once durable. */
  private Behavior<RaftMessage> onAppendEntries(RaftRpc.AppendEntries m) {
    state.setLeader(m.from());
    setup.startElectionTimer();
    RaftLog log = state.log;
    if (m.prevLogIndex() < log.snapshotIndex()) {
      // Compacted here, so committed: tell the leader to go on after what this member committed.
      acknowledge(m.from(), state.commitIndex());
      return Behaviors.same();
    }
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
    acknowledge(m.from(), matchIndex);
    return Behaviors.same();
  }

  /**
   * Still following the leader of this term: answered at once, not when durable, because it
   * promises nothing about this member's log; only that it had not moved on to a later term
   * (which a vote or an acknowledgement there would have made durable first).
   */
  private Behavior<RaftMessage> onReadIndexHeartbeat(RaftRpc.ReadIndexHeartbeat m) {
    state.setLeader(m.from());
    setup.startElectionTimer();
    setup.send(m.from(), new RaftRpc.ReadIndexAck(setup.group(), state.term(), setup.self(), m.round()));
    return Behaviors.same();
  }

  private void acknowledge(String leader, long matchIndex) {
    state.journal.sendWhenDurable(
        setup.peers().ref(leader), RaftRpc.AppendResponse.accepted(setup.group(), state.term(), setup.self(), matchIndex));
  }

  /**
   * Collects the leader's snapshot chunk by chunk and installs it once complete (Raft §7); the
   * last chunk is acknowledged only once the snapshot is durable.
   */
  private Behavior<RaftMessage> onInstallSnapshot(RaftRpc.InstallSnapshot m) {
    state.setLeader(m.from());
    setup.startElectionTimer();
    if (m.lastIncludedIndex() <= state.commitIndex()) {
      answerChunk(m, m.offset() + m.chunk().length, true); // nothing new in it
      return Behaviors.same();
    }
    if (snapshotChunks.offer(m)) {
      state.installSnapshot(snapshotChunks.take());
      state.journal.sendWhenDurable(
          setup.peers().ref(m.from()),
          new RaftRpc.InstallSnapshotResponse(
              setup.group(), state.term(), setup.self(), m.lastIncludedIndex(), m.offset(), 0, true));
    } else {
      answerChunk(m, snapshotChunks.nextOffset(m), false);
    }
    return Behaviors.same();
  }

  private void answerChunk(RaftRpc.InstallSnapshot m, long nextOffset, boolean done) {
    setup.send(
        m.from(),
        new RaftRpc.InstallSnapshotResponse(
            setup.group(), state.term(), setup.self(), m.lastIncludedIndex(), m.offset(), nextOffset, done));
  }

  /**
   * Only a voter campaigns. A learner, a member not yet in the configuration (joining) or no
   * longer in it (removed) just forgets the leader it knew, so that it stops ignoring votes.
   */
  private Behavior<RaftMessage> onElectionTimeout() {
    if (!mayVote()) {
      state.setLeader(null);
      setup.startElectionTimer();
      return Behaviors.same();
    }
    return Candidate.campaign(setup, state);
  }

  /** The leader handed over (thesis §3.10): campaign at once, skipping the pre-vote. */
  private Behavior<RaftMessage> onTimeoutNow(RaftRpc.TimeoutNow m) {
    if (!mayVote()) {
      return Behaviors.same();
    }
    setup.context().getLog().info("member {}: leader {} hands leadership over in term {}", setup.self(), m.from(), m.term());
    return Candidate.campaignNow(setup, state);
  }
}
