package raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import raftkv.cli.bench.Keys;

/** raftkvctl's command line: the global flags anywhere, defaults, durations, endpoints, usage errors and help. */
class RaftkvCtlOptionsTest {
  private static RaftkvCtl parse(String... args) {
    RaftkvCtl root = new RaftkvCtl();
    RaftkvCtl.commandLine(root).parseArgs(args);
    return root;
  }

  @Test
  void defaultsAreEtcdctls() {
    RaftkvCtl root = parse("get", "foo");
    assertEquals(List.of("http://127.0.0.1:2379"), root.endpoints());
    assertEquals(Duration.ofSeconds(2), root.dialTimeout());
    assertEquals(Duration.ofSeconds(5), root.commandTimeout());
    assertEquals(WriteOut.simple, root.writeOut());
  }

  @Test
  void globalFlagsBeforeOrAfterTheCommand() {
    for (String[] args : List.of(
        new String[] {"--endpoints", "a:1,http://b:2/", "-w", "json", "--dial-timeout", "500ms", "get", "foo"},
        new String[] {"get", "foo", "--endpoints=a:1,http://b:2/", "--write-out=json", "--dial-timeout=500ms"},
        new String[] {"--endpoints", "a:1,http://b:2/", "benchmark", "put", "-w", "json", "--dial-timeout", "0.5s"})) {
      RaftkvCtl root = parse(args);
      assertEquals(List.of("http://a:1", "http://b:2"), root.endpoints(), String.join(" ", args));
      assertEquals(WriteOut.json, root.writeOut());
      assertEquals(Duration.ofMillis(500), root.dialTimeout());
    }
  }

  @Test
  void benchmarkOptionsBeforeOrAfterTheBenchmark() {
    ParseResult r = RaftkvCtl.commandLine(new RaftkvCtl()).parseArgs("benchmark", "--clients", "16", "put", "--conns", "4",
        "--total", "200", "--key-size", "8", "--val-size", "256", "--target-leader", "--warmup", "1s");
    CommandLine.Model.CommandSpec bench = r.subcommand().commandSpec();
    // inherited options given after the benchmark's name land on the benchmark command's own fields
    assertEquals(16, (Integer) bench.findOption("--clients").getValue());
    assertEquals(4, (Integer) bench.findOption("--conns").getValue());
    assertEquals(200L, (Long) bench.findOption("--total").getValue());
    assertEquals(Boolean.TRUE, bench.findOption("--target-leader").getValue());
    assertEquals(Duration.ofSeconds(1), bench.findOption("--warmup").getValue());
    assertEquals(256, (Integer) r.subcommand().subcommand().commandSpec().findOption("--val-size").getValue());
  }

