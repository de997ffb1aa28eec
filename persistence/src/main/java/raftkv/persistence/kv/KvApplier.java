package raftkv.persistence.kv;

import java.util.List;
import java.util.Optional;

/**
 * Applies one command to the state: the request checks that do not depend on configuration, then
 * the command itself. Every failure is found before anything is written, so a failed command
 * leaves the state exactly as it was (and the revision with it).
 */
final class KvApplier {
  /** At apply no op limit holds: the proposer enforced its own, and members must agree. */
  private static final int NO_OP_LIMIT = Integer.MAX_VALUE;

  private final Mvcc mvcc;
  private final WriteOps writes;
  private final TxnRunner txns;
  private final LeaseApplier leaseCommands;

  KvApplier(Mvcc mvcc, LeaseTable leases) {
    this.mvcc = mvcc;
    this.writes = new WriteOps(mvcc, leases);
    this.txns = new TxnRunner(mvcc, writes);
    this.leaseCommands = new LeaseApplier(mvcc, leases, writes);
  }

  Applied apply(long index, KvCommand command) {
    Optional<KvError> invalid = RequestChecks.check(command, NO_OP_LIMIT);
    if (invalid.isPresent()) {
      return Applied.failed(invalid.get());
    }
    if (command instanceof KvCommand.Put put) {
      return put(put);
    } else if (command instanceof KvCommand.DeleteRange delete) {
      Mvcc.Write write = mvcc.write();
      KvResult result = writes.delete(write, delete);
      return new Applied(result, write.commit());
    } else if (command instanceof KvCommand.Txn txn) {
      return txns.run(txn);
    } else if (command instanceof KvCommand.Compact compact) {
      return compact(compact);
    } else if (command instanceof KvCommand.LeaseGrant grant) {
      return leaseCommands.grant(index, grant);
    } else if (command instanceof KvCommand.LeaseRevoke revoke) {
      return leaseCommands.revoke(revoke);
    } else if (command instanceof KvCommand.LeaseKeepAlive keepAlive) {
      return leaseCommands.keepAlive(keepAlive);
    } else if (command instanceof KvCommand.LeaseExpire expire) {
      return leaseCommands.expire(expire);
    } else {
      return leaseCommands.renewAll((KvCommand.LeaseRenewAll) command);
    }
  }

  private Applied put(KvCommand.Put put) {
    Optional<KvError> error = writes.checkPut(put, mvcc.revision());
    if (error.isPresent()) {
      return Applied.failed(error.get());
    }
    Mvcc.Write write = mvcc.write();
    KvResult result = writes.put(write, put);
    return new Applied(result, write.commit());
  }

  /** etcd's {@code updateCompactRev}: at or below the last compaction, or above now, fails. */
  private Applied compact(KvCommand.Compact compact) {
    if (compact.revision() <= mvcc.compactRevision()) {
      return Applied.failed(KvError.COMPACTED);
    }
    if (compact.revision() > mvcc.revision()) {
      return Applied.failed(KvError.FUTURE_REVISION);
    }
    mvcc.compact(compact.revision());
    return new Applied(new KvResult.CompactResult(mvcc.revision()), List.of());
  }
}
