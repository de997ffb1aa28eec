package raftkv.raft;

import akka.actor.typed.ActorRef;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import raftkv.persistence.HardState;
import raftkv.persistence.LogEntry;
import raftkv.persistence.StateMachine;

/**
 * A member's mutable state, handed from role to role. Owned by the member's actor alone. Every
 * change to term, vote or log goes through here so that it also reaches the {@link JournalWriter}.
 */
final class RaftState {
  final RaftLog log;
  final JournalWriter journal;
  private final StateMachine stateMachine;

  private long term;
  private String votedFor;
  private String leader;
  private long commitIndex;
  private long appliedIndex;

  /** Proposals waiting for their index to be applied here, by index. */
  private final TreeMap<Long, Pending> pendingByIndex = new TreeMap<>();
  /** Proposals forwarded to the leader, waiting for it to say where it put them. */
  private final Map<Long, ActorRef<ProposeReply>> forwarded = new HashMap<>();
  private long nextRequestId = 1;

  private record Pending(long term, ActorRef<ProposeReply> replyTo) {}

  RaftState(RaftLog log, JournalWriter journal, StateMachine stateMachine, HardState hardState) {
    this.log = log;
    this.journal = journal;
    this.stateMachine = stateMachine;
    this.term = hardState.term();
    this.votedFor = hardState.votedFor();
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
  }

  void vote(String candidate) {
    votedFor = candidate;
    journal.saveHardState(new HardState(term, candidate));
  }

  void setLeader(String member) {
    if (member != null && !member.equals(leader)) {
      failForwarded("the leader changed before accepting the proposal");
    }
    leader = member;
  }

  void append(LogEntry entry) {
    log.append(entry);
    journal.append(entry);
  }

  /** Removes uncommitted entries from {@code index} on; their proposers learn they were dropped. */
  void truncateFrom(long index) {
    if (index <= commitIndex) {
      throw new IllegalStateException("truncating committed entry " + index + " (commit " + commitIndex + ")");
    }
    log.truncateFrom(index);
    journal.truncateFrom(index);
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
  }

  private void applyEntry(LogEntry entry) {
    byte[] result = stateMachine.apply(entry);
    Pending pending = pendingByIndex.remove(entry.index());
    if (pending == null) {
      return;
    }
    if (pending.term() == entry.term()) {
      pending.replyTo().tell(new ProposeReply.Committed(entry.index(), result));
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
  }
}
