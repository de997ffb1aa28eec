package raftkv.http;

import raftkv.http.etcd.GatewayException;
import raftkv.http.etcd.GatewayError;
import raftkv.http.etcd.GatewayRequests;
import raftkv.http.etcd.GatewayResponses;
import raftkv.http.etcd.Header;
import raftkv.kv.KvReply;

/**
 * One {@code /v3/lease/keepalive} stream: each message renews its lease through the log and is
 * answered with the lease's TTL (none for a lease that is gone, as etcd answers), in the order the
 * renewals complete.
 */
final class KeepAliveHandler implements GatewaySession.Handler<GatewayRequests.LeaseKeepAlive> {
  private final KvClient kv;
  private final ClusterInfo cluster;

  KeepAliveHandler(KvClient kv, ClusterInfo cluster) {
    this.kv = kv;
    this.cluster = cluster;
  }

  @Override
  public void onRequest(GatewayRequests.LeaseKeepAlive request, GatewaySession.Outlet outlet) {
    kv.write(request.toCommand(0)).thenAccept(reply ->
        outlet.self().tell(new GatewaySession.Emit(render(request.id(), reply))));
  }

  private String render(long id, KvReply reply) {
    if (reply instanceof KvReply.Done d) {
      var header = new Header(cluster.clusterId(), cluster.memberId(), EtcdRoutes.revisionOf(d.result()), d.raftTerm());
      return GatewayResponses.leaseKeepAlive(header, id, d.result());
    }
    String message = reply instanceof KvReply.Unavailable u ? u.message() : "raftkv: unexpected answer " + reply;
    return GatewayResponses.streamError(GatewayException.of(GatewayError.UNAVAILABLE, message));
  }
}
