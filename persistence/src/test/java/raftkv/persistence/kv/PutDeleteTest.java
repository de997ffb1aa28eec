package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Put and delete-range with their options and errors, as etcd 3.4.23 answered them. */
class PutDeleteTest {
  private final KvHarness kv = new KvHarness();

  @Test
  void prevKvIsTheVersionReplaced() {
    assertEquals(Optional.empty(), kv.put(KvCommand.Put.of(b("a"), b("1")).withPrevKv()).prevKv());
    var second = kv.put(KvCommand.Put.of(b("a"), b("2")).withPrevKv());
    assertEquals(Optional.of(new KeyValue(b("a"), 2, 2, 1, b("1"), 0)), second.prevKv());
    assertEquals(Optional.empty(), kv.put("a", "3").prevKv(), "only when asked");
  }

  @Test
  void ignoreValueKeepsTheValue() {
    kv.put("a", "1");
    var result = kv.put(KvCommand.Put.of(b("a"), Bytes.EMPTY).withIgnoreValue().withPrevKv());
    assertEquals(b("1"), result.prevKv().orElseThrow().value());
    assertEquals(new KeyValue(b("a"), 2, 3, 2, b("1"), 0), kv.kv("a"));
  }

  @Test
  void ignoreLeaseKeepsTheLease() {
    long lease = kv.leaseGrant(7, 60, 0);
    kv.put(KvCommand.Put.of(b("a"), b("1")).withLease(lease));
    kv.put(KvCommand.Put.of(b("a"), b("2")).withIgnoreLease());
    assertEquals(7, kv.kv("a").lease());
    assertEquals(List.of(b("a")), kv.store.lease(7).orElseThrow().keys());
  }

  @Test
  void ignoreFlagsNeedAnExistingKey() {
    assertEquals(KvError.KEY_NOT_FOUND, kv.fails(KvCommand.Put.of(b("missing"), Bytes.EMPTY).withIgnoreValue()));
    assertEquals(KvError.KEY_NOT_FOUND, kv.fails(KvCommand.Put.of(b("missing"), b("x")).withIgnoreLease()));
    kv.put("gone", "1");
    kv.delete("gone");
    assertEquals(KvError.KEY_NOT_FOUND, kv.fails(KvCommand.Put.of(b("gone"), Bytes.EMPTY).withIgnoreValue()));
  }

  @Test
  void ignoreFlagsRefuseAGivenValueOrLease() {
    kv.put("a", "1");
    assertEquals(KvError.VALUE_PROVIDED, kv.fails(KvCommand.Put.of(b("a"), b("x")).withIgnoreValue()));
    assertEquals(KvError.LEASE_PROVIDED, kv.fails(KvCommand.Put.of(b("a"), Bytes.EMPTY).withLease(5).withIgnoreLease()));
  }

  @Test
  void unknownLeaseFails() {
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(KvCommand.Put.of(b("a"), b("1")).withLease(5)));
    assertTrue(kv.get("a").kvs().isEmpty());
  }

  @Test
  void emptyKeyFails() {
    assertEquals(KvError.EMPTY_KEY, kv.fails(KvCommand.Put.of(Bytes.EMPTY, b("1"))));
    assertEquals(KvError.EMPTY_KEY, kv.fails(KvCommand.DeleteRange.of(Bytes.EMPTY)));
  }

  @Test
  void emptyValueIsAValue() {
    kv.put("a", "");
    assertEquals(1, kv.kv("a").version());
    assertEquals(Bytes.EMPTY, kv.kv("a").value());
  }

  @Test
  void aPutWithoutLeaseDetachesTheKey() {
    long lease = kv.leaseGrant(100, 60, 0);
    kv.put(KvCommand.Put.of(b("l1"), b("x")).withLease(lease));
    kv.put(KvCommand.Put.of(b("l2"), b("x")).withLease(lease));
    kv.put("l2", "y");
    assertEquals(List.of(b("l1")), kv.store.lease(lease).orElseThrow().keys());
    assertEquals(0, kv.kv("l2").lease());
  }

  @Test
  void deleteRangeCountsAndReturnsPrevKvs() {
    kv.put("a", "1");
    kv.put("b", "2");
    kv.put("c", "3");
    var result = kv.ok(KvCommand.DeleteRange.of(new KeyRange(b("a"), b("c"))).withPrevKv(),
        KvResult.DeleteRangeResult.class);
    assertEquals(2, result.deleted());
    assertEquals(List.of(new KeyValue(b("a"), 2, 2, 1, b("1"), 0), new KeyValue(b("b"), 3, 3, 1, b("2"), 0)),
        result.prevKvs());
    assertEquals(List.of("c"), KvHarness.keys(kv.range(RangeRequest.of(KeyRange.all()))));

    var none = kv.ok(KvCommand.DeleteRange.of(b("a")).withPrevKv(), KvResult.DeleteRangeResult.class);
    assertEquals(0, none.deleted());
    assertTrue(none.prevKvs().isEmpty());
  }

  @Test
  void deleteWithoutPrevKvsReturnsNone() {
    kv.put("a", "1");
    var result = kv.delete("a");
    assertEquals(1, result.deleted());
    assertTrue(result.prevKvs().isEmpty());
  }

  @Test
  void deleteDetachesFromTheLease() {
    long lease = kv.leaseGrant(9, 60, 0);
    kv.put(KvCommand.Put.of(b("a"), b("1")).withLease(lease));
    kv.delete("a");
    assertTrue(kv.store.lease(lease).orElseThrow().keys().isEmpty());
  }

  @Test
  void deleteEverythingFromAKey() {
    kv.put("a", "1");
    kv.put("b", "1");
    kv.put("c", "1");
    var result = kv.ok(KvCommand.DeleteRange.of(new KeyRange(b("b"), Bytes.ZERO)), KvResult.DeleteRangeResult.class);
    assertEquals(2, result.deleted());
    assertEquals(List.of("a"), KvHarness.keys(kv.range(RangeRequest.of(KeyRange.all()))));
  }
}
