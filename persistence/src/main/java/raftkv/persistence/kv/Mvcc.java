package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The multi-version key space: every key's history, and the changes of every revision since the
 * compaction revision (the order within a revision is the order of the request's operations,
 * which watch events must keep). Both hold the same {@link KeyValue} objects.
 *
 * <p>Invariant: a key's history is at most one live version below the compaction revision,
 * followed by exactly the changes of that key in {@code changes}. The snapshot relies on it.
 */
final class Mvcc {
  /** etcd's first revision: an empty store is at 1, its first change makes 2. */
  static final long FIRST_REVISION = 1;
  /** etcd's {@code compactMainRev} before any compaction: -1, so that compacting at 0 succeeds once. */
  static final long NEVER_COMPACTED = -1;

  private final TreeMap<Bytes, KeyHistory> keys = new TreeMap<>();
  private final TreeMap<Long, List<KeyValue>> changes = new TreeMap<>();
  private long revision = FIRST_REVISION;
  private long compactRevision = NEVER_COMPACTED;

  long revision() {
    return revision;
  }

  long compactRevision() {
    return compactRevision;
  }

  /** Whether a read at {@code rev} (already resolved: positive) can be served. */
  Optional<KvError> checkReadable(long rev, long current) {
    if (rev > current) {
      return Optional.of(KvError.FUTURE_REVISION);
    }
    if (rev < compactRevision) {
      return Optional.of(KvError.COMPACTED);
    }
    return Optional.empty();
  }

  KeyValue get(Bytes key, long rev) {
    KeyHistory history = keys.get(key);
    return history == null ? null : history.at(rev);
  }

  /** The live versions at {@code rev} of the keys in {@code range}, in key order. */
  List<KeyValue> range(KeyRange range, long rev) {
    if (range.isSingleKey()) {
      KeyValue kv = get(range.key(), rev);
      return kv == null ? List.of() : List.of(kv);
    }
    var out = new ArrayList<KeyValue>();
    for (KeyHistory history : histories(range).values()) {
      KeyValue kv = history.at(rev);
      if (kv != null) {
        out.add(kv);
      }
    }
    return out;
  }

  private NavigableMap<Bytes, KeyHistory> histories(KeyRange range) {
    if (range.isFromKey()) {
      return keys.tailMap(range.key(), true);
    }
    if (range.rangeEnd().compareTo(range.key()) <= 0) {
      return Collections.emptyNavigableMap();
    }
    return keys.subMap(range.key(), true, range.rangeEnd(), false);
  }

  /** Starts the next revision; nothing becomes visible at the current revision until commit. */
  Write write() {
    return new Write();
  }

  /**
   * The revision in the making. Versions are added to the histories at once (a later operation of
   * the same txn reads them, as in etcd), but the store revision moves only on {@link #commit}.
   * Every check that can fail happens before a write starts, so there is nothing to roll back.
   */
  final class Write {
    private final long rev = revision + 1;
    private final List<KeyValue> made = new ArrayList<>();

    long revision() {
      return rev;
    }

    /** What a read inside the txn sees: the new revision once the txn changed something. */
    long readRevision() {
      return made.isEmpty() ? revision : rev;
    }

    boolean changed() {
      return !made.isEmpty();
    }

    KeyValue put(Bytes key, Bytes value, long lease) {
      KeyValue previous = get(key, rev);
      long created = previous == null ? rev : previous.createRevision();
      long version = previous == null ? 1 : previous.version() + 1;
      return record(new KeyValue(key, created, rev, version, value, lease));
    }

    /** Deletes a live key; returns its tombstone. */
    KeyValue delete(Bytes key) {
      return record(KeyValue.tombstone(key, rev));
    }

    private KeyValue record(KeyValue change) {
      keys.computeIfAbsent(change.key(), k -> new KeyHistory()).add(change);
      made.add(change);
      return change;
    }

    /** Makes the revision current if anything changed (etcd: a request that changed nothing keeps it). */
    List<KeyValue> commit() {
      if (made.isEmpty()) {
        return List.of();
      }
      List<KeyValue> done = Collections.unmodifiableList(made);
      changes.put(rev, done);
      revision = rev;
      return done;
    }
  }

