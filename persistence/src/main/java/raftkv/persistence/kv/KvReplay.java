package raftkv.persistence.kv;

import java.util.List;

/** The answer to {@link KvStore#replay}: the events asked for, or why they are gone. */
public sealed interface KvReplay {

  /** Every event from the start revision to the current one, in revision order. */
  record Events(List<KvEvent> events, long currentRevision) implements KvReplay {
    public Events {
      events = List.copyOf(events);
    }
  }

  /**
   * The start revision is below the compaction revision: what a watch is told (etcd cancels it
   * with {@code compact_revision} set to this).
   */
  record Compacted(long compactRevision) implements KvReplay {}
}
