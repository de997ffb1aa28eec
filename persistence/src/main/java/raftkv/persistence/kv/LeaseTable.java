package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The live leases: id, granted TTL, deadline on the leader's clock, and the keys attached. Ordered
 * collections only, so that iteration (and thus the snapshot and the hash) is deterministic.
 */
final class LeaseTable {

  /** A lease; mutable, owned by the table. */
  static final class Lease {
    final long id;
    final long ttl;
    long deadlineMillis;
    final TreeSet<Bytes> keys = new TreeSet<>();

    Lease(long id, long ttl, long deadlineMillis) {
      this.id = id;
      this.ttl = ttl;
      this.deadlineMillis = deadlineMillis;
    }

    /** Gives the lease its full TTL again from {@code nowMillis}. */
    void renew(long nowMillis) {
      deadlineMillis = deadline(nowMillis, ttl);
    }

    LeaseInfo info() {
      return new LeaseInfo(id, ttl, deadlineMillis, List.copyOf(keys));
    }
  }

  /** etcd lists leases by expiry; equal deadlines by id, so that the order is total. */
  private static final Comparator<Lease> BY_DEADLINE =
      Comparator.<Lease>comparingLong(l -> l.deadlineMillis).thenComparingLong(l -> l.id);

  private final TreeMap<Long, Lease> leases = new TreeMap<>();

  /** {@code nowMillis + ttl} seconds, saturating: a huge TTL must not wrap into the past. */
  static long deadline(long nowMillis, long ttlSeconds) {
    long millis = ttlSeconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE
        : ttlSeconds < Long.MIN_VALUE / 1000 ? Long.MIN_VALUE
        : ttlSeconds * 1000;
    long sum = nowMillis + millis;
    return ((nowMillis ^ sum) & (millis ^ sum)) < 0 ? (millis > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : sum;
  }

  Lease get(long id) {
    return leases.get(id);
  }

  boolean contains(long id) {
    return leases.containsKey(id);
  }

  Lease grant(long id, long ttl, long deadlineMillis) {
    var lease = new Lease(id, ttl, deadlineMillis);
    leases.put(id, lease);
    return lease;
  }

  void remove(long id) {
    leases.remove(id);
  }

  void attach(long id, Bytes key) {
    Lease lease = leases.get(id);
    if (lease != null) {
      lease.keys.add(key);
    }
  }

  void detach(long id, Bytes key) {
    Lease lease = leases.get(id);
    if (lease != null) {
      lease.keys.remove(key);
    }
  }

  /** In id order (the snapshot's order). */
  Collection<Lease> all() {
    return leases.values();
  }

  List<Lease> byDeadline() {
    var out = new ArrayList<>(leases.values());
    out.sort(BY_DEADLINE);
    return out;
  }

  /** Leases whose deadline is at or before {@code nowMillis}, soonest first. */
  List<Long> expired(long nowMillis) {
    var out = new ArrayList<Long>();
    for (Lease lease : byDeadline()) {
      if (lease.deadlineMillis > nowMillis) {
        break;
      }
      out.add(lease.id);
    }
    return out;
  }
}
