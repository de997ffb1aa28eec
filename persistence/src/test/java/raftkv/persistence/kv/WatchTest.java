package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import raftkv.persistence.kv.KvCommand.DeleteRange;
import raftkv.persistence.kv.KvCommand.Put;
import raftkv.persistence.kv.KvCommand.Txn;
import raftkv.persistence.kv.KvEvent.Type;

/** The events the store emits as it applies, and replays from the past. */
class WatchTest {
  private final KvHarness kv = new KvHarness();

  /** Records what a listener hears. */
  private static final class Recorder implements KvWatchListener {
    final List<Long> revisions = new ArrayList<>();
    final List<KvEvent> events = new ArrayList<>();
    final List<Long> compactions = new ArrayList<>();
    final List<Long> restores = new ArrayList<>();

    @Override
    public void onRevision(long revision, List<KvEvent> revisionEvents) {
      revisions.add(revision);
      events.addAll(revisionEvents);
    }

    @Override
    public void onCompacted(long compactRevision) {
      compactions.add(compactRevision);
    }

    @Override
    public void onRestored(long revision) {
      restores.add(revision);
    }
  }

  private final Recorder recorder = new Recorder();

  @Test
  void putsAndDeletesWithPrevKvAsEtcdSendsThem() {
    kv.store.addListener(recorder);
    kv.put("a", "1");
    kv.put("a", "2");
    kv.delete("a");
    assertEquals(List.of(2L, 3L, 4L), recorder.revisions);
    KeyValue first = new KeyValue(b("a"), 2, 2, 1, b("1"), 0);
    KeyValue second = new KeyValue(b("a"), 2, 3, 2, b("2"), 0);
    assertEquals(List.of(
        new KvEvent(Type.PUT, first, Optional.empty()),
        new KvEvent(Type.PUT, second, Optional.of(first)),
        // etcd's DELETE kv: the key and mod_revision only.
        new KvEvent(Type.DELETE, new KeyValue(b("a"), 0, 4, 0, Bytes.EMPTY, 0), Optional.of(second))),
        recorder.events);
  }

  @Test
  void aTxnIsOneRevisionWithEventsInOperationOrder() {
    kv.put("a", "1");
    kv.store.addListener(recorder);
    kv.txn(List.of(), List.of(Put.of(b("z"), b("1")), DeleteRange.of(b("a")), Put.of(b("m"), b("1"))), List.of());
    assertEquals(List.of(3L), recorder.revisions);
    assertEquals(List.of("z", "a", "m"), recorder.events.stream().map(e -> e.kv().key().toStringUtf8()).toList());
    assertEquals(List.of(Type.PUT, Type.DELETE, Type.PUT), recorder.events.stream().map(KvEvent::type).toList());
  }

  @Test
  void requestsThatChangeNothingEmitNothing() {
    kv.store.addListener(recorder);
    kv.delete("nothing");
    kv.txn(List.of(), List.of(RangeRequest.of(b("a"))), List.of());
    kv.leaseGrant(5, 10, 0);
    kv.apply(new KvCommand.LeaseRevoke(5));
    kv.fails(Put.of(b("a"), b("1")).withLease(5));
    assertTrue(recorder.revisions.isEmpty());
  }

  @Test
  void deleteAndRecreateInOneRevision() {
    kv.put("b", "old"); // 2
    kv.store.addListener(recorder);
    kv.txn(List.of(), List.of(DeleteRange.of(new KeyRange(b("a"), Bytes.ZERO)), Put.of(b("b"), b("new"))), List.of());
    KeyValue old = new KeyValue(b("b"), 2, 2, 1, b("old"), 0);
    assertEquals(List.of(
        new KvEvent(Type.DELETE, new KeyValue(b("b"), 0, 3, 0, Bytes.EMPTY, 0), Optional.of(old)),
        new KvEvent(Type.PUT, new KeyValue(b("b"), 3, 3, 1, b("new"), 0), Optional.empty())),
        recorder.events, "as etcd's watch showed: DELETE then a create without prev_kv");
    assertEquals(recorder.events,
        assertInstanceOf(KvReplay.Events.class, kv.store.replay(3, KeyRange.single(b("b")))).events());
  }

