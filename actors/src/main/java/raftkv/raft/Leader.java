package raftkv.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import raftkv.persistence.Configuration;
import raftkv.persistence.LogEntry;
import raftkv.persistence.Snapshot;

/**
 * Takes every proposal, replicates its log to the followers (pipelined and batched per
 * {@link Progress}), and commits what a majority holds durably. Confirms linearizable reads, its
 * own and those other members forward, in ReadIndex rounds ({@link ReadRounds}).
 */
final class Leader extends Role {
  private final Map<String, Progress> followers = new LinkedHashMap<>();
  private final ReadRounds<PendingRead> reads;

  /** A linearizable read waiting for its round: taken here, or forwarded by another member. */
  private sealed interface PendingRead {}

  private record LocalRead(ClientRequest.Read read) implements PendingRead {}

  private record ForwardedRead(String member, long requestId) implements PendingRead {}

  Leader(RaftSetup setup, RaftState state) {
    super(setup, state);
    this.reads = new ReadRounds<>(List.of());
  }

  @Override
  Status.Role name() {
    return Status.Role.LEADER;
  }

  /** Takes office: a no-op entry of its own term lets it commit what earlier leaders left (§5.4.2). */
  Behavior<RaftMessage> enter() {
    state.setLeader(setup.self());
    setup.timers().cancel(Internal.ElectionTimeout.INSTANCE);
    var settings = setup.settings();
    setup.timers().startTimerWithFixedDelay(Internal.HeartbeatTick.INSTANCE, settings.heartbeatInterval());
    setup.timers().startTimerWithFixedDelay(Internal.CheckQuorumTick.INSTANCE, settings.electionTimeout());
    long next = state.log.lastIndex() + 1;
    reconfigure(next);
    state.append(LogEntry.noop(next, state.term()));
    replicate();
    return behavior();
  }

  /**
   * Follows the configuration: a {@link Progress} (a new one probing from {@code next}) for every other member, learners included, and
   * for members whose removal is not committed yet (so that they learn of it); only the voters of
   * the configuration in force count in commit, check-quorum and read rounds (thesis §4.1).
   */
  private void reconfigure(long next) {
    Configuration current = state.configuration();
    Configuration committed = state.configurationAt(state.commitIndex());
    followers.keySet().removeIf(m -> !current.contains(m) && !committed.contains(m));
    for (String m : current.members().keySet()) {
      if (!m.equals(setup.self())) {
        followers.computeIfAbsent(m, id -> new Progress(next, setup.settings().maxInflight()));
      }
    }
    reads.setVoters(otherVoters());
  }

  private List<String> otherVoters() {
    return state.configuration().voters().stream().filter(m -> !m.equals(setup.self())).toList();
  }

  @Override
  BehaviorBuilder<RaftMessage> handlers(BehaviorBuilder<RaftMessage> builder) {
    return builder
        .onMessage(ClientRequest.Propose.class, this::transferring, this::refusePropose)
        .onMessage(ClientRequest.ProposeAsLeader.class, this::transferring, this::refusePropose)
        .onMessage(Forwarding.ForwardPropose.class, this::transferring, this::refusePropose)
        .onMessage(ClientRequest.Propose.class, this::onPropose)
        .onMessage(ClientRequest.ProposeAsLeader.class, this::onProposeAsLeader)
        .onMessage(Forwarding.ForwardPropose.class, this::onForwardPropose)
        .onMessage(ClientRequest.ChangeMembership.class, this::onChangeMembership)
        .onMessage(Forwarding.ForwardChange.class, this::onForwardChange)
        .onMessage(ClientRequest.TransferLeadership.class, this::onTransferLeadership)
        .onMessage(ClientRequest.Read.class, this::onRead)
        .onMessage(Forwarding.ForwardReadIndex.class, this::onForwardReadIndex)
        .onMessage(RaftRpc.ReadIndexAck.class, this::onReadIndexAck)
        .onMessage(RaftRpc.AppendResponse.class, this::onAppendResponse)
        .onMessage(RaftRpc.InstallSnapshotResponse.class, this::onInstallSnapshotResponse)
        .onMessageEquals(Internal.HeartbeatTick.INSTANCE, this::onHeartbeatTick)
        .onMessageEquals(Internal.CheckQuorumTick.INSTANCE, this::onCheckQuorumTick);
  }

