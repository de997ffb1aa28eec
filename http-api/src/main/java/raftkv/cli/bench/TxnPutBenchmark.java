package raftkv.cli.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import raftkv.cli.CtlException;
import raftkv.cli.GatewayClient;

/** {@code benchmark txn-put}: etcd's txn-put, a txn of {@code --txn-ops} puts of distinct keys and no compare. */
@Command(name = "txn-put", description = "Benchmark txn-put")
public final class TxnPutBenchmark extends BenchCommand {
  @Mixin
  KeyOptions keys;

  @Option(names = "--txn-ops", defaultValue = "1", description = "puts per txn (default: ${DEFAULT-VALUE}, at most 128)")
  int txnOps;

  @Override
  protected String name() {
    return "txn-put";
  }

  @Override
  protected List<String> ops() {
    return List.of("txn");
  }

  @Override
  protected ClosedLoop.Workload workload(GatewayClient client) {
    keys.check();
    if (txnOps < 1 || txnOps > 128 || txnOps > keys.keySpaceSize) {
      throw new CtlException("--txn-ops must be 1..128 and at most --key-space-size (a txn may not put a key twice)");
    }
    String value = keys.value();
    return (c, random) -> {
      Set<Long> chosen = new LinkedHashSet<>();
      while (chosen.size() < txnOps) {
        chosen.add(keys.nextIndex(random));
      }
      StringBuilder b = new StringBuilder("{\"success\":[");
      for (long k : chosen) {
        if (b.charAt(b.length() - 1) != '[') {
          b.append(',');
        }
        b.append("{\"request_put\":{\"key\":\"").append(keys.key(k)).append("\",\"value\":\"").append(value).append("\"}}");
      }
      return new ClosedLoop.Op("txn", "kv/txn", b.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    };
  }

  @Override
  protected Map<String, Object> facts() {
    Map<String, Object> f = super.facts();
    keys.describe(f);
    f.put("txnOps", txnOps);
    return f;
  }
}
