package raftkv.kv;

import java.util.List;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.KvResult;
import raftkv.raft.Status;

/** The answer to a {@link KvRequest}; {@code raftTerm} is the member's term when it answered. */
public sealed interface KvReply {

  /** The store's answer, which may be {@link KvResult.Failed} (then nothing changed). */
  record Done(KvResult result, long raftTerm) implements KvReply {}

  /**
   * @param ttl seconds left, or -1 if there is no such lease (etcd's answer)
   * @param grantedTtl seconds granted (0 if there is no such lease)
   */
  record LeaseTimeToLive(long revision, long id, long ttl, long grantedTtl, List<Bytes> keys, long raftTerm)
      implements KvReply {
    public LeaseTimeToLive {
      keys = List.copyOf(keys);
    }
  }

  record LeaseList(long revision, List<Long> ids, long raftTerm) implements KvReply {
    public LeaseList {
      ids = List.copyOf(ids);
    }
  }

  record MemberStatus(Status raft, long revision) implements KvReply {}

  /**
   * The request could not be served now: no leader (an election), no quorum, or a leader change;
   * {@code message} is etcd's text for the case. Retry, possibly on another member.
   */
  record Unavailable(String message) implements KvReply {}
}
