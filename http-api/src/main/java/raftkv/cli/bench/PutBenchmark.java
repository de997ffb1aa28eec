package raftkv.cli.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import raftkv.cli.GatewayClient;

/** {@code benchmark put}: etcd's put benchmark, {@code /v3/kv/put}. */
@Command(name = "put", description = "Benchmark put")
public final class PutBenchmark extends BenchCommand {
  @Mixin
  KeyOptions keys;

  @Override
  protected String name() {
    return "put";
  }

  @Override
  protected List<String> ops() {
    return List.of("put");
  }

  @Override
  protected ClosedLoop.Workload workload(GatewayClient client) {
    keys.check();
    String value = keys.value();
    return (c, random) -> new ClosedLoop.Op("put", "kv/put", json("key", keys.key(keys.nextIndex(random)), "value", value));
  }

  @Override
  protected Map<String, Object> facts() {
    Map<String, Object> f = super.facts();
    keys.describe(f);
    return f;
  }
}