  /** Whether a leadership transfer is under way: then no proposal is taken (thesis §3.10). */
  private boolean transferring(RaftMessage m) {
    return state.transfer() != null && state.transfer().term() == state.term();
  }

  private Behavior<RaftMessage> refusePropose(RaftMessage m) {
    String reason = "leadership is being transferred to " + state.transfer().target();
    if (m instanceof ClientRequest.Propose p) {
      p.replyTo().tell(new ProposeReply.NotCommitted(reason + "; retry"));
    } else if (m instanceof ClientRequest.ProposeAsLeader p) {
      p.replyTo().tell(new ProposeReply.NotCommitted(reason));
    } else if (m instanceof Forwarding.ForwardPropose f) {
      setup.send(f.from(), new Forwarding.ProposeRejected(setup.group(), setup.self(), f.requestId(), reason));
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onChangeMembership(ClientRequest.ChangeMembership m) {
    Membership.Outcome outcome = checkChange(m.change());
    if (outcome instanceof Membership.Accepted accepted) {
      LogEntry entry = appendConfiguration(accepted.next());
      state.awaitChange(entry.index(), entry.term(), m.replyTo());
    } else if (outcome instanceof Membership.Deferred retry) {
      m.replyTo().tell(new MembershipReply.NotCommitted(retry.reason()));
    } else if (outcome instanceof Membership.Refused refused) {
      m.replyTo().tell(new MembershipReply.Refused(refused.reason()));
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onForwardChange(Forwarding.ForwardChange m) {
    Membership.Outcome outcome = checkChange(m.change());
    if (outcome instanceof Membership.Accepted accepted) {
      LogEntry entry = appendConfiguration(accepted.next());
      setup.send(
          m.from(),
          new Forwarding.ChangeAccepted(setup.group(), setup.self(), m.requestId(), entry.index(), entry.term()));
    } else {
      boolean retry = outcome instanceof Membership.Deferred;
      String reason = retry ? ((Membership.Deferred) outcome).reason() : ((Membership.Refused) outcome).reason();
      setup.send(m.from(), new Forwarding.ChangeRefused(setup.group(), setup.self(), m.requestId(), reason, retry));
    }
    return Behaviors.same();
  }

  /**
   * One change at a time (thesis §4.1): only once the configuration in force is committed, and
   * only once this leader committed an entry of its term (its no-op), without which a change could
   * follow an uncommitted one of an earlier leader's and break the overlap of majorities (the
   * single-server bug Ongaro described on raft-dev in 2015).
   */
  private Membership.Outcome checkChange(MembershipChange change) {
    if (state.transfer() != null && state.transfer().term() == state.term()) {
      return new Membership.Deferred("leadership is being transferred to " + state.transfer().target() + "; retry");
    }
    if (state.configurationIndex() > state.commitIndex()) {
      return new Membership.Deferred("the previous membership change (entry " + state.configurationIndex()
          + ") is not committed yet; retry once it is");
    }
    if (state.commitIndex() == 0 || state.log.term(Math.max(state.commitIndex(), state.log.snapshotIndex())) != state.term()) {
      return new Membership.Deferred("the leader has not committed an entry of its term yet; retry");
    }
    return Membership.check(
        state.configuration(),
        change,
        setup.self(),
        m -> followers.containsKey(m) && followers.get(m).recentlyActive(),
        m -> m.equals(setup.self()) ? state.log.lastIndex() : followers.containsKey(m) ? followers.get(m).match() : 0,
        state.log.lastIndex(),
        setup.settings().learnerMaxLag());
  }

  /** The leader uses the new configuration as soon as it is in its log (thesis §4.1). */
  private LogEntry appendConfiguration(Configuration next) {
    LogEntry entry = LogEntry.config(state.log.lastIndex() + 1, state.term(), next);
    state.append(entry);
    setup.context().getLog().info("member {}: appended configuration {} at {}", setup.self(), next, entry.index());
    reconfigure(entry.index()); // a new member is sent the entry that adds it
    replicate();
    return entry;
  }

  /**
   * Thesis §3.10: stop taking proposals, bring the target's log up to date, then tell it to
   * campaign at once. Given up after an election timeout.
   */
  private Behavior<RaftMessage> onTransferLeadership(ClientRequest.TransferLeadership m) {
    if (m.target().equals(setup.self())) {
      m.replyTo().tell(new TransferReply.Transferred(setup.self(), state.term()));
      return Behaviors.same();
    }
    if (!state.configuration().isVoter(m.target())) {
      m.replyTo().tell(new TransferReply.Refused("member " + m.target() + " is not a voter", setup.self()));
      return Behaviors.same();
    }
    if (transferring(m)) {
      m.replyTo().tell(new TransferReply.Refused(
          "a transfer to " + state.transfer().target() + " is already under way", setup.self()));
      return Behaviors.same();
    }
    state.startTransfer(new RaftState.Transfer(m.target(), state.term(), m.replyTo()));
    setup.timers().startSingleTimer(
        Internal.TransferTimeout.INSTANCE, Internal.TransferTimeout.INSTANCE, setup.settings().electionTimeout());
    Progress progress = followers.get(m.target());
    sendEntries(m.target(), progress);
    maybeHandOver(m.target(), progress);
    return Behaviors.same();
  }

  /** The target of a transfer holds the whole log: it may campaign now. */
  private void maybeHandOver(String member, Progress progress) {
    var transfer = state.transfer();
    if (transfer != null && transfer.term() == state.term() && transfer.target().equals(member)
        && progress.match() == state.log.lastIndex()) {
      setup.send(member, new RaftRpc.TimeoutNow(setup.group(), state.term(), setup.self()));
    }
  }

  private Behavior<RaftMessage> onPropose(ClientRequest.Propose m) {
    LogEntry entry = appendCommand(m.command());
    state.awaitApply(entry.index(), entry.term(), m.replyTo());
    replicate();
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onProposeAsLeader(ClientRequest.ProposeAsLeader m) {
    if (m.term() != state.term()) {
      m.replyTo().tell(new ProposeReply.NotCommitted(
          "member " + setup.self() + " leads term " + state.term() + ", not " + m.term()));
      return Behaviors.same();
    }
    LogEntry entry = appendCommand(m.command());
    state.awaitApply(entry.index(), entry.term(), m.replyTo());
    replicate();
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onForwardPropose(Forwarding.ForwardPropose m) {
    LogEntry entry = appendCommand(m.command());
    setup.send(
        m.from(),
        new Forwarding.ProposeAccepted(setup.group(), setup.self(), m.requestId(), entry.index(), entry.term()));
    replicate();
    return Behaviors.same();
  }

  private LogEntry appendCommand(byte[] command) {
    LogEntry entry = LogEntry.command(state.log.lastIndex() + 1, state.term(), command);
    state.append(entry);
    return entry;
  }

  private Behavior<RaftMessage> onAppendResponse(RaftRpc.AppendResponse m) {
    Progress progress = followers.get(m.from());
    if (progress == null) {
      return Behaviors.same();
    }
    if (m.success()) {
      boolean advanced = progress.accepted(m.matchIndex());
      if (advanced) {
        maybeHandOver(m.from(), progress);
      }
      Behavior<RaftMessage> next = advanced ? maybeCommit() : Behaviors.same();
      if (followers.get(m.from()) == progress && !sendEntries(m.from(), progress)
          && progress.lagsCommit(state.commitIndex())) {
        sendHeartbeat(m.from(), progress);
      }
      return next;
    } else if (progress.rejected(m.rejectedIndex(), nextAfterConflict(m))) {
      sendEntries(m.from(), progress);
    }
    return Behaviors.same();
  }

  private Behavior<RaftMessage> onInstallSnapshotResponse(RaftRpc.InstallSnapshotResponse m) {
    Progress progress = followers.get(m.from());
    if (progress == null) {
      return Behaviors.same();
    }
    Behavior<RaftMessage> next = Behaviors.same();
    if (m.done()) {
      if (progress.snapshotInstalled(m.lastIncludedIndex())) {
        next = maybeCommit();
      }
    } else {
      progress.chunkAcknowledged(m.lastIncludedIndex(), m.offset(), m.nextOffset());
    }
    if (followers.get(m.from()) == progress) {
      sendEntries(m.from(), progress);
    }
    return next;
  }

  /** Fast backtracking: skip the follower's whole conflicting term in one step. */
  private long nextAfterConflict(RaftRpc.AppendResponse m) {
    if (m.conflictTerm() == 0) {
      return m.conflictIndex();
    }
    long last = state.log.lastIndexOfTerm(m.conflictTerm());
    return last > 0 ? last + 1 : m.conflictIndex();
  }

  /** A linearizable read (serializable ones are served in {@link Role}) taken here. */
  private Behavior<RaftMessage> onRead(ClientRequest.Read m) {
    return admitRead(new LocalRead(m));
  }

  private Behavior<RaftMessage> onForwardReadIndex(Forwarding.ForwardReadIndex m) {
    return admitRead(new ForwardedRead(m.from(), m.requestId()));
  }

  /** A linearizable read (thesis §6.4): its read index is the commit index now. */
  private Behavior<RaftMessage> admitRead(PendingRead read) {
    reads.add(read, state.commitIndex());
    if (reads.roundDue()) {
      startReadRound(); // none in flight: no reason to make this read wait for a tick
    }
    return Behaviors.same();
  }

  /** Probes every follower once for all the reads waiting; a single voter confirms at once. */
  private void startReadRound() {
    var probe = new RaftRpc.ReadIndexHeartbeat(setup.group(), state.term(), setup.self(), reads.start());
    otherVoters().forEach(member -> setup.send(member, probe)); // learners never count
    serveConfirmedReads();
  }

  private Behavior<RaftMessage> onReadIndexAck(RaftRpc.ReadIndexAck m) {
    reads.answered(m.from(), m.round());
    serveConfirmedReads();
    if (reads.roundDue()) {
      startReadRound(); // the reads that arrived while the last round was in flight
    }
    return Behaviors.same();
  }

  private void serveConfirmedReads() {
    for (ReadRounds.Confirmed<PendingRead> c : reads.takeConfirmed()) {
      if (c.read() instanceof LocalRead local) {
        state.awaitRead(c.readIndex(), local.read());
      } else if (c.read() instanceof ForwardedRead f) {
        setup.send(
            f.member(),
            new Forwarding.ReadIndexConfirmed(setup.group(), setup.self(), f.requestId(), c.readIndex(), state.term()));
      }
    }
  }

  /** Stepping down: no read waiting for a round may be confirmed by this leader any more. */
  @Override
  void leaving(String reason) {
    for (PendingRead read : reads.takeAll()) {
      if (read instanceof LocalRead local) {
        local.read().replyTo().tell(new ReadReply.Unavailable("the leader stepped down before confirming: " + reason));
      } else if (read instanceof ForwardedRead f) {
        setup.send(
            f.member(),
            new Forwarding.ReadIndexRejected(
                setup.group(), setup.self(), f.requestId(), "the leader stepped down before confirming: " + reason));
      }
    }
  }

  private Behavior<RaftMessage> onHeartbeatTick() {
    if (reads.awaitingConfirmation()) {
      startReadRound(); // also makes up for a probe or an answer that was lost
    }
    followers.forEach((member, progress) -> {
      progress.startRound(state.log.lastIndex());
      if (!sendEntries(member, progress)) {
        sendHeartbeat(member, progress);
      }
    });
    return Behaviors.same();
  }

  /** Steps down when no quorum answered for an election timeout: it may be cut off (§6.2). */
  private Behavior<RaftMessage> onCheckQuorumTick() {
    Configuration current = state.configuration();
    int active = current.isVoter(setup.self()) ? 1 : 0;
    for (var e : followers.entrySet()) {
      if (e.getValue().takeActive() && current.isVoter(e.getKey())) {
        active++;
      }
    }
    if (Quorum.isMajority(active, current.voters().size())) {
      return Behaviors.same();
    }
    setup.context().getLog().info("member {}: lost contact with a quorum in term {}, stepping down", setup.self(), state.term());
    leaving("it lost contact with a quorum");
    state.setLeader(null);
    return new Follower(setup, state).enter();
  }

  @Override
  Behavior<RaftMessage> onDurable() {
    return maybeCommit();
  }

  /**
   * Commits the highest index a majority of the voters holds, if it is of this term (§5.4.2).
   * The voters are those of the configuration in force, even uncommitted, and the leader counts
   * itself only if it is one of them (thesis §4.2.2). Learners never count. A leader whose removal
   * committed steps down.
   */
  private Behavior<RaftMessage> maybeCommit() {
    Configuration current = state.configuration();
    List<Long> matches = new ArrayList<>(followers.size() + 1);
    if (current.isVoter(setup.self())) {
      matches.add(state.journal.durableLastIndex());
    }
    followers.forEach((m, p) -> {
      if (current.isVoter(m)) {
        matches.add(p.match());
      }
    });
    long index = Quorum.committedIndex(matches);
    if (index > state.commitIndex() && state.log.term(index) == state.term()) {
      boolean configurationPending = state.configurationIndex() > state.commitIndex();
      state.commitTo(index);
      if (!reads.isOpen()) {
        // The first commit of this term: now the commit index covers every earlier leader's.
        reads.open(state.commitIndex());
        if (reads.roundDue()) {
          startReadRound();
        }
      }
      // Followers apply, and answer forwarded proposals, as soon as they learn the new commit.
      followers.forEach((member, progress) -> {
        if (!sendEntries(member, progress)) {
          sendHeartbeat(member, progress);
        }
      });
      if (configurationPending && state.commitIndex() >= state.configurationIndex()) {
        return configurationCommitted();
      }
    }
    return Behaviors.same();
  }

  /**
   * The configuration in force is committed: members it removed get nothing more, and a leader
   * that is no longer a voter steps down (thesis §4.2.2), having told the others the commit.
   */
  private Behavior<RaftMessage> configurationCommitted() {
    reconfigure(state.log.lastIndex() + 1);
    if (state.configuration().isVoter(setup.self())) {
      return Behaviors.same();
    }
    setup.context().getLog().info(
        "member {}: its removal committed in term {}, stepping down", setup.self(), state.term());
    leaving("it was removed from the configuration");
    state.setLeader(null);
    return new Follower(setup, state).enter();
  }

  private void replicate() {
    followers.forEach(this::sendEntries);
  }

  /**
   * Sends what the follower lacks, as far as its window allows: entries, or the snapshot when the
   * entries it needs are compacted away. Returns whether it sent anything.
   */
  private boolean sendEntries(String member, Progress progress) {
    if (progress.sending() == null && progress.next() - 1 < state.log.snapshotIndex()) {
      progress.startSnapshot(state.snapshot());
    }
    if (progress.sending() != null) {
      return sendChunk(member, progress);
    }
    boolean sent = false;
    while (progress.canSend() && progress.next() <= state.log.lastIndex()) {
      long prev = progress.next() - 1;
      var settings = setup.settings();
      List<LogEntry> entries = state.log.slice(progress.next(), settings.maxBatchEntries(), settings.maxBatchBytes());
      send(member, progress, prev, entries);
      progress.sent(entries.get(entries.size() - 1).index());
      sent = true;
    }
    return sent;
  }

  private boolean sendChunk(String member, Progress progress) {
    if (!progress.canSendChunk()) {
      return false;
    }
    Snapshot snapshot = progress.sending();
    byte[] image = snapshot.image();
    int from = (int) progress.sendingOffset();
    int to = Math.min(image.length, from + setup.settings().snapshotChunkBytes());
    setup.send(
        member,
        new RaftRpc.InstallSnapshot(
            setup.group(), state.term(), setup.self(), snapshot.index(), snapshot.term(), from,
            Arrays.copyOfRange(image, from, to), to == image.length, snapshot.configuration()));
    progress.chunkSent();
    return true;
  }

  /**
   * An empty AppendEntries at the follower's match index: always accepted, carries the commit.
   * Not while the follower's match is inside the snapshot: the snapshot's chunks keep it.
   */
  private void sendHeartbeat(String member, Progress progress) {
    if (progress.match() >= state.log.snapshotIndex()) {
      send(member, progress, progress.match(), List.of());
    }
  }

  private void send(String member, Progress progress, long prev, List<LogEntry> entries) {
    progress.toldCommit(Math.min(state.commitIndex(), prev + entries.size()));
    ActorRef<RaftMessage> ref = setup.peers().ref(member);
    ref.tell(
        new RaftRpc.AppendEntries(
            setup.group(), state.term(), setup.self(), prev, state.log.term(prev), entries, state.commitIndex()));
  }
}
