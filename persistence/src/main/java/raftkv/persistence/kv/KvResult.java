package raftkv.persistence.kv;

import java.util.List;
import java.util.Optional;

/**
 * What applying a {@link KvCommand} (or serving a {@link RangeRequest}) answers: one record per
 * etcd response, or {@link Failed}. A failed command changed nothing. {@code revision} is what
 * etcd puts in the response header: the store revision once the request took effect.
 */
public sealed interface KvResult {

  /** The answer to one operation of a txn: etcd's {@code ResponseOp} oneof. */
  sealed interface OpResult extends KvResult permits RangeResult, PutResult, DeleteRangeResult, TxnResult {}

  /**
   * @param more  whether {@code limit} cut keys off
   * @param count the number of keys in the range at that revision (before limit and filters)
   */
  record RangeResult(long revision, List<KeyValue> kvs, boolean more, long count) implements OpResult {
    public RangeResult {
      kvs = List.copyOf(kvs);
    }
  }

  record PutResult(long revision, Optional<KeyValue> prevKv) implements OpResult {}

  record DeleteRangeResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult {
    public DeleteRangeResult {
      prevKvs = List.copyOf(prevKvs);
    }
  }

  /**
   * @param revision for a txn nested in another txn, 0: etcd answers those with an empty header
   *                 (checked on etcd 3.4), and the HTTP layer must be able to say the same
   */
  record TxnResult(long revision, boolean succeeded, List<OpResult> responses) implements OpResult {
    public TxnResult {
      responses = List.copyOf(responses);
    }
  }

  record CompactResult(long revision) implements KvResult {}

  /** @param ttl the TTL granted, in seconds (the requested one, or the minimum if that was less) */
  record LeaseGrantResult(long revision, long id, long ttl) implements KvResult {}

  record LeaseRevokeResult(long revision) implements KvResult {}

  /** @param ttl the lease's granted TTL: what etcd answers a keepalive with */
  record LeaseKeepAliveResult(long revision, long id, long ttl) implements KvResult {}

  /** @param expired whether the lease was revoked (false: gone already, or renewed meanwhile) */
  record LeaseExpireResult(long revision, boolean expired) implements KvResult {}

  /** @param renewed how many leases got a fresh deadline */
  record LeaseRenewAllResult(long revision, int renewed) implements KvResult {}

  /** The command was rejected and changed nothing. */
  record Failed(KvError error) implements KvResult {}
}
