package raftkv.raft;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import raftkv.persistence.JournalReply;

/**
 * What all three roles share: the term rule (Raft §5.1, run before any role-specific handling, as
 * etcd's {@code Step} does), journal replies, status, serializable reads, and client proposals and
 * linearizable reads at a non-leader.
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

  /** Called when this role ends because a newer term began; the leader answers its reads. */
  void leaving(String reason) {}

  /** Called when a journal write completed, after deferred messages went out. */
  Behavior<RaftMessage> onDurable() {
    return Behaviors.same();
  }

  final Behavior<RaftMessage> behavior() {
    BehaviorBuilder<RaftMessage> shared =
        Behaviors.receive(RaftMessage.class)
            .onMessage(RaftRpc.RequestVote.class, this::withinLeaderLease, m -> Behaviors.same())
            .onMessage(RaftRpc.class, this::isOtherTerm, this::onOtherTerm)
            .onMessage(Internal.JournalReplied.class, this::onJournalReplied)
            .onMessage(ClientRequest.GetStatus.class, this::onGetStatus)
            .onMessage(Forwarding.ProposeAccepted.class, this::onProposeAccepted)
            .onMessage(Forwarding.ProposeRejected.class, this::onProposeRejected)
            .onMessage(ClientRequest.Read.class, m -> !m.linearizable(), this::readHere)
            .onMessage(Forwarding.ReadIndexConfirmed.class, this::onReadIndexConfirmed)
            .onMessage(Forwarding.ReadIndexRejected.class, this::onReadIndexRejected)
            .onMessage(Forwarding.ChangeAccepted.class, this::onChangeAccepted)
            .onMessage(Forwarding.ChangeRefused.class, this::onChangeRefused)
            .onMessageEquals(Internal.TransferTimeout.INSTANCE, this::onTransferTimeout);
    return handlers(shared)
        .onMessage(ClientRequest.Propose.class, this::forwardPropose)
        .onMessage(ClientRequest.ProposeAsLeader.class, this::refuseProposeAsLeader)
        .onMessage(ClientRequest.Read.class, this::forwardRead)
        .onMessage(Forwarding.ForwardPropose.class, this::refuseForward)
        .onMessage(Forwarding.ForwardReadIndex.class, this::refuseReadIndex)
        .onMessage(ClientRequest.ChangeMembership.class, this::forwardChange)
        .onMessage(Forwarding.ForwardChange.class, this::refuseChange)
        .onMessage(ClientRequest.TransferLeadership.class, this::refuseTransfer)
        .onMessage(RaftRpc.RequestVote.class, this::onRequestVote)
        // Anything else is a leftover of an earlier role in this term, or a timer it started.
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /**
   * Thesis §4.2.3: a member that heard from a live leader within an election timeout ignores a
   * request for a vote in a later term (neither updating its term nor voting), so that a member
   * removed from the configuration, which no longer hears from the leader, cannot disrupt the
   * group. A member knows a leader ({@code leader() != null}) only until its election timer fires.
   * A candidate sent by a leadership transfer is exempt; pre-votes are judged in {@link #onPreVote}.
   */
  private boolean withinLeaderLease(RaftRpc.RequestVote m) {
    return !m.preVote() && !m.transfer() && m.term() > state.term() && state.leader() != null;
  }

  /** Only a voter of its own configuration votes: a learner, or a member not (or no longer) in it, never does. */
  boolean mayVote() {
    return state.configuration().isVoter(setup.self());
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
    leaving("a newer term " + m.term() + " began");
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
    } else if (m instanceof RaftRpc.ReadIndexHeartbeat hb) {
      // a deposed leader still probing for reads learns the newer term and steps down
      setup.send(hb.from(), new RaftRpc.ReadIndexAck(setup.group(), state.term(), setup.self(), hb.round()));
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
    boolean grant = canVote && mayVote() && state.log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
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
            && mayVote()
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
                state.log.size(),
                state.configuration()));
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

  /** A membership change at a non-leader: forwarded, and answered here once applied here. */
  private Behavior<RaftMessage> forwardChange(ClientRequest.ChangeMembership m) {
    String leader = state.leader();
    if (leader == null) {
      m.replyTo().tell(new MembershipReply.NotCommitted("no leader known (election in progress); retry"));
    } else {
      long id = state.registerForwardedChange(m.replyTo());
      setup.send(leader, new Forwarding.ForwardChange(setup.group(), setup.self(), id, m.change()));
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> refuseChange(Forwarding.ForwardChange m) {
    setup.send(m.from(), new Forwarding.ChangeRefused(setup.group(), setup.self(), m.requestId(), "not the leader", true));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onChangeAccepted(Forwarding.ChangeAccepted m) {
    var replyTo = state.takeForwardedChange(m.requestId());
    if (replyTo != null) {
      state.awaitChange(m.index(), m.term(), replyTo);
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onChangeRefused(Forwarding.ChangeRefused m) {
    var replyTo = state.takeForwardedChange(m.requestId());
    if (replyTo != null) {
      replyTo.tell(m.retry() ? new MembershipReply.NotCommitted(m.reason() + "; retry") : new MembershipReply.Refused(m.reason()));
    }
    return Behaviors.same();
  }

  /** Only the leader hands leadership over (as etcd's MoveLeader): the client is told whom to ask. */
  private Behavior<RaftMessage> refuseTransfer(ClientRequest.TransferLeadership m) {
    m.replyTo().tell(new TransferReply.Refused("member " + setup.self() + " is not the leader", state.leader()));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onTransferTimeout() {
    state.abandonTransfer("no leader took over within an election timeout");
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

  /** Only the leader of exactly that term may take it, and nobody forwards it. */
  private Behavior<RaftMessage> refuseProposeAsLeader(ClientRequest.ProposeAsLeader m) {
    m.replyTo().tell(new ProposeReply.NotCommitted(
        "member " + setup.self() + " does not lead term " + m.term() + " (it is " + name() + " in term " + state.term() + ")"));
    return Behaviors.same();
  }

  /** A serializable read: the state as applied here, at once, whatever the role. */
  private Behavior<RaftMessage> readHere(ClientRequest.Read m) {
    state.serveRead(m);
    return Behaviors.same();
  }

  /** A linearizable read at a non-leader: the query stays here, the leader is asked for an index. */
  private Behavior<RaftMessage> forwardRead(ClientRequest.Read m) {
    String leader = state.leader();
    if (leader == null) {
      m.replyTo().tell(new ReadReply.Unavailable("no leader known (election in progress); retry"));
    } else {
      long id = state.registerForwardedRead(m);
      setup.send(leader, new Forwarding.ForwardReadIndex(setup.group(), setup.self(), id));
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> refuseReadIndex(Forwarding.ForwardReadIndex m) {
    setup.send(m.from(), new Forwarding.ReadIndexRejected(setup.group(), setup.self(), m.requestId(), "not the leader"));
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onReadIndexConfirmed(Forwarding.ReadIndexConfirmed m) {
    var read = state.takeForwardedRead(m.requestId());
    if (read != null) {
      state.awaitRead(m.readIndex(), read);
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onReadIndexRejected(Forwarding.ReadIndexRejected m) {
    var read = state.takeForwardedRead(m.requestId());
    if (read != null) {
      read.replyTo().tell(new ReadReply.Unavailable(m.reason() + "; retry"));
    }
    return Behaviors.same();
  }
}
