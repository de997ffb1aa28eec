package raftkv.persistence.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * The keys a request names, in etcd's encoding: no {@code rangeEnd} (empty) is the single key
 * {@code key}; {@code rangeEnd = "\0"} is every key {@code >= key}; otherwise the half-open
 * interval {@code [key, rangeEnd)}, empty when {@code rangeEnd <= key} (etcd answers such a range
 * with nothing rather than an error).
 */
public record KeyRange(Bytes key, Bytes rangeEnd) {

  public KeyRange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd (Bytes.EMPTY for none)");
  }

  public static KeyRange single(Bytes key) {
    return new KeyRange(key, Bytes.EMPTY);
  }

  /** Every key that starts with {@code prefix}: the range etcdctl's {@code --prefix} sends. */
  public static KeyRange prefix(Bytes prefix) {
    return new KeyRange(prefix.isEmpty() ? Bytes.ZERO : prefix, prefixEnd(prefix));
  }

  /** Every key: etcd spells it {@code key = range_end = "\0"}. */
  public static KeyRange all() {
    return new KeyRange(Bytes.ZERO, Bytes.ZERO);
  }

  /**
   * The smallest key after every key with this prefix, as etcd's {@code GetPrefixRangeEnd}: drop
   * trailing {@code 0xff} bytes, then add one to the last byte left. A prefix of only {@code 0xff}
   * bytes (or none) has no such key, so the range runs to the end: {@code "\0"}.
   */
  public static Bytes prefixEnd(Bytes prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return Bytes.wrap(Arrays.copyOf(end, i + 1));
      }
    }
    return Bytes.ZERO;
  }

  public boolean isSingleKey() {
    return rangeEnd.isEmpty();
  }

  /** {@code rangeEnd = "\0"}: no upper bound. */
  public boolean isFromKey() {
    return rangeEnd.equals(Bytes.ZERO);
  }

  public boolean contains(Bytes candidate) {
    if (isSingleKey()) {
      return key.equals(candidate);
    }
    return candidate.compareTo(key) >= 0 && (isFromKey() || candidate.compareTo(rangeEnd) < 0);
  }

  @Override
  public String toString() {
    return isSingleKey() ? key.toString() : "[" + key + ", " + (isFromKey() ? "end" : rangeEnd) + ")";
  }
}