  /** Events for changes, in their order; prev_kv is the version each change replaced. */
  List<KvEvent> events(List<KeyValue> revisionChanges) {
    var out = new ArrayList<KvEvent>(revisionChanges.size());
    for (KeyValue change : revisionChanges) {
      out.add(event(change));
    }
    return Collections.unmodifiableList(out);
  }

  private KvEvent event(KeyValue change) {
    // etcd reads a watch event's prev_kv at the revision before it; for an event at the
    // compaction revision that read is compacted, and etcd 3.4 sends the event without prev_kv.
    KeyValue previous = change.modRevision() > compactRevision ? keys.get(change.key()).before(change) : null;
    var type = change.isTombstone() ? KvEvent.Type.DELETE : KvEvent.Type.PUT;
    return new KvEvent(type, change, Optional.ofNullable(previous));
  }

  /** The events of revisions {@code from} and later on keys in {@code range}. */
  KvReplay replay(long from, KeyRange range) {
    if (from < compactRevision) {
      return new KvReplay.Compacted(compactRevision);
    }
    var out = new ArrayList<KvEvent>();
    for (List<KeyValue> revisionChanges : changes.tailMap(from, true).values()) {
      for (KeyValue change : revisionChanges) {
        if (range.contains(change.key())) {
          out.add(event(change));
        }
      }
    }
    return new KvReplay.Events(out, revision);
  }

  /** Drops history below {@code rev}; the caller checked {@code compactRevision < rev <= revision}. */
  void compact(long rev) {
    NavigableMap<Long, List<KeyValue>> dropped = changes.headMap(rev, false);
    Set<Bytes> touched = new HashSet<>();
    for (List<KeyValue> revisionChanges : dropped.values()) {
      for (KeyValue change : revisionChanges) {
        touched.add(change.key());
      }
    }
    // Keys not touched below rev keep what they have: at most one live version from an earlier
    // compaction, still their latest below rev.
    for (Bytes key : touched) {
      KeyHistory history = keys.get(key);
      history.compact(rev);
      if (history.isEmpty()) {
        keys.remove(key);
      }
    }
    dropped.clear();
    compactRevision = rev;
  }

  // ---- snapshot support: the invariant above makes these two parts the whole state ----

  /** Every key's versions below the compaction revision (at most one each, live), in key order. */
  List<KeyValue> compactedBase() {
    var out = new ArrayList<KeyValue>();
    for (KeyHistory history : keys.values()) {
      for (KeyValue kv : history.versions()) {
        if (kv.modRevision() >= compactRevision) {
          break;
        }
        out.add(kv);
      }
    }
    return out;
  }

  /** The retained changes by revision, in revision order. */
  NavigableMap<Long, List<KeyValue>> changes() {
    return Collections.unmodifiableNavigableMap(changes);
  }

  /** The live versions at the current revision, for rebuilding lease attachments. */
  Iterable<KeyValue> latestLive() {
    var out = new ArrayList<KeyValue>();
    for (KeyHistory history : keys.values()) {
      KeyValue kv = history.at(revision);
      if (kv != null) {
        out.add(kv);
      }
    }
    return out;
  }

  static Mvcc restore(long revision, long compactRevision, List<KeyValue> base, Map<Long, List<KeyValue>> changes) {
    var mvcc = new Mvcc();
    mvcc.revision = revision;
    mvcc.compactRevision = compactRevision;
    for (KeyValue kv : base) {
      mvcc.keys.computeIfAbsent(kv.key(), k -> new KeyHistory()).add(kv);
    }
    for (var entry : new TreeMap<>(changes).entrySet()) {
      List<KeyValue> revisionChanges = List.copyOf(entry.getValue());
      for (KeyValue kv : revisionChanges) {
        mvcc.keys.computeIfAbsent(kv.key(), k -> new KeyHistory()).add(kv);
      }
      mvcc.changes.put(entry.getKey(), revisionChanges);
    }
    return mvcc;
  }
}
