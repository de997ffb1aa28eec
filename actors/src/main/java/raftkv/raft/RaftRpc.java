package raftkv.raft;

import java.util.List;
import raftkv.persistence.Configuration;
import raftkv.persistence.LogEntry;

/**
 * The Raft RPCs (Raft paper Figure 2, with pre-vote from the thesis §9.6). Every one carries the
 * sender's term; the term rule in {@link Role} runs on them before any role-specific handling.
 */
public sealed interface RaftRpc extends PeerMessage {
  long term();

  /**
   * Asks for a vote. With {@code preVote} it only asks whether the receiver would vote in
   * {@code term}, changing nobody's term or vote. With {@code transfer} the candidate campaigns
   * because the leader handed over ({@link TimeoutNow}, thesis §3.10): voters grant it even though
   * they heard from a live leader, which otherwise makes them ignore the request (thesis §4.2.3).
   */
  record RequestVote(
      String group, long term, String from, long lastLogIndex, long lastLogTerm, boolean preVote, boolean transfer)
      implements RaftRpc {}

  /**
   * The leader of {@code term} hands leadership over (thesis §3.10): the receiver, whose log the
   * leader brought up to date, starts an election at once, without a pre-vote.
   */
  record TimeoutNow(String group, long term, String from) implements RaftRpc {}

  /**
   * A vote answer. A granted pre-vote carries the term it was asked for; every other answer the
   * sender's current term.
   */
  record VoteResponse(String group, long term, String from, boolean granted, boolean preVote)
      implements RaftRpc {}

  /** Replicates entries, or with none, is a heartbeat; both carry the leader's commit index. */
  record AppendEntries(
      String group,
      long term,
      String from,
      long prevLogIndex,
      long prevLogTerm,
      List<LogEntry> entries,
      long leaderCommit)
      implements RaftRpc {}

  /**
   * The answer to {@link AppendEntries}, sent only once the follower's log is durable up to
   * {@code matchIndex}. A rejection names the {@code rejectedIndex} (the request's prevLogIndex)
   * and a hint for fast backtracking: the follower's term at that index ({@code conflictTerm},
   * 0 when its log is shorter) and the first index it holds of that term ({@code conflictIndex}).
   */
  record AppendResponse(
      String group,
      long term,
      String from,
      boolean success,
      long matchIndex,
      long rejectedIndex,
      long conflictIndex,
      long conflictTerm)
      implements RaftRpc {

    static AppendResponse accepted(String group, long term, String from, long matchIndex) {
      return new AppendResponse(group, term, from, true, matchIndex, 0, 0, 0);
    }

    static AppendResponse rejected(
        String group, long term, String from, long rejectedIndex, long conflictIndex, long conflictTerm) {
      return new AppendResponse(group, term, from, false, 0, rejectedIndex, conflictIndex, conflictTerm);
    }
  }

  /**
   * One chunk of the leader's latest snapshot, for a follower that needs entries the leader has
   * compacted away (Raft §7). Chunks go one at a time, in order; {@code done} marks the last.
   * Each carries the snapshot's configuration, which the follower takes with the snapshot (thesis §4).
   */
  record InstallSnapshot(
      String group,
      long term,
      String from,
      long lastIncludedIndex,
      long lastIncludedTerm,
      long offset,
      byte[] chunk,
      boolean done,
      Configuration configuration)
      implements RaftRpc {}

  /**
   * The answer to the {@link InstallSnapshot} chunk at {@code offset}: the offset of the next chunk
   * the follower wants, or, with {@code done}, that the snapshot is installed and durable.
   */
  record InstallSnapshotResponse(
      String group, long term, String from, long lastIncludedIndex, long offset, long nextOffset, boolean done)
      implements RaftRpc {}

  /**
   * The leader's probe for one ReadIndex round (thesis §6.4): "do you still follow me in
   * {@code term}?". Sent only while linearizable reads wait for confirmation; one round serves
   * every read that arrived before it started.
   *
   * <p>A message of its own rather than a round id on {@link AppendEntries}: the answer to an
   * AppendEntries promises the follower's log is durable, so it waits for the follower's fsync,
   * and it drives the per-follower replication window ({@link Progress}); a read confirmation
   * promises nothing about any disk and can be answered at once, and a lost or late one must not
   * move replication. It carries no commit index: a follower may only take a commit index along
   * with the consistency check of an AppendEntries, which the ordinary heartbeats keep doing.
   */
  record ReadIndexHeartbeat(String group, long term, String from, long round) implements RaftRpc {}

  /**
   * A follower's answer to {@link ReadIndexHeartbeat}, echoing its {@code round}: it was still in
   * {@code term} (so no later leader could have committed with its help) after the round began.
   * An answer to round r also stands for every earlier round of that term.
   */
  record ReadIndexAck(String group, long term, String from, long round) implements RaftRpc {}
}
