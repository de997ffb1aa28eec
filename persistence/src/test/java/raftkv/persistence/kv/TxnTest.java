package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import raftkv.persistence.kv.Compare.Result;
import raftkv.persistence.kv.KvCommand.DeleteRange;
import raftkv.persistence.kv.KvCommand.Put;
import raftkv.persistence.kv.KvCommand.Txn;
import raftkv.persistence.kv.KvResult.DeleteRangeResult;
import raftkv.persistence.kv.KvResult.PutResult;
import raftkv.persistence.kv.KvResult.RangeResult;
import raftkv.persistence.kv.KvResult.TxnResult;

/** Txn semantics; the response revisions and the odd cases are what etcd 3.4.23 answered. */
class TxnTest {
  private final KvHarness kv = new KvHarness();

  private boolean holds(Compare compare) {
    return kv.txn(List.of(compare), List.of(), List.of()).succeeded();
  }

  /** a: created at 2, modified at 3, version 2, value "v2", lease 42. */
  private void loadA() {
    kv.leaseGrant(42, 60, 0);
    kv.put("a", "v1");
    kv.put(Put.of(b("a"), b("v2")).withLease(42));
  }

  @Test
  void comparesEveryTargetWithEveryResult() {
    loadA();
    assertTrue(holds(Compare.version(b("a"), Result.EQUAL, 2)));
    assertTrue(holds(Compare.version(b("a"), Result.GREATER, 1)));
    assertFalse(holds(Compare.version(b("a"), Result.GREATER, 2)));
    assertTrue(holds(Compare.version(b("a"), Result.LESS, 3)));
    assertTrue(holds(Compare.version(b("a"), Result.NOT_EQUAL, 1)));
    assertFalse(holds(Compare.version(b("a"), Result.NOT_EQUAL, 2)));

    assertTrue(holds(Compare.createRevision(b("a"), Result.EQUAL, 2)));
    assertTrue(holds(Compare.createRevision(b("a"), Result.LESS, 3)));
    assertFalse(holds(Compare.createRevision(b("a"), Result.GREATER, 2)));
    assertTrue(holds(Compare.createRevision(b("a"), Result.NOT_EQUAL, 3)));

    assertTrue(holds(Compare.modRevision(b("a"), Result.EQUAL, 3)));
    assertTrue(holds(Compare.modRevision(b("a"), Result.GREATER, 2)));
    assertFalse(holds(Compare.modRevision(b("a"), Result.LESS, 3)));
    assertFalse(holds(Compare.modRevision(b("a"), Result.NOT_EQUAL, 3)));

    assertTrue(holds(Compare.value(b("a"), Result.EQUAL, b("v2"))));
    assertTrue(holds(Compare.value(b("a"), Result.GREATER, b("v1"))));
    assertTrue(holds(Compare.value(b("a"), Result.LESS, b("v3"))));
    assertTrue(holds(Compare.value(b("a"), Result.NOT_EQUAL, b("v"))));
    assertFalse(holds(Compare.value(b("a"), Result.LESS, b("v2"))));

    assertTrue(holds(Compare.lease(b("a"), Result.EQUAL, 42)));
    assertTrue(holds(Compare.lease(b("a"), Result.GREATER, 41)));
    assertTrue(holds(Compare.lease(b("a"), Result.LESS, 43)));
    assertFalse(holds(Compare.lease(b("a"), Result.NOT_EQUAL, 42)));
  }

  @Test
  void valuesCompareAsUnsignedBytes() {
    kv.put(Put.of(b("a"), Bytes.of(new byte[] {(byte) 0x80})));
    assertTrue(holds(Compare.value(b("a"), Result.GREATER, b("z"))));
  }

  @Test
  void aMissingKeyComparesAsZerosButNeverByValue() {
    assertTrue(holds(Compare.version(b("nope"), Result.EQUAL, 0)));
    assertTrue(holds(Compare.createRevision(b("nope"), Result.LESS, 1)));
    assertTrue(holds(Compare.lease(b("nope"), Result.EQUAL, 0)));
    // etcd: "Always fail if comparing a value on a key/keys that doesn't exist" (checked on 3.4).
    assertFalse(holds(Compare.value(b("nope"), Result.NOT_EQUAL, b("x"))));
    assertFalse(holds(Compare.value(b("nope"), Result.EQUAL, Bytes.EMPTY)));
  }

