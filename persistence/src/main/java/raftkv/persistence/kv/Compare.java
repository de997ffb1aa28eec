package raftkv.persistence.kv;

import java.util.Objects;

/**
 * One condition of a txn, as etcd's {@code Compare}. For the numeric targets (VERSION, CREATE,
 * MOD, LEASE) {@code number} is what the key's field is compared with and {@code value} is unused;
 * for VALUE it is the other way round. {@code result} reads "the key's field is RESULT the given
 * one": {@code GREATER} holds when the stored version is greater than {@code number}.
 *
 * <p>With a {@code rangeEnd} every key in the range must satisfy the condition. A range with no
 * key at all compares as a key whose fields are all zero, except for VALUE, which then never holds
 * (etcd cannot tell a missing value from an empty one, so it fails).
 */
public record Compare(Bytes key, Bytes rangeEnd, Target target, Result result, long number, Bytes value) {

  public Compare {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd (Bytes.EMPTY for none)");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(value, "value (Bytes.EMPTY for none)");
  }

  public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }

  public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL }

  public static Compare version(Bytes key, Result result, long version) {
    return new Compare(key, Bytes.EMPTY, Target.VERSION, result, version, Bytes.EMPTY);
  }

  public static Compare createRevision(Bytes key, Result result, long revision) {
    return new Compare(key, Bytes.EMPTY, Target.CREATE, result, revision, Bytes.EMPTY);
  }

  public static Compare modRevision(Bytes key, Result result, long revision) {
    return new Compare(key, Bytes.EMPTY, Target.MOD, result, revision, Bytes.EMPTY);
  }

  public static Compare lease(Bytes key, Result result, long lease) {
    return new Compare(key, Bytes.EMPTY, Target.LEASE, result, lease, Bytes.EMPTY);
  }

  public static Compare value(Bytes key, Result result, Bytes value) {
    return new Compare(key, Bytes.EMPTY, Target.VALUE, result, 0, value);
  }

  public Compare withRangeEnd(Bytes end) {
    return new Compare(key, end, target, result, number, value);
  }

  public KeyRange range() {
    return new KeyRange(key, rangeEnd);
  }
}
