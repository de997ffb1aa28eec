package raftkv.persistence;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The durable state as replayed so far: the hard state, the latest snapshot and the log after it.
 * Immutable, as Akka expects (a typed {@code EventSourcedBehavior} applies an event before the
 * journal confirmed it, and replays from the same empty state, or the latest state snapshot, after
 * a restart), yet appending is amortized O(1) and truncating O(1): states share one append-only
 * backing list, each seeing its own prefix of it (like a Go slice). A state extends the backing
 * list in place only if its prefix is all of it; otherwise (after a truncation, or on a replay
 * after a restart) it copies its prefix first. Entries are shared by reference, never copied.
 *
 * <p>The backing list holds the entries after the snapshot: entry {@code i} sits at position {@code
 * i - base - 1}, {@code base} being the snapshot's index (0 without one). Taking a snapshot copies
 * the entries it keeps into a new list, so that the compacted prefix can be collected; a snapshot
 * covers what the member applied, so what it keeps is the short unapplied tail.
 *
 * <p>This class is also the on-disk format of Akka's state snapshots (Jackson CBOR through {@link
 * CborSerializable}, manifest {@code raftkv.persistence.JournalState}), shaped like a record
 * {@code (hardState, snapshot, entries)}; the same compatibility rules as for {@link JournalEvent}
 * apply.
 */
@JsonAutoDetect(
    fieldVisibility = JsonAutoDetect.Visibility.NONE,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE,
    setterVisibility = JsonAutoDetect.Visibility.NONE,
    creatorVisibility = JsonAutoDetect.Visibility.NONE)
public final class JournalState implements CborSerializable {
  private final HardState hardState;
  private final Snapshot snapshot;
  private final ArrayList<LogEntry> backing;
  private final int size;

  private JournalState(HardState hardState, Snapshot snapshot, ArrayList<LogEntry> backing, int size) {
    this.hardState = hardState;
    this.snapshot = snapshot;
    this.backing = backing;
    this.size = size;
  }

  static JournalState empty() {
    return new JournalState(HardState.INITIAL, null, new ArrayList<>(), 0);
  }

  /**
   * A state from its serialized form (a state snapshot), or for tests.
   *
   * @throws IllegalArgumentException if the entries do not follow the snapshot consecutively
   */
  @JsonCreator
  static JournalState of(
      @JsonProperty("hardState") HardState hardState,
      @JsonProperty("snapshot") Snapshot snapshot,
      @JsonProperty("entries") List<LogEntry> entries) {
    List<LogEntry> list = entries == null ? List.of() : entries;
    JournalState s = new JournalState(hardState == null ? HardState.INITIAL : hardState, snapshot, new ArrayList<>(), 0);
    String invalid = s.check(null, 0, list);
    if (invalid != null) {
      throw new IllegalArgumentException("not a journal state: " + invalid);
    }
    ArrayList<LogEntry> backing = new ArrayList<>(list);
    return new JournalState(s.hardState, snapshot, backing, backing.size());
  }

  @JsonProperty("hardState")
  public HardState hardState() {
    return hardState;
  }

  /** The latest snapshot, or {@code null}. */
  @JsonProperty("snapshot")
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The index the snapshot covers the log up to, 0 without a snapshot. */
  public long snapshotIndex() {
    return snapshot == null ? 0 : snapshot.index();
  }

  /** The index of the last entry, or the snapshot's index if no entry follows it; 0 for an empty log. */
  public long lastIndex() {
    return snapshotIndex() + size;
  }

  /**
   * A read-only view of the log after the snapshot (entry {@code snapshotIndex() + 1 + k} at
   * position {@code k}). Read it only on the journal's thread, or while the journal is idle: it
   * shares storage with later states.
   */
  @JsonProperty("entries")
  public List<LogEntry> entries() {
    return new Prefix(backing, size);
  }

  JournalReply.Recovered recovered() {
    return new JournalReply.Recovered(hardState, snapshot, List.copyOf(entries()));
  }

  /** Whether the log holds {@code s.index()} with {@code s.term()}: then the entries after it stay. */
  private boolean agrees(Snapshot s) {
    long at = s.index() - snapshotIndex(); // position after the snapshot's last entry
    return at >= 1 && at <= size && backing.get((int) at - 1).term() == s.term();
  }

  /** The last index once {@code s} (or nothing, if null) is kept. */
  private long lastIndexWith(Snapshot s) {
    return s == null || agrees(s) ? lastIndex() : s.index();
  }

  /** The last index once {@code s} is kept and the log truncated from {@code truncateFrom} (> 0). */
  private long lastIndexAfter(Snapshot s, long truncateFrom) {
    long base = s == null ? snapshotIndex() : s.index();
    return Math.max(base, Math.min(lastIndexWith(s), truncateFrom - 1));
  }

