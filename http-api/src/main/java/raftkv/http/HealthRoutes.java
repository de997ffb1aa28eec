package raftkv.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import raftkv.kv.KvReply;
import raftkv.metrics.ServerMetrics;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.RangeRequest;

/**
 * What load balancers, orchestrators and Prometheus ask: {@code /health} (etcd's shape:
 * {@code {"health":"true"}} when a leader is known and a linearizable read goes through a quorum
 * within a second), {@code /livez} (the member answers a local read: the process is not stuck),
 * {@code /readyz} (it can serve linearizable requests), and {@code /metrics}.
 */
public final class HealthRoutes extends AllDirectives {
  /** etcd's health check gives its read a second, too. */
  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final RangeRequest PROBE = RangeRequest.of(Bytes.of("health")).withCountOnly(true);

  private final KvClient kv;
  private final ServerMetrics metrics;

  public HealthRoutes(KvClient kv, ServerMetrics metrics) {
    this.kv = kv;
    this.metrics = metrics;
  }

  public Route route() {
    // The method inside the path: a GET directive around them all would reject every other
    // request of the server with "method not allowed", ahead of its real reason.
    return concat(
        path("health", () -> get(() -> onSuccess(check(false), problem -> complete(problem == null
            ? json(StatusCodes.OK, "{\"health\":\"true\"}")
            : json(StatusCodes.SERVICE_UNAVAILABLE, "{\"health\":\"false\",\"reason\":\"" + problem + "\"}"))))),
        path("livez", () -> get(() -> onSuccess(check(true), problem -> complete(text(problem))))),
        path("readyz", () -> get(() -> onSuccess(check(false), problem -> complete(text(problem))))),
        path("metrics", () -> get(() -> onSuccess(kv.status(), reply -> {
          if (reply instanceof KvReply.MemberStatus s) {
            metrics.observe(s.raft());
          }
          return complete(HttpResponse.create().withEntity(
              HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())));
        }))));
  }

  /** Why the member cannot serve, or {@code null} if it can: a read, local or through the leader. */
  private CompletionStage<String> check(boolean local) {
    return kv.range(PROBE.withSerializable(local), CHECK).thenApply(reply -> {
      if (reply instanceof KvReply.Done) {
        return null;
      }
      return reply instanceof KvReply.Unavailable u ? u.message().replace("\"", "'") : "no answer";
    });
  }

  private static HttpResponse json(akka.http.javadsl.model.StatusCode status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse text(String problem) {
    return problem == null
        ? HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "ok\n"))
        : HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "not ok: " + problem + "\n"));
  }
}
