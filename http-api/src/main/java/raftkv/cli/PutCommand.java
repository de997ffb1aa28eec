package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code put KEY VALUE}: etcdctl's put; prints {@code OK}. */
@Command(name = "put", description = "Puts the given key into the store")
public final class PutCommand extends CtlCommand {
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
    ObjectNode body = GatewayClient.body().put("key", GatewayClient.b64(key)).put("value", GatewayClient.b64(value));
    if (lease != null) {
      body.put("lease", Long.toString(Long.parseUnsignedLong(lease, 16)));
    }
    if (prevKv) {
      body.put("prev_kv", true);
    }
    JsonNode answer = client(global).call("kv/put", body);
    switch (global.writeOut()) {
      case json -> printJson(answer);
      case table, simple -> {
        out().println("OK");
        if (prevKv && answer.has("prev_kv")) {
          out().println(GatewayClient.text(answer.get("prev_kv"), "key"));
          out().println(GatewayClient.text(answer.get("prev_kv"), "value"));
        }
      }
    }
    return 0;
  }
}
