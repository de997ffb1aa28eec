package raftkv.cli.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import raftkv.cli.CtlException;
import raftkv.cli.GatewayClient;

/**
 * {@code benchmark mixed}: reads and writes interleaved. Each request is, with probability
 * {@code --read-ratio}, a range of one key of the key space (linearizable or serializable),
 * otherwise a put of one. Latencies are reported per operation and over all.
 */
@Command(name = "mixed", description = "Benchmark a mixed read/write load (ranges and puts of keys from one key space)")
public final class MixedBenchmark extends BenchCommand {
  @Mixin
  KeyOptions keys;

  @Option(names = "--read-ratio", defaultValue = "0.9", description = "fraction of requests that are ranges (default: ${DEFAULT-VALUE})")
  double readRatio;

  @Option(names = "--consistency", defaultValue = "l", paramLabel = "l|s", description = "of the ranges (default: ${DEFAULT-VALUE})")
  String consistency;

  @Override
  protected String name() {
    return "mixed";
  }

  @Override
  protected List<String> ops() {
    return List.of("range", "put");
  }

  @Override
  protected ClosedLoop.Workload workload(GatewayClient client) {
    keys.check();
    if (readRatio < 0 || readRatio > 1) {
      throw new CtlException("--read-ratio must be between 0 and 1");
    }
    if (!consistency.equals("l") && !consistency.equals("s")) {
      throw new CtlException("--consistency must be l or s, not " + consistency);
    }
    String value = keys.value();
    String serializable = consistency.equals("s") ? "true" : "false";
    return (c, random) -> {
      String key = keys.key(keys.nextIndex(random));
      return random.nextDouble() < readRatio
          ? new ClosedLoop.Op("range", "kv/range", json("key", key, "serializable", serializable))
          : new ClosedLoop.Op("put", "kv/put", json("key", key, "value", value));
    };
  }

  @Override
  protected Map<String, Object> facts() {
    Map<String, Object> f = super.facts();
    keys.describe(f);
    f.put("readRatio", readRatio);
    f.put("consistency", consistency);
    return f;
  }
}
