package raftkv.raft;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import raftkv.persistence.Configuration;

/**
 * The fixed setup of one member of one Raft group. Timing and batching come from the
 * {@code raftkv.raft} section of the configuration (documented in {@code reference.conf}).
 *
 * @param group            the Raft group's id
 * @param self             this member's id
 * @param voters           the initial configuration's voters (thesis §4: the configuration in force
 *     until the log or a snapshot says otherwise), this member included; empty for a member that
 *     joins an existing group, which takes no part until the leader's log names it
 * @param heartbeatInterval how often a leader sends heartbeats
 * @param electionTimeout  the base election timeout; each wait is drawn from [t, 2t)
 * @param maxInflight      AppendEntries in flight per follower before the leader waits for acks
 * @param maxBatchEntries  entries per AppendEntries at most
 * @param maxBatchBytes    bytes of entry data per AppendEntries at most (one larger entry goes alone)
 * @param stashCapacity    messages kept while the journal recovers
 * @param snapshotEvery    entries applied between two snapshots of the state machine
 * @param snapshotCatchUpEntries entries kept in memory before the latest snapshot, so that a
 *     follower a little behind gets entries rather than the whole snapshot
 * @param snapshotChunkBytes bytes of snapshot per InstallSnapshot message
 * @param recoveryRetry    how long to wait for the journal's recovered state before asking again
 * @param learnerMaxLag    how far (in entries) a learner's log may be behind the leader's last
 *     index for it to be promoted to voter (etcd refuses with "learner is not ready" otherwise)
 */
public record RaftSettings(
    String group,
    String self,
    List<String> voters,
    Duration heartbeatInterval,
    Duration electionTimeout,
    int maxInflight,
    int maxBatchEntries,
    long maxBatchBytes,
    int stashCapacity,
    long snapshotEvery,
    long snapshotCatchUpEntries,
    int snapshotChunkBytes,
    Duration recoveryRetry,
    long learnerMaxLag) {

  public RaftSettings {
    voters = List.copyOf(voters);
    if (!voters.isEmpty() && !voters.contains(self)) {
      throw new IllegalArgumentException("member " + self + " is not among the voters " + voters);
    }
    if (electionTimeout.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException("the election timeout must exceed the heartbeat interval");
    }
  }

  /** Reads the tunables from {@code config}, which must contain {@code raftkv.raft}. */
  public static RaftSettings fromConfig(Config config, String group, String self, List<String> voters) {
    Config c = config.getConfig("raftkv.raft");
    return new RaftSettings(
        group,
        self,
        voters,
        c.getDuration("heartbeat-interval"),
        c.getDuration("election-timeout"),
        c.getInt("max-inflight"),
        c.getInt("max-batch-entries"),
        c.getBytes("max-batch-bytes"),
        c.getInt("stash-capacity"),
        c.getLong("snapshot-every"),
        c.getLong("snapshot-catch-up-entries"),
        (int) c.getBytes("snapshot-chunk-size").longValue(),
        c.getDuration("recovery-retry"),
        c.getLong("learner-max-lag"));
  }

  /** The configuration in force before any configuration entry: the voters, at their configured addresses. */
  public Configuration initialConfiguration() {
    return Configuration.ofVoters(voters);
  }

  /** These settings for a member joining an existing group: it knows no configuration until told. */
  public RaftSettings joining() {
    return new RaftSettings(
        group, self, List.of(), heartbeatInterval, electionTimeout, maxInflight, maxBatchEntries, maxBatchBytes,
        stashCapacity, snapshotEvery, snapshotCatchUpEntries, snapshotChunkBytes, recoveryRetry, learnerMaxLag);
  }

  /** Another member's settings within the same group. */
  public RaftSettings forMember(String member) {
    return new RaftSettings(
        group, member, voters, heartbeatInterval, electionTimeout, maxInflight, maxBatchEntries, maxBatchBytes,
        stashCapacity, snapshotEvery, snapshotCatchUpEntries, snapshotChunkBytes, recoveryRetry, learnerMaxLag);
  }
}
