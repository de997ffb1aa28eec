package raftkv.raft;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import raftkv.persistence.JournalReply;

/**
 * What all three roles share: the term rule (Raft §5.1, run before any role-specific handling, as
 * etcd's {@code Step} does), journal replies, status, and client proposals at a non-leader.
 */
abstract class Role {
  protected final RaftSetup setup;
  protected final RaftState state;

  Role(RaftSetup setup, RaftState state) {
    this.setup = setup;
    this.state = state;
  }

  abstract Status.Role name();

  /** The role's own handlers, consulted after the shared ones. */
  abstract BehaviorBuilder<RaftMessage> handlers(BehaviorBuilder<RaftMessage> builder);

  /** Called when a journal write completed, after deferred messages went out. */
  Behavior<RaftMessage> onDurable() {
    return Behaviors.same();
  }

  final Behavior<RaftMessage> behavior() {
    BehaviorBuilder<RaftMessage> shared =
        Behaviors.receive(RaftMessage.class)
            .onMessage(RaftRpc.class, this::isOtherTerm, this::onOtherTerm)
            .onMessage(Internal.JournalReplied.class, this::onJournalReplied)
            .onMessage(ClientRequest.GetStatus.class, this::onGetStatus)
            .onMessage(Forwarding.ProposeAccepted.class, this::onProposeAccepted)
            .onMessage(Forwarding.ProposeRejected.class, this::onProposeRejected);
    return handlers(shared)
        .onMessage(ClientRequest.Propose.class, this::forwardPropose)
        .onMessage(Forwarding.ForwardPropose.class, this::refuseForward)
        .onMessage(RaftRpc.RequestVote.class, this::onRequestVote)
        // Anything else is a leftover of an earlier role in this term, or a timer it started.
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private boolean isOtherTerm(RaftRpc m) {
    if (m instanceof RaftRpc.RequestVote rv && rv.preVote()) {
      return false; // a pre-vote never changes anyone's term
    }
    if (m instanceof RaftRpc.VoteResponse vr && vr.preVote() && vr.granted()) {
      return false; // carries the term it was asked for, not the voter's
    }
    return m.term() != state.term();
  }

  private Behavior<RaftMessage> onOtherTerm(RaftRpc m) {
    if (m.term() < state.term()) {
      answerStale(m);
      return Behaviors.same();
    }
    state.enterTerm(m.term());
    return new Follower(setup, state).continueWith(m);
  }

  /** Tells a member that is behind about the current term, so that it steps down. */
  private void answerStale(RaftRpc m) {
    if (m instanceof RaftRpc.AppendEntries ae) {
      setup.send(
          ae.from(), RaftRpc.AppendResponse.rejected(setup.group(), state.term(), setup.self(), ae.prevLogIndex(), 0, 0));
    } else if (m instanceof RaftRpc.InstallSnapshot is) {
      setup.send(
          is.from(),
          new RaftRpc.InstallSnapshotResponse(
              setup.group(), state.term(), setup.self(), is.lastIncludedIndex(), is.offset(), 0, false));
    } else if (m instanceof RaftRpc.RequestVote rv) {
      setup.send(rv.from(), new RaftRpc.VoteResponse(setup.group(), state.term(), setup.self(), false, false));
    }
  }

  /**
   * A real vote in the current term: granted once per term, only to a candidate whose log is at
   * least as up to date (Raft §5.2, §5.4.1), and only sent once the vote is on disk.
   */
  Behavior<RaftMessage> onRequestVote(RaftRpc.RequestVote m) {
    if (m.preVote()) {
      return onPreVote(m);
    }
    boolean canVote = state.votedFor() == null || state.votedFor().equals(m.from());
    boolean grant = canVote && state.log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
    if (grant) {
      state.vote(m.from());
      setup.startElectionTimer();
    }
    state.journal.sendWhenDurable(
        setup.peers().ref(m.from()), new RaftRpc.VoteResponse(setup.group(), state.term(), setup.self(), grant, false));
    return Behaviors.same();
  }

  /**
   * Would this member vote for the sender in the term it names? Not while it knows a live leader
   * (thesis §9.6), so a member that was cut off cannot disrupt a working cluster when it returns.
   */
  private Behavior<RaftMessage> onPreVote(RaftRpc.RequestVote m) {
    boolean grant =
        m.term() > state.term()
            && state.leader() == null
            && state.log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
    long term = grant ? m.term() : state.term();
    setup.send(m.from(), new RaftRpc.VoteResponse(setup.group(), term, setup.self(), grant, true));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onJournalReplied(Internal.JournalReplied m) {
    JournalReply reply = m.reply();
    if (reply instanceof JournalReply.Written w) {
      state.journal.written(w.writeId());
      return onDurable();
    }
    if (reply instanceof JournalReply.WriteFailed f) {
      // Nothing of the failed write may be acknowledged, and the in-memory log is now ahead of
      // the disk: the only safe move is to stop this member.
      setup.context().getLog().error("member {}: journal write failed, stopping: {}", setup.self(), f.reason());
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onGetStatus(ClientRequest.GetStatus m) {
    m.replyTo()
        .tell(
            new Status(
                setup.group(),
                setup.self(),
                name(),
                state.term(),
                state.leader(),
                state.commitIndex(),
                state.appliedIndex(),
                state.log.lastIndex(),
                state.log.size()));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> forwardPropose(ClientRequest.Propose m) {
    String leader = state.leader();
    if (leader == null) {
      m.replyTo().tell(new ProposeReply.NotCommitted("no leader known (election in progress); retry"));
    } else {
      long id = state.registerForward(m.replyTo());
      setup.send(leader, new Forwarding.ForwardPropose(setup.group(), setup.self(), id, m.command()));
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> refuseForward(Forwarding.ForwardPropose m) {
    setup.send(m.from(), new Forwarding.ProposeRejected(setup.group(), setup.self(), m.requestId(), "not the leader"));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onProposeAccepted(Forwarding.ProposeAccepted m) {
    var replyTo = state.takeForwarded(m.requestId());
    if (replyTo != null) {
      state.awaitApply(m.index(), m.term(), replyTo);
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onProposeRejected(Forwarding.ProposeRejected m) {
    var replyTo = state.takeForwarded(m.requestId());
    if (replyTo != null) {
      replyTo.tell(new ProposeReply.NotCommitted(m.reason() + "; retry"));
    }
    return Behaviors.same();
  }
}
