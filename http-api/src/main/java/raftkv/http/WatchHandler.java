package raftkv.http;

import akka.actor.typed.ActorRef;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import raftkv.http.etcd.GatewayRequests;
import raftkv.http.etcd.GatewayResponses;
import raftkv.http.etcd.GatewayResponses.WatchResponse;
import raftkv.http.etcd.Header;
import raftkv.kv.KvReply;
import raftkv.kv.KvRequest;
import raftkv.kv.WatchMessage;
import raftkv.kv.WatchSpec;

/**
 * One {@code /v3/watch} stream: its watches, numbered per stream as etcd numbers them (a create
 * without an id gets the lowest free one from 0 on; an id in use is refused), and the answers in
 * etcd's shape. Runs on its {@link GatewaySession}'s actor.
 *
 * <p>etcd handles a stream's requests one after the other, answering each (a watch's creation or
 * cancellation, a refused id, a progress request) before it reads the next. Here a creation or a
 * cancellation is answered by the member's service, and a refusal or a progress answer needs the
 * store's revision from it: until that answer is in, later requests of the stream wait, so that
 * the answers come in the order of the requests, each with the revision of its moment.
 */
final class WatchHandler implements GatewaySession.Handler<GatewayRequests.WatchRequest> {
  /** etcd's id for an answer that belongs to no watch. */
  private static final long NO_WATCH = -1;
  private static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final ActorRef<KvRequest> service;
  private final ClusterInfo cluster;
  /** Open watches and whether each wants prev_kv. */
  private final Map<Long, Boolean> prevKv = new HashMap<>();
  /** Requests that came while an earlier one waits for the service, in order. */
  private final Deque<GatewayRequests.WatchRequest> waiting = new ArrayDeque<>();
  private GatewaySession.Outlet outlet;
  private ActorRef<WatchMessage> sink;
  private ActorRef<KvReply> statusSink;
  /** The watch whose creation or cancellation the stream waits for, or null. */
  private Long awaitedWatch;
  /** The request (a refused create, a progress request) that waits for the store's revision, or null. */
  private GatewayRequests.WatchRequest awaitingRevision;
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
      this.outlet = outlet;
      sink = outlet.adapter(WatchMessage.class, this::onWatchMessage);
      statusSink = outlet.adapter(KvReply.class, this::onStatus);
    }
    waiting.add(request);
    serve();
  }

  /** Handles the requests that wait, in order, until one has to wait for the service. */
  private void serve() {
    while (awaitedWatch == null && awaitingRevision == null && !waiting.isEmpty()) {
      GatewayRequests.WatchRequest request = waiting.poll();
      if (request instanceof GatewayRequests.WatchCreate c) {
        create(c);
      } else if (request instanceof GatewayRequests.WatchCancel c) {
        // etcd answers nothing for an id it does not know.
        if (prevKv.containsKey(c.watchId())) {
          awaitedWatch = c.watchId();
          service.tell(new KvRequest.WatchCancel(c.watchId(), sink));
        }
      } else if (request instanceof GatewayRequests.WatchProgress) {
        // etcd 3.4 answers with the store's revision (events up to it are sent before the answer:
        // the service sends them before it answers the status request).
        awaitRevision(request);
      }
    }
  }

  private void create(GatewayRequests.WatchCreate c) {
    long id = c.watchId();
    if (id == 0) {
      while (prevKv.containsKey(nextId)) {
        nextId++;
      }
      id = nextId++;
    } else if (prevKv.containsKey(id)) {
      awaitRevision(c);
      return;
    }
    prevKv.put(id, c.prevKv());
    awaitedWatch = id;
    var spec = new WatchSpec(c.range(), c.startRevision(), c.prevKv(), c.noPut(), c.noDelete());
    service.tell(new KvRequest.WatchCreate(id, spec, sink));
  }

  private void awaitRevision(GatewayRequests.WatchRequest request) {
    awaitingRevision = request;
    service.tell(new KvRequest.GetStatus(statusSink));
  }

  /** The store's revision for the request that waits for it: its answer, then the next requests. */
  private String onStatus(KvReply reply) {
    if (reply instanceof KvReply.MemberStatus m) {
      learn(m.revision(), m.raft().term());
    }
    GatewayRequests.WatchRequest request = awaitingRevision;
    awaitingRevision = null;
    if (request instanceof GatewayRequests.WatchCreate) {
      outlet.emit(GatewayResponses.watch(header(revision),
          new WatchResponse(NO_WATCH, true, true, 0, DUPLICATE_ID, List.of(), false)));
    } else if (request != null) {
      outlet.emit(GatewayResponses.watch(header(revision), WatchResponse.events(NO_WATCH, List.of(), false)));
    }
    serve();
    return null;
  }

  /** A message of the service about one of this stream's watches: its answer, then the next requests. */
  private String onWatchMessage(WatchMessage m) {
    outlet.emit(render(m));
    long watchId = m instanceof WatchMessage.Created c ? c.watchId()
        : m instanceof WatchMessage.Canceled c ? c.watchId() : NO_WATCH;
    if (awaitedWatch != null && awaitedWatch == watchId) {
      awaitedWatch = null;
      serve();
    }
    return null;
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
