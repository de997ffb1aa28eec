package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;
import static raftkv.persistence.kv.KvHarness.keys;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import raftkv.persistence.kv.RangeRequest.SortOrder;
import raftkv.persistence.kv.RangeRequest.SortTarget;

/**
 * Every range option. The data set and the expected answers repeat a session against etcd 3.4.23
 * (puts k1=c, k2=b, k3=a, k2=bb, k4=a; there at revisions 6..10, here at 2..6).
 */
class RangeTest {
  private final KvHarness kv = new KvHarness();
  private final RangeRequest ks = RangeRequest.of(new KeyRange(b("k"), b("l")));

  @BeforeEach
  void load() {
    kv.put("k1", "c");   // 2
    kv.put("k2", "b");   // 3
    kv.put("k3", "a");   // 4
    kv.put("k2", "bb");  // 5
    kv.put("k4", "a");   // 6
    kv.put("q", "other"); // 7
  }

  @Test
  void singleKeyRangeAndPrefix() {
    assertEquals(List.of("k2"), keys(kv.get("k2")));
    assertEquals(new KeyValue(b("k2"), 3, 5, 2, b("bb"), 0), kv.kv("k2"));
    assertTrue(kv.get("k").kvs().isEmpty(), "no range_end: the single key");
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(ks)));
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(RangeRequest.of(KeyRange.prefix(b("k"))))));
  }

  @Test
  void zeroRangeEndMeansEveryKeyFromTheStart() {
    var fromK3 = kv.range(RangeRequest.of(new KeyRange(b("k3"), Bytes.ZERO)));
    assertEquals(List.of("k3", "k4", "q"), keys(fromK3));
    assertEquals(3, fromK3.count());
    assertEquals(List.of("k1", "k2", "k3", "k4", "q"), keys(kv.range(RangeRequest.of(KeyRange.all()))));
  }

  @Test
  void rangeEndAtOrBelowTheKeyIsEmptyNotAnError() {
    var result = kv.range(RangeRequest.of(new KeyRange(b("k3"), b("k1"))));
    assertTrue(result.kvs().isEmpty());
    assertEquals(0, result.count());
    assertTrue(kv.range(RangeRequest.of(new KeyRange(b("k3"), b("k3")))).kvs().isEmpty());
  }

  @Test
  void limitSetsMoreAndCountIsTheTotal() {
    var limited = kv.range(ks.withLimit(2));
    assertEquals(List.of("k1", "k2"), keys(limited));
    assertTrue(limited.more());
    assertEquals(4, limited.count());

    var exact = kv.range(ks.withLimit(4));
    assertFalse(exact.more());
    assertEquals(4, exact.count());

    var negative = kv.range(ks.withLimit(-1));
    assertEquals(4, negative.kvs().size(), "a negative limit is no limit");
    assertFalse(negative.more());
  }

  @Test
  void filtersApplyAfterCountingAndBeforeLimit() {
    // etcd: min_mod_revision 8 (here 4), limit 1 -> [k2], more, count 4 (not 3).
    var one = kv.range(ks.withModRevisions(4, 0).withLimit(1));
    assertEquals(List.of("k2"), keys(one));
    assertTrue(one.more());
    assertEquals(4, one.count());
    var two = kv.range(ks.withModRevisions(4, 0).withLimit(2));
    assertEquals(List.of("k2", "k3"), keys(two));
    assertTrue(two.more());
    var three = kv.range(ks.withModRevisions(4, 0).withLimit(3));
    assertFalse(three.more());

    assertEquals(List.of("k1", "k3"), keys(kv.range(ks.withModRevisions(0, 4))));
    assertEquals(List.of("k3", "k4"), keys(kv.range(ks.withCreateRevisions(4, 0))));
    assertEquals(List.of("k1", "k2"), keys(kv.range(ks.withCreateRevisions(0, 3))));
    assertEquals(List.of("k2", "k3"), keys(kv.range(ks.withCreateRevisions(3, 4).withModRevisions(4, 5))));
    assertEquals(4, kv.range(ks.withCreateRevisions(3, 4)).count());
  }

  @Test
  void countOnlyReturnsNoKeysAndNoMore() {
    var result = kv.range(ks.withCountOnly(true).withLimit(1));
    assertTrue(result.kvs().isEmpty());
    assertFalse(result.more());
    assertEquals(4, result.count());
  }

  @Test
  void keysOnlyDropsValues() {
    var result = kv.range(ks.withKeysOnly(true));
    assertTrue(result.kvs().stream().allMatch(k -> k.value().isEmpty()));
    assertEquals(new KeyValue(b("k2"), 3, 5, 2, Bytes.EMPTY, 0), result.kvs().get(1));
  }

  @Test
  void sortByKeyWithOrderNoneIsAscending() {
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(ks.withSort(SortTarget.KEY, SortOrder.NONE))));
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(ks.withSort(SortTarget.KEY, SortOrder.ASCEND))));
    var descending = kv.range(ks.withSort(SortTarget.KEY, SortOrder.DESCEND).withLimit(2));
    assertEquals(List.of("k4", "k3"), keys(descending));
    assertTrue(descending.more());
  }

  @Test
  void otherTargetsWithOrderNoneSortAscending() {
    assertEquals(List.of("k1", "k3", "k4", "k2"), keys(kv.range(ks.withSort(SortTarget.VERSION, SortOrder.NONE))));
    assertEquals(List.of("k1", "k3", "k2", "k4"), keys(kv.range(ks.withSort(SortTarget.MOD, SortOrder.NONE))));
    assertEquals(List.of("k3", "k4", "k2", "k1"), keys(kv.range(ks.withSort(SortTarget.VALUE, SortOrder.NONE))));
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(ks.withSort(SortTarget.CREATE, SortOrder.ASCEND))));
  }

  @Test
  void descendingKeepsTiesInKeyOrderAsEtcdDid() {
    assertEquals(List.of("k2", "k1", "k3", "k4"), keys(kv.range(ks.withSort(SortTarget.VERSION, SortOrder.DESCEND))));
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(ks.withSort(SortTarget.VALUE, SortOrder.DESCEND))));
    assertEquals(List.of("k4", "k3", "k2", "k1"), keys(kv.range(ks.withSort(SortTarget.CREATE, SortOrder.DESCEND))));
    assertEquals(List.of("k4", "k2", "k3", "k1"), keys(kv.range(ks.withSort(SortTarget.MOD, SortOrder.DESCEND))));
  }

  @Test
  void sortHappensBeforeLimit() {
    var top = kv.range(ks.withSort(SortTarget.MOD, SortOrder.DESCEND).withLimit(1));
    assertEquals(List.of("k4"), keys(top));
    assertTrue(top.more());
  }

  @Test
  void pastRevisionsSeeThePastAndTheHeaderTheCurrentRevision() {
    var atThree = kv.range(ks.withRevision(3));
    assertEquals(List.of("k1", "k2"), keys(atThree));
    assertEquals(b("b"), atThree.kvs().get(1).value());
    assertEquals(7, atThree.revision(), "the header carries the store revision, not the one read");
    assertTrue(kv.range(ks.withRevision(1)).kvs().isEmpty());
    assertEquals(4, kv.range(ks.withRevision(-5)).count(), "0 or negative: the current revision");
  }

  @Test
  void futureRevisionFails() {
    assertEquals(new KvResult.Failed(KvError.FUTURE_REVISION), kv.store.range(ks.withRevision(8)));
    assertEquals(4, kv.range(ks.withRevision(7)).count());
  }

  @Test
  void emptyKeyFails() {
    assertEquals(new KvResult.Failed(KvError.EMPTY_KEY), kv.store.range(RangeRequest.of(Bytes.EMPTY)));
  }

  @Test
  void keysSortAsUnsignedBytes() {
    kv.put(KvCommand.Put.of(Bytes.of(new byte[] {'k', (byte) 0x80}), b("high")));
    assertEquals(List.of("k1", "k2", "k3", "k4"), keys(kv.range(ks)).subList(0, 4));
    assertEquals(5, kv.range(ks).count());
    assertEquals(0x80, kv.range(ks).kvs().get(4).key().byteAt(1) & 0xff);
  }
}