  @Test
  void aCompareOverARangeMustHoldForEveryKey() {
    kv.put("k1", "x"); // created 2
    kv.put("k2", "x"); // 3
    kv.put("k3", "x"); // 4
    kv.put("z", "x");  // 5
    KeyRange ks = new KeyRange(b("k"), b("l"));
    assertFalse(holds(Compare.createRevision(b("k"), Result.LESS, 4).withRangeEnd(ks.rangeEnd())));
    assertTrue(holds(Compare.createRevision(b("k"), Result.LESS, 5).withRangeEnd(ks.rangeEnd())));
    assertFalse(holds(Compare.modRevision(b("k"), Result.LESS, 5).withRangeEnd(Bytes.ZERO)), "\\0 reaches z");
    assertTrue(holds(Compare.modRevision(b("k"), Result.GREATER, 0).withRangeEnd(Bytes.ZERO)));
    assertTrue(holds(Compare.version(b("m"), Result.EQUAL, 0).withRangeEnd(b("n"))), "an empty range is one zero key");
  }

  @Test
  void theChosenBranchRuns() {
    kv.put("a", "1");
    var failed = kv.txn(List.of(Compare.value(b("a"), Result.EQUAL, b("2"))),
        List.of(Put.of(b("s"), b("1"))), List.of(Put.of(b("f"), b("1")), RangeRequest.of(b("a"))));
    assertFalse(failed.succeeded());
    assertEquals(2, failed.responses().size());
    assertInstanceOf(PutResult.class, failed.responses().get(0));
    assertTrue(kv.get("s").kvs().isEmpty());
    assertEquals(1, kv.get("f").count());
  }

  @Test
  void laterOpsSeeEarlierWritesAndTheResponsesCarryEtcdsRevisions() {
    kv.put("a", "1"); // 2
    // As etcd answered: put -> 3, range of it -> 3 and sees it, delete of nothing -> 3,
    // nested txn -> empty header (0), its range -> 3; top -> 3.
    var result = kv.txn(List.of(), List.of(
        Put.of(b("b"), b("2")),
        RangeRequest.of(b("b")),
        DeleteRange.of(b("nothing")),
        new Txn(List.of(), List.of(RangeRequest.of(b("a"))), List.of())), List.of());
    assertEquals(3, result.revision());
    assertEquals(new PutResult(3, Optional.empty()), result.responses().get(0));
    var range = (RangeResult) result.responses().get(1);
    assertEquals(3, range.revision());
    assertEquals(List.of(new KeyValue(b("b"), 3, 3, 1, b("2"), 0)), range.kvs());
    assertEquals(new DeleteRangeResult(3, 0, List.of()), result.responses().get(2));
    var nested = (TxnResult) result.responses().get(3);
    assertEquals(0, nested.revision());
    assertEquals(3, ((RangeResult) nested.responses().get(0)).revision());
  }

  @Test
  void aDeleteBeforeAnyWriteAnswersTheOldRevision() {
    kv.put("a", "1"); // 2
    kv.put("b", "1"); // 3
    // etcd: [delete x (nothing), delete [a, z)] -> first header 3, second 4 with deleted 2.
    var result = kv.txn(List.of(), List.of(DeleteRange.of(b("x")), DeleteRange.of(new KeyRange(b("a"), b("z")))),
        List.of());
    assertEquals(new DeleteRangeResult(3, 0, List.of()), result.responses().get(0));
    assertEquals(new DeleteRangeResult(4, 2, List.of()), result.responses().get(1));
    assertEquals(4, result.revision());
  }

  @Test
  void aDeleteThenRangeInOneTxnSeesTheKeyGone() {
    kv.put("nn", "v");
    var result = kv.txn(List.of(), List.of(DeleteRange.of(b("nn")).withPrevKv(), RangeRequest.of(b("nn"))), List.of());
    assertEquals(1, ((DeleteRangeResult) result.responses().get(0)).prevKvs().size());
    var range = (RangeResult) result.responses().get(1);
    assertTrue(range.kvs().isEmpty());
    assertEquals(3, range.revision());
  }

  @Test
  void nestedComparesSeeTheStoreBeforeTheTxn() {
    var result = kv.txn(List.of(), List.of(
        Put.of(b("nn"), b("v")),
        new Txn(List.of(Compare.version(b("nn"), Result.EQUAL, 0)), List.of(RangeRequest.of(b("nn"))), List.of())),
        List.of());
    var nested = (TxnResult) result.responses().get(1);
    assertTrue(nested.succeeded(), "the compare saw nn absent, as before the txn");
    assertEquals(1, ((RangeResult) nested.responses().get(0)).count(), "the range sees the put");
  }

  @Test
  void nestedTxnsTakeTheirOwnBranches() {
    kv.put("a", "1");
    var result = kv.txn(List.of(Compare.version(b("a"), Result.EQUAL, 1)), List.of(
        new Txn(List.of(Compare.version(b("a"), Result.EQUAL, 5)), List.of(Put.of(b("s1"), b("1"))),
            List.of(Put.of(b("f1"), b("1")))),
        new Txn(List.of(), List.of(Put.of(b("s2"), b("1"))), List.of(Put.of(b("f2"), b("1"))))),
        List.of());
    assertTrue(result.succeeded());
    assertFalse(((TxnResult) result.responses().get(0)).succeeded());
    assertTrue(((TxnResult) result.responses().get(1)).succeeded());
    assertEquals(List.of("a", "f1", "s2"), KvHarness.keys(kv.range(RangeRequest.of(KeyRange.all()))));
    assertEquals(3, kv.store.revision(), "all of it one revision");
  }

