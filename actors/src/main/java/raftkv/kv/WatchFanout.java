package raftkv.kv;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import raftkv.persistence.kv.KvEvent;
import raftkv.persistence.kv.KvReplay;
import raftkv.persistence.kv.KvStore;
import raftkv.persistence.kv.KvWatchListener;

/**
 * Every watch of one member, fed by its store as it applies. It lives on the Raft member's
 * thread: the store calls it there, and {@link KvService} changes it only through
 * {@code ClientRequest.Read} queries, which run there too. That is what makes a watch exact: its
 * catch-up from the start revision and its first live revision meet with no gap and no overlap,
 * because nothing is applied in between.
 */
final class WatchFanout implements KvWatchListener {
  private record Key(ActorRef<WatchMessage> sink, long watchId) {}

  private static final class Watcher {
    final long watchId;
    final WatchSpec spec;
    final ActorRef<WatchMessage> sink;
    /** The first revision this watcher has not been sent yet. */
    long next;

    Watcher(long watchId, WatchSpec spec, ActorRef<WatchMessage> sink, long next) {
      this.watchId = watchId;
      this.spec = spec;
      this.sink = sink;
      this.next = next;
    }
  }

  private final KvStore store;
  private final Map<Key, Watcher> watchers = new LinkedHashMap<>();
  /** Set by the service, read on the member's thread: only for the answers' headers. */
  private volatile long term;

  WatchFanout(KvStore store) {
    this.store = store;
  }

  /** The member's latest known term, for what is sent from now on. */
  void setTerm(long newTerm) {
    term = newTerm;
  }

  /** Member thread only. A second watch with the same id on the same stream replaces the first. */
  void create(long watchId, WatchSpec spec, ActorRef<WatchMessage> sink) {
    long now = store.revision();
    sink.tell(new WatchMessage.Created(watchId, now, term));
    long first = spec.startRevision() > 0 ? spec.startRevision() : now + 1;
    var watcher = new Watcher(watchId, spec, sink, first);
    if (catchUp(watcher)) {
      watchers.put(new Key(sink, watchId), watcher);
    }
  }

  /** Member thread only. */
  void cancel(long watchId, ActorRef<WatchMessage> sink) {
    if (watchers.remove(new Key(sink, watchId)) != null) {
      sink.tell(new WatchMessage.Canceled(watchId, store.revision(), 0, term));
    }
  }

  /** Member thread only: the stream is gone. */
  void removeAll(ActorRef<WatchMessage> sink) {
    watchers.keySet().removeIf(k -> k.sink().equals(sink));
  }

  /** How many watches are open: read from any thread for metrics, so only roughly current. */
  int size() {
    return watchers.size();
  }

  @Override
  public void onRevision(long revision, List<KvEvent> events) {
    for (Watcher w : watchers.values()) {
      if (w.next <= revision) {
        send(w, revision, events);
        w.next = revision + 1;
      }
    }
  }

  /** Revisions may have been skipped: every watcher catches up from where it was, or is told it cannot. */
  @Override
  public void onRestored(long revision) {
    Iterator<Watcher> all = watchers.values().iterator();
    while (all.hasNext()) {
      if (!catchUp(all.next())) {
        all.remove();
      }
    }
  }

  /** Sends what the watcher missed up to now; false if history from there is compacted (it is canceled). */
  private boolean catchUp(Watcher w) {
    long now = store.revision();
    if (w.next > now) {
      return true;
    }
    KvReplay replay = store.replay(w.next, w.spec.range());
    if (replay instanceof KvReplay.Compacted c) {
      w.sink.tell(new WatchMessage.Canceled(w.watchId, now, c.compactRevision(), term));
      return false;
    }
    send(w, now, ((KvReplay.Events) replay).events());
    w.next = now + 1;
    return true;
  }

  private void send(Watcher w, long revision, List<KvEvent> events) {
    List<KvEvent> selected = new ArrayList<>();
    for (KvEvent e : events) {
      if (w.spec.range().contains(e.kv().key()) && wanted(w.spec, e)) {
        selected.add(w.spec.prevKv() || e.prevKv().isEmpty() ? e : new KvEvent(e.type(), e.kv(), Optional.empty()));
      }
    }
    if (!selected.isEmpty()) {
      w.sink.tell(new WatchMessage.Events(w.watchId, revision, selected, term));
    }
  }

  private static boolean wanted(WatchSpec spec, KvEvent e) {
    return e.type() == KvEvent.Type.PUT ? !spec.noPut() : !spec.noDelete();
  }
}
