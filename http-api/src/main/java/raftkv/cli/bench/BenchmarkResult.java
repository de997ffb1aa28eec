package raftkv.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import raftkv.cli.GatewayClient;
import raftkv.cli.Table;
import raftkv.cli.WriteOut;

/**
 * A finished benchmark and its report: throughput (successful requests per second of the whole
 * run), the latency summary per operation and over all, a text histogram, and the errors by kind.
 * {@code -w json} prints the same as one JSON object (field names in {@link #toJson}).
 */
public record BenchmarkResult(
    String benchmark, List<String> endpoints, int clients, int conns, double seconds, LatencyStats stats,
    String headline, Map<String, Object> facts) {

  /**
   * @param headline the operation whose figures are the result's own (top-level throughput,
   *                 {@code latencyMs} and histogram), or null for all operations together
   */
  public BenchmarkResult {
    facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
  }

  public BenchmarkResult(String benchmark, List<String> endpoints, int clients, int conns, double seconds,
      LatencyStats stats, Map<String, Object> facts) {
    this(benchmark, endpoints, clients, conns, seconds, stats, null, facts);
  }

  /** The histogram the result stands for: the headline operation's, or all. */
  public Histogram main() {
    return headline == null ? stats.all() : stats.byOp().get(headline);
  }

  /** Successful requests (of the headline operation) per second of the whole run. */
  public double throughput() {
    return seconds <= 0 ? 0 : main().getTotalCount() / seconds;
  }

  public void print(WriteOut format, PrintWriter out) {
    if (format == WriteOut.json) {
      out.println(toJson().toString());
    } else {
      printTable(out);
    }
    out.flush();
  }

  public ObjectNode toJson() {
    ObjectNode o = GatewayClient.JSON.createObjectNode();
    o.put("benchmark", benchmark);
    ArrayNode eps = o.putArray("endpoints");
    endpoints.forEach(eps::add);
    o.put("clients", clients).put("conns", conns);
    facts.forEach(o::putPOJO);
    o.put("seconds", round(seconds, 3));
    if (headline != null) {
      o.put("headline", headline);
    }
    o.put("requests", main().getTotalCount());
    o.put("errors", stats.failed());
    ObjectNode byKind = o.putObject("errorsByKind");
    stats.errors().forEach((kind, n) -> byKind.putObject(kind).put("count", n).put("sample", stats.errorSample(kind)));
    o.put("throughput", round(throughput(), 1));
    o.set("latencyMs", summaryJson(main()));
    o.set("histogram", histogramJson(main()));
    if (stats.byOp().size() > 1) {
      ObjectNode ops = o.putObject("byOp");
      stats.byOp().forEach((op, h) -> {
        ObjectNode one = ops.putObject(op);
        one.put("requests", h.getTotalCount()).put("throughput", round(seconds <= 0 ? 0 : h.getTotalCount() / seconds, 1));
        one.set("latencyMs", summaryJson(h));
      });
    }
    return o;
  }

  private static ObjectNode summaryJson(Histogram h) {
    LatencyStats.Summary s = LatencyStats.Summary.of(h);
    ObjectNode o = GatewayClient.JSON.createObjectNode();
    o.put("min", round(s.min(), 3)).put("mean", round(s.mean(), 3)).put("p50", round(s.p50(), 3))
        .put("p90", round(s.p90(), 3)).put("p99", round(s.p99(), 3)).put("p99.9", round(s.p999(), 3))
        .put("max", round(s.max(), 3));
    return o;
  }

  private static ArrayNode histogramJson(Histogram h) {
    ArrayNode a = GatewayClient.JSON.createArrayNode();
    for (LatencyStats.Bucket b : LatencyStats.buckets(h, HISTOGRAM_BUCKETS)) {
      a.addObject().put("fromMs", round(b.from(), 3)).put("toMs", round(b.to(), 3)).put("count", b.count());
    }
    return a;
  }

  static final int HISTOGRAM_BUCKETS = 10;
  private static final int BAR = 40;

  private void printTable(PrintWriter out) {
    out.printf(Locale.ROOT, "benchmark %s: %d clients, %d conns, %s%n", benchmark, clients, conns, String.join(",", endpoints));
    if (!facts.isEmpty()) {
      List<String> f = new ArrayList<>();
      facts.forEach((k, v) -> f.add(k + "=" + v));
      out.println("  " + String.join(", ", f));
    }
    Table t = new Table("OP", "REQUESTS", "ERRORS", "SECONDS", "REQ/S", "MIN", "MEAN", "P50", "P90", "P99", "P99.9", "MAX")
        .alignRight(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    Map<String, Histogram> rows = new LinkedHashMap<>(stats.byOp());
    if (rows.size() > 1 && headline == null) {
      rows.put("all", stats.all());
    }
    rows.forEach((op, h) -> {
      LatencyStats.Summary s = LatencyStats.Summary.of(h);
      t.row(op, s.count(), op.equals("all") || rows.size() == 1 || op.equals(headline) ? stats.failed() : "", f(seconds, 2),
          f(seconds <= 0 ? 0 : s.count() / seconds, 1), f(s.min(), 3), f(s.mean(), 3), f(s.p50(), 3), f(s.p90(), 3),
          f(s.p99(), 3), f(s.p999(), 3), f(s.max(), 3));
    });
    t.print(out);
    out.println("latencies in ms; REQ/S counts successful requests over the whole run");
    out.println();
    out.println("Latency histogram (ms" + (headline == null ? "" : ", " + headline) + "):");
    List<LatencyStats.Bucket> buckets = LatencyStats.buckets(main(), HISTOGRAM_BUCKETS);
    long most = buckets.stream().mapToLong(LatencyStats.Bucket::count).max().orElse(0);
    for (LatencyStats.Bucket b : buckets) {
      int bar = most == 0 ? 0 : (int) Math.round((double) b.count() * BAR / most);
      out.printf(Locale.ROOT, "  %10.3f - %10.3f [%8d] |%s%n", b.from(), b.to(), b.count(), "∎".repeat(bar));
    }
    if (buckets.isEmpty()) {
      out.println("  (no successful requests)");
    }
    out.println();
    if (stats.failed() == 0) {
      out.println("Errors: none");
    } else {
      out.println("Errors: " + stats.failed());
      stats.errors().forEach((kind, n) -> out.printf("  %8d  %s  e.g. %s%n", n, kind, stats.errorSample(kind)));
    }
  }

  private static String f(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}
