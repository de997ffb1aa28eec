package raftkv.http.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.KvError;
import raftkv.persistence.kv.KvLimits;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.KvStore;
import raftkv.persistence.kv.KvValidator;
import raftkv.persistence.kv.RangeRequest;

/**
 * A test-only stand-in for a gateway server: one fresh {@link KvStore} driven through the codec,
 * each command checked by {@link KvValidator} and applied at the next index. Not the product
 * server; only what the comparison with etcd needs (unary KV, lease and compaction endpoints).
 */
final class StandInGateway {
  private final KvStore store = new KvStore();
  private final KvValidator validator = new KvValidator(KvLimits.DEFAULT);
  private long index = 1;

  EtcdProcess.Answer post(String path, String body) {
    try {
      GatewayResponses.Reply reply = handle(path, body.getBytes(StandardCharsets.UTF_8));
      return new EtcdProcess.Answer(reply.status(), reply.body());
    } catch (GatewayException e) {
      GatewayResponses.Reply reply = GatewayResponses.error(e);
      return new EtcdProcess.Answer(reply.status(), reply.body());
    }
  }

  private Header header() {
    return new Header(1, 2, store.revision(), 3);
  }

  private GatewayResponses.Reply handle(String path, byte[] body) throws GatewayException {
    long now = System.currentTimeMillis();
    switch (path) {
      case "/v3/kv/range" -> {
        RangeRequest request = GatewayRequests.range(body);
        Optional<KvError> error = validator.check(request);
        if (error.isPresent()) {
          return GatewayResponses.error(error.get());
        }
        return GatewayResponses.reply(header(), store.range(request));
      }
      case "/v3/kv/put" -> {
        return write(GatewayRequests.put(body));
      }
      case "/v3/kv/deleterange" -> {
        return write(GatewayRequests.deleteRange(body));
      }
      case "/v3/kv/txn" -> {
        return write(GatewayRequests.txn(body));
      }
      case "/v3/kv/compaction" -> {
        return write(GatewayRequests.compaction(body));
      }
      case "/v3/lease/grant" -> {
        return write(GatewayRequests.leaseGrant(body).toCommand(now));
      }
      case "/v3/lease/revoke" -> {
        return write(GatewayRequests.leaseRevoke(body));
      }
      case "/v3/lease/timetolive" -> {
        GatewayRequests.LeaseTimeToLive ttl = GatewayRequests.leaseTimeToLive(body);
        return GatewayResponses.Reply.ok(
            GatewayResponses.leaseTimeToLive(header(), ttl.id(), store.lease(ttl.id()), ttl.keys(), now));
      }
      case "/v3/lease/leases" -> {
        GatewayRequests.leaseLeases(body);
        return GatewayResponses.Reply.ok(GatewayResponses.leaseLeases(header(), store.leases()));
      }
      default -> throw new IllegalArgumentException("the stand-in does not serve " + path);
    }
  }

  private GatewayResponses.Reply write(KvCommand command) {
    Optional<KvError> error = validator.check(command);
    if (error.isPresent()) {
      return GatewayResponses.error(error.get());
    }
    KvResult result = store.apply(index++, validator.normalize(command));
    return GatewayResponses.reply(header(), result);
  }
}
