package raftkv.persistence.kv;

import java.util.Objects;

/**
 * etcd's {@code RangeRequest}: a read, served from the store directly (not through the log) or as
 * an operation of a {@link KvCommand.Txn}. Build one with {@link #of} and the {@code with...}
 * methods; every option left out has etcd's zero value.
 *
 * @param limit        at most this many keys; 0 or negative: no limit
 * @param revision     read at this revision; 0 or negative: the current one
 * @param serializable etcd's read-mode flag; the store ignores it, the caller picks the read path
 * @param minModRevision and the three others: filters, 0 means no bound; they do not change
 *                     {@code count}, which (as in etcd) counts the keys in the range before them
 */
public record RangeRequest(
    Bytes key,
    Bytes rangeEnd,
    long limit,
    long revision,
    SortOrder sortOrder,
    SortTarget sortTarget,
    boolean serializable,
    boolean keysOnly,
    boolean countOnly,
    long minModRevision,
    long maxModRevision,
    long minCreateRevision,
    long maxCreateRevision)
    implements RequestOp {

  public RangeRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd (Bytes.EMPTY for none)");
    Objects.requireNonNull(sortOrder, "sortOrder");
    Objects.requireNonNull(sortTarget, "sortTarget");
  }

  public enum SortOrder { NONE, ASCEND, DESCEND }

  public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

  public static RangeRequest of(Bytes key) {
    return new RangeRequest(key, Bytes.EMPTY, 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, false, 0, 0, 0, 0);
  }

  public static RangeRequest of(KeyRange range) {
    return of(range.key()).withRangeEnd(range.rangeEnd());
  }

  public KeyRange range() {
    return new KeyRange(key, rangeEnd);
  }

  public RangeRequest withRangeEnd(Bytes end) {
    return new RangeRequest(key, end, limit, revision, sortOrder, sortTarget, serializable, keysOnly, countOnly,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withLimit(long max) {
    return new RangeRequest(key, rangeEnd, max, revision, sortOrder, sortTarget, serializable, keysOnly, countOnly,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withRevision(long rev) {
    return new RangeRequest(key, rangeEnd, limit, rev, sortOrder, sortTarget, serializable, keysOnly, countOnly,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withSort(SortTarget target, SortOrder order) {
    return new RangeRequest(key, rangeEnd, limit, revision, order, target, serializable, keysOnly, countOnly,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withSerializable(boolean on) {
    return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, sortTarget, on, keysOnly, countOnly,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withKeysOnly(boolean on) {
    return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, sortTarget, serializable, on, countOnly,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withCountOnly(boolean on) {
    return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, sortTarget, serializable, keysOnly, on,
        minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withModRevisions(long min, long max) {
    return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, sortTarget, serializable, keysOnly, countOnly,
        min, max, minCreateRevision, maxCreateRevision);
  }

  public RangeRequest withCreateRevisions(long min, long max) {
    return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, sortTarget, serializable, keysOnly, countOnly,
        minModRevision, maxModRevision, min, max);
  }

  /** Whether the revision filters are in play: etcd then reads every key before limiting. */
  boolean hasRevisionFilters() {
    return minModRevision != 0 || maxModRevision != 0 || minCreateRevision != 0 || maxCreateRevision != 0;
  }
}
