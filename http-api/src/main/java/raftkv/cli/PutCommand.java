package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code put KEY VALUE}: etcdctl's put; prints {@code OK}. */
@Command(name = "put", description = "Puts the given key into the store")
public final class PutCommand extends CtlCommand implements TxnOp {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE")
  String value;

  @Option(names = "--lease", paramLabel = "ID", description = "lease ID (in hexadecimal) to attach to the key")
  String lease;

  @Option(names = "--prev-kv", description = "return the previous key-value pair before modification")
  boolean prevKv;

  @Override
  protected int run(RaftkvCtl global) {
    return callAndPrint(global, "kv/put", this);
  }

  @Override
  public String kind() {
    return "put";
  }

  @Override
  public ObjectNode request() {
    ObjectNode body = GatewayClient.body().put("key", GatewayClient.b64(key)).put("value", GatewayClient.b64(value));
    if (lease != null) {
      body.put("lease", Long.toUnsignedString(GatewayClient.parseHexId(lease, "lease ID")));
    }
    if (prevKv) {
      body.put("prev_kv", true);
    }
    return body;
  }

  @Override
  public void printSimple(PrintWriter out, JsonNode answer) {
    out.println("OK");
    if (prevKv && answer.has("prev_kv")) {
      out.println(GatewayClient.text(answer.get("prev_kv"), "key"));
      out.println(GatewayClient.text(answer.get("prev_kv"), "value"));
    }
  }
}
