package raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import raftkv.cli.RaftkvCtlOptionsTest.Captured;
import raftkv.server.e2e.ServerCluster;

/**
 * raftkvctl against one real raftkv server process (as {@code bin/raftkv} runs it), through the
 * entry point {@link RaftkvCtl#run}: put, get, del, endpoint status and a small benchmark.
 */
class RaftkvCtlEndToEndTest {
  @TempDir
  static Path dir;

  private static ServerCluster cluster;
  private static String endpoint;

  @BeforeAll
  static void start() throws InterruptedException {
    cluster = new ServerCluster(dir, 1).start();
    endpoint = cluster.clientUrl("n1").toString();
    // serving clients comes before the first election: wait until a write goes through
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (Captured.run("--endpoints", endpoint, "put", "ready", "1").code() != 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader after 30 s: " + cluster.describe());
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Captured ctl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--endpoints";
    all[1] = endpoint;
    System.arraycopy(args, 0, all, 2, args.length);
    Captured c = Captured.run(all);
    assertEquals(0, c.code(), () -> String.join(" ", all) + "\nstdout: " + c.out() + "\nstderr: " + c.err() + cluster.describe());
    return c;
  }

  @Test
  void putGetDel() throws Exception {
    assertEquals("OK\n", ctl("put", "cli/a", "1").out());
    assertEquals("OK\n", ctl("put", "cli/b", "2").out());
    ctl("put", "cli0", "other");
    assertEquals("cli/a\n1\n", ctl("get", "cli/a").out());
    assertEquals("cli/a\n1\ncli/b\n2\n", ctl("get", "--prefix", "cli/").out());
    assertEquals("cli/a\n1\ncli/b\n2\n", ctl("get", "cli/", "cli0", "--consistency=s").out());
    assertEquals("cli/a\n1\n", ctl("get", "--prefix", "cli/", "--limit", "1").out());
    assertEquals("cli/a\n\ncli/b\n\n", ctl("get", "--prefix", "cli/", "--keys-only").out());
    assertEquals("", ctl("get", "cli/none").out());

    JsonNode json = GatewayClient.JSON.readTree(ctl("-w", "json", "get", "cli/b").out());
    assertEquals("Y2xpL2I=", json.at("/kvs/0/key").asText());
    assertEquals("1", json.get("count").asText());
    String table = ctl("get", "--prefix", "cli/", "-w", "table").out();
    assertTrue(table.contains("|  KEY  | VALUE | CREATE REV | MOD REV | VERSION | LEASE |"), table);
    assertTrue(table.contains("| cli/a | 1     |"), table);

    assertEquals("2\n", ctl("del", "--prefix", "cli/").out());
    assertEquals("0\n", ctl("del", "cli/a").out());
    assertEquals("1\n", ctl("del", "cli0").out());
    assertEquals("", ctl("get", "--prefix", "cli").out());
  }

  @Test
  void endpointStatus() throws Exception {
    String simple = ctl("endpoint", "status").out();
    String[] cells = simple.trim().split(", ");
    assertEquals(endpoint, cells[0], simple);
    assertTrue(cells[1].matches("[0-9a-f]+"), simple);
    assertEquals("true", cells[4], simple); // the only member leads
    assertEquals("false", cells[5], simple);

    String table = ctl("endpoint", "status", "-w", "table").out();
    assertTrue(table.contains("| IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |"), table);
    assertTrue(table.contains("| " + endpoint + " |"), table);

    JsonNode json = GatewayClient.JSON.readTree(ctl("endpoint", "status", "-w", "json").out());
    assertEquals(endpoint, json.at("/0/Endpoint").asText());
    assertEquals(json.at("/0/Status/header/member_id").asText(), json.at("/0/Status/leader").asText());
  }

  @Test
  void benchmarkPut() throws Exception {
    String table = ctl("benchmark", "put", "--total", "200", "--clients", "4", "--val-size", "256").out();
    assertTrue(table.contains("benchmark put: 4 clients, 1 conns, " + endpoint), table);
    assertTrue(table.matches("(?s).*\\| put \\|\\s+200 \\|\\s+0 \\|.*"), table);
    assertTrue(table.contains("Latency histogram (ms):"), table);
    assertTrue(table.contains("Errors: none"), table);

    JsonNode json = GatewayClient.JSON.readTree(
        ctl("benchmark", "--clients", "4", "--target-leader", "range", "cli-bench", "--total", "100", "--consistency", "s", "-w", "json")
            .out());
    assertEquals("range", json.get("benchmark").asText());
    assertEquals(100, json.get("requests").asLong());
    assertEquals(0, json.get("errors").asLong());
    assertEquals(endpoint, json.at("/endpoints/0").asText());
    assertTrue(json.get("throughput").asDouble() > 0);
    assertTrue(json.at("/latencyMs/p99").asDouble() >= json.at("/latencyMs/p50").asDouble());
  }

  @Test
  void benchmarkMixedAndWatchLatency() throws Exception {
    JsonNode mixed = GatewayClient.JSON.readTree(ctl("benchmark", "mixed", "--read-ratio", "0.5", "--clients", "2",
        "--key-space-size", "10", "--total", "40", "--consistency", "s", "-w", "json").out());
    assertEquals(40, mixed.get("requests").asLong(), mixed.toString());
    assertEquals(40, mixed.at("/byOp/range/requests").asLong() + mixed.at("/byOp/put/requests").asLong(), mixed.toString());

    JsonNode watch = GatewayClient.JSON.readTree(ctl("benchmark", "watch-latency", "--streams", "2", "--watchers-per-stream", "2",
        "--put-rate", "100", "--total", "10", "-w", "json").out());
    assertEquals("event", watch.get("headline").asText());
    assertEquals(40, watch.get("requests").asLong(), watch.toString()); // 10 puts seen by 4 watchers
    assertEquals(0, watch.get("errors").asLong(), watch.toString());
    assertEquals(10, watch.at("/byOp/put/requests").asLong(), watch.toString());
    assertEquals(40, watch.at("/byOp/put-to-event/requests").asLong(), watch.toString());
  }

  @Test
  void benchmarkErrorsAreCountedByKind() throws Exception {
    // values over the gateway's 1.5 MiB request limit: refused with etcd's error, counted, none succeeds
    Captured c = Captured.run("--endpoints", endpoint, "benchmark", "put", "--val-size", "1600000", "--total", "2", "-w", "json");
    assertEquals(1, c.code(), c.err());
    JsonNode json = GatewayClient.JSON.readTree(c.out());
    assertEquals(0, json.get("requests").asLong(), c.out());
    assertEquals(2, json.get("errors").asLong(), c.out());
    assertEquals(2, json.at("/errorsByKind/HTTP 400 (grpc code 3)/count").asLong(), c.out());
    assertTrue(json.at("/errorsByKind/HTTP 400 (grpc code 3)/sample").asText().contains("request is too large"), c.out());
  }
}
