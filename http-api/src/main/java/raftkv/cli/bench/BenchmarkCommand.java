package raftkv.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import raftkv.cli.CtlException;
import raftkv.cli.Durations;
import raftkv.cli.GatewayClient;

/**
 * {@code raftkvctl benchmark}: etcd's benchmark tool ({@code tools/benchmark}) over the JSON
 * gateway. The options here are common to every benchmark and, like the global ones, may be given
 * before or after the benchmark's name. Each benchmark is a {@link BenchCommand}.
 */
@Command(name = "benchmark", description = "Benchmarks a raftkv or etcd cluster through the v3 JSON gateway",
    subcommands = {PutBenchmark.class, RangeBenchmark.class, TxnPutBenchmark.class, MixedBenchmark.class,
        WatchLatencyBenchmark.class})
public final class BenchmarkCommand implements Runnable {
  @Option(names = "--clients", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "closed-loop clients: each sends its next request once its last one is answered (default: 1)")
  Integer clients;

  @Option(names = "--conns", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "HTTP connection pools the clients share round-robin (default: 1); over HTTP/1.1 each request in flight holds a connection")
  Integer conns;

  @Option(names = "--total", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "requests to send in all (default: 10000; watch-latency: puts, default 1000)")
  Long total;

  @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.Converter.class, scope = ScopeType.INHERIT,
      description = "run for this long instead of --total requests (e.g. 20s)")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "DURATION", converter = Durations.Converter.class, scope = ScopeType.INHERIT,
      description = "run the same load this long first, unmeasured (lets a JVM server compile its hot paths; default: none)")
  Duration warmup;

  @Option(names = "--target-leader", scope = ScopeType.INHERIT,
      description = "send every request to the leader (found with /v3/maintenance/status), not to --endpoints")
  boolean targetLeader;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "benchmark needs a benchmark to run (try --help)");
  }

  Duration warmup() {
    return warmup == null ? Duration.ZERO : warmup;
  }

  int clients() {
    return clients == null ? 1 : clients;
  }

  int conns() {
    return conns == null ? 1 : conns;
  }

  ClosedLoop.Budget budget(long defaultTotal) {
    if (total != null && total < 1) {
      throw new CtlException("--total must be at least 1");
    }
    return ClosedLoop.Budget.of(total, duration, defaultTotal);
  }

  /** The endpoints the clients use: the given ones, or with {@code --target-leader} only the leader's. */
  List<String> endpoints(GatewayClient client) {
    return targetLeader ? List.of(leader(client)) : client.endpoints();
  }

  /** The leader's client URL: the endpoint whose member is the leader, else the leader's URL from the member list. */
  static String leader(GatewayClient client) {
    long leader = 0;
    for (String endpoint : client.endpoints()) {
      JsonNode status;
      try {
        status = client.call(endpoint, "maintenance/status", GatewayClient.body());
      } catch (CtlException e) {
        continue;
      }
      leader = GatewayClient.int64(status, "leader");
      if (leader != 0 && leader == GatewayClient.int64(status.path("header"), "member_id")) {
        return endpoint;
      }
    }
    if (leader == 0) {
      throw new CtlException("no endpoint knows a leader (asked " + client.endpoints() + ")");
    }
    JsonNode members = client.call("cluster/member/list", GatewayClient.body());
    for (JsonNode m : members.path("members")) {
      if (GatewayClient.int64(m, "ID") == leader && m.path("clientURLs").size() > 0) {
        return m.path("clientURLs").get(0).asText();
      }
    }
    throw new CtlException("the leader " + GatewayClient.hexId(leader) + " is not in the member list");
  }
}
