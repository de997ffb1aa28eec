package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code del KEY [RANGE_END]}: etcdctl's del; prints how many keys were deleted. */
@Command(name = "del", description = "Removes the specified key or range of keys [KEY, RANGE_END)")
public final class DelCommand extends CtlCommand implements TxnOp {
  @Mixin
  KeyRangeArgs range;

  @Option(names = "--prev-kv", description = "return deleted key-value pairs")
  boolean prevKv;

  @Override
  protected int run(RaftkvCtl global) {
    return callAndPrint(global, "kv/deleterange", this);
  }

  @Override
  public String kind() {
    return "delete_range";
  }

  @Override
  public ObjectNode request() {
    ObjectNode body = range.putInto(GatewayClient.body());
    if (prevKv) {
      body.put("prev_kv", true);
    }
    return body;
  }

  @Override
  public void printSimple(PrintWriter out, JsonNode answer) {
    out.println(GatewayClient.int64(answer, "deleted"));
    for (JsonNode kv : answer.path("prev_kvs")) {
      out.println(GatewayClient.text(kv, "key"));
      out.println(GatewayClient.text(kv, "value"));
    }
  }
}
