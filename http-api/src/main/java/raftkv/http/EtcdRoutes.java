package raftkv.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Allow;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.MethodRejection;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import raftkv.http.etcd.GatewayError;
import raftkv.http.etcd.GatewayException;
import raftkv.http.etcd.GatewayRequests;
import raftkv.http.etcd.GatewayResponses;
import raftkv.http.etcd.Header;
import raftkv.kv.KvReply;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.KvResult;
import raftkv.raft.Status;

/**
 * etcd 3.4's JSON gateway under {@code /v3/} (and {@code /v3beta/}, which 3.4 also answers): every
 * endpoint a POST of a JSON body, parsed and answered by the codec in {@link raftkv.http.etcd},
 * served by this member's {@link raftkv.kv.KvService}. The streams ({@code /v3/watch},
 * {@code /v3/lease/keepalive}) are {@link StreamRoutes}.
 */
public final class EtcdRoutes extends AllDirectives {
  /** The etcd API version this gateway implements, as {@code /v3/maintenance/status} says. */
  static final String API_VERSION = "3.4.0";

  /** Parses a request body; may refuse it with etcd's error. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(byte[] body) throws GatewayException;
  }

  private final KvClient kv;
  private final MemberDirectory members;
  private final LongSupplier dbSize;
  private final StreamRoutes streams;

  /** @param dbSize the bytes this member's data directory holds, for the status answer */
  public EtcdRoutes(KvClient kv, MemberDirectory members, LongSupplier dbSize, ActorSystem<?> system) {
    this.kv = kv;
    this.members = members;
    this.dbSize = dbSize;
    this.streams = new StreamRoutes(kv, members.info(), system);
  }

  public Route route() {
    // A path matcher matches a prefix of the path, not a whole segment: "v3" would take the start
    // of "/v3beta/..." and leave "beta/..." unmatched, so each prefix is an alternative of its own.
    return concat(
        pathPrefix("v3beta", () -> handleRejections(sealed, this::endpoints)),
        pathPrefix("v3", () -> handleRejections(sealed, this::endpoints)));
  }

