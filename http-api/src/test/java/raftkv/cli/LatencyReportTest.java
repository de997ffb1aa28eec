package raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import raftkv.cli.bench.BenchmarkResult;
import raftkv.cli.bench.LatencyStats;

/** The benchmark's figures: percentiles, histogram buckets, and the table and JSON reports. */
class LatencyReportTest {
  /** 1..1000 ms, one request each, all "put"; plus two errors. */
  private static LatencyStats oneToThousandMs() {
    LatencyStats stats = new LatencyStats(List.of("put"));
    for (int ms = 1; ms <= 1000; ms++) {
      stats.record("put", ms * 1_000_000L);
    }
    stats.error("HTTP 503 (grpc code 14)", "{\"error\":\"etcdserver: leader changed\"}");
    stats.error("HTTP 503 (grpc code 14)", "{\"error\":\"etcdserver: leader changed\"}");
    return stats;
  }

  @Test
  void percentilesAreWithinHdrHistogramsPrecision() {
    LatencyStats.Summary s = LatencyStats.Summary.of(oneToThousandMs().all());
    assertEquals(1000, s.count());
    assertEquals(1.0, s.min(), 0.001);
    assertEquals(500.5, s.mean(), 0.5);
    assertEquals(500, s.p50(), 0.5);
    assertEquals(900, s.p90(), 0.5);
    assertEquals(990, s.p99(), 0.5);
    assertEquals(999, s.p999(), 0.5);
    assertEquals(1000, s.max(), 0.5);
  }

  @Test
  void bucketsCoverEveryRequestFromFastestToSlowest() {
    List<LatencyStats.Bucket> buckets = LatencyStats.buckets(oneToThousandMs().all(), 10);
    assertEquals(10, buckets.size());
    assertEquals(1000, buckets.stream().mapToLong(LatencyStats.Bucket::count).sum());
    assertEquals(1.0, buckets.get(0).from(), 0.001);
    assertEquals(1000, buckets.get(9).to(), 0.5);
    for (int i = 1; i < buckets.size(); i++) {
      assertEquals(buckets.get(i - 1).to(), buckets.get(i).from(), 1e-9);
      assertTrue(buckets.get(i).to() > buckets.get(i).from());
    }
    // geometric bounds: about 2x per bucket here (1000^(1/10)), so the last bucket holds ~half
    assertTrue(buckets.get(9).count() > 400 && buckets.get(9).count() < 600, buckets.toString());
  }

  @Test
  void oneValueIsOneBucket() {
    LatencyStats stats = new LatencyStats(List.of("range"));
    stats.record("range", 3_000_000);
    stats.record("range", 3_000_000);
    List<LatencyStats.Bucket> buckets = LatencyStats.buckets(stats.all(), 10);
    assertEquals(1, buckets.size());
    assertEquals(2, buckets.get(0).count());
  }

  @Test
  void tableReportHasTheSummaryTheHistogramAndTheErrors() {
    var result = new BenchmarkResult("put", List.of("http://127.0.0.1:2379"), 4, 1, 2.0, oneToThousandMs(), Map.of("valSize", 256));
    StringWriter text = new StringWriter();
    result.print(WriteOut.table, new PrintWriter(text));
    String out = text.toString();
    assertTrue(out.contains("benchmark put: 4 clients, 1 conns, http://127.0.0.1:2379"), out);
    assertTrue(out.contains("| OP  | REQUESTS | ERRORS | SECONDS | REQ/S |"), out);
    assertTrue(out.matches("(?s).*\\| put \\|\\s+1000 \\|\\s+2 \\|\\s+2\\.00 \\|\\s+500\\.0 \\|.*"), out);
    assertTrue(out.contains("Latency histogram (ms):"), out);
    assertTrue(out.contains("∎"), out);
    assertTrue(out.contains("Errors: 2"), out);
    assertTrue(out.contains("HTTP 503 (grpc code 14)"), out);
  }

  @Test
  void jsonReportHasEveryFigure() throws Exception {
    var result = new BenchmarkResult("put", List.of("http://127.0.0.1:2379"), 4, 1, 2.0, oneToThousandMs(), Map.of("valSize", 256));
    StringWriter text = new StringWriter();
    result.print(WriteOut.json, new PrintWriter(text));
    JsonNode j = GatewayClient.JSON.readTree(text.toString());
    assertEquals("put", j.get("benchmark").asText());
    assertEquals(1000, j.get("requests").asLong());
    assertEquals(2, j.get("errors").asLong());
    assertEquals(2, j.at("/errorsByKind/HTTP 503 (grpc code 14)/count").asLong());
    assertEquals(500.0, j.get("throughput").asDouble(), 0.01);
    assertEquals(256, j.get("valSize").asInt());
    for (String field : List.of("min", "mean", "p50", "p90", "p99", "p99.9", "max")) {
      assertTrue(j.get("latencyMs").has(field), field);
    }
    assertEquals(990, j.at("/latencyMs/p99").asDouble(), 0.5);
    assertEquals(10, j.get("histogram").size());
  }

  @Test
  void mixedReportsEachOperationAndAll() {
    LatencyStats stats = new LatencyStats(List.of("range", "put"));
    for (int i = 0; i < 90; i++) {
      stats.record("range", 1_000_000);
    }
    for (int i = 0; i < 10; i++) {
      stats.record("put", 10_000_000);
    }
    StringWriter text = new StringWriter();
    new BenchmarkResult("mixed", List.of("http://x:1"), 2, 1, 1.0, stats, Map.of()).print(WriteOut.table, new PrintWriter(text));
    String out = text.toString();
    assertTrue(out.matches("(?s).*\\| range \\|\\s+90 \\|.*\\| put\\s+\\|\\s+10 \\|.*\\| all\\s+\\|\\s+100 \\|.*"), out);
  }
}
