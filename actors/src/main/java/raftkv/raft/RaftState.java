package raftkv.raft;

import akka.actor.typed.ActorRef;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import raftkv.persistence.Configuration;
import raftkv.persistence.HardState;
import raftkv.persistence.LogEntry;
import raftkv.persistence.Snapshot;
import raftkv.persistence.StateMachine;

/**
 * A member's mutable state, handed from role to role. Owned by the member's actor alone. Every
 * change to term, vote or log goes through here so that it also reaches the {@link JournalWriter}.
 */
final class RaftState {
  final RaftLog log;
  final JournalWriter journal;
  private final StateMachine stateMachine;
  private final RaftSettings settings;
  /** The latest snapshot taken or installed: what a leader sends a follower it cannot feed entries. */
  private Snapshot snapshot;

  private long term;
  private String votedFor;
  private String leader;
  private long commitIndex;
  private long appliedIndex;

  /** Proposals waiting for their index to be applied here, by index. */
  private final TreeMap<Long, Pending> pendingByIndex = new TreeMap<>();
  /** Proposals forwarded to the leader, waiting for it to say where it put them. */
  private final Map<Long, ActorRef<ProposeReply>> forwarded = new HashMap<>();
  /** Linearizable reads forwarded to the leader, waiting for their read index. */
  private final Map<Long, ClientRequest.Read> forwardedReads = new HashMap<>();
  /**
   * Linearizable reads whose read index is confirmed, waiting for it to be applied here, by read
   * index. They outlive role and term changes: once confirmed, serving at any later applied
   * state is still linearizable.
   */
  private final TreeMap<Long, List<ClientRequest.Read>> readsByIndex = new TreeMap<>();
  private long nextRequestId = 1;
  /**
   * The configurations in force from each index (thesis §4.1: a member uses the latest in its
   * log, committed or not): the first key is the base (0 with the initial configuration, or the
   * snapshot's index with its configuration), the others are the CONFIG entries in the log.
   */
  private final TreeMap<Long, Configuration> configurations = new TreeMap<>();
  private Consumer<Configuration> configurationListener = c -> {};
  /** Membership changes waiting for their entry to be applied here, by index. */
  private final TreeMap<Long, PendingChange> changesByIndex = new TreeMap<>();
  /** Membership changes forwarded to the leader, waiting for it to say where it put them. */
  private final Map<Long, ActorRef<MembershipReply>> forwardedChanges = new HashMap<>();
  /** A leadership transfer this member started as leader and has not answered yet. */
  private Transfer transfer;

  private record Pending(long term, ActorRef<ProposeReply> replyTo) {}

  private record PendingChange(long term, ActorRef<MembershipReply> replyTo) {}

  /** A transfer to {@code target} started by the leader of {@code term}. */
  record Transfer(String target, long term, ActorRef<TransferReply> replyTo) {}

  RaftState(
      RaftLog log,
      JournalWriter journal,
      StateMachine stateMachine,
      RaftSettings settings,
      HardState hardState,
      Snapshot snapshot) {
    this.log = log;
    this.journal = journal;
    this.stateMachine = stateMachine;
    this.settings = settings;
    this.term = hardState.term();
    this.votedFor = hardState.votedFor();
    this.snapshot = snapshot;
    if (snapshot != null) {
      stateMachine.restore(snapshot.image());
      commitIndex = snapshot.index();
      appliedIndex = snapshot.index();
    }
    configurations.put(log.snapshotIndex(), snapshotConfiguration(snapshot));
    for (long i = log.snapshotIndex() + 1; i <= log.lastIndex(); i++) {
      noteConfiguration(log.get(i));
    }
  }

  private Configuration snapshotConfiguration(Snapshot s) {
    return s == null || s.configuration() == null ? settings.initialConfiguration() : s.configuration();
  }

  private void noteConfiguration(LogEntry entry) {
    if (entry.kind() == LogEntry.Kind.CONFIG) {
      configurations.put(entry.index(), Configuration.decode(entry.data()));
    }
  }

  /** The configuration in force here: the last in the log, committed or not (thesis §4.1). */
  Configuration configuration() {
    return configurations.lastEntry().getValue();
  }

  /** The index of the entry that made the configuration in force (the base's index if none did). */
  long configurationIndex() {
    return configurations.lastKey();
  }

  /** The configuration in force at {@code index}: the last one at or before it. */
  Configuration configurationAt(long index) {
    var e = configurations.floorEntry(index);
    return e == null ? configurations.firstEntry().getValue() : e.getValue();
  }

  /** Tells {@code listener} the configuration now and after every change. */
  void onConfigurationChange(Consumer<Configuration> listener) {
    configurationListener = listener;
    listener.accept(configuration());
  }

  private void configurationMayHaveChanged(Configuration before) {
    if (!configuration().equals(before)) {
      configurationListener.accept(configuration());
    }
  }

  /** The latest snapshot, or {@code null} before the first. */
  Snapshot snapshot() {
    return snapshot;
  }

  long term() {
    return term;
  }

