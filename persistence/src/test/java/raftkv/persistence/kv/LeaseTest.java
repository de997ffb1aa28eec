package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import raftkv.persistence.kv.KvCommand.LeaseExpire;
import raftkv.persistence.kv.KvCommand.LeaseGrant;
import raftkv.persistence.kv.KvCommand.LeaseKeepAlive;
import raftkv.persistence.kv.KvCommand.LeaseRenewAll;
import raftkv.persistence.kv.KvCommand.LeaseRevoke;
import raftkv.persistence.kv.KvCommand.Put;

/** Leases: grant, revoke, keepalive, time-to-live, list, expiry through the log. */
class LeaseTest {
  private final KvHarness kv = new KvHarness();

  private void attach(String key, long lease) {
    kv.put(Put.of(b(key), b("x")).withLease(lease));
  }

  @Test
  void grantWithAGivenId() {
    var result = kv.ok(new LeaseGrant(100, 60, 1_000), KvResult.LeaseGrantResult.class);
    assertEquals(new KvResult.LeaseGrantResult(1, 100, 60), result);
    assertEquals(Optional.of(new LeaseInfo(100, 60, 61_000, List.of())), kv.store.lease(100));
  }

  @Test
  void negativeIdsAreIdsAsInEtcd() {
    assertEquals(-7, kv.leaseGrant(-7, 30, 0));
  }

  @Test
  void aServerChosenIdIsPositiveAndDerivedFromTheLogIndex() {
    long expectedIndex = kv.nextIndex();
    long id = kv.leaseGrant(0, 60, 0);
    assertTrue(id > 0);
    var other = new KvHarness();
    for (long i = 1; i < expectedIndex; i++) {
      other.noop();
    }
    assertEquals(id, other.leaseGrant(0, 60, 0), "same index, same id, on any member");
    assertNotEquals(id, kv.leaseGrant(0, 60, 0), "the next index gives another");
  }

  @Test
  void aServerChosenIdAvoidsIdsInUse() {
    long wouldBe = ((KvResult.LeaseGrantResult) new KvStore().apply(2, new LeaseGrant(0, 60, 0))).id();
    var store = new KvStore();
    store.apply(1, new LeaseGrant(wouldBe, 60, 0));
    var granted = (KvResult.LeaseGrantResult) store.apply(2, new LeaseGrant(0, 60, 0));
    assertNotEquals(wouldBe, granted.id());
    assertTrue(granted.id() > 0);
    assertEquals(2, store.leases().size());
    var again = new KvStore();
    again.apply(1, new LeaseGrant(wouldBe, 60, 0));
    assertEquals(granted, again.apply(2, new LeaseGrant(0, 60, 0)), "deterministic on collision too");
  }

  @Test
  void grantErrorsAsEtcd() {
    kv.leaseGrant(100, 60, 0);
    assertEquals(KvError.LEASE_EXISTS, kv.fails(new LeaseGrant(100, 60, 0)));
    assertEquals(KvError.LEASE_TTL_TOO_LARGE, kv.fails(new LeaseGrant(101, 9_000_000_001L, 0)));
    assertEquals(KvError.LEASE_TTL_TOO_LARGE, kv.fails(new LeaseGrant(100, 9_000_000_001L, 0)), "TTL checked first");
    assertEquals(new KvResult.LeaseGrantResult(1, 102, 9_000_000_000L),
        kv.apply(new LeaseGrant(102, 9_000_000_000L, Long.MAX_VALUE - 5)));
    assertEquals(Long.MAX_VALUE, kv.store.lease(102).orElseThrow().deadlineMillis(), "saturates");
  }

  @Test
  void theProposerRaisesShortTtlsToTheMinimum() {
    var validator = new KvValidator(KvLimits.DEFAULT);
    assertEquals(new LeaseGrant(5, 2, 7), validator.normalize(new LeaseGrant(5, 1, 7)));
    assertEquals(new LeaseGrant(5, 2, 7), validator.normalize(new LeaseGrant(5, -5, 7)));
    assertEquals(new LeaseGrant(5, 60, 7), validator.normalize(new LeaseGrant(5, 60, 7)));
    assertEquals(new KvResult.LeaseGrantResult(1, 5, 2), kv.apply(validator.normalize(new LeaseGrant(5, 0, 7))));
  }

  @Test
  void revokeDeletesEveryKeyInOneRevisionInKeyOrder() {
    long lease = kv.leaseGrant(100, 60, 0);
    attach("l2", lease); // 2
    attach("l1", lease); // 3
    attach("l3", lease); // 4
    kv.put("l3", "y");   // 5: detached
    var events = new ArrayList<KvEvent>();
    kv.store.addListener((revision, revisionEvents) -> events.addAll(revisionEvents));

    assertEquals(new KvResult.LeaseRevokeResult(6), kv.apply(new LeaseRevoke(lease)));
    assertEquals(6, kv.store.revision());
    assertEquals(List.of("l3"), KvHarness.keys(kv.range(RangeRequest.of(KeyRange.prefix(b("l"))))));
    assertEquals(List.of(b("l1"), b("l2")), events.stream().map(e -> e.kv().key()).toList());
    assertTrue(events.stream().allMatch(e -> e.type() == KvEvent.Type.DELETE && e.revision() == 6));
    assertEquals(Optional.empty(), kv.store.lease(lease));
  }

