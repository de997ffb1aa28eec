package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import raftkv.persistence.kv.KvResult.OpResult;
import raftkv.persistence.kv.KvResult.TxnResult;

/**
 * etcd's txn ({@code applierV3backend.Txn}), in its three steps: evaluate every compare on the
 * chosen path (nested txns' too) against the store before the txn; check the chosen operations
 * (puts' keys and leases, ranges' revisions) so that a failing txn changes nothing; then run them
 * in order as one revision.
 */
final class TxnRunner {
  private final Mvcc mvcc;
  private final WriteOps writes;

  TxnRunner(Mvcc mvcc, WriteOps writes) {
    this.mvcc = mvcc;
    this.writes = writes;
  }

  /** The branch each txn on the chosen path takes, in the order the txns are met (pre-order). */
  private static final class Path {
    private final List<Boolean> decisions = new ArrayList<>();
    private int next;

    Path replay() {
      var copy = new Path();
      copy.decisions.addAll(decisions);
      return copy;
    }

    boolean take() {
      return decisions.get(next++);
    }
  }

  Applied run(KvCommand.Txn txn) {
    long before = mvcc.revision();
    var path = new Path();
    decide(txn, path, before);
    // etcd checks every put first, then every range: the same error wins when both fail.
    Optional<KvError> error = checkPuts(txn, path.replay(), before);
    if (error.isEmpty()) {
      error = checkRanges(txn, path.replay(), before);
    }
    if (error.isPresent()) {
      return Applied.failed(error.get());
    }
    Mvcc.Write write = mvcc.write();
    TxnResult nested = execute(write, txn, path.replay());
    List<KeyValue> changes = write.commit();
    return new Applied(new TxnResult(mvcc.revision(), nested.succeeded(), nested.responses()), changes);
  }

  private void decide(KvCommand.Txn txn, Path path, long rev) {
    boolean succeeded = txn.compare().stream().allMatch(c -> holds(c, rev));
    path.decisions.add(succeeded);
    for (RequestOp op : succeeded ? txn.success() : txn.failure()) {
      if (op instanceof KvCommand.Txn inner) {
        decide(inner, path, rev);
      }
    }
  }

  private boolean holds(Compare compare, long rev) {
    List<KeyValue> kvs = mvcc.range(compare.range(), rev);
    if (kvs.isEmpty()) {
      // etcd: a missing key compares as all zeros, but no value (not even "") is equal to it.
      return compare.target() != Compare.Target.VALUE
          && holds(compare, new KeyValue(compare.key(), 0, 0, 0, Bytes.EMPTY, 0));
    }
    return kvs.stream().allMatch(kv -> holds(compare, kv));
  }

  private static boolean holds(Compare compare, KeyValue kv) {
    int order = switch (compare.target()) {
      case VERSION -> Long.compare(kv.version(), compare.number());
      case CREATE -> Long.compare(kv.createRevision(), compare.number());
      case MOD -> Long.compare(kv.modRevision(), compare.number());
      case LEASE -> Long.compare(kv.lease(), compare.number());
      case VALUE -> kv.value().compareTo(compare.value());
    };
    return switch (compare.result()) {
      case EQUAL -> order == 0;
      case NOT_EQUAL -> order != 0;
      case GREATER -> order > 0;
      case LESS -> order < 0;
    };
  }

  private Optional<KvError> checkPuts(KvCommand.Txn txn, Path path, long rev) {
    for (RequestOp op : path.take() ? txn.success() : txn.failure()) {
      Optional<KvError> error = Optional.empty();
      if (op instanceof KvCommand.Put put) {
        error = writes.checkPut(put, rev);
      } else if (op instanceof KvCommand.Txn inner) {
        error = checkPuts(inner, path, rev);
      }
      if (error.isPresent()) {
        return error;
      }
    }
    return Optional.empty();
  }

  private Optional<KvError> checkRanges(KvCommand.Txn txn, Path path, long rev) {
    for (RequestOp op : path.take() ? txn.success() : txn.failure()) {
      Optional<KvError> error = Optional.empty();
      if (op instanceof RangeRequest range) {
        error = RangeQuery.check(mvcc, range, rev);
      } else if (op instanceof KvCommand.Txn inner) {
        error = checkRanges(inner, path, rev);
      }
      if (error.isPresent()) {
        return error;
      }
    }
    return Optional.empty();
  }

  /** Runs the chosen branch; a nested txn's result has revision 0, as etcd's empty header. */
  private TxnResult execute(Mvcc.Write write, KvCommand.Txn txn, Path path) {
    boolean succeeded = path.take();
    var responses = new ArrayList<OpResult>();
    for (RequestOp op : succeeded ? txn.success() : txn.failure()) {
      if (op instanceof RangeRequest range) {
        responses.add(RangeQuery.run(mvcc, range, write.readRevision()));
      } else if (op instanceof KvCommand.Put put) {
        responses.add(writes.put(write, put));
      } else if (op instanceof KvCommand.DeleteRange delete) {
        responses.add(writes.delete(write, delete));
      } else {
        responses.add(execute(write, (KvCommand.Txn) op, path));
      }
    }
    return new TxnResult(0, succeeded, responses);
  }
}
