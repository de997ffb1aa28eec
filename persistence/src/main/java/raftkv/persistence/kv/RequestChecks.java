package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The checks etcd makes on a request before it reaches the log ({@code v3rpc/key.go}), in etcd's
 * order, so the same bad request gets the same error. They look at the request alone, never at the
 * store. The proposer runs them with its {@code maxTxnOps}; apply runs them again without an op
 * limit (a member's configuration must not change what it applies), so a bad entry that reached
 * the log anyway changes nothing on every member alike.
 */
final class RequestChecks {

  private RequestChecks() {}

  static Optional<KvError> check(KvCommand command, int maxTxnOps) {
    if (command instanceof KvCommand.Txn txn) {
      Optional<KvError> error = checkTxn(txn, maxTxnOps);
      return error.isPresent() ? error : checkDuplicates(txn);
    }
    if (command instanceof RequestOp op) {
      return checkOp(op, maxTxnOps);
    }
    return Optional.empty();
  }

  static Optional<KvError> checkRange(RangeRequest range) {
    return range.key().isEmpty() ? Optional.of(KvError.EMPTY_KEY) : Optional.empty();
  }

  private static Optional<KvError> checkOp(RequestOp op, int maxTxnOps) {
    if (op instanceof RangeRequest range) {
      return checkRange(range);
    }
    if (op instanceof KvCommand.Put put) {
      if (put.key().isEmpty()) {
        return Optional.of(KvError.EMPTY_KEY);
      }
      if (put.ignoreValue() && !put.value().isEmpty()) {
        return Optional.of(KvError.VALUE_PROVIDED);
      }
      if (put.ignoreLease() && put.lease() != 0) {
        return Optional.of(KvError.LEASE_PROVIDED);
      }
      return Optional.empty();
    }
    if (op instanceof KvCommand.DeleteRange delete) {
      return delete.key().isEmpty() ? Optional.of(KvError.EMPTY_KEY) : Optional.empty();
    }
    return checkTxn((KvCommand.Txn) op, maxTxnOps);
  }

  /**
   * etcd's {@code checkTxnRequest}: a txn counts as its longest list (compares, success or
   * failure), and a nested txn gets only what its parent left: {@code maxTxnOps - parent's count}
   * (checked on etcd 3.4: 99 ops plus a nested txn of 29 fail, of 28 pass).
   */
  private static Optional<KvError> checkTxn(KvCommand.Txn txn, int maxTxnOps) {
    int ops = Math.max(txn.compare().size(), Math.max(txn.success().size(), txn.failure().size()));
    if (ops > maxTxnOps) {
      return Optional.of(KvError.TOO_MANY_OPS);
    }
    for (Compare compare : txn.compare()) {
      if (compare.key().isEmpty()) {
        return Optional.of(KvError.EMPTY_KEY);
      }
    }
    for (List<RequestOp> branch : List.of(txn.success(), txn.failure())) {
      for (RequestOp op : branch) {
        Optional<KvError> error = checkOp(op, maxTxnOps - ops);
        if (error.isPresent()) {
          return error;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<KvError> checkDuplicates(KvCommand.Txn txn) {
    try {
      putsAndDeletes(txn.success());
      putsAndDeletes(txn.failure());
      return Optional.empty();
    } catch (DuplicateKey e) {
      return Optional.of(KvError.DUPLICATE_KEY);
    }
  }

  /** The keys one branch puts and the ranges it deletes (nested txns' included). */
  private record Writes(Set<Bytes> puts, List<KeyRange> deletes) {}

  private static final class DuplicateKey extends Exception {
    DuplicateKey() {
      super(null, null, false, false);
    }
  }

  /**
   * etcd's {@code checkIntervals}: no key may be put twice, nor put and deleted, in what one
   * execution of the branch can run. A nested txn's success and failure branches never both run,
   * so they may put the same key. Two deletes may overlap.
   */
  private static Writes putsAndDeletes(List<RequestOp> ops) throws DuplicateKey {
    var deletes = new ArrayList<KeyRange>();
    for (RequestOp op : ops) {
      if (op instanceof KvCommand.DeleteRange delete) {
        deletes.add(delete.range());
      }
    }
    var puts = new HashSet<Bytes>();
    for (RequestOp op : ops) {
      if (!(op instanceof KvCommand.Txn nested)) {
        continue;
      }
      Writes then = putsAndDeletes(nested.success());
      Writes otherwise = putsAndDeletes(nested.failure());
      for (Bytes key : then.puts()) {
        if (puts.contains(key) || deletes(deletes, key)) {
          throw new DuplicateKey();
        }
        puts.add(key);
      }
      for (Bytes key : otherwise.puts()) {
        if ((puts.contains(key) && !then.puts().contains(key)) || deletes(deletes, key)) {
          throw new DuplicateKey();
        }
        puts.add(key);
      }
      deletes.addAll(then.deletes());
      deletes.addAll(otherwise.deletes());
    }
    for (RequestOp op : ops) {
      if (op instanceof KvCommand.Put put) {
        if (puts.contains(put.key()) || deletes(deletes, put.key())) {
          throw new DuplicateKey();
        }
        puts.add(put.key());
      }
    }
    return new Writes(puts, deletes);
  }

  /**
   * Whether a delete range covers {@code key} as etcd's interval tree sees it: a single key, or
   * {@code [key, rangeEnd)} compared as plain byte strings. So a {@code "\0"} range end (every
   * key from the start) or one below the start covers nothing here, and etcd 3.4 accepts a txn
   * that deletes from {@code "a"} to the end and puts {@code "b"} (checked: both happen, in one
   * revision). We keep that, so that the same requests give the same answers.
   */
  private static boolean deletes(List<KeyRange> deletes, Bytes key) {
    for (KeyRange range : deletes) {
      if (range.isSingleKey()
          ? range.key().equals(key)
          : range.key().compareTo(key) <= 0 && key.compareTo(range.rangeEnd()) < 0) {
        return true;
      }
    }
    return false;
  }
}