  @Test
  void revokingALeaseWithoutKeysIsNoRevision() {
    kv.leaseGrant(50, 30, 0);
    assertEquals(new KvResult.LeaseRevokeResult(1), kv.apply(new LeaseRevoke(50)));
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(new LeaseRevoke(50)));
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(new LeaseRevoke(999)));
  }

  @Test
  void timeToLiveReportsGrantedTtlDeadlineAndSortedKeys() {
    long lease = kv.leaseGrant(100, 60, 10_000);
    attach("l2", lease);
    attach("l1", lease);
    LeaseInfo info = kv.store.lease(lease).orElseThrow();
    assertEquals(60, info.grantedTtl());
    assertEquals(70_000, info.deadlineMillis());
    assertEquals(List.of(b("l1"), b("l2")), info.keys());
    assertEquals(59, info.remainingSeconds(10_500), "truncated, as etcd's timetolive answered 59 for 60");
    assertEquals(0, info.remainingSeconds(80_000));
    assertEquals(Optional.empty(), kv.store.lease(12345));
  }

  @Test
  void keepaliveRenewsTheDeadline() {
    long lease = kv.leaseGrant(7, 10, 0);
    assertEquals(new KvResult.LeaseKeepAliveResult(1, 7, 10), kv.apply(new LeaseKeepAlive(lease, 8_000)));
    assertEquals(18_000, kv.store.lease(lease).orElseThrow().deadlineMillis());
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(new LeaseKeepAlive(8, 8_000)));
  }

  @Test
  void leasesAreListedByDeadline() {
    kv.leaseGrant(100, 60, 0);
    kv.leaseGrant(50, 30, 0);
    kv.leaseGrant(-7, 30, 0);
    kv.leaseGrant(102, 2, 0);
    assertEquals(List.of(102L, -7L, 50L, 100L), kv.store.leases().stream().map(LeaseInfo::id).toList());
  }

  @Test
  void expiredLeasesAreFoundAgainstTheCallersClock() {
    kv.leaseGrant(1, 10, 0);  // deadline 10 000
    kv.leaseGrant(2, 5, 0);   // 5 000
    kv.leaseGrant(3, 60, 0);  // 60 000
    assertEquals(List.of(), kv.store.expiredLeases(4_999));
    assertEquals(List.of(2L), kv.store.expiredLeases(5_000));
    assertEquals(List.of(2L, 1L), kv.store.expiredLeases(30_000));
  }

  @Test
  void expiryDeletesTheKeysLikeARevoke() {
    long lease = kv.leaseGrant(1, 10, 0);
    attach("a", lease);
    attach("b", lease);
    assertEquals(new KvResult.LeaseExpireResult(4, true), kv.apply(new LeaseExpire(lease, 10_000)));
    assertTrue(kv.range(RangeRequest.of(KeyRange.all())).kvs().isEmpty());
    assertEquals(new KvResult.LeaseExpireResult(4, false), kv.apply(new LeaseExpire(lease, 20_000)), "gone already");
  }

  @Test
  void aKeepaliveOrderedBeforeTheExpiryWins() {
    long lease = kv.leaseGrant(1, 10, 0);
    attach("a", lease);
    kv.apply(new LeaseKeepAlive(lease, 9_000)); // now good until 19 000
    assertEquals(new KvResult.LeaseExpireResult(2, false), kv.apply(new LeaseExpire(lease, 10_000)));
    assertEquals(1, kv.get("a").count());
    assertEquals(new KvResult.LeaseExpireResult(3, true), kv.apply(new LeaseExpire(lease, 19_000)));
  }

  @Test
  void aNewLeaderRenewsEveryLeaseOnItsOwnClock() {
    kv.leaseGrant(1, 10, 1_000_000); // old leader's clock
    kv.leaseGrant(2, 60, 1_000_000);
    assertEquals(new KvResult.LeaseRenewAllResult(1, 2), kv.apply(new LeaseRenewAll(5)));
    assertEquals(10_005, kv.store.lease(1).orElseThrow().deadlineMillis());
    assertEquals(60_005, kv.store.lease(2).orElseThrow().deadlineMillis());
    assertEquals(List.of(), kv.store.expiredLeases(10_004));
  }

  @Test
  void revokedLeaseCanNoLongerTakeKeys() {
    long lease = kv.leaseGrant(1, 10, 0);
    kv.apply(new LeaseRevoke(lease));
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(Put.of(b("a"), b("1")).withLease(lease)));
    assertFalse(kv.store.lease(lease).isPresent());
  }
}
