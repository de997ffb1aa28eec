package raftkv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.stream.OverflowStrategy;
import akka.stream.typed.javadsl.ActorSource;
import akka.util.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import raftkv.http.etcd.GatewayStream;

/**
 * The etcd gateway's streams, {@code /v3/watch} and {@code /v3/lease/keepalive}: each request is a
 * {@link GatewaySession} actor fed with the request body as it arrives.
 */
final class StreamRoutes extends AllDirectives {
  /**
   * Messages waiting for a slow client; beyond that the stream fails and the connection closes
   * (the client reconnects and resumes from the last revision it saw).
   */
  private static final int OUT_BUFFER = 10_000;
  private static final AtomicLong sessions = new AtomicLong();

  private final KvClient kv;
  private final ClusterInfo cluster;
  private final ActorSystem<?> system;

  StreamRoutes(KvClient kv, ClusterInfo cluster, ActorSystem<?> system) {
    this.kv = kv;
    this.cluster = cluster;
    this.system = system;
  }

  Route route() {
    return concat(
        path("watch", () -> post(() -> extractRequestEntity(entity ->
            session(entity, GatewayStream.watch(), new WatchHandler(kv.service(), cluster))))),
        path(PathMatchers.separateOnSlashes("lease/keepalive"), () -> post(() -> extractRequestEntity(entity ->
            session(entity, GatewayStream.keepAlive(), new KeepAliveHandler(kv, cluster))))));
  }

  private <T> Route session(RequestEntity entity, GatewayStream<T> requests, GatewaySession.Handler<T> handler) {
    var out = ActorSource.<ByteString>actorRef(
            GatewaySession::isEnd, bytes -> Optional.empty(), OUT_BUFFER, OverflowStrategy.fail())
        .preMaterialize(system);
    var response = new CompletableFuture<HttpResponse>();
    ActorRef<GatewaySession.Message> session = system.systemActorOf(
        GatewaySession.create(requests, handler, out.first(), out.second(), response),
        "gateway-session-" + sessions.incrementAndGet(),
        Props.empty());
    entity.getDataBytes()
        .runForeach(chunk -> session.tell(new GatewaySession.Chunk(chunk)), system)
        .whenComplete((done, failure) ->
            session.tell(failure == null ? GatewaySession.BodyEnded.INSTANCE : GatewaySession.BodyFailed.INSTANCE));
    return completeWithFuture(response);
  }
}
