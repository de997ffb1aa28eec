package raftkv.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A leader's linearizable reads on their way through ReadIndex (Raft thesis §6.4), as data: the
 * leader sends the probes and serves what this hands back, so the rules can be tested alone.
 *
 * <ul>
 *   <li>Until the leader has committed an entry of its own term it does not know the commit index
 *       of the group (an earlier leader may have committed more than it has learnt), so reads are
 *       held; when it commits, each held read takes that commit index as its read index.
 *   <li>After that, a read's read index is the commit index when it arrived.
 *   <li>Reads wait for the next round. A round started after a read arrived confirms it once a
 *       majority of the voters, the leader included, answered that round or a later one: each of
 *       them was still in this term after the read arrived, so no later leader can have committed
 *       anything the read index misses. An answer to round r counts for every earlier round too.
 *   <li>At most one round is in flight; reads arriving meanwhile wait for the next, started when
 *       the one in flight completes, so a burst of reads costs one round, not one per read. A
 *       heartbeat tick starts a round anyway, in case a probe or its answer was lost.
 * </ul>
 *
 * Only the voters (other than the leader) of the configuration in force are counted ({@link
 * #setVoters}, which the leader calls whenever its configuration changes); answers from anyone
 * else (a learner, a removed member) are ignored. Round ids are only compared within one term: every leader starts its own instance.
 *
 * @param <T> what the leader needs to answer a read: a local query or a forwarding member's request
 */
final class ReadRounds<T> {

  /** A read whose leadership is confirmed: it may be served once {@code readIndex} is applied. */
  record Confirmed<T>(T read, long readIndex) {}

  private record Waiting<T>(T read, long readIndex, long round) {}

  private Set<String> followers;
  /** Reads that arrived before the leader's first commit in its term; no read index yet. */
  private final List<T> held = new ArrayList<>();
  /** Reads with a read index, waiting for a round to start. */
  private final List<Confirmed<T>> next = new ArrayList<>();
  /** Reads in started rounds, oldest round first. */
  private final ArrayDeque<Waiting<T>> inRounds = new ArrayDeque<>();
  /** Per follower, the latest round it answered. */
  private final Map<String, Long> answered = new HashMap<>();
  private boolean open;
  private long lastStarted;
  private long confirmedRound;

  /** @param followers the voters other than the leader */
  ReadRounds(Collection<String> followers) {
    this.followers = Set.copyOf(followers);
  }

  /** The leader's configuration changed: from now on these voters (other than itself) count. */
  void setVoters(Collection<String> followers) {
    this.followers = Set.copyOf(followers);
  }

  /** Takes a read arriving when the leader's commit index is {@code commitIndex}. */
  void add(T read, long commitIndex) {
    if (open) {
      next.add(new Confirmed<>(read, commitIndex));
    } else {
      held.add(read);
    }
  }

  /** Whether the leader has committed an entry of its term, so that reads may have an index. */
  boolean isOpen() {
    return open;
  }

  /** The leader committed in its term for the first time: the held reads get {@code commitIndex}. */
  void open(long commitIndex) {
    open = true;
    held.forEach(read -> next.add(new Confirmed<>(read, commitIndex)));
    held.clear();
  }

  /** Whether a round should start now: reads wait for one and none is in flight. */
  boolean roundDue() {
    return !next.isEmpty() && lastStarted == confirmedRound;
  }

  /** Whether any read with a read index still waits for its confirmation. */
  boolean awaitingConfirmation() {
    return !next.isEmpty() || !inRounds.isEmpty();
  }

  /** Starts a round for every read waiting for one; returns its id for the probes. */
  long start() {
    lastStarted++;
    next.forEach(c -> inRounds.addLast(new Waiting<>(c.read(), c.readIndex(), lastStarted)));
    next.clear();
    return lastStarted;
  }

  /** {@code member} answered round {@code round} in this term. */
  void answered(String member, long round) {
    if (followers.contains(member)) {
      answered.merge(member, Math.min(round, lastStarted), Math::max);
    }
  }

  /** Takes the reads whose round a majority of voters has now answered, oldest first. */
  List<Confirmed<T>> takeConfirmed() {
    List<Long> rounds = new ArrayList<>(followers.size() + 1);
    rounds.add(lastStarted); // the leader takes part in every round it starts
    followers.forEach(f -> rounds.add(answered.getOrDefault(f, 0L)));
    confirmedRound = Math.max(confirmedRound, Quorum.committedIndex(rounds));
    List<Confirmed<T>> confirmed = new ArrayList<>();
    while (!inRounds.isEmpty() && inRounds.peekFirst().round() <= confirmedRound) {
      Waiting<T> w = inRounds.removeFirst();
      confirmed.add(new Confirmed<>(w.read(), w.readIndex()));
    }
    return confirmed;
  }

  /** Takes every read not confirmed yet, held or in a round: the leader is stepping down. */
  List<T> takeAll() {
    List<T> all = new ArrayList<>(held);
    inRounds.forEach(w -> all.add(w.read()));
    next.forEach(c -> all.add(c.read()));
    held.clear();
    inRounds.clear();
    next.clear();
    return all;
  }
}