  /**
   * Whether the truncation of a write with this snapshot removes anything; otherwise it need not
   * be persisted.
   */
  boolean truncationRemoves(Snapshot s, long truncateFrom) {
    return truncateFrom > 0 && lastIndexAfter(s, truncateFrom) < lastIndexWith(s);
  }

  /** Why a write with this snapshot, truncation and entries does not fit the log, or null. */
  String check(Snapshot s, long truncateFrom, List<LogEntry> append) {
    if (truncateFrom < 0) {
      return "truncateFrom " + truncateFrom + " is negative";
    }
    if (s != null && (s.index() < 1 || s.term() < 0 || s.image() == null)) {
      return "not a snapshot: " + (s.image() == null ? "no image" : s.toString());
    }
    long end = truncateFrom > 0 ? lastIndexAfter(s, truncateFrom) : lastIndexWith(s);
    long expected = end + 1;
    for (LogEntry e : append) {
      if (e == null || e.index() != expected) {
        return "gap in the log: appending " + (e == null ? "null" : e.index()) + " where "
            + expected + " comes next (log ends at " + lastIndex()
            + (s == null ? "" : ", snapshot up to " + s.index() + " " + (agrees(s) ? "agrees" : "replaces it"))
            + ", truncateFrom " + truncateFrom + ")";
      }
      expected++;
    }
    return null;
  }

  JournalState apply(JournalEvent event) {
    if (event instanceof JournalEvent.EntriesAppended e) {
      return append(e.entries());
    } else if (event instanceof JournalEvent.HardStateChanged e) {
      return withHardState(e.hardState());
    } else if (event instanceof JournalEvent.LogTruncated e) {
      return truncatedFrom(e.fromIndex());
    } else if (event instanceof JournalEvent.SnapshotTaken e) {
      return withSnapshot(e.snapshot());
    } else if (event instanceof JournalEvent.Combined e) {
      JournalState s = e.hardState() == null ? this : withHardState(e.hardState());
      s = e.snapshot() == null ? s : s.withSnapshot(e.snapshot());
      s = e.truncateFrom() == 0 ? s : s.truncatedFrom(e.truncateFrom());
      return e.entries() == null ? s : s.append(e.entries());
    }
    throw new IllegalStateException("unknown journal event " + event.getClass().getName());
  }

  private JournalState withHardState(HardState hardState) {
    return new JournalState(hardState, snapshot, backing, size);
  }

  private JournalState withSnapshot(Snapshot next) {
    if (next == null || next.image() == null) {
      throw new IllegalStateException("journal holds a snapshot without an image: " + next);
    }
    if (!agrees(next)) {
      // Another log than the snapshot's (a follower installing its leader's snapshot), or a
      // snapshot beyond the log's end, or not after the current one: it replaces the whole log.
      return new JournalState(hardState, next, new ArrayList<>(), 0);
    }
    int at = (int) (next.index() - snapshotIndex());
    ArrayList<LogEntry> kept = new ArrayList<>(Math.max(16, (size - at) * 3 / 2));
    kept.addAll(backing.subList(at, size));
    return new JournalState(hardState, next, kept, kept.size());
  }

  private JournalState truncatedFrom(long index) {
    if (index < 1) {
      throw new IllegalStateException("journal holds a truncation from index " + index);
    }
    // At or before the snapshot's index: all entries go, the snapshot stays.
    int keep = (int) Math.max(0, Math.min(size, index - 1 - snapshotIndex()));
    return keep == size ? this : new JournalState(hardState, snapshot, backing, keep);
  }

  private JournalState append(List<LogEntry> append) {
    long expected = lastIndex() + 1;
    for (LogEntry entry : append) {
      if (entry.index() != expected++) {
        // Only a damaged journal gets here: writes are checked before they are persisted.
        throw new IllegalStateException(
            "journal holds a gap: entry " + entry.index() + " where " + (expected - 1) + " comes next");
      }
    }
    ArrayList<LogEntry> target = backing;
    if (backing.size() != size) {
      target = new ArrayList<>(Math.max(16, (size + append.size()) * 3 / 2));
      target.addAll(entries());
    }
    target.addAll(append);
    return new JournalState(hardState, snapshot, target, target.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JournalState s
        && s.hardState.equals(hardState)
        && Objects.equals(s.snapshot, snapshot)
        && s.entries().equals(entries());
  }

  @Override
  public int hashCode() {
    return Objects.hash(hardState, snapshot, entries());
  }

  @Override
  public String toString() {
    return "JournalState[" + hardState + ", " + snapshot + ", " + size + " entries after it, last index " + lastIndex() + "]";
  }

  /** The first {@code size} elements of a list that only ever grows at its end. */
  private static final class Prefix extends AbstractList<LogEntry> implements RandomAccess {
    private final List<LogEntry> backing;
    private final int size;

    Prefix(List<LogEntry> backing, int size) {
      this.backing = backing;
      this.size = size;
    }

    @Override
    public LogEntry get(int i) {
      Objects.checkIndex(i, size);
      return backing.get(i);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
