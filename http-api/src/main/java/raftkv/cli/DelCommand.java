package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code del KEY [RANGE_END]}: etcdctl's del; prints how many keys were deleted. */
@Command(name = "del", description = "Removes the specified key or range of keys [KEY, RANGE_END)")
public final class DelCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END")
  String rangeEnd;

  @Option(names = "--prefix", description = "delete keys with matching prefix")
  boolean prefix;

  @Option(names = "--from-key", description = "delete keys that are greater than or equal to the given key")
  boolean fromKey;

  @Option(names = "--prev-kv", description = "return deleted key-value pairs")
  boolean prevKv;

  @Override
  protected int run(RaftkvCtl global) {
    if ((prefix || fromKey) && rangeEnd != null) {
      throw new CtlException("too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    ObjectNode body = GatewayClient.body().put("key", GatewayClient.b64(k.length == 0 && (prefix || fromKey) ? new byte[] {0} : k));
    if (prefix) {
      body.put("range_end", GatewayClient.b64(k.length == 0 ? new byte[] {0} : GatewayClient.prefixEnd(k)));
    } else if (fromKey) {
      body.put("range_end", GatewayClient.b64(new byte[] {0}));
    } else if (rangeEnd != null) {
      body.put("range_end", GatewayClient.b64(rangeEnd));
    }
    if (prevKv) {
      body.put("prev_kv", true);
    }
    JsonNode answer = client(global).call("kv/deleterange", body);
    switch (global.writeOut()) {
      case json -> printJson(answer);
      case table, simple -> {
        out().println(GatewayClient.int64(answer, "deleted"));
        for (JsonNode kv : answer.path("prev_kvs")) {
          out().println(GatewayClient.text(kv, "key"));
          out().println(GatewayClient.text(kv, "value"));
        }
      }
    }
    return 0;
  }
}
