package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import raftkv.persistence.LogEntry;

/**
 * Members that apply the same log agree byte for byte, and a snapshot carries the whole state:
 * restored, it hashes and answers the same, and goes on the same.
 */
class SnapshotDeterminismTest {
  private static final int SEEDS = 40;
  private static final int ENTRIES = 600;

  private static void applyAll(KvStore store, List<LogEntry> entries) {
    for (LogEntry entry : entries) {
      store.apply(entry);
    }
  }

  /** Everything a client could ask: ranges at every readable revision, replays, leases. */
  private static void assertSameAnswers(KvStore expected, KvStore actual) {
    assertEquals(expected.revision(), actual.revision());
    assertEquals(expected.compactRevision(), actual.compactRevision());
    assertEquals(expected.appliedIndex(), actual.appliedIndex());
    for (long rev = Math.max(1, expected.compactRevision()); rev <= expected.revision(); rev++) {
      RangeRequest all = RangeRequest.of(KeyRange.all()).withRevision(rev);
      assertEquals(expected.range(all), actual.range(all), "range at " + rev);
    }
    for (long from = expected.compactRevision() - 1; from <= expected.revision() + 1; from++) {
      assertEquals(expected.replay(from, KeyRange.all()), actual.replay(from, KeyRange.all()), "replay from " + from);
    }
    assertEquals(expected.leases(), actual.leases());
    assertEquals(expected.expiredLeases(Long.MAX_VALUE), actual.expiredLeases(Long.MAX_VALUE));
  }

  @Test
  void twoMembersApplyingTheSameLogAgreeAtEveryStep() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<LogEntry> log = new KvWorkload(seed).entries(ENTRIES);
      var one = new KvStore();
      var two = new KvStore();
      for (LogEntry entry : log) {
        byte[] a = one.apply(entry);
        byte[] b = two.apply(entry);
        assertArrayEquals(a, b, "seed " + seed + " entry " + entry);
      }
      assertEquals(one.hash(), two.hash(), "seed " + seed);
      assertSameAnswers(one, two);
    }
  }

  @Test
  void theWorkloadReallyExercisesTheStore() {
    var store = new KvStore();
    Set<Class<?>> seen = new HashSet<>();
    int failures = 0;
    for (LogEntry entry : new KvWorkload(7).entries(2_000)) {
      byte[] result = store.apply(entry);
      if (result != null) {
        KvResult decoded = KvResultCodec.decode(result);
        seen.add(decoded.getClass());
        failures += decoded instanceof KvResult.Failed ? 1 : 0;
      }
    }
    // Every result a log entry can give (a range is a read, never an entry of its own).
    assertEquals(10, seen.size(), "every kind of result: " + seen);
    assertTrue(failures > 50 && failures < 1_000, "some failures, not mostly: " + failures);
    assertTrue(store.compactRevision() > 100, "compacted as it went: " + store.compactRevision());
    assertTrue(store.revision() > 500, "revision " + store.revision());
  }

  @Test
  void aRestoredSnapshotHashesAnswersAndContinuesTheSame() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<LogEntry> log = new KvWorkload(seed).entries(ENTRIES);
      int cut = ENTRIES / 3 + (int) (seed * 7 % (ENTRIES / 3));
      var original = new KvStore();
      applyAll(original, log.subList(0, cut));

      byte[] image = original.snapshot();
      var restored = new KvStore();
      restored.apply(1, KvCommand.Put.of(b("junk"), b("x"))); // a restore replaces whatever was there
      restored.restore(image);
      assertEquals(original.hash(), restored.hash(), "seed " + seed);
      assertArrayEquals(image, restored.snapshot(), "seed " + seed);
      assertSameAnswers(original, restored);

      for (LogEntry entry : log.subList(cut, log.size())) {
        assertArrayEquals(original.apply(entry), restored.apply(entry), "seed " + seed + " " + entry);
      }
      assertEquals(original.hash(), restored.hash(), "seed " + seed);
      assertSameAnswers(original, restored);
    }
  }

  @Test
  void theHashSeesEveryPartOfTheState() {
    var base = new KvHarness();
    base.put("a", "1");
    var otherValue = new KvHarness();
    otherValue.put("a", "2");
    assertNotEquals(base.store.hash(), otherValue.store.hash());

    var withLease = new KvHarness();
    withLease.leaseGrant(5, 10, 0);
    var withOtherDeadline = new KvHarness();
    withOtherDeadline.leaseGrant(5, 10, 1);
    assertNotEquals(withLease.store.hash(), withOtherDeadline.store.hash());

    var history = new KvHarness();
    history.put("a", "0");
    history.put("a", "1");
    var compacted = new KvHarness();
    compacted.put("a", "0");
    compacted.put("a", "1");
    compacted.apply(new KvCommand.Compact(3));
    assertNotEquals(history.store.hash(), compacted.store.hash(), "compaction changes the state");
  }

  @Test
  void snapshotKeepsLeaseAttachmentsAndCompactedHistory() {
    var kv = new KvHarness();
    long lease = kv.leaseGrant(100, 60, 5);
    kv.put(KvCommand.Put.of(b("l1"), b("x")).withLease(lease));
    kv.put(KvCommand.Put.of(b("l2"), b("x")).withLease(lease));
    kv.put("l2", "detached");
    kv.put("a", "1");
    kv.delete("a");
    kv.apply(new KvCommand.Compact(5));
    var restored = new KvStore();
    restored.restore(kv.store.snapshot());
    assertEquals(List.of(b("l1")), restored.lease(lease).orElseThrow().keys());
    assertEquals(kv.store.range(RangeRequest.of(KeyRange.all()).withRevision(5)),
        restored.range(RangeRequest.of(KeyRange.all()).withRevision(5)));
    assertEquals(new KvResult.Failed(KvError.COMPACTED), restored.range(RangeRequest.of(b("a")).withRevision(4)));
    var replay = assertInstanceOf(KvReplay.Events.class, restored.replay(5, KeyRange.all()));
    assertEquals(kv.store.replay(5, KeyRange.all()), replay);
    // The revoke after restore deletes exactly the attached key, as it would have before.
    restored.apply(100, new KvCommand.LeaseRevoke(lease));
    assertEquals(List.of("l2"),
        KvHarness.keys((KvResult.RangeResult) restored.range(RangeRequest.of(KeyRange.all()))));
  }

  @Test
  void aBadImageIsRefused() {
    var store = new KvStore();
    assertThrows(IllegalArgumentException.class, () -> store.restore(new byte[] {9}));
    byte[] image = new KvHarness().store.snapshot();
    assertThrows(IllegalArgumentException.class, () -> store.restore(java.util.Arrays.copyOf(image, image.length - 1)));
  }
}
