package raftkv.raft;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import raftkv.persistence.HardState;
import raftkv.persistence.JournalReply;
import raftkv.persistence.LogEntry;
import raftkv.persistence.Snapshot;

/**
 * The Raft safety properties (paper Figure 3), checked by the simulator after every step:
 * election safety, log matching, leader completeness, state machine safety, and the durable vote;
 * and, on every read's answer, linearizability of reads. A violation throws {@link AssertionError}.
 */
final class SimInvariants {
  /** Term to the one member seen leading it. */
  private final Map<Long, String> leaders = new HashMap<>();
  /** Every entry applied anywhere, by index: the committed log as the world saw it. */
  private final TreeMap<Long, LogEntry> committed = new TreeMap<>();
  /** Every durable entry of every member, by (index, term), with the term of its predecessor. */
  private final Map<EntryId, Long> prevTermOf = new HashMap<>();
  private final Map<EntryId, LogEntry> entryAt = new HashMap<>();
  /** Leaders whose own log is still to be checked against what was committed when they won. */
  private final Map<String, PendingCompleteness> unchecked = new HashMap<>();
  /** The highest index a client was told is committed. */
  private long acknowledgedIndex;
  /** The highest applied index a completed linearizable read returned. */
  private long readIndexSeen;

  private record EntryId(long index, long term) {}

  private record PendingCompleteness(long term, Map<Long, LogEntry> committedThen) {}

  /**
   * Election safety (§5.2): at most one leader per term, whatever configuration each member used
   * (with single-server changes, thesis §4.1, any two majorities of adjacent configurations meet);
   * and a member that becomes leader is a voter of its configuration.
   */
  void onStatus(Status status) {
    if (status.role() != Status.Role.LEADER) {
      return;
    }
    String previous = leaders.putIfAbsent(status.term(), status.member());
    if (previous == null && !status.configuration().isVoter(status.member())) {
      throw new AssertionError(status.member() + " leads term " + status.term() + " but is no voter of its configuration "
          + status.configuration() + " (learners never lead)");
    }
    if (previous == null) {
      unchecked.put(status.member(), new PendingCompleteness(status.term(), Map.copyOf(committed)));
    } else if (!previous.equals(status.member())) {
      throw new AssertionError("two leaders in term " + status.term() + ": " + previous + " and " + status.member());
    }
  }

  /**
   * Log matching (§5.3), checked on every member's durable log: an entry with the same index and
   * term must carry the same data and follow an entry of the same term, so by induction the logs
   * agree up to it. A snapshot must stand for a committed entry. Leader completeness (§5.4) is
   * checked once a new leader's no-op is durable: its log then holds everything committed when it
   * won (what its snapshot covers, it held and applied).
   */
  void onDurable(String member, JournalReply.Recovered disk, long changedFrom, HardState before) {
    HardState after = disk.hardState();
    if (after.term() < before.term()) {
      throw new AssertionError(member + " durable term went back from " + before.term() + " to " + after.term());
    }
    if (after.term() == before.term() && before.votedFor() != null && !before.votedFor().equals(after.votedFor())) {
      throw new AssertionError(member + " changed its vote in term " + after.term() + ": " + before + " -> " + after);
    }
    Snapshot snapshot = disk.snapshot();
    long base = snapshot == null ? 0 : snapshot.index();
    long baseTerm = snapshot == null ? 0 : snapshot.term();
    if (snapshot != null && committed.containsKey(base) && committed.get(base).term() != baseTerm) {
      throw new AssertionError(member + " keeps " + snapshot + " but committed at " + base + " is " + committed.get(base));
    }
    List<LogEntry> log = disk.entries();
    for (int i = (int) Math.max(0, Math.min(changedFrom - base, log.size() + 1) - 1); i < log.size(); i++) {
      LogEntry e = log.get(i);
      long prevTerm = i == 0 ? baseTerm : log.get(i - 1).term();
      EntryId key = new EntryId(e.index(), e.term());
      LogEntry known = entryAt.putIfAbsent(key, e);
      Long knownPrev = prevTermOf.putIfAbsent(key, prevTerm);
      if (known != null && (!known.equals(e) || knownPrev != prevTerm)) {
        throw new AssertionError("log matching violated at " + key + " on " + member + ": " + known + " vs " + e);
      }
    }
    PendingCompleteness pending = unchecked.get(member);
    if (pending != null && hasOwnNoop(log, pending.term())) {
      unchecked.remove(member);
      pending.committedThen().forEach((index, entry) -> {
        if (index > base && (index > base + log.size() || !log.get((int) (index - base - 1)).equals(entry))) {
          throw new AssertionError("leader completeness: leader " + member + " of term " + pending.term()
              + " lacks committed " + entry);
        }
      });
    }
  }

  private static boolean hasOwnNoop(List<LogEntry> log, long term) {
    for (int i = log.size() - 1; i >= 0 && log.get(i).term() >= term; i--) {
      if (log.get(i).term() == term && log.get(i).kind() == LogEntry.Kind.NOOP) {
        return true;
      }
    }
    return false;
  }

  /** State machine safety (§5.4.3): no two members apply different entries at one index. */
  void onApplied(String member, LogEntry entry) {
    LogEntry known = committed.putIfAbsent(entry.index(), entry);
    if (known != null && !known.equals(entry)) {
      throw new AssertionError(member + " applied " + entry + " where another applied " + known);
    }
  }

  /** A snapshot a member restored must hold exactly the committed commands up to its index. */
  void onRestored(String member, List<LogEntry> commands) {
    for (LogEntry e : commands) {
      LogEntry known = committed.get(e.index());
      if (known == null || !known.equals(e)) {
        throw new AssertionError(member + " restored " + e + " from a snapshot where the committed entry is " + known);
      }
    }
  }

  /** A client was told its command committed at {@code index}: it must be what was applied. */
  void onCommittedReply(long index, byte[] command) {
    LogEntry entry = committed.get(index);
    if (entry == null || !Arrays.equals(entry.data(), command)) {
      throw new AssertionError("acknowledged " + new String(command) + " at " + index + " but applied " + entry);
    }
    acknowledgedIndex = Math.max(acknowledgedIndex, index);
  }

  /**
   * What a linearizable read invoked now must at least return (its applied index): every write
   * acknowledged before, and every linearizable read completed before, happened before it.
   */
  long readFloor() {
    return Math.max(acknowledgedIndex, readIndexSeen);
  }

  /**
   * Linearizability of a read of the applied index (thesis §6.4): it reflects everything that
   * completed before it was invoked ({@code floor}), and nothing beyond what was committed when it
   * completed (entries applied anywhere are exactly the committed ones known so far).
   */
  void onLinearizableRead(String read, long floor, long value) {
    if (value < floor) {
      throw new AssertionError("stale linearizable " + read + ": returned applied index " + value
          + ", but " + floor + " was acknowledged or read before it was invoked");
    }
    onSerializableRead(read, value);
    readIndexSeen = Math.max(readIndexSeen, value);
  }

  /** Even a serializable read only ever sees committed state. */
  void onSerializableRead(String read, long value) {
    long committedNow = committed.isEmpty() ? 0 : committed.lastKey();
    if (value > committedNow) {
      throw new AssertionError(read + " returned applied index " + value + " beyond anything committed (" + committedNow + ")");
    }
  }

  int leaderTerms() {
    return leaders.size();
  }

  TreeMap<Long, LogEntry> committed() {
    return committed;
  }
}
