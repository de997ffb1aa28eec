package raftkv.raft;

import java.util.ArrayDeque;
import raftkv.persistence.Snapshot;

/**
 * A leader's view of one follower's log. While probing it sends one AppendEntries at a time
 * until the follower confirms where their logs agree; then it replicates, pipelining up to
 * {@code maxInflight} messages and assuming they arrive. A follower that needs entries the leader
 * compacted away gets a snapshot instead, one chunk at a time.
 */
final class Progress {
  private final int maxInflight;
  private long next;
  private long match;
  private boolean probing = true;
  /** Last index carried by each unacknowledged AppendEntries, oldest first. */
  private final ArrayDeque<Long> inflight = new ArrayDeque<>();
  private boolean active;
  private boolean activeLastPeriod;
  private long matchAtLastRound;
  private long commitTold;
  /** The snapshot being sent, or null; and the offset of its next chunk. */
  private Snapshot sending;
  private long sendingOffset;
  private boolean chunkInFlight;

  Progress(long next, int maxInflight) {
    this.next = next;
    this.maxInflight = maxInflight;
  }

  long next() {
    return next;
  }

  long match() {
    return match;
  }

  boolean canSend() {
    return probing ? inflight.isEmpty() : inflight.size() < maxInflight;
  }

  /** The snapshot this follower is being sent, or null. */
  Snapshot sending() {
    return sending;
  }

  long sendingOffset() {
    return sendingOffset;
  }

  /** Whether the next chunk of the snapshot may go now. */
  boolean canSendChunk() {
    return sending != null && !chunkInFlight;
  }

  void startSnapshot(Snapshot snapshot) {
    sending = snapshot;
    sendingOffset = 0;
    chunkInFlight = false;
    inflight.clear();
  }

  void chunkSent() {
    chunkInFlight = true;
  }

  /**
   * The follower answered the chunk at {@code offset} and wants the one at {@code nextOffset}.
   * Only the answer to the chunk in flight counts: a late or duplicated answer to an earlier chunk
   * would otherwise send a chunk again each time, and duplicates would multiply.
   */
  void chunkAcknowledged(long snapshotIndex, long offset, long nextOffset) {
    active = true;
    if (sending != null && sending.index() == snapshotIndex && chunkInFlight && offset == sendingOffset) {
      sendingOffset = nextOffset;
      chunkInFlight = false;
    }
  }

  /**
   * The follower installed the snapshot at {@code snapshotIndex}: replicate from after it. Returns
   * whether match advanced; an answer about a snapshot it already holds changes nothing.
   */
  boolean snapshotInstalled(long snapshotIndex) {
    active = true;
    if (sending != null && sending.index() <= snapshotIndex) {
      sending = null;
    }
    if (snapshotIndex <= match) {
      return false;
    }
    probing = true;
    next = snapshotIndex + 1;
    return accepted(snapshotIndex);
  }

  /** Records an AppendEntries whose entries end at {@code lastIndex} as sent. */
  void sent(long lastIndex) {
    inflight.addLast(lastIndex);
    if (!probing) {
      next = lastIndex + 1;
    }
  }

  /**
   * An AppendEntries told the follower that everything up to {@code commitIndex} is committed
   * (the leader's commit, capped at the message's last entry: a follower commits no further than
   * what it knows to match).
   */
  void toldCommit(long commitIndex) {
    commitTold = Math.max(commitTold, commitIndex);
  }

  /**
   * Whether the follower may not know that its log is committed up to {@code min(commitIndex,
   * match)}: it acknowledged entries after it was last told the commit, for instance the entries
   * a quorum without it had already committed. Such a follower waits for the next heartbeat to
   * apply them, and so do the clients whose requests it forwarded.
   */
  boolean lagsCommit(long commitIndex) {
    return commitTold < Math.min(commitIndex, match);
  }

  /** The follower holds our log up to {@code matchIndex}; returns whether match advanced. */
  boolean accepted(long matchIndex) {
    active = true;
    boolean advanced = matchIndex > match;
    if (advanced) {
      match = matchIndex;
    }
    while (!inflight.isEmpty() && inflight.peekFirst() <= matchIndex) {
      inflight.removeFirst();
    }
    if (probing && matchIndex >= next - 1) {
      probing = false;
      inflight.clear();
    }
    next = Math.max(next, match + 1);
    return advanced;
  }

  /**
   * The follower's log did not hold our entry at {@code rejectedIndex}. Returns false for a stale
   * rejection (one answering an AppendEntries older than what we now know); otherwise starts
   * probing at {@code proposedNext}.
   */
  boolean rejected(long rejectedIndex, long proposedNext) {
    active = true;
    boolean stale = probing ? rejectedIndex != next - 1 : rejectedIndex <= match;
    if (stale) {
      return false;
    }
    probing = true;
    inflight.clear();
    next = Math.max(match + 1, Math.min(proposedNext, rejectedIndex));
    return true;
  }

  /**
   * Called once per heartbeat round, to recover from lost AppendEntries: a probe is sent again
   * (one per round), and a replicating follower that acknowledged nothing in a whole round while
   * behind is probed again from its last match.
   */
  void startRound(long lastIndex) {
    if (sending != null) {
      chunkInFlight = false; // resend the chunk that may have been lost
      return;
    }
    if (probing) {
      inflight.clear();
      return;
    }
    boolean stalled = match < lastIndex && match == matchAtLastRound && !inflight.isEmpty();
    matchAtLastRound = match;
    if (stalled) {
      probing = true;
      inflight.clear();
      next = match + 1;
    }
  }

  /** Whether the follower answered since the last call; resets the flag. */
  boolean takeActive() {
    boolean was = active;
    active = false;
    activeLastPeriod = was;
    return was;
  }

  /**
   * Whether the follower answered since the last check-quorum period began or during the one
   * before it: what the strict reconfiguration check calls an active member.
   */
  boolean recentlyActive() {
    return active || activeLastPeriod;
  }
}