  @Test
  void replayGivesTheSameEventsAsTheListenerFilteredByRange() {
    kv.store.addListener(recorder);
    kv.put("a", "1");
    kv.put("b", "1");
    kv.put("a", "2");
    kv.txn(List.of(), List.of(Put.of(b("c"), b("1")), Put.of(b("b"), b("2"))), List.of());
    kv.delete("a");
    var all = assertInstanceOf(KvReplay.Events.class, kv.store.replay(1, KeyRange.all()));
    assertEquals(recorder.events, all.events());
    assertEquals(6, all.currentRevision());

    var fromFour = assertInstanceOf(KvReplay.Events.class, kv.store.replay(4, KeyRange.all()));
    assertEquals(recorder.events.subList(2, recorder.events.size()), fromFour.events());

    var onlyA = assertInstanceOf(KvReplay.Events.class, kv.store.replay(1, KeyRange.single(b("a"))));
    assertEquals(List.of(2L, 4L, 6L), onlyA.events().stream().map(KvEvent::revision).toList());

    var bToC = assertInstanceOf(KvReplay.Events.class, kv.store.replay(3, new KeyRange(b("b"), b("d"))));
    assertEquals(List.of("b", "c", "b"), bToC.events().stream().map(e -> e.kv().key().toStringUtf8()).toList());

    assertTrue(assertInstanceOf(KvReplay.Events.class, kv.store.replay(7, KeyRange.all())).events().isEmpty());
  }

  @Test
  void leaseRevokeEventsCarryTheLeasedVersion() {
    long lease = kv.leaseGrant(100, 60, 0);
    kv.put(Put.of(b("l"), b("x")).withLease(lease));
    kv.store.addListener(recorder);
    kv.apply(new KvCommand.LeaseRevoke(lease));
    assertEquals(100, recorder.events.get(0).prevKv().orElseThrow().lease());
  }

  @Test
  void listenersHearCompactionsAndRestores() {
    kv.put("a", "1");
    byte[] image = kv.store.snapshot();
    kv.store.addListener(recorder);
    kv.apply(new KvCommand.Compact(2));
    kv.apply(new KvCommand.Compact(2)); // fails: nothing to hear
    assertEquals(List.of(2L), recorder.compactions);
    kv.store.restore(image);
    assertEquals(List.of(2L), recorder.restores);
  }

  @Test
  void aListenerMayReadTheStoreAndRemoveItself() {
    var seen = new ArrayList<Long>();
    kv.store.addListener(new KvWatchListener() {
      @Override
      public void onRevision(long revision, List<KvEvent> events) {
        seen.add(kv.store.revision());
        seen.add(kv.get("a").kvs().get(0).modRevision());
        kv.store.removeListener(this);
      }
    });
    kv.put("a", "1");
    kv.put("a", "2");
    assertEquals(List.of(2L, 2L), seen);
  }

  @Test
  void replayAtTheCompactionRevisionIsAllowedBelowItNot() {
    kv.put("a", "1");
    kv.put("a", "2");
    kv.apply(new KvCommand.Compact(3));
    assertEquals(new KvReplay.Compacted(3), kv.store.replay(2, KeyRange.all()));
    var events = assertInstanceOf(KvReplay.Events.class, kv.store.replay(3, KeyRange.all())).events();
    assertEquals(1, events.size());
    assertEquals(Optional.empty(), events.get(0).prevKv(), "etcd cannot read revision 2 for it either");
    kv.put("a", "3");
    var after = assertInstanceOf(KvReplay.Events.class, kv.store.replay(4, KeyRange.all())).events();
    assertEquals(b("2"), after.get(0).prevKv().orElseThrow().value(), "above the compaction it can");
  }

  @Test
  void nestedTxnWritesAreInTheirParentsRevision() {
    kv.store.addListener(recorder);
    kv.txn(List.of(), List.of(Put.of(b("a"), b("1")),
        new Txn(List.of(), List.of(Put.of(b("b"), b("1"))), List.of())), List.of());
    assertEquals(List.of(2L), recorder.revisions);
    assertEquals(2, recorder.events.size());
  }
}