  /**
   * What etcd's gateway mux answers a request under {@code /v3/} that no endpoint takes, as plain
   * text: "Not Found" (404) for an unknown path, "Method Not Allowed" (405) for a method other than
   * POST on an endpoint (with the {@code Allow} header HTTP asks for, which etcd leaves out).
   */
  private final RejectionHandler muxErrors = RejectionHandler.newBuilder()
      .handleAll(MethodRejection.class, rejections -> complete(HttpResponse.create()
          .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
          .addHeader(Allow.create(rejections.stream().map(MethodRejection::supported).distinct()
              .toArray(akka.http.javadsl.model.HttpMethod[]::new)))
          .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "Method Not Allowed\n"))))
      .handleNotFound(complete(HttpResponse.create()
          .withStatus(StatusCodes.NOT_FOUND)
          .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "Not Found\n"))))
      .build();

  /**
   * Everything under {@code /v3/} is answered here, whatever else the server serves: a request
   * that no endpoint takes (a body too large, say) must not fall through to other routes, whose
   * rejections would decide the answer.
   */
  private final RejectionHandler sealed = muxErrors.withFallback(RejectionHandler.defaultHandler());

  private Route endpoints() {
    return concat(
        unary("kv/put", GatewayRequests::put, this::write),
        unary("kv/range", GatewayRequests::range, r -> kv.range(r).thenApply(this::answer)),
        unary("kv/deleterange", GatewayRequests::deleteRange, this::write),
        unary("kv/txn", GatewayRequests::txn, this::write),
        unary("kv/compaction", GatewayRequests::compaction, this::write),
        unary("lease/grant", GatewayRequests::leaseGrant, g -> write(g.toCommand(0))),
        unary("lease/revoke", GatewayRequests::leaseRevoke, this::write),
        unary("kv/lease/revoke", GatewayRequests::leaseRevoke, this::write),
        unary("lease/timetolive", GatewayRequests::leaseTimeToLive, this::timeToLive),
        unary("kv/lease/timetolive", GatewayRequests::leaseTimeToLive, this::timeToLive),
        unary("lease/leases", GatewayRequests::leaseLeases, l -> kv.leases().thenApply(this::leases)),
        unary("kv/lease/leases", GatewayRequests::leaseLeases, l -> kv.leases().thenApply(this::leases)),
        unary("maintenance/status", GatewayRequests::status, s -> kv.status().thenApply(this::status)),
        unary("cluster/member/list", GatewayRequests::memberList, l -> CompletableFuture.completedFuture(memberList())),
        streams.route());
  }

  /** A POST to {@code path} whose body {@code parser} reads and {@code handler} answers. */
  private <T> Route unary(String path, Parser<T> parser, java.util.function.Function<T, CompletionStage<HttpResponse>> handler) {
    return path(PathMatchers.separateOnSlashes(path), () -> post(() ->
        entity(Unmarshaller.entityToByteString(), body -> {
          T request;
          try {
            request = parser.parse(body.toArray());
          } catch (GatewayException e) {
            return complete(response(GatewayResponses.error(e)));
          }
          return onSuccess(handler.apply(request), response -> complete(response));
        })));
  }

  private CompletionStage<HttpResponse> write(KvCommand command) {
    return kv.write(command).thenApply(this::answer);
  }

  /** A store result, or why there is none. */
  private HttpResponse answer(KvReply reply) {
    if (reply instanceof KvReply.Done d) {
      return response(GatewayResponses.reply(header(revisionOf(d.result()), d.raftTerm()), d.result()));
    }
    return unavailable(reply);
  }

  private CompletionStage<HttpResponse> timeToLive(GatewayRequests.LeaseTimeToLive request) {
    return kv.leaseTimeToLive(request.id()).thenApply(reply -> {
      if (reply instanceof KvReply.LeaseTimeToLive t) {
        return ok(GatewayResponses.leaseTimeToLive(
            header(t.revision(), t.raftTerm()), t.id(), t.lease(), request.keys(), t.nowMillis()));
      }
      return unavailable(reply);
    });
  }

  private HttpResponse leases(KvReply reply) {
    if (reply instanceof KvReply.LeaseList l) {
      return ok(GatewayResponses.leaseLeases(header(l.revision(), l.raftTerm()), l.leases()));
    }
    return unavailable(reply);
  }

  private HttpResponse status(KvReply reply) {
    if (!(reply instanceof KvReply.MemberStatus m)) {
      return unavailable(reply);
    }
    Status raft = m.raft();
    ClusterInfo.Member leader = raft.leader() == null ? null : members.info().byName(raft.leader());
    var status = new GatewayResponses.Status(
        API_VERSION, dbSize.getAsLong(), leader == null ? 0 : leader.id(), raft.commitIndex(), raft.term(),
        raft.appliedIndex(), leader == null ? List.of("etcdserver: no leader") : List.of(), dbSize.getAsLong(), false);
    return ok(GatewayResponses.status(header(m.revision(), raft.term()), status));
  }

  private HttpResponse memberList() {
    var list = members.members().stream()
        .map(m -> new GatewayResponses.Member(m.id(), m.name(), m.peerUrls(), m.clientUrls(), m.learner()))
        .toList();
    return ok(GatewayResponses.memberList(header(0, 0), list));
  }

  private Header header(long revision, long raftTerm) {
    ClusterInfo info = members.info();
    return new Header(info.clusterId(), info.memberId(), revision, raftTerm);
  }

  /** The revision a result's header reports: the store's once the request took effect. */
  static long revisionOf(KvResult result) {
    if (result instanceof KvResult.RangeResult r) {
      return r.revision();
    } else if (result instanceof KvResult.PutResult p) {
      return p.revision();
    } else if (result instanceof KvResult.DeleteRangeResult d) {
      return d.revision();
    } else if (result instanceof KvResult.TxnResult t) {
      return t.revision();
    } else if (result instanceof KvResult.CompactResult c) {
      return c.revision();
    } else if (result instanceof KvResult.LeaseGrantResult g) {
      return g.revision();
    } else if (result instanceof KvResult.LeaseRevokeResult r) {
      return r.revision();
    } else if (result instanceof KvResult.LeaseKeepAliveResult k) {
      return k.revision();
    }
    return 0;
  }

  /** No answer from the store: etcd's "unavailable" (503), with a hint to retry. */
  static HttpResponse unavailable(KvReply reply) {
    String message = reply instanceof KvReply.Unavailable u ? u.message() : "raftkv: unexpected answer " + reply;
    int code = reply instanceof KvReply.Unavailable ? GatewayError.UNAVAILABLE : GatewayError.INTERNAL;
    return response(GatewayResponses.error(GatewayException.of(code, message)))
        .addHeader(RawHeader.create("Retry-After", "1"));
  }

  static HttpResponse ok(String json) {
    return response(GatewayResponses.Reply.ok(json));
  }

  static HttpResponse response(GatewayResponses.Reply reply) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(reply.status()))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, reply.body()));
  }
}
