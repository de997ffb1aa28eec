package raftkv.http;

import akka.actor.typed.ActorRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import raftkv.http.etcd.GatewayRequests;
import raftkv.http.etcd.GatewayResponses;
import raftkv.http.etcd.GatewayResponses.WatchResponse;
import raftkv.http.etcd.Header;
import raftkv.kv.KvRequest;
import raftkv.kv.WatchMessage;
import raftkv.kv.WatchSpec;

/**
 * One {@code /v3/watch} stream: its watches, numbered per stream as etcd numbers them (a create
 * without an id gets the lowest free one from 0 on; an id in use is refused), and the answers in
 * etcd's shape. Runs on its {@link GatewaySession}'s actor.
 */
final class WatchHandler implements GatewaySession.Handler<GatewayRequests.WatchRequest> {
  /** etcd's id for an answer that belongs to no watch. */
  private static final long NO_WATCH = -1;
  private static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final ActorRef<KvRequest> service;
  private final ClusterInfo cluster;
  /** Open watches and whether each wants prev_kv. */
  private final Map<Long, Boolean> prevKv = new HashMap<>();
  private ActorRef<WatchMessage> sink;
  private long nextId;
  private long revision;
  private long term;

  WatchHandler(ActorRef<KvRequest> service, ClusterInfo cluster) {
    this.service = service;
    this.cluster = cluster;
  }

  @Override
  public void onRequest(GatewayRequests.WatchRequest request, GatewaySession.Outlet outlet) {
    if (sink == null) {
      sink = outlet.adapter(WatchMessage.class, this::render);
    }
    if (request instanceof GatewayRequests.WatchCreate c) {
      create(c, outlet);
    } else if (request instanceof GatewayRequests.WatchCancel c) {
      if (prevKv.containsKey(c.watchId())) {
        service.tell(new KvRequest.WatchCancel(c.watchId(), sink));
      }
    } else if (request instanceof GatewayRequests.WatchProgress) {
      // etcd answers with the revision all watches of the stream have reached; ours are always current.
      outlet.emit(GatewayResponses.watch(header(revision), WatchResponse.events(NO_WATCH, List.of(), false)));
    }
  }

  private void create(GatewayRequests.WatchCreate c, GatewaySession.Outlet outlet) {
    long id = c.watchId();
    if (id == 0) {
      while (prevKv.containsKey(nextId)) {
        nextId++;
      }
      id = nextId++;
    } else if (prevKv.containsKey(id)) {
      outlet.emit(GatewayResponses.watch(header(revision),
          new WatchResponse(NO_WATCH, true, true, 0, DUPLICATE_ID, List.of(), false)));
      return;
    }
    prevKv.put(id, c.prevKv());
    var spec = new WatchSpec(c.range(), c.startRevision(), c.prevKv(), c.noPut(), c.noDelete());
    service.tell(new KvRequest.WatchCreate(id, spec, sink));
  }

  private String render(WatchMessage m) {
    if (m instanceof WatchMessage.Created c) {
      learn(c.revision(), c.raftTerm());
      return GatewayResponses.watch(header(c.revision()), WatchResponse.created(c.watchId()));
    }
    if (m instanceof WatchMessage.Events e) {
      learn(e.revision(), e.raftTerm());
      return GatewayResponses.watch(
          header(e.revision()), WatchResponse.events(e.watchId(), e.events(), prevKv.getOrDefault(e.watchId(), false)));
    }
    var c = (WatchMessage.Canceled) m;
    prevKv.remove(c.watchId());
    learn(c.revision(), c.raftTerm());
    if (c.compactRevision() > 0) {
      // etcd 3.4 sends this one with no revision in its header.
      return GatewayResponses.watch(header(0), WatchResponse.compacted(c.watchId(), c.compactRevision()));
    }
    return GatewayResponses.watch(header(c.revision()), WatchResponse.canceled(c.watchId()));
  }

  private void learn(long seenRevision, long seenTerm) {
    revision = Math.max(revision, seenRevision);
    term = Math.max(term, seenTerm);
  }

  private Header header(long atRevision) {
    return new Header(cluster.clusterId(), cluster.memberId(), atRevision, term);
  }
}