  String votedFor() {
    return votedFor;
  }

  String leader() {
    return leader;
  }

  long commitIndex() {
    return commitIndex;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /** Enters {@code newTerm} (higher than the current one) with no vote cast yet. */
  void enterTerm(long newTerm) {
    if (newTerm <= term) {
      throw new IllegalStateException("term " + newTerm + " is not above " + term);
    }
    term = newTerm;
    votedFor = null;
    leader = null;
    journal.saveHardState(new HardState(term, null));
    failForwarded("the leader changed before accepting the proposal");
    failForwardedReads("the term changed before the leader confirmed the read");
  }

  void vote(String candidate) {
    votedFor = candidate;
    journal.saveHardState(new HardState(term, candidate));
  }

  void setLeader(String member) {
    if (member != null && !member.equals(leader)) {
      failForwarded("the leader changed before accepting the proposal");
      failForwardedReads("the leader changed before confirming the read");
    }
    leader = member;
    if (member != null && transfer != null && term > transfer.term()) {
      // a later term has a leader: the transfer is over, one way or the other
      transfer.replyTo().tell(member.equals(transfer.target())
          ? new TransferReply.Transferred(member, term)
          : new TransferReply.Failed("member " + member + " won term " + term + " instead of " + transfer.target()));
      transfer = null;
    }
  }

  void append(LogEntry entry) {
    Configuration before = configuration();
    log.append(entry);
    journal.append(entry);
    noteConfiguration(entry);
    configurationMayHaveChanged(before);
  }

  Transfer transfer() {
    return transfer;
  }

  void startTransfer(Transfer started) {
    transfer = started;
  }

  /** The transfer is given up (timed out, or the leader stepped down without a successor known yet). */
  void abandonTransfer(String reason) {
    if (transfer != null) {
      transfer.replyTo().tell(new TransferReply.Failed(reason));
      transfer = null;
    }
  }

  /** Removes uncommitted entries from {@code index} on; their proposers learn they were dropped. */
  void truncateFrom(long index) {
    if (index <= commitIndex) {
      throw new IllegalStateException("truncating committed entry " + index + " (commit " + commitIndex + ")");
    }
    Configuration before = configuration();
    log.truncateFrom(index);
    journal.truncateFrom(index);
    configurations.tailMap(index, true).clear(); // back to the configuration before (thesis §4.1)
    configurationMayHaveChanged(before);
    Iterator<PendingChange> droppedChanges = changesByIndex.tailMap(index, true).values().iterator();
    while (droppedChanges.hasNext()) {
      droppedChanges.next().replyTo().tell(new MembershipReply.NotCommitted("overwritten by another leader's entry"));
      droppedChanges.remove();
    }
    Iterator<Pending> dropped = pendingByIndex.tailMap(index, true).values().iterator();
    while (dropped.hasNext()) {
      dropped.next().replyTo().tell(new ProposeReply.NotCommitted("overwritten by another leader's entry"));
      dropped.remove();
    }
  }

  /** Raises the commit index (never lowers it) and applies what became committed. */
  void commitTo(long index) {
    long target = Math.min(index, log.lastIndex());
    if (target <= commitIndex) {
      return;
    }
    commitIndex = target;
    while (appliedIndex < commitIndex) {
      applyEntry(log.get(++appliedIndex));
    }
    serveAppliedReads();
    long snapshotIndex = snapshot == null ? 0 : snapshot.index();
    if (appliedIndex - snapshotIndex >= settings.snapshotEvery()) {
      takeSnapshot();
    }
  }

  /**
   * Saves the state machine's image and lets the journal drop the entries it covers; keeps the
   * last {@code snapshot-catch-up-entries} of them in memory for followers a little behind.
   */
  private void takeSnapshot() {
    snapshot = new Snapshot(
        appliedIndex, log.term(appliedIndex), stateMachine.snapshot(), configurationAt(appliedIndex));
    journal.saveSnapshot(snapshot);
    long keepFrom = appliedIndex - settings.snapshotCatchUpEntries();
    if (keepFrom > log.snapshotIndex()) {
      Configuration base = configurationAt(keepFrom);
      log.compactTo(keepFrom, log.term(keepFrom));
      configurations.headMap(keepFrom, true).clear();
      configurations.put(keepFrom, base);
    }
  }

  /**
   * Replaces this member's state with a leader's snapshot (Raft §7): entries it covers go, and so
   * does the whole log if it disagrees with the snapshot at its last index.
   */
  void installSnapshot(Snapshot installed) {
    boolean keepsSuffix = log.matches(installed.index(), installed.term());
    Configuration before = configuration();
    log.compactTo(installed.index(), installed.term());
    if (keepsSuffix) {
      configurations.headMap(installed.index(), true).clear();
    } else {
      configurations.clear();
    }
    configurations.put(installed.index(), snapshotConfiguration(installed));
    configurationMayHaveChanged(before);
    journal.saveSnapshot(installed);
    if (!keepsSuffix) {
      journal.truncateFrom(installed.index() + 1);
    }
    stateMachine.restore(installed.image());
    snapshot = installed;
    commitIndex = Math.max(commitIndex, installed.index());
    appliedIndex = installed.index();
    Iterator<Pending> covered = pendingByIndex.headMap(installed.index(), true).values().iterator();
    while (covered.hasNext()) {
      covered.next().replyTo().tell(new ProposeReply.Unknown("replaced by a snapshot from the leader"));
      covered.remove();
    }
    Iterator<PendingChange> coveredChanges = changesByIndex.headMap(installed.index(), true).values().iterator();
    while (coveredChanges.hasNext()) {
      coveredChanges.next().replyTo().tell(new MembershipReply.Unknown("replaced by a snapshot from the leader"));
      coveredChanges.remove();
    }
    serveAppliedReads();
  }

  private void applyEntry(LogEntry entry) {
    byte[] result = stateMachine.apply(entry);
    if (entry.kind() == LogEntry.Kind.CONFIG) {
      PendingChange change = changesByIndex.remove(entry.index());
      if (change != null) {
        change.replyTo().tell(change.term() == entry.term()
            ? new MembershipReply.Changed(entry.index(), Configuration.decode(entry.data()))
            : new MembershipReply.NotCommitted("overwritten by another leader's entry"));
      }
    }
    Pending pending = pendingByIndex.remove(entry.index());
    if (pending == null) {
      return;
    }
    if (pending.term() == entry.term()) {
      pending.replyTo().tell(new ProposeReply.Committed(entry.index(), result, term));
    } else {
      pending.replyTo().tell(new ProposeReply.NotCommitted("overwritten by another leader's entry"));
    }
  }

  /** Waits for the entry appended at {@code index} in {@code entryTerm} to be applied here. */
  void awaitApply(long index, long entryTerm, ActorRef<ProposeReply> replyTo) {
    if (index <= appliedIndex) {
      // Applied before the leader's acceptance arrived; the result is no longer at hand.
      replyTo.tell(new ProposeReply.Unknown("applied before the leader confirmed the proposal"));
    } else {
      pendingByIndex.put(index, new Pending(entryTerm, replyTo));
    }
  }

  /** Waits for the configuration entry at {@code index} of {@code entryTerm} to be applied here. */
  void awaitChange(long index, long entryTerm, ActorRef<MembershipReply> replyTo) {
    if (index <= appliedIndex) {
      replyTo.tell(new MembershipReply.Changed(index, configurationAt(index)));
    } else {
      changesByIndex.put(index, new PendingChange(entryTerm, replyTo));
    }
  }

  long registerForwardedChange(ActorRef<MembershipReply> replyTo) {
    long id = nextRequestId++;
    forwardedChanges.put(id, replyTo);
    return id;
  }

  ActorRef<MembershipReply> takeForwardedChange(long requestId) {
    return forwardedChanges.remove(requestId);
  }

  long registerForward(ActorRef<ProposeReply> replyTo) {
    long id = nextRequestId++;
    forwarded.put(id, replyTo);
    return id;
  }

  ActorRef<ProposeReply> takeForwarded(long requestId) {
    return forwarded.remove(requestId);
  }

  private void failForwarded(String reason) {
    forwarded.values().forEach(r -> r.tell(new ProposeReply.Unknown(reason)));
    forwarded.clear();
    forwardedChanges.values().forEach(r -> r.tell(new MembershipReply.Unknown(reason)));
    forwardedChanges.clear();
  }

  /** Serves {@code read} once {@code readIndex} is applied here: at once if it already is. */
  void awaitRead(long readIndex, ClientRequest.Read read) {
    if (readIndex <= appliedIndex) {
      serveRead(read);
    } else {
      readsByIndex.computeIfAbsent(readIndex, i -> new ArrayList<>()).add(read);
    }
  }

  private void serveAppliedReads() {
    while (!readsByIndex.isEmpty() && readsByIndex.firstKey() <= appliedIndex) {
      readsByIndex.pollFirstEntry().getValue().forEach(this::serveRead);
    }
  }

  /**
   * Runs the read's query on the state as applied now. A query that throws is the client's fault
   * and must not stop the member: the client hears it as an unavailable read.
   */
  void serveRead(ClientRequest.Read read) {
    ReadReply reply;
    try {
      reply = new ReadReply.Done(read.query().get(), appliedIndex, term);
    } catch (RuntimeException e) {
      reply = new ReadReply.Unavailable("the query failed: " + e);
    }
    read.replyTo().tell(reply);
  }

  long registerForwardedRead(ClientRequest.Read read) {
    long id = nextRequestId++;
    forwardedReads.put(id, read);
    return id;
  }

  ClientRequest.Read takeForwardedRead(long requestId) {
    return forwardedReads.remove(requestId);
  }

  private void failForwardedReads(String reason) {
    forwardedReads.values().forEach(r -> r.replyTo().tell(new ReadReply.Unavailable(reason)));
    forwardedReads.clear();
  }
}
