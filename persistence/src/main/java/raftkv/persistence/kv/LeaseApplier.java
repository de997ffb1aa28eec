package raftkv.persistence.kv;

import java.util.List;
import raftkv.persistence.kv.KvResult.LeaseExpireResult;
import raftkv.persistence.kv.KvResult.LeaseGrantResult;
import raftkv.persistence.kv.KvResult.LeaseKeepAliveResult;
import raftkv.persistence.kv.KvResult.LeaseRenewAllResult;
import raftkv.persistence.kv.KvResult.LeaseRevokeResult;

/**
 * The lease commands. Time enters only as the {@code nowMillis} the leader wrote into a command,
 * and a server-chosen id only from the log index, so every member reaches the same state.
 */
final class LeaseApplier {
  private final Mvcc mvcc;
  private final LeaseTable leases;
  private final WriteOps writes;

  LeaseApplier(Mvcc mvcc, LeaseTable leases, WriteOps writes) {
    this.mvcc = mvcc;
    this.leases = leases;
    this.writes = writes;
  }

  /** etcd's {@code lessor.Grant}, in its order: TTL too large, then id taken. */
  Applied grant(long index, KvCommand.LeaseGrant grant) {
    if (grant.ttl() > KvLimits.MAX_LEASE_TTL) {
      return Applied.failed(KvError.LEASE_TTL_TOO_LARGE);
    }
    long id = grant.id() != 0 ? grant.id() : chooseId(index);
    if (leases.contains(id)) {
      return Applied.failed(KvError.LEASE_EXISTS);
    }
    leases.grant(id, grant.ttl(), LeaseTable.deadline(grant.nowMillis(), grant.ttl()));
    return Applied.unchanged(new LeaseGrantResult(mvcc.revision(), id, grant.ttl()));
  }

  /**
   * A positive id that is not in use, derived from the log index alone (etcd draws one from a
   * member-specific generator on the proposer instead; here the id must come out of apply). The
   * index goes through SplitMix64's mixer so ids do not look like small counters users might
   * also pick; on a collision the next candidate is mixed from the one before.
   */
  private long chooseId(long index) {
    long candidate = index;
    long id;
    do {
      candidate = mix(candidate + 0x9E3779B97F4A7C15L);
      id = candidate & Long.MAX_VALUE;
    } while (id == 0 || leases.contains(id));
    return id;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  Applied revoke(KvCommand.LeaseRevoke revoke) {
    LeaseTable.Lease lease = leases.get(revoke.id());
    if (lease == null) {
      return Applied.failed(KvError.LEASE_NOT_FOUND);
    }
    List<KeyValue> changes = deleteAll(lease);
    return new Applied(new LeaseRevokeResult(mvcc.revision()), changes);
  }

  /** Revokes only if the lease is still past its deadline: a keepalive applied first wins. */
  Applied expire(KvCommand.LeaseExpire expire) {
    LeaseTable.Lease lease = leases.get(expire.id());
    if (lease == null || lease.deadlineMillis > expire.nowMillis()) {
      return Applied.unchanged(new LeaseExpireResult(mvcc.revision(), false));
    }
    List<KeyValue> changes = deleteAll(lease);
    return new Applied(new LeaseExpireResult(mvcc.revision(), true), changes);
  }

  /** Deletes the lease's keys in key order, as etcd does, all in one revision, then the lease. */
  private List<KeyValue> deleteAll(LeaseTable.Lease lease) {
    Mvcc.Write write = mvcc.write();
    writes.deleteKeys(write, List.copyOf(lease.keys));
    leases.remove(lease.id);
    return write.commit();
  }

  Applied keepAlive(KvCommand.LeaseKeepAlive keepAlive) {
    LeaseTable.Lease lease = leases.get(keepAlive.id());
    if (lease == null) {
      return Applied.failed(KvError.LEASE_NOT_FOUND);
    }
    lease.renew(keepAlive.nowMillis());
    return Applied.unchanged(new LeaseKeepAliveResult(mvcc.revision(), lease.id, lease.ttl));
  }

  Applied renewAll(KvCommand.LeaseRenewAll renew) {
    int renewed = 0;
    for (LeaseTable.Lease lease : leases.all()) {
      lease.renew(renew.nowMillis());
      renewed++;
    }
    return Applied.unchanged(new LeaseRenewAllResult(mvcc.revision(), renewed));
  }
}
