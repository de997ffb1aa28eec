package raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import raftkv.cli.RaftkvCtlOptionsTest.Captured;
import raftkv.server.e2e.ServerCluster;
import raftkv.testing.TestJvm;

/**
 * raftkvctl's txn, watch, lease, compaction, member list and endpoint health against one real
 * raftkv server process, their output checked line by line against what etcdctl 3.4 prints for
 * the same commands (taken from a real etcd).
 */
class RaftkvCtlCommandsTest {
  private static final long AWAIT_SECONDS = 20;

  @TempDir
  static Path dir;

  private static ServerCluster cluster;
  private static String endpoint;

  @BeforeAll
  static void start() throws InterruptedException {
    cluster = new ServerCluster(dir.resolve("cluster"), 1).start();
    endpoint = cluster.clientUrl("n1").toString();
    // serving clients comes before the first election: wait until a write goes through
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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

  private static Captured ctlWithInput(int expectedCode, String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoints", endpoint));
    all.addAll(List.of(args));
    Captured c = Captured.withInput(stdin, all.toArray(String[]::new));
    assertEquals(expectedCode, c.code(), () -> all + "\nstdout: " + c.out() + "\nstderr: " + c.err() + cluster.describe());
    return c;
  }

  private static Captured ctl(String... args) {
    return ctlWithInput(0, "", args);
  }

  private static Captured failing(String... args) {
    return ctlWithInput(1, "", args);
  }

  private static long revision() throws IOException {
    return GatewayClient.JSON.readTree(ctl("-w", "json", "get", "ready").out()).at("/header/revision").asLong();
  }

  @Test
  void txnReadsItsSectionsFromStdin() throws IOException {
    ctl("put", "txn/k1", "v1");
    String txn = """
        value("txn/k1") = "v1"
        mod("txn/k1") > "0"

        put txn/k2 "two words"
        get txn/k1
        del txn/none

        put txn/k3 v3

        """;
    assertEquals("SUCCESS\n\nOK\n\ntxn/k1\nv1\n\n0\n", ctlWithInput(0, txn, "txn").out());
    assertEquals("txn/k2\ntwo words\n", ctl("get", "txn/k2").out());

    String failing = "version(\"txn/k1\") != \"1\"\n\nput txn/k2 x\n\nget txn/k --prefix --keys-only\nput txn/k1 v2 --prev-kv\n\n";
    assertEquals("FAILURE\n\ntxn/k1\n\ntxn/k2\n\n\nOK\ntxn/k1\nv1\n", ctlWithInput(0, failing, "txn").out());

    String interactive = "value(\"txn/k1\") = \"v2\"\n\ndel txn/k2\n\n\n";
    assertEquals("compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\n1\n",
        ctlWithInput(0, interactive, "txn", "-i").out());

    JsonNode json = readJson(ctlWithInput(0, "\nput txn/k4 v4\n\n\n", "txn", "-w", "json").out());
    assertTrue(json.get("succeeded").asBoolean(), json.toString());
    assertTrue(json.at("/responses/0/response_put/header").isObject(), json.toString());
  }

  @Test
  void txnRefusesWhatEtcdctlRefuses() {
    assertEquals("Error: malformed comparison: bogus\n", ctlWithInput(1, "bogus\n\n", "txn").err());
    assertTrue(ctlWithInput(1, "\nbogus x\n\n\n", "txn").err().startsWith("Error: invalid txn request: bogus x"));
    assertTrue(ctlWithInput(1, "\nput onlykey\n\n\n", "txn").err().contains("Missing required parameter: 'VALUE'"));
    assertTrue(ctlWithInput(1, "mod(\"a\") < 100\n\n\n\n", "txn").err().startsWith("Error: malformed comparison: mod(\"a\") < 100"));
    assertTrue(ctlWithInput(1, "\nput a b\n", "txn").err().startsWith("Error: EOF"), "the failure section never ended");
  }

  @Test
  void compactionForgetsHistoryAndAWatchFromBeforeIsCanceled() throws IOException {
    ctl("put", "compact/a", "1");
    ctl("put", "compact/a", "2");
    long rev = revision();
    assertEquals("compacted revision " + rev + "\n", ctl("compaction", Long.toString(rev), "--physical").out());
    assertTrue(failing("get", "compact/a", "--rev", Long.toString(rev - 1)).err()
        .startsWith("Error: etcdserver: mvcc: required revision has been compacted"));
    assertTrue(failing("compaction", Long.toString(rev + 1000)).err()
        .startsWith("Error: etcdserver: mvcc: required revision is a future revision"));
    assertTrue(failing("watch", "compact/a", "--rev", Long.toString(rev - 1)).err()
        .startsWith("Error: watch was canceled (etcdserver: mvcc: required revision has been compacted"));
    assertEquals("Error: bad revision (x is not an integer)\n", failing("compaction", "x").err());
  }

  @Test
  void watchPrintsEventsUntilStopped() throws Exception {
    ctl("put", "watch/a", "1");
    long from = revision();
    ctl("put", "watch/b", "2");
    ctl("put", "watch/a", "3");
    ctl("del", "watch/b");
    ctl("put", "watch0", "not under the prefix");
    // a separate process, stopped as Ctrl-C stops etcdctl's watch
    List<String> args = List.of("--endpoints", endpoint, "watch", "watch/", "--prefix", "--prev-kv", "--rev", Long.toString(from));
    Process watch = new ProcessBuilder(TestJvm.java(dir.resolve("watch-jvm"), RaftkvCtl.class.getName(), args))
        .redirectError(dir.resolve("watch.err").toFile()).start();
    try {
      BlockingQueue<String> lines = lines(watch);
      List<String> replayed = take(lines, 12, watch);
      assertEquals(List.of("PUT", "watch/a", "1", "PUT", "watch/b", "2", "PUT", "watch/a", "1", "watch/a", "3", "DELETE"),
          replayed);
      assertEquals(List.of("watch/b", "2", "watch/b", ""), take(lines, 4, watch));
      ctl("put", "watch/c", "live");
      assertEquals(List.of("PUT", "watch/c", "live"), take(lines, 3, watch));
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void watchWritesJsonResults() throws Exception {
    ctl("put", "watchjson", "x");
    long rev = revision();
    Process watch = new ProcessBuilder(TestJvm.java(dir.resolve("watch-json-jvm"), RaftkvCtl.class.getName(),
        List.of("--endpoints", endpoint, "-w", "json", "watch", "watchjson", "--rev", Long.toString(rev))))
        .redirectError(dir.resolve("watch-json.err").toFile()).start();
    try {
      JsonNode result = readJson(take(lines(watch), 1, watch).get(0));
      assertEquals(GatewayClient.b64("watchjson"), result.at("/events/0/kv/key").asText(), result.toString());
      assertEquals(GatewayClient.b64("x"), result.at("/events/0/kv/value").asText(), result.toString());
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void leaseLifecycle() throws IOException {
    Matcher granted = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(60s\\)\n").matcher(ctl("lease", "grant", "60").out());
    assertTrue(granted.matches(), granted.toString());
    String id = granted.group(1);
    ctl("put", "--lease=" + id, "lease/k1", "a");
    ctl("put", "--lease=" + id, "lease/k2", "b");

    assertTrue(ctl("lease", "timetolive", id).out().matches("lease " + id + " granted with TTL\\(60s\\), remaining\\(\\d+s\\)\n"));
    assertTrue(ctl("lease", "timetolive", id, "--keys").out()
        .matches("lease " + id + " granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[lease/k1 lease/k2\\]\\)\n"));
    String list = ctl("lease", "list").out();
    assertTrue(list.matches("found \\d+ leases\n(?s).*") && list.contains("\n" + id + "\n"), list);
    assertEquals(Long.parseUnsignedLong(id, 16),
        GatewayClient.int64(readJson(ctl("lease", "timetolive", id, "-w", "json").out()), "ID"));
    assertEquals("lease " + id + " keepalived with TTL(60)\n", ctl("lease", "keep-alive", "--once", id).out());

    assertEquals("lease " + id + " revoked\n", ctl("lease", "revoke", id).out());
    assertEquals("", ctl("get", "lease/", "--prefix").out());
    assertEquals("lease " + id + " already expired\n", ctl("lease", "timetolive", id).out());
    assertEquals("lease " + id + " expired or revoked.\n", ctl("lease", "keep-alive", id).out());
    assertTrue(failing("lease", "keep-alive", "--once", id).err().contains("requested lease not found"));
    assertTrue(failing("lease", "revoke", id).err().startsWith("Error: failed to revoke lease (etcdserver: requested lease not found"));
    assertEquals("Error: bad lease ID arg (xyz is not hexadecimal), expecting ID in Hex\n", failing("lease", "revoke", "xyz").err());
    assertEquals("Error: bad TTL (ten is not an integer)\n", failing("lease", "grant", "ten").err());
  }

  @Test
  void memberListAndEndpointHealth() throws IOException {
    String memberId = GatewayClient.hexId(GatewayClient.int64(readJson(ctl("endpoint", "status", "-w", "json").out())
        .get(0).path("Status").path("header"), "member_id"));
    String simple = ctl("member", "list").out();
    assertTrue(simple.matches(memberId + ", started, n1, http://127\\.0\\.0\\.1:\\d+, " + Pattern.quote(endpoint) + ", false\n"), simple);
    String table = ctl("member", "list", "-w", "table").out();
    assertTrue(table.contains("|        ID        | STATUS  | NAME |"), table);
    assertTrue(table.contains("| " + memberId + " | started |   n1 |"), table);

    String health = ctl("endpoint", "health").out();
    assertTrue(health.matches(Pattern.quote(endpoint) + " is healthy: successfully committed proposal: took = [0-9.]+(ns|µs|ms|s)\n"), health);
    String healthTable = ctl("endpoint", "health", "--cluster", "-w", "table").out();
    assertTrue(healthTable.matches("(?s).*\\| +ENDPOINT +\\| HEALTH \\| +TOOK +\\| ERROR \\|.*"), healthTable);
    assertTrue(healthTable.matches("(?s).*\\| " + Pattern.quote(endpoint) + " \\|   true \\| +[0-9.]+(ns|µs|ms|s) \\| +\\|.*"), healthTable);
    JsonNode json = readJson(ctl("endpoint", "health", "-w", "json").out());
    assertEquals(endpoint, json.at("/0/endpoint").asText());
    assertTrue(json.at("/0/health").asBoolean(), json.toString());

    Captured down = Captured.run("--endpoints", endpoint + ",127.0.0.1:1", "--dial-timeout", "1s", "endpoint", "health");
    assertEquals(1, down.code());
    assertTrue(down.err().startsWith("http://127.0.0.1:1 is unhealthy: failed to commit proposal: "), down.err());
    assertTrue(down.err().endsWith("Error: unhealthy cluster\n"), down.err());
  }

  private static JsonNode readJson(String text) throws IOException {
    return GatewayClient.JSON.readTree(text);
  }

  /** The process's stdout, line by line, as it comes. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException ended) {
        // the process was stopped
      }
    }, "raftkvctl-stdout");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** The next {@code n} lines, waiting for each at most {@link #AWAIT_SECONDS}. */
  private static List<String> take(BlockingQueue<String> lines, int n, Process p) throws InterruptedException {
    List<String> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String line = lines.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("only " + got + " within " + AWAIT_SECONDS + " s; alive: " + p.isAlive() + cluster.describe());
      }
      got.add(line);
    }
    return got;
  }
}