  @Test
  void durationsAsGoWritesThem() {
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
    assertEquals(Duration.ofNanos(250_000), Durations.parse("250us"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ZERO, Durations.parse("0"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("20"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("2 s"));
  }

  @Test
  void badEndpointsAreRefused() {
    assertThrows(CtlException.class, () -> Endpoints.parse(List.of("https://a:1")));
    assertThrows(CtlException.class, () -> Endpoints.parse(List.of("a")));
    assertThrows(CtlException.class, () -> Endpoints.parse(List.of(" ")));
  }

  @Test
  void prefixEndIsEtcds() {
    assertEquals("fop", new String(GatewayClient.prefixEnd("foo".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
    assertEquals("b", new String(GatewayClient.prefixEnd(new byte[] {'a', (byte) 0xff}), StandardCharsets.UTF_8));
    assertEquals(List.of((byte) 0), toList(GatewayClient.prefixEnd(new byte[] {(byte) 0xff})));
  }

  @Test
  void getBuildsEtcdctlsRangeRequests() {
    GetCommand get = new GetCommand();
    new CommandLine(get).parseArgs("foo", "--prefix", "--consistency=s", "--limit", "3", "--keys-only");
    var body = get.request();
    assertEquals(b64("foo"), body.get("key").asText());
    assertEquals(b64("fop"), body.get("range_end").asText());
    assertEquals("3", body.get("limit").asText());
    assertTrue(body.get("serializable").asBoolean());
    assertTrue(body.get("keys_only").asBoolean());

    GetCommand range = new GetCommand();
    new CommandLine(range).parseArgs("a", "c");
    assertEquals(b64("c"), range.request().get("range_end").asText());
    assertFalse(range.request().has("serializable"));

    GetCommand both = new GetCommand();
    new CommandLine(both).parseArgs("a", "c", "--prefix");
    assertThrows(CtlException.class, both::request);
  }

  @Test
  void keysAreGoVarints() {
    assertEquals(List.of((byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0), toList(Keys.key(8, 0)));
    assertEquals((byte) 2, Keys.key(8, 1)[0]);
    assertEquals(List.of((byte) 0xd8, (byte) 0x04), toList(Keys.key(2, 300)));
    assertEquals(8, Keys.key(8, 123_456).length);
  }

  @Test
  void usageErrorsExitWithTwoAndHelpWithZero() {
    Captured bad = Captured.run("get");
    assertEquals(2, bad.code);
    assertTrue(bad.err.contains("Missing required parameter: 'KEY'"), bad.err);
    Captured unknown = Captured.run("benchmark", "put", "--no-such-flag");
    assertEquals(2, unknown.code);
    Captured none = Captured.run();
    assertEquals(2, none.code);

    Captured help = Captured.run("benchmark", "put", "--help");
    assertEquals(0, help.code);
    assertTrue(help.out.contains("--key-size"), help.out);
    assertTrue(help.out.contains("--clients"), help.out);
    assertTrue(help.out.contains("--endpoints"), help.out);
    Captured endpointHelp = Captured.run("endpoint", "status", "-h");
    assertEquals(0, endpointHelp.code);
    assertTrue(endpointHelp.out.contains("--cluster"), endpointHelp.out);
  }

  @Test
  void everyCommandHelpsWithEtcdctlsDescription() {
    String[][] commands = {
        {"txn", "Txn processes all the requests in one transaction"},
        {"watch", "Watches events stream on keys or prefixes"},
        {"compaction", "Compacts the event history in etcd"},
        {"move-leader", "Transfers leadership to another etcd cluster member."},
        {"lease", "Lease related commands"},
        {"lease grant", "Creates leases"},
        {"lease revoke", "Revokes leases"},
        {"lease keep-alive", "Keeps leases alive (renew)"},
        {"lease timetolive", "Get lease information"},
        {"lease list", "List all active leases"},
        {"member", "Membership related commands"},
        {"member list", "Lists all members in the cluster"},
        {"member add", "Adds a member into the cluster"},
        {"member remove", "Removes a member from the cluster"},
        {"member promote", "Promotes a non-voting member in the cluster"},
        {"member update", "Updates a member in the cluster"},
        {"endpoint health", "Checks the healthiness of endpoints specified in `--endpoints` flag"},
        {"endpoint status", "Prints out the status of endpoints specified in --endpoints"}};
    for (String[] c : commands) {
      List<String> args = new java.util.ArrayList<>(List.of(c[0].split(" ")));
      args.add("--help");
      Captured help = Captured.run(args.toArray(String[]::new));
      assertEquals(0, help.code, c[0]);
      assertTrue(help.out.lines().anyMatch(c[1]::equals), c[0] + ":\n" + help.out);
    }
    Captured group = Captured.run("lease");
    assertEquals(2, group.code);
    assertTrue(group.err.startsWith("lease needs a subcommand (try --help)"), group.err);
  }

  @Test
  void goDurations() {
    assertEquals("812ns", Durations.format(Duration.ofNanos(812)));
    assertEquals("1.5µs", Durations.format(Duration.ofNanos(1500)));
    assertEquals("1.802658ms", Durations.format(Duration.ofNanos(1_802_658)));
    assertEquals("2ms", Durations.format(Duration.ofMillis(2)));
    assertEquals("5.000638059s", Durations.format(Duration.ofNanos(5_000_638_059L)));
  }

  @Test
  void txnCompares() {
    var cmp = TxnSyntax.compare("mod(\"k \\\"1\\\"\") > \"7\"");
    assertEquals(b64("k \"1\""), cmp.get("key").asText());
    assertEquals("GREATER", cmp.get("result").asText());
    assertEquals("MOD", cmp.get("target").asText());
    assertEquals("7", cmp.get("mod_revision").asText());
    assertEquals(b64("a b"), TxnSyntax.compare("val(\"k\") != \"a b\"").get("value").asText());
    assertEquals("NOT_EQUAL", TxnSyntax.compare("val(\"k\") != \"a b\"").get("result").asText());
    assertEquals("255", TxnSyntax.compare("lease(\"k\") = \"ff\"").get("lease").asText());
    assertEquals("3", TxnSyntax.compare("c(\"k\") < \"3\"").get("create_revision").asText());
    assertThrows(CtlException.class, () -> TxnSyntax.compare("size(\"k\") = \"1\""));
    assertThrows(CtlException.class, () -> TxnSyntax.compare("version(\"k\") = \"one\""));
    assertThrows(CtlException.class, () -> TxnSyntax.compare("version(\"k\") == \"1\""));
    var put = TxnSyntax.request("put k \"a \\\"b\\\"\" --prev-kv");
    assertEquals("put", put.kind());
    assertEquals(b64("a \"b\""), put.request().get("value").asText());
    assertTrue(put.request().get("prev_kv").asBoolean());
    assertEquals("range", TxnSyntax.request("get k --prefix").kind());
    assertThrows(CtlException.class, () -> TxnSyntax.request("get k --prefix --from-key"));
  }

  @Test
  void anUnreachableEndpointIsAnErrorWithExitCodeOne() {
    Captured c = Captured.run("--endpoints", "127.0.0.1:1", "--dial-timeout", "1s", "put", "a", "b");
    assertEquals(1, c.code);
    assertTrue(c.err.startsWith("Error: http://127.0.0.1:1"), c.err);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Byte> toList(byte[] bytes) {
    Byte[] boxed = new Byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      boxed[i] = bytes[i];
    }
    return List.of(boxed);
  }

  /** One run of raftkvctl's entry point with its output captured. */
  record Captured(int code, String out, String err) {
    static Captured run(String... args) {
      return withInput("", args);
    }

    /** A run that reads {@code stdin} as its standard input. */
    static Captured withInput(String stdin, String... args) {
      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      int code = RaftkvCtl.run(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
      return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }
}
