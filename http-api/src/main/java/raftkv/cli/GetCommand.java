package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code get KEY [RANGE_END]}: etcdctl's get (a key, a prefix, a range), through {@code /v3/kv/range}. */
@Command(name = "get", description = "Gets the key or a range of keys")
public final class GetCommand extends CtlCommand implements TxnOp {
  @Mixin
  KeyRangeArgs range;

  @Option(names = "--consistency", defaultValue = "l", paramLabel = "l|s",
      description = "linearizable (l) or serializable (s) (default: ${DEFAULT-VALUE})")
  String consistency;

  @Option(names = "--limit", defaultValue = "0", description = "maximum number of results (0: no limit)")
  long limit;

  @Option(names = "--rev", defaultValue = "0", description = "revision to read at (0: the newest)")
  long rev;

  @Option(names = "--keys-only", description = "get only the keys")
  boolean keysOnly;

  @Option(names = "--count-only", description = "get only the count")
  boolean countOnly;

  @Option(names = "--print-value-only", description = "only write values when using the simple output format")
  boolean printValueOnly;

  @Override
  protected int run(RaftkvCtl global) {
    ObjectNode body = request();
    JsonNode answer = client(global).call("kv/range", body);
    switch (global.writeOut()) {
      case json -> printJson(answer);
      case simple -> printSimple(out(), answer);
      case table -> {
        Table t = new Table("KEY", "VALUE", "CREATE REV", "MOD REV", "VERSION", "LEASE").alignRight(2, 3, 4);
        for (JsonNode kv : answer.path("kvs")) {
          long lease = GatewayClient.int64(kv, "lease");
          t.row(GatewayClient.text(kv, "key"), GatewayClient.text(kv, "value"), GatewayClient.int64(kv, "create_revision"),
              GatewayClient.int64(kv, "mod_revision"), GatewayClient.int64(kv, "version"),
              lease == 0 ? "" : GatewayClient.hexId(lease));
        }
        t.print(out());
        out().printf("count %d, revision %d%n", GatewayClient.int64(answer, "count"),
            GatewayClient.int64(answer.path("header"), "revision"));
      }
    }
    return 0;
  }

  @Override
  public String kind() {
    return "range";
  }

  @Override
  public void printSimple(PrintWriter out, JsonNode answer) {
    for (JsonNode kv : answer.path("kvs")) {
      if (!printValueOnly) {
        out.println(GatewayClient.text(kv, "key"));
      }
      out.println(keysOnly ? "" : GatewayClient.text(kv, "value"));
    }
    if (countOnly) {
      out.println(GatewayClient.int64(answer, "count"));
    }
  }

  /** The range request these flags ask for (etcdctl's rules: --prefix and --from-key exclude a range end). */
  @Override
  public ObjectNode request() {
    if (!consistency.equals("l") && !consistency.equals("s")) {
      throw new CtlException("unknown consistency flag \"" + consistency + "\"");
    }
    ObjectNode body = range.putInto(GatewayClient.body());
    if (limit > 0) {
      body.put("limit", Long.toString(limit));
    }
    if (rev > 0) {
      body.put("revision", Long.toString(rev));
    }
    if (consistency.equals("s")) {
      body.put("serializable", true);
    }
    if (keysOnly) {
      body.put("keys_only", true);
    }
    if (countOnly) {
      body.put("count_only", true);
    }
    return body;
  }
}
