package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import raftkv.persistence.kv.KvResult.DeleteRangeResult;
import raftkv.persistence.kv.KvResult.PutResult;

/**
 * Put and delete inside a revision in the making, keeping lease attachments in step with the
 * keys: a key belongs to the lease of its live version, and to none once deleted.
 */
final class WriteOps {
  private final Mvcc mvcc;
  private final LeaseTable leases;

  WriteOps(Mvcc mvcc, LeaseTable leases) {
    this.mvcc = mvcc;
    this.leases = leases;
  }

  /**
   * etcd's {@code checkRequestPut}, against the store at {@code rev}: ignore_value and
   * ignore_lease need the key to exist; a lease must exist. Made before anything is written.
   */
  Optional<KvError> checkPut(KvCommand.Put put, long rev) {
    if ((put.ignoreValue() || put.ignoreLease()) && mvcc.get(put.key(), rev) == null) {
      return Optional.of(KvError.KEY_NOT_FOUND);
    }
    if (put.lease() != 0 && !leases.contains(put.lease())) {
      return Optional.of(KvError.LEASE_NOT_FOUND);
    }
    return Optional.empty();
  }

  /** A put that passed {@link #checkPut}; answers with etcd's header revision: the new one. */
  PutResult put(Mvcc.Write write, KvCommand.Put put) {
    KeyValue previous = mvcc.get(put.key(), write.readRevision());
    // checkPut saw the key before the txn began. Only etcd's "\0"-range quirk (see RequestChecks)
    // can delete it earlier in the same txn; etcd would panic there, we keep what it had then.
    KeyValue kept = previous != null ? previous : mvcc.get(put.key(), mvcc.revision());
    Bytes value = put.ignoreValue() ? kept.value() : put.value();
    long lease = put.ignoreLease() ? kept.lease() : put.lease();
    KeyValue made = write.put(put.key(), value, lease);
    if (previous != null && previous.lease() != 0) {
      leases.detach(previous.lease(), put.key());
    }
    if (lease != 0) {
      leases.attach(lease, put.key());
    }
    Optional<KeyValue> prev = put.prevKv() ? Optional.ofNullable(previous) : Optional.empty();
    return new PutResult(made.modRevision(), prev);
  }

  /** Deletes the live keys in the range; the revision stays put if nothing was deleted so far. */
  DeleteRangeResult delete(Mvcc.Write write, KvCommand.DeleteRange delete) {
    List<KeyValue> doomed = mvcc.range(delete.range(), write.readRevision());
    for (KeyValue kv : doomed) {
      deleteKey(write, kv);
    }
    long revision = write.changed() ? write.revision() : mvcc.revision();
    List<KeyValue> prevKvs = delete.prevKv() ? doomed : List.of();
    return new DeleteRangeResult(revision, doomed.size(), prevKvs);
  }

  /** Deletes the keys (live ones) in the given order, as a lease revoke does. */
  void deleteKeys(Mvcc.Write write, List<Bytes> keys) {
    for (Bytes key : new ArrayList<>(keys)) {
      KeyValue live = mvcc.get(key, write.readRevision());
      if (live != null) {
        deleteKey(write, live);
      }
    }
  }

  private void deleteKey(Mvcc.Write write, KeyValue live) {
    write.delete(live.key());
    if (live.lease() != 0) {
      leases.detach(live.lease(), live.key());
    }
  }
}
