package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * The retained versions of one key, oldest first: puts and tombstones in the order they were
 * made. Usually one version per revision; etcd lets a txn delete a key through a {@code "\0"}
 * range and put it again, which leaves two versions (tombstone, then put) at one revision.
 */
final class KeyHistory {
  private final ArrayList<KeyValue> versions = new ArrayList<>(2);

  void add(KeyValue version) {
    versions.add(version);
  }

  boolean isEmpty() {
    return versions.isEmpty();
  }

  List<KeyValue> versions() {
    return versions;
  }

  /** The key's live version at {@code revision}, or {@code null} if it did not exist then. */
  KeyValue at(long revision) {
    int i = lastAtOrBefore(revision);
    if (i < 0) {
      return null;
    }
    KeyValue kv = versions.get(i);
    return kv.isTombstone() ? null : kv;
  }

  /**
   * The live version a change replaced, or {@code null} (a create). The change is found by
   * identity: two versions of one revision are equal in revision but are different changes.
   */
  KeyValue before(KeyValue change) {
    for (int i = lastAtOrBefore(change.modRevision()); i >= 0; i--) {
      if (versions.get(i) == change) {
        KeyValue previous = i == 0 ? null : versions.get(i - 1);
        return previous == null || previous.isTombstone() ? null : previous;
      }
    }
    throw new IllegalStateException("change not in history: " + change);
  }

  /**
   * Forgets what no read at or after {@code revision} can see: every version below it except the
   * latest, which stays if it is live (it is the key's value at {@code revision} unless a newer
   * version exists, and the prev_kv of that newer version's event otherwise).
   */
  void compact(long revision) {
    int below = lastAtOrBefore(revision - 1) + 1;
    if (below == 0) {
      return;
    }
    boolean keepLatest = !versions.get(below - 1).isTombstone();
    versions.subList(0, keepLatest ? below - 1 : below).clear();
  }

  /** Index of the last version with {@code modRevision <= revision}, or -1. */
  private int lastAtOrBefore(long revision) {
    int lo = 0;
    int hi = versions.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (versions.get(mid).modRevision() <= revision) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
