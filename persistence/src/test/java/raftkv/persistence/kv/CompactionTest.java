package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;
import static raftkv.persistence.kv.KvHarness.keys;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Compaction: errors as etcd 3.4.23 gave them, and what history survives. */
class CompactionTest {
  private final KvHarness kv = new KvHarness();

  private KvResult compact(long revision) {
    return kv.apply(new KvCommand.Compact(revision));
  }

  @Test
  void compactingAtZeroSucceedsOnceAsInEtcd() {
    assertEquals(new KvResult.CompactResult(1), compact(0));
    assertEquals(0, kv.store.compactRevision());
    assertEquals(new KvResult.Failed(KvError.COMPACTED), compact(0));
  }

  @Test
  void compactionErrors() {
    kv.put("a", "1");
    kv.put("a", "2"); // 3
    assertEquals(new KvResult.Failed(KvError.COMPACTED), compact(-3));
    assertEquals(new KvResult.Failed(KvError.FUTURE_REVISION), compact(4));
    assertEquals(new KvResult.CompactResult(3), compact(3), "compacting at the current revision is fine");
    assertEquals(new KvResult.Failed(KvError.COMPACTED), compact(3));
    assertEquals(new KvResult.Failed(KvError.COMPACTED), compact(2));
    assertEquals(3, kv.store.revision(), "compaction is no revision");
  }

  @Test
  void readsBelowTheCompactionFailAndAtItSucceed() {
    kv.put("a", "1"); // 2
    kv.put("a", "2"); // 3
    kv.put("b", "1"); // 4
    kv.put("a", "3"); // 5
    compact(4);
    assertEquals(new KvResult.Failed(KvError.COMPACTED), kv.store.range(RangeRequest.of(b("a")).withRevision(3)));
    var atFour = kv.range(RangeRequest.of(KeyRange.all()).withRevision(4));
    assertEquals(List.of("a", "b"), keys(atFour));
    assertEquals(b("2"), atFour.kvs().get(0).value(), "the latest version at or below the compaction stays");
    assertEquals(b("3"), kv.kv("a").value());
    assertEquals(3, kv.kv("a").version(), "versions count on across compactions");
  }

  @Test
  void keysDeletedBelowTheCompactionAreGone() {
    kv.put("a", "1"); // 2
    kv.delete("a");   // 3
    kv.put("b", "1"); // 4
    compact(4);
    assertTrue(kv.range(RangeRequest.of(b("a")).withRevision(4)).kvs().isEmpty());
    kv.put("a", "again");
    assertEquals(1, kv.kv("a").version());
    assertEquals(5, kv.kv("a").createRevision());
  }

  @Test
  void repeatedCompactionsKeepTheLatestVersionOfUntouchedKeys() {
    kv.put("stable", "1"); // 2
    kv.put("x", "1");      // 3
    compact(3);
    kv.put("x", "2");      // 4
    kv.put("x", "3");      // 5
    compact(5);
    assertEquals(b("1"), kv.range(RangeRequest.of(b("stable")).withRevision(5)).kvs().get(0).value());
    assertEquals(b("3"), kv.range(RangeRequest.of(b("x")).withRevision(5)).kvs().get(0).value());
    assertEquals(new KvResult.Failed(KvError.COMPACTED), kv.store.range(RangeRequest.of(b("x")).withRevision(4)));
  }

  @Test
  void compactionDoesNotChangeAnyAnswerAtOrAboveIt() {
    for (int i = 0; i < 20; i++) {
      kv.put("k" + (i % 4), "v" + i);
      if (i % 5 == 0) {
        kv.delete("k" + ((i + 1) % 4));
      }
    }
    long current = kv.store.revision();
    var before = new java.util.ArrayList<KvResult>();
    for (long rev = 12; rev <= current; rev++) {
      before.add(kv.store.range(RangeRequest.of(KeyRange.all()).withRevision(rev)));
    }
    compact(12);
    for (long rev = 12; rev <= current; rev++) {
      assertEquals(before.get((int) (rev - 12)), kv.store.range(RangeRequest.of(KeyRange.all()).withRevision(rev)),
          "at " + rev);
    }
  }

  @Test
  void replayFromBelowTheCompactionSaysSo() {
    kv.put("a", "1"); // 2
    kv.put("a", "2"); // 3
    kv.delete("a");   // 4
    compact(4);
    assertEquals(new KvReplay.Compacted(4), kv.store.replay(3, KeyRange.all()));
    var atCompaction = assertInstanceOf(KvReplay.Events.class, kv.store.replay(4, KeyRange.all()));
    // etcd 3.4 (put wx, delete wx at R, compact R, watch from R with prev_kv): the DELETE, no prev_kv.
    assertEquals(1, atCompaction.events().size(), "the delete at the compaction revision is still there");
    KvEvent delete = atCompaction.events().get(0);
    assertEquals(KvEvent.Type.DELETE, delete.type());
    assertEquals(java.util.Optional.empty(), delete.prevKv(), "the revision before is compacted");
  }
}
