package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.List;
import org.junit.jupiter.api.Test;
import raftkv.persistence.LogEntry;

/**
 * MVCC revisions as etcd 3.4.23 gave them (checked through its JSON gateway): an empty store is at
 * revision 1; every request that changes a key raises it by exactly one, a whole txn included;
 * a request that changes nothing leaves it.
 */
class RevisionTest {
  private final KvHarness kv = new KvHarness();

  @Test
  void emptyStoreIsAtRevisionOne() {
    assertEquals(1, kv.store.revision());
    assertEquals(1, kv.get("a").revision());
    assertEquals(-1, kv.store.compactRevision());
  }

  @Test
  void everyPutRaisesTheRevisionByOneEvenWithTheSameValue() {
    assertEquals(2, kv.put("a", "1").revision());
    assertEquals(3, kv.put("a", "1").revision());
    assertEquals(4, kv.put("b", "1").revision());
    assertEquals(4, kv.store.revision());
  }

  @Test
  void noopsMoveOnlyTheAppliedIndex() {
    kv.put("a", "1");
    long hashBefore = kv.store.hash();
    kv.noop();
    assertEquals(2, kv.store.appliedIndex());
    assertEquals(2, kv.store.revision());
    assertEquals(List.of("a"), KvHarness.keys(kv.range(RangeRequest.of(KeyRange.all()))));
    assertTrue(hashBefore != kv.store.hash(), "the applied index is part of the state");
  }

  @Test
  void deleteOfNothingKeepsTheRevision() {
    kv.put("a", "1");
    var result = kv.delete("zz");
    assertEquals(0, result.deleted());
    assertEquals(2, result.revision());
    assertEquals(2, kv.store.revision());
  }

  @Test
  void deleteOfSeveralKeysIsOneRevision() {
    kv.put("a", "1");
    kv.put("b", "1");
    kv.put("c", "1");
    var result = kv.ok(KvCommand.DeleteRange.of(new KeyRange(b("a"), b("c"))), KvResult.DeleteRangeResult.class);
    assertEquals(2, result.deleted());
    assertEquals(5, result.revision());
    assertEquals(5, kv.store.revision());
  }

  @Test
  void emptyAndReadOnlyTxnsKeepTheRevision() {
    kv.put("a", "1");
    assertEquals(2, kv.txn(List.of(), List.of(), List.of()).revision());
    var read = kv.txn(List.of(), List.of(RangeRequest.of(b("a"))), List.of());
    assertEquals(2, read.revision());
    assertTrue(read.succeeded());
    var deleteNothing = kv.txn(List.of(), List.of(KvCommand.DeleteRange.of(b("nothing"))), List.of());
    assertEquals(2, deleteNothing.revision());
    var failedCompare = kv.txn(
        List.of(Compare.version(b("a"), Compare.Result.EQUAL, 7)),
        List.of(KvCommand.Put.of(b("x"), b("1"))),
        List.of());
    assertFalse(failedCompare.succeeded());
    assertEquals(2, failedCompare.revision());
    assertEquals(2, kv.store.revision());
  }

  @Test
  void aTxnWithManyWritesIsOneRevision() {
    kv.put("a", "1");
    var result = kv.txn(List.of(), List.of(
        KvCommand.Put.of(b("b"), b("2")),
        KvCommand.Put.of(b("c"), b("3")),
        KvCommand.DeleteRange.of(b("a"))), List.of());
    assertEquals(3, result.revision());
    assertEquals(3, kv.kv("b").modRevision());
    assertEquals(3, kv.kv("c").modRevision());
    assertEquals(3, kv.store.revision());
  }

  @Test
  void versionCountsPutsAndResetsAfterDelete() {
    kv.put("a", "1");
    kv.put("a", "2");
    kv.put("a", "3");
    KeyValue third = kv.kv("a");
    assertEquals(3, third.version());
    assertEquals(2, third.createRevision());
    assertEquals(4, third.modRevision());

    kv.delete("a");
    assertTrue(kv.get("a").kvs().isEmpty());

    kv.put("a", "again");
    KeyValue recreated = kv.kv("a");
    assertEquals(1, recreated.version());
    assertEquals(6, recreated.createRevision());
    assertEquals(6, recreated.modRevision());
    // The old generation is still there at its revisions.
    assertEquals(3, kv.range(RangeRequest.of(b("a")).withRevision(4)).kvs().get(0).version());
    assertTrue(kv.range(RangeRequest.of(b("a")).withRevision(5)).kvs().isEmpty());
  }

  @Test
  void failedRequestsKeepTheRevision() {
    kv.put("a", "1");
    assertEquals(KvError.KEY_NOT_FOUND, kv.fails(KvCommand.Put.of(b("missing"), Bytes.EMPTY).withIgnoreValue()));
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(KvCommand.Put.of(b("a"), b("2")).withLease(5)));
    assertEquals(2, kv.store.revision());
  }

  @Test
  void leaseGrantAndKeepaliveDoNotChangeTheRevision() {
    kv.put("a", "1");
    long id = kv.leaseGrant(100, 60, 0);
    kv.ok(new KvCommand.LeaseKeepAlive(id, 10), KvResult.LeaseKeepAliveResult.class);
    assertEquals(2, kv.store.revision());
  }

  @Test
  void entriesMustComeInIndexOrder() {
    kv.put("a", "1");
    assertThrows(IllegalStateException.class, () -> kv.store.apply(LogEntry.noop(1, 1)));
  }
}
