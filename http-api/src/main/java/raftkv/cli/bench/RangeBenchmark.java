package raftkv.cli.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import raftkv.cli.CtlException;
import raftkv.cli.GatewayClient;

/** {@code benchmark range KEY [END]}: etcd's range benchmark, the same {@code /v3/kv/range} again and again. */
@Command(name = "range", description = "Benchmark range")
public final class RangeBenchmark extends BenchCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "END", description = "range end: the range is [KEY, END)")
  String end;

  @Option(names = "--consistency", defaultValue = "l", paramLabel = "l|s",
      description = "linearizable (l, ReadIndex) or serializable (s, the member's own state) (default: ${DEFAULT-VALUE})")
  String consistency;

  @Option(names = "--limit", defaultValue = "0", description = "maximum number of keys returned (0: no limit)")
  long limit;

  @Override
  protected String name() {
    return "range";
  }

  @Override
  protected List<String> ops() {
    return List.of("range");
  }

  @Override
  protected ClosedLoop.Workload workload(GatewayClient client) {
    if (!consistency.equals("l") && !consistency.equals("s")) {
      throw new CtlException("--consistency must be l or s, not " + consistency);
    }
    var body = GatewayClient.body().put("key", GatewayClient.b64(key));
    if (end != null) {
      body.put("range_end", GatewayClient.b64(end));
    }
    if (limit > 0) {
      body.put("limit", Long.toString(limit));
    }
    if (consistency.equals("s")) {
      body.put("serializable", true);
    }
    byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return (c, random) -> new ClosedLoop.Op("range", "kv/range", bytes);
  }

  @Override
  protected Map<String, Object> facts() {
    Map<String, Object> f = super.facts();
    f.put("key", key);
    if (end != null) {
      f.put("end", end);
    }
    f.put("consistency", consistency);
    return f;
  }
}
