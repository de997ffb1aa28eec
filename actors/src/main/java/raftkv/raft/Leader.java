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
    List<String> others = new ArrayList<>();
    setup.others().forEach(others::add);
    this.reads = new ReadRounds<>(others);
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
    setup.others().forEach(m -> followers.put(m, new Progress(next, settings.maxInflight())));
    state.append(LogEntry.noop(next, state.term()));
    replicate();
    return behavior();
  }

  @Override
  BehaviorBuilder<RaftMessage> handlers(BehaviorBuilder<RaftMessage> builder) {
    return builder
        .onMessage(ClientRequest.Propose.class, this::onPropose)
        .onMessage(ClientRequest.ProposeAsLeader.class, this::onProposeAsLeader)
        .onMessage(Forwarding.ForwardPropose.class, this::onForwardPropose)
        .onMessage(ClientRequest.Read.class, this::onRead)
        .onMessage(Forwarding.ForwardReadIndex.class, this::onForwardReadIndex)
        .onMessage(RaftRpc.ReadIndexAck.class, this::onReadIndexAck)
        .onMessage(RaftRpc.AppendResponse.class, this::onAppendResponse)
        .onMessage(RaftRpc.InstallSnapshotResponse.class, this::onInstallSnapshotResponse)
        .onMessageEquals(Internal.HeartbeatTick.INSTANCE, this::onHeartbeatTick)
        .onMessageEquals(Internal.CheckQuorumTick.INSTANCE, this::onCheckQuorumTick);
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
      if (progress.accepted(m.matchIndex())) {
        maybeCommit();
      }
      sendEntries(m.from(), progress);
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
    if (m.done()) {
      if (progress.snapshotInstalled(m.lastIncludedIndex())) {
        maybeCommit();
      }
    } else {
      progress.chunkAcknowledged(m.lastIncludedIndex(), m.offset(), m.nextOffset());
    }
    sendEntries(m.from(), progress);
    return Behaviors.same();
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
    followers.keySet().forEach(member -> setup.send(member, probe));
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
    int active = 1;
    for (Progress progress : followers.values()) {
      if (progress.takeActive()) {
        active++;
      }
    }
    if (Quorum.isMajority(active, setup.voterCount())) {
      return Behaviors.same();
    }
    setup.context().getLog().info("member {}: lost contact with a quorum in term {}, stepping down", setup.self(), state.term());
    leaving("it lost contact with a quorum");
    state.setLeader(null);
    return new Follower(setup, state).enter();
  }

  @Override
  Behavior<RaftMessage> onDurable() {
    maybeCommit();
    return Behaviors.same();
  }

  /** Commits the highest index a majority holds, if it is of this term (§5.4.2). */
  private void maybeCommit() {
    List<Long> matches = new ArrayList<>(followers.size() + 1);
    matches.add(state.journal.durableLastIndex());
    followers.values().forEach(p -> matches.add(p.match()));
    long index = Quorum.committedIndex(matches);
    if (index > state.commitIndex() && state.log.term(index) == state.term()) {
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
    }
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
      send(member, prev, entries);
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
            Arrays.copyOfRange(image, from, to), to == image.length));
    progress.chunkSent();
    return true;
  }

  /**
   * An empty AppendEntries at the follower's match index: always accepted, carries the commit.
   * Not while the follower's match is inside the snapshot: the snapshot's chunks keep it.
   */
  private void sendHeartbeat(String member, Progress progress) {
    if (progress.match() >= state.log.snapshotIndex()) {
      send(member, progress.match(), List.of());
    }
  }

  private void send(String member, long prev, List<LogEntry> entries) {
    ActorRef<RaftMessage> ref = setup.peers().ref(member);
    ref.tell(
        new RaftRpc.AppendEntries(
            setup.group(), state.term(), setup.self(), prev, state.log.term(prev), entries, state.commitIndex()));
  }
}
