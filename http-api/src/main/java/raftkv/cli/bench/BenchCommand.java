package raftkv.cli.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import raftkv.cli.CtlCommand;
import raftkv.cli.CtlException;
import raftkv.cli.GatewayClient;
import raftkv.cli.RaftkvCtl;

/**
 * A closed-loop benchmark: says which operations it issues ({@link #ops}), what each request is
 * ({@link #workload}), and what to print about its own options ({@link #facts}); the running,
 * measuring and reporting are here. To add one: a {@code @Command} subclass, listed in
 * {@link BenchmarkCommand}'s subcommands.
 */
public abstract class BenchCommand extends CtlCommand {
  protected abstract String name();

  protected abstract List<String> ops();

  protected abstract ClosedLoop.Workload workload(GatewayClient client);

  /** This benchmark's own settings, printed with the result (and in its JSON). */
  protected Map<String, Object> facts() {
    return new LinkedHashMap<>();
  }

  protected BenchmarkCommand bench() {
    return (BenchmarkCommand) spec.parent().userObject();
  }

  @Override
  protected int run(RaftkvCtl global) {
    BenchmarkCommand bench = bench();
    GatewayClient client = client(global);
    List<String> endpoints = bench.endpoints(client);
    ClosedLoop.Budget budget = bench.budget(10_000);
    ClosedLoop.Workload workload = workload(client);
    LatencyStats stats = new LatencyStats(ops());
    ClosedLoop loop = new ClosedLoop(endpoints, bench.clients(), bench.conns(), global.dialTimeout(), global.commandTimeout());
    double seconds;
    try {
      if (!bench.warmup().isZero()) {
        LatencyStats discarded = new LatencyStats(ops());
        loop.run(workload, new ClosedLoop.Budget(0, bench.warmup()), discarded, Progress.none());
        if (discarded.succeeded() == 0) {
          err().println("warning: no request succeeded during the warm-up (" + discarded.errors() + ")");
        }
      }
      seconds = loop.run(workload, budget, stats, Progress.forTerminal(err(), global.ownStderr()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted");
    }
    Map<String, Object> facts = facts();
    if (!bench.warmup().isZero()) {
      facts.put("warmupSeconds", bench.warmup().toMillis() / 1000.0);
    }
    var result = new BenchmarkResult(name(), endpoints, bench.clients(), bench.conns(), seconds, stats, facts);
    result.print(global.writeOut(), out());
    return stats.succeeded() == 0 ? 1 : 0;
  }

  /** A JSON body of string fields (already base64 where bytes), without a JSON library on the hot path. */
  protected static byte[] json(String... fieldsAndValues) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(fieldsAndValues[i]).append("\":");
      String v = fieldsAndValues[i + 1];
      b.append(v.equals("true") || v.equals("false") || v.startsWith("[") || v.startsWith("{") ? v : '"' + v + '"');
    }
    return b.append('}').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
