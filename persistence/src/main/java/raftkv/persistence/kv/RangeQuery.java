package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import raftkv.persistence.kv.KvResult.RangeResult;
import raftkv.persistence.kv.RangeRequest.SortOrder;
import raftkv.persistence.kv.RangeRequest.SortTarget;

/** etcd's range ({@code applierV3backend.Range}) over the store: revision, filters, sort, limit. */
final class RangeQuery {

  private RangeQuery() {}

  /**
   * Checks that {@code request} can be read at {@code current} (the revision a read sees: the
   * store's, or a txn's own once it wrote): a future or compacted revision fails.
   */
  static Optional<KvError> check(Mvcc mvcc, RangeRequest request, long current) {
    return request.revision() <= 0 ? Optional.empty() : mvcc.checkReadable(request.revision(), current);
  }

  /** Runs a request that passed {@link #check}. */
  static RangeResult run(Mvcc mvcc, RangeRequest request, long current) {
    long rev = request.revision() <= 0 ? current : request.revision();
    List<KeyValue> kvs = mvcc.range(request.range(), rev);
    long count = kvs.size();
    if (request.countOnly()) {
      return new RangeResult(current, List.of(), false, count);
    }
    if (request.hasRevisionFilters()) {
      kvs = filter(kvs, request);
    }
    kvs = sort(kvs, request);
    boolean more = false;
    if (request.limit() > 0 && kvs.size() > request.limit()) {
      kvs = kvs.subList(0, (int) request.limit());
      more = true;
    }
    if (request.keysOnly()) {
      kvs = kvs.stream().map(KeyValue::withoutValue).toList();
    }
    return new RangeResult(current, kvs, more, count);
  }

  /** The min/max filters; etcd applies them after counting, so {@code count} ignores them. */
  private static List<KeyValue> filter(List<KeyValue> kvs, RangeRequest r) {
    var out = new ArrayList<KeyValue>(kvs.size());
    for (KeyValue kv : kvs) {
      if ((r.maxModRevision() != 0 && kv.modRevision() > r.maxModRevision())
          || (r.minModRevision() != 0 && kv.modRevision() < r.minModRevision())
          || (r.maxCreateRevision() != 0 && kv.createRevision() > r.maxCreateRevision())
          || (r.minCreateRevision() != 0 && kv.createRevision() < r.minCreateRevision())) {
        continue;
      }
      out.add(kv);
    }
    return out;
  }

  /**
   * The store yields keys in ascending order, so etcd sorts only when asked, and sorts by a target
   * other than KEY ascending even with order NONE. Ties keep key order whatever the direction: a
   * stable sort with a reversed comparator, which is what etcd 3.4 answered (VERSION DESCEND over
   * versions 1,2,1,1 gave the key with 2 first, then the others in ascending key order).
   */
  private static List<KeyValue> sort(List<KeyValue> kvs, RangeRequest r) {
    SortOrder order = r.sortOrder();
    if (r.sortTarget() != SortTarget.KEY && order == SortOrder.NONE) {
      order = SortOrder.ASCEND;
    }
    if (order == SortOrder.NONE || (order == SortOrder.ASCEND && r.sortTarget() == SortTarget.KEY)) {
      return kvs;
    }
    Comparator<KeyValue> by = switch (r.sortTarget()) {
      case KEY -> Comparator.comparing(KeyValue::key);
      case VERSION -> Comparator.comparingLong(KeyValue::version);
      case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
      case MOD -> Comparator.comparingLong(KeyValue::modRevision);
      case VALUE -> Comparator.comparing(KeyValue::value);
    };
    var sorted = new ArrayList<>(kvs);
    sorted.sort(order == SortOrder.DESCEND ? by.reversed() : by);
    return sorted;
  }
}