  @Test
  void aFailingCheckOnTheChosenPathChangesNothing() {
    kv.put("a", "1");
    long hash = kv.store.hash();
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(new Txn(List.of(),
        List.of(Put.of(b("b"), b("1")), Put.of(b("c"), b("1")).withLease(99)), List.of())));
    assertEquals(KvError.KEY_NOT_FOUND, kv.fails(new Txn(List.of(),
        List.of(Put.of(b("b"), b("1")), new Txn(List.of(), List.of(Put.of(b("c"), Bytes.EMPTY).withIgnoreValue()),
            List.of())), List.of())));
    assertEquals(KvError.FUTURE_REVISION, kv.fails(new Txn(List.of(),
        List.of(Put.of(b("b"), b("1")), RangeRequest.of(b("a")).withRevision(3)), List.of())));
    assertEquals(2, kv.store.revision());
    assertTrue(kv.get("b").kvs().isEmpty());
    // The hash moved only by the applied index: restore the same content elsewhere to compare.
    var replay = new KvHarness();
    replay.put("a", "1");
    replay.noop();
    replay.noop();
    replay.noop();
    assertEquals(replay.store.hash(), kv.store.hash());
    assertTrue(hash != kv.store.hash());
  }

  @Test
  void putErrorsWinOverRangeErrorsAsInEtcd() {
    kv.put("a", "1");
    assertEquals(KvError.LEASE_NOT_FOUND, kv.fails(new Txn(List.of(),
        List.of(RangeRequest.of(b("a")).withRevision(9), Put.of(b("c"), b("1")).withLease(99)), List.of())));
  }

  @Test
  void theBranchNotTakenIsNotChecked() {
    var result = kv.txn(List.of(), List.of(Put.of(b("a"), b("1"))), List.of(Put.of(b("b"), b("1")).withLease(99)));
    assertTrue(result.succeeded());
  }

  @Test
  void rangesInATxnAtACompactedRevisionFail() {
    kv.put("a", "1");
    kv.put("a", "2");
    kv.put("a", "3");
    kv.ok(new KvCommand.Compact(3), KvResult.CompactResult.class);
    assertEquals(KvError.COMPACTED, kv.fails(new Txn(List.of(),
        List.of(Put.of(b("z"), b("1")), RangeRequest.of(b("a")).withRevision(2)), List.of())));
    var atCompaction = kv.txn(List.of(), List.of(RangeRequest.of(b("a")).withRevision(3)), List.of());
    assertEquals(b("2"), ((RangeResult) atCompaction.responses().get(0)).kvs().get(0).value());
  }

  // ---- duplicate keys, as etcd's checkIntervals ----

  private KvError duplicate(List<RequestOp> success, List<RequestOp> failure) {
    return kv.fails(new Txn(List.of(), success, failure));
  }

  @Test
  void aKeyPutTwiceIsADuplicate() {
    assertEquals(KvError.DUPLICATE_KEY, duplicate(List.of(Put.of(b("a"), b("1")), Put.of(b("a"), b("2"))), List.of()));
    assertEquals(KvError.DUPLICATE_KEY, duplicate(List.of(), List.of(Put.of(b("a"), b("1")), Put.of(b("a"), b("2")))));
  }

  @Test
  void aKeyPutAndDeletedIsADuplicate() {
    assertEquals(KvError.DUPLICATE_KEY, duplicate(List.of(Put.of(b("b"), b("1")), DeleteRange.of(b("b"))), List.of()));
    assertEquals(KvError.DUPLICATE_KEY,
        duplicate(List.of(Put.of(b("ab"), b("1")), DeleteRange.of(new KeyRange(b("a"), b("b")))), List.of()));
  }

  @Test
  void nestedPutsCountWithTheirParent() {
    var nested = new Txn(List.of(), List.of(Put.of(b("a"), b("1"))), List.of());
    assertEquals(KvError.DUPLICATE_KEY, duplicate(List.of(Put.of(b("a"), b("2")), nested), List.of()));
    assertEquals(KvError.DUPLICATE_KEY, duplicate(List.of(DeleteRange.of(b("a")), nested), List.of()));
    assertEquals(KvError.DUPLICATE_KEY, duplicate(List.of(nested, nested), List.of()));
  }

  @Test
  void aNestedDeleteAfterASiblingNestedPutIsAllowedAsInEtcd() {
    // etcd 3.4 accepted [txn{put n3}, txn{delete n3}]: deleted 1, both at one revision.
    var result = kv.txn(List.of(), List.of(
        new Txn(List.of(), List.of(Put.of(b("n3"), b("1"))), List.of()),
        new Txn(List.of(), List.of(DeleteRange.of(b("n3"))), List.of())), List.of());
    var deleted = (DeleteRangeResult) ((TxnResult) result.responses().get(1)).responses().get(0);
    assertEquals(new DeleteRangeResult(2, 1, List.of()), deleted);
    assertTrue(kv.get("n3").kvs().isEmpty());
    assertEquals(2, kv.store.revision());
  }

  @Test
  void exclusiveBranchesMayPutTheSameKey() {
    assertTrue(kv.txn(List.of(), List.of(Put.of(b("q"), b("1"))), List.of(Put.of(b("q"), b("2")))).succeeded());
    var either = new Txn(List.of(), List.of(Put.of(b("a"), b("1"))), List.of(Put.of(b("a"), b("2"))));
    assertTrue(kv.txn(List.of(), List.of(either), List.of()).succeeded());
  }

  @Test
  void overlappingDeletesAreAllowed() {
    kv.put("a", "1");
    var result = kv.txn(List.of(),
        List.of(DeleteRange.of(b("a")), DeleteRange.of(new KeyRange(b("a"), b("z")))), List.of());
    assertEquals(1, ((DeleteRangeResult) result.responses().get(0)).deleted());
    assertEquals(0, ((DeleteRangeResult) result.responses().get(1)).deleted());
  }

  /**
   * etcd 3.4's interval check treats a "\0" range end as the byte string "\0", so a delete "from
   * a to the end" covers no key there, and this txn passes: b is deleted and put again in one
   * revision (etcd answered deleted 8, then the put; the watch showed DELETE b then PUT b).
   */
  @Test
  void etcdAcceptsAFromKeyDeleteWithAPutInside() {
    kv.put("b", "old"); // 2
    kv.put("c", "x");   // 3
    var result = kv.txn(List.of(),
        List.of(DeleteRange.of(new KeyRange(b("a"), Bytes.ZERO)), Put.of(b("b"), b("new"))), List.of());
    assertEquals(4, result.revision());
    assertEquals(2, ((DeleteRangeResult) result.responses().get(0)).deleted());
    assertEquals(new KeyValue(b("b"), 4, 4, 1, b("new"), 0), kv.kv("b"));
    assertTrue(kv.get("c").kvs().isEmpty());
    assertEquals(b("old"), kv.range(RangeRequest.of(b("b")).withRevision(3)).kvs().get(0).value());
    // An inverted range is no interval either (etcd accepted this too).
    assertTrue(kv.txn(List.of(),
        List.of(DeleteRange.of(new KeyRange(b("c"), b("a"))), Put.of(b("b"), b("new2"))), List.of()).succeeded());
    assertEquals(2, kv.kv("b").version());
  }

  @Test
  void aFromKeyDeleteThenAnIgnoreValuePutKeepsTheOldValue() {
    // etcd panics on this one; we must stay deterministic and alive.
    kv.put("b", "old");
    kv.txn(List.of(), List.of(DeleteRange.of(new KeyRange(b("a"), Bytes.ZERO)),
        Put.of(b("b"), Bytes.EMPTY).withIgnoreValue()), List.of());
    assertEquals(new KeyValue(b("b"), 3, 3, 1, b("old"), 0), kv.kv("b"));
  }

  @Test
  void emptyKeysInATxnFail() {
    assertEquals(KvError.EMPTY_KEY, kv.fails(new Txn(List.of(Compare.version(Bytes.EMPTY, Result.EQUAL, 0)),
        List.of(), List.of())));
    assertEquals(KvError.EMPTY_KEY, kv.fails(new Txn(List.of(), List.of(RangeRequest.of(Bytes.EMPTY)), List.of())));
    assertEquals(KvError.EMPTY_KEY, kv.fails(new Txn(List.of(), List.of(),
        List.of(new Txn(List.of(), List.of(Put.of(Bytes.EMPTY, b("x"))), List.of())))));
  }

  @Test
  void apply_doesNotLimitOpsButTheValidatorDoes() {
    List<RequestOp> many = new ArrayList<>(Collections.nCopies(129, RangeRequest.of(b("a"))));
    var txn = new Txn(List.of(), many, List.of());
    assertEquals(129, kv.txn(txn.compare(), txn.success(), txn.failure()).responses().size());
    assertEquals(Optional.of(KvError.TOO_MANY_OPS), new KvValidator(KvLimits.DEFAULT).check(txn));
  }
}
