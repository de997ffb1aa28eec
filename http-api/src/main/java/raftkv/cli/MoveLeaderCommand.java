package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code move-leader TARGET_ID}: etcdctl's move-leader. Only the leader can hand leadership over,
 * so, as etcdctl does, it asks every endpoint for its status and sends the transfer to the one that
 * leads; none of them leading is an error.
 */
@Command(name = "move-leader", description = "Transfers leadership to another etcd cluster member.")
public final class MoveLeaderCommand extends CtlCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET_ID", description = "the new leader's member id, in hexadecimal")
  String target;

  @Override
  protected int run(RaftkvCtl global) {
    if (target == null) {
      throw new CtlException("move-leader command needs 1 argument");
    }
    long targetId = GatewayClient.parseHexId(target, "member ID");
    GatewayClient client = client(global);
    String leaderEndpoint = null;
    long leaderId = 0;
    for (String endpoint : client.endpoints()) {
      JsonNode status = client.call(endpoint, "maintenance/status", GatewayClient.body());
      long member = GatewayClient.int64(status.path("header"), "member_id");
      if (member != 0 && member == GatewayClient.int64(status, "leader")) {
        leaderEndpoint = endpoint;
        leaderId = member;
        break;
      }
    }
    if (leaderEndpoint == null) {
      throw new CtlException("no leader endpoint given at " + client.endpoints());
    }
    JsonNode answer = client.call(leaderEndpoint, "maintenance/transfer-leadership",
        GatewayClient.body().put("targetID", Long.toUnsignedString(targetId)));
    if (global.writeOut() == WriteOut.json) {
      printJson(answer);
    } else {
      out().println("Leadership transferred from " + GatewayClient.hexId(leaderId) + " to " + GatewayClient.hexId(targetId));
    }
    return 0;
  }
}
