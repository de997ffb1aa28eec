package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import raftkv.persistence.kv.KvCommand.DeleteRange;
import raftkv.persistence.kv.KvCommand.Put;
import raftkv.persistence.kv.KvCommand.Txn;

/** The proposer's checks: etcd's request checks with the configured limits, in etcd's order. */
class KvValidatorTest {
  private final KvValidator etcdDefaults = new KvValidator(KvLimits.DEFAULT);

  private static List<RequestOp> ranges(int n) {
    return new ArrayList<>(Collections.nCopies(n, RangeRequest.of(b("a"))));
  }

  @Test
  void aTxnCountsAsItsLongestListUpTo128() {
    assertEquals(Optional.empty(), etcdDefaults.check(new Txn(List.of(), ranges(128), List.of())));
    assertEquals(Optional.of(KvError.TOO_MANY_OPS), etcdDefaults.check(new Txn(List.of(), ranges(129), List.of())));
    var compares = new ArrayList<>(Collections.nCopies(128, Compare.version(b("a"), Compare.Result.GREATER, 0)));
    // etcd 3.4 took 128 compares with 128 success and 128 failure ops.
    assertEquals(Optional.empty(), etcdDefaults.check(new Txn(compares, ranges(128), ranges(128))));
  }

  @Test
  void aNestedTxnGetsWhatItsParentLeft() {
    // etcd 3.4: 99 ranges and a nested txn of 28 pass, of 29 fail.
    List<RequestOp> ok = ranges(99);
    ok.add(new Txn(List.of(), ranges(28), List.of()));
    assertEquals(Optional.empty(), etcdDefaults.check(new Txn(List.of(), ok, List.of())));
    List<RequestOp> tooMany = ranges(99);
    tooMany.add(new Txn(List.of(), ranges(29), List.of()));
    assertEquals(Optional.of(KvError.TOO_MANY_OPS), etcdDefaults.check(new Txn(List.of(), tooMany, List.of())));
  }

  @Test
  void theOpLimitIsConfigurable() {
    var small = new KvValidator(new KvLimits(1 << 20, 1 << 10, 1 << 16, 2, 1));
    assertEquals(Optional.of(KvError.TOO_MANY_OPS), small.check(new Txn(List.of(), ranges(3), List.of())));
    assertEquals(Optional.empty(), small.check(new Txn(List.of(), ranges(2), List.of())));
  }

  @Test
  void tooManyOpsIsFoundBeforeEmptyKeysAndDuplicates() {
    List<RequestOp> ops = ranges(129);
    ops.set(0, Put.of(Bytes.EMPTY, b("x")));
    assertEquals(Optional.of(KvError.TOO_MANY_OPS), etcdDefaults.check(new Txn(List.of(), ops, List.of())));
    var dup = new Txn(List.of(), List.of(Put.of(b("a"), b("1")), Put.of(b("a"), b("1")), Put.of(Bytes.EMPTY, b("x"))),
        List.of());
    assertEquals(Optional.of(KvError.EMPTY_KEY), etcdDefaults.check(dup), "request checks before the interval check");
  }

  @Test
  void putChecksInEtcdsOrder() {
    assertEquals(Optional.of(KvError.EMPTY_KEY), etcdDefaults.check(new Put(Bytes.EMPTY, b("v"), 5, false, true, true)));
    assertEquals(Optional.of(KvError.VALUE_PROVIDED), etcdDefaults.check(new Put(b("k"), b("v"), 5, false, true, true)));
    assertEquals(Optional.of(KvError.LEASE_PROVIDED), etcdDefaults.check(new Put(b("k"), Bytes.EMPTY, 5, false, true, true)));
    assertEquals(Optional.empty(), etcdDefaults.check(new Put(b("k"), Bytes.EMPTY, 0, false, true, true)));
  }

  @Test
  void sizesAreLimited() {
    var limits = new KvValidator(new KvLimits(1000, 10, 100, 128, 2));
    assertEquals(Optional.empty(), limits.check(Put.of(Bytes.of(new byte[10]), Bytes.of(new byte[100]))));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE), limits.check(Put.of(Bytes.of(new byte[11]), b("v"))));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE), limits.check(Put.of(b("k"), Bytes.of(new byte[101]))));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE),
        limits.check(new DeleteRange(b("k"), Bytes.of(new byte[11]), false)));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE),
        limits.check(new Txn(List.of(), List.of(Put.of(b("k"), Bytes.of(new byte[101]))), List.of())));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE),
        limits.check(new Txn(List.of(Compare.value(b("k"), Compare.Result.EQUAL, Bytes.of(new byte[101]))),
            List.of(), List.of())));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE), limits.check(RangeRequest.of(Bytes.of(new byte[11]))));
    List<RequestOp> puts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      puts.add(Put.of(b("k" + i), Bytes.of(new byte[90])));
    }
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE), limits.check(new Txn(List.of(), puts, List.of())),
        "each part fits, the whole request does not");
  }

  @Test
  void theDefaultRequestLimitIsEtcds() {
    assertEquals(1_572_864, KvLimits.DEFAULT.maxRequestBytes());
    assertEquals(128, KvLimits.DEFAULT.maxTxnOps());
    assertEquals(Optional.empty(), etcdDefaults.check(Put.of(b("k"), Bytes.of(new byte[1_572_000]))));
    assertEquals(Optional.of(KvError.REQUEST_TOO_LARGE), etcdDefaults.check(Put.of(b("k"), Bytes.of(new byte[1_572_865]))));
  }

  @Test
  void leaseTtlsAreCheckedAndNormalized() {
    assertEquals(Optional.of(KvError.LEASE_TTL_TOO_LARGE),
        etcdDefaults.check(new KvCommand.LeaseGrant(0, KvLimits.MAX_LEASE_TTL + 1, 0)));
    assertEquals(Optional.empty(), etcdDefaults.check(new KvCommand.LeaseGrant(0, KvLimits.MAX_LEASE_TTL, 0)));
    var custom = new KvValidator(new KvLimits(1 << 20, 1 << 10, 1 << 16, 128, 5));
    assertEquals(new KvCommand.LeaseGrant(1, 5, 0), custom.normalize(new KvCommand.LeaseGrant(1, 3, 0)));
    assertEquals(Put.of(b("k"), b("v")), custom.normalize(Put.of(b("k"), b("v"))));
  }

  @Test
  void emptyRangeKeyIsRefused() {
    assertEquals(Optional.of(KvError.EMPTY_KEY), etcdDefaults.check(RangeRequest.of(Bytes.EMPTY)));
    assertEquals(Optional.empty(), etcdDefaults.check(RangeRequest.of(KeyRange.all())));
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new KvLimits(0, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new KvLimits(1, 1, 1, 0, 1));
  }
}
