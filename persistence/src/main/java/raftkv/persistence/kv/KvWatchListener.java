package raftkv.persistence.kv;

import java.util.List;

/**
 * Told, as the store applies, about every revision it makes. Called on the applying thread, after
 * the revision is complete, so a listener may read the store; it must not change it, and must not
 * throw (an exception would abort the apply loop of the member, though the state is consistent).
 */
public interface KvWatchListener {

  /** Every change of one revision, in the order the request made them (never empty). */
  void onRevision(long revision, List<KvEvent> events);

  /** History below {@code compactRevision} is gone: watchers behind it can no longer catch up. */
  default void onCompacted(long compactRevision) {}

  /**
   * The whole state was replaced by a snapshot (a follower far behind): revisions may have been
   * skipped, so a watcher should catch up with {@link KvStore#replay} from where it was.
   */
  default void onRestored(long revision) {}
}
