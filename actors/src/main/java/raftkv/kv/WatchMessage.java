package raftkv.kv;

import java.util.List;
import raftkv.persistence.kv.KvEvent;

/**
 * What a watch stream's sink receives, in order, per watch. {@code raftTerm} is the latest term
 * the member's service knew of when the message was made (for the answer's header).
 */
public sealed interface WatchMessage {

  /** The watch is in place; without a start revision it sees what comes after {@code revision}. */
  record Created(long watchId, long revision, long raftTerm) implements WatchMessage {}

  /** Every event of one or more whole revisions, in order; {@code revision} is the store's now. */
  record Events(long watchId, long revision, List<KvEvent> events, long raftTerm) implements WatchMessage {
    public Events {
      events = List.copyOf(events);
    }
  }

  /**
   * The watch ended: asked for, or (with {@code compactRevision} &gt; 0) because the revisions
   * it still needed were compacted away.
   */
  record Canceled(long watchId, long revision, long compactRevision, long raftTerm) implements WatchMessage {}
}
