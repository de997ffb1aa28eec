package raftkv.kv;

import java.util.List;
import java.util.Optional;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.LeaseInfo;
import raftkv.raft.Status;

/** The answer to a {@link KvRequest}; {@code raftTerm} is the member's term when it answered. */
public sealed interface KvReply {

  /** The store's answer, which may be {@link KvResult.Failed} (then nothing changed). */
  record Done(KvResult result, long raftTerm) implements KvReply {}

  /**
   * A lease as the store holds it, or none.
   *
   * @param nowMillis this member's clock when it looked, against which the lease's deadline tells
   *                  the seconds left ({@link LeaseInfo#remainingSeconds})
   */
  record LeaseTimeToLive(long revision, long id, Optional<LeaseInfo> lease, long nowMillis, long raftTerm)
      implements KvReply {
    /** Seconds left, or -1 if there is no such lease (etcd's answer). */
    public long ttl() {
      return lease.map(l -> l.remainingSeconds(nowMillis)).orElse(-1L);
    }
  }

  /** Every lease, soonest deadline first. */
  record LeaseList(long revision, List<LeaseInfo> leases, long raftTerm) implements KvReply {
    public LeaseList {
      leases = List.copyOf(leases);
    }
  }

  record MemberStatus(Status raft, long revision) implements KvReply {}

  /**
   * The request could not be served now: no leader (an election), no quorum, or a leader change;
   * {@code message} is etcd's text for the case. Retry, possibly on another member.
   */
  record Unavailable(String message) implements KvReply {}
}
