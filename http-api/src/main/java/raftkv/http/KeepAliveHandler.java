package raftkv.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import raftkv.http.etcd.GatewayError;
import raftkv.http.etcd.GatewayException;
import raftkv.http.etcd.GatewayRequests;
import raftkv.http.etcd.GatewayResponses;
import raftkv.http.etcd.Header;
import raftkv.kv.KvReply;
import raftkv.persistence.kv.KvResult;

/**
 * One {@code /v3/lease/keepalive} stream: each message renews its lease through the log and is
 * answered with the lease's TTL (none for a lease that is gone, as etcd answers). As etcd serves
 * them, one after the other: answers come in the order of the requests, and once the requests
 * have ended (the request body, or a message that cannot be read) the stream ends after the last
 * answer.
 */
final class KeepAliveHandler implements GatewaySession.Handler<GatewayRequests.LeaseKeepAlive> {
  private final KvClient kv;
  private final ClusterInfo cluster;
  /** Completes once every request so far is answered. */
  private CompletionStage<Void> answered = CompletableFuture.completedFuture(null);

  KeepAliveHandler(KvClient kv, ClusterInfo cluster) {
    this.kv = kv;
    this.cluster = cluster;
  }

  @Override
  public void onRequest(GatewayRequests.LeaseKeepAlive request, GatewaySession.Outlet outlet) {
    answered = answered
        .thenCompose(previous -> kv.write(request.toCommand(0)))
        .thenCompose(reply -> render(request.id(), reply))
        .exceptionally(failure -> GatewayResponses.streamError(
            GatewayException.of(GatewayError.INTERNAL, "raftkv: " + failure)))
        .thenAccept(json -> outlet.self().tell(new GatewaySession.Emit(json)));
  }

  @Override
  public void onInputClosed(GatewaySession.Outlet outlet) {
    answered = answered.thenRun(() -> outlet.self().tell(GatewaySession.EndStream.INSTANCE));
  }

  private CompletionStage<String> render(long id, KvReply reply) {
    if (reply instanceof KvReply.Done d && d.result() instanceof KvResult.Failed) {
      // A lease that is not there: etcd answers with the store's revision in the header, which a
      // failed command does not carry; this member's status tells it (it applied the command).
      return kv.status().thenApply(status -> {
        if (status instanceof KvReply.MemberStatus m) {
          return GatewayResponses.leaseKeepAlive(header(m.revision(), m.raft().term()), id, d.result());
        }
        return unavailable(status);
      });
    }
    if (reply instanceof KvReply.Done d) {
      return CompletableFuture.completedFuture(
          GatewayResponses.leaseKeepAlive(header(EtcdRoutes.revisionOf(d.result()), d.raftTerm()), id, d.result()));
    }
    return CompletableFuture.completedFuture(unavailable(reply));
  }

  private Header header(long revision, long raftTerm) {
    return new Header(cluster.clusterId(), cluster.memberId(), revision, raftTerm);
  }

  private static String unavailable(KvReply reply) {
    String message = reply instanceof KvReply.Unavailable u ? u.message() : "raftkv: unexpected answer " + reply;
    return GatewayResponses.streamError(GatewayException.of(GatewayError.UNAVAILABLE, message));
  }
}
