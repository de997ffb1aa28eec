package raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import raftkv.cli.RaftkvCtlOptionsTest.Captured;
import raftkv.http.etcd.EtcdProcess;

/**
 * raftkvctl's member and move-leader commands against a real etcd 3.4 on loopback (raftkv's
 * own membership endpoints are being built): the output must be etcdctl's for the same commands.
 */
class RaftkvCtlEtcdTest {
  @TempDir
  static Path dir;

  private static EtcdProcess etcd;
  private static String memberId;
  private static String clusterId;
  private static String peerUrl;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(EtcdProcess.ETCD),
        "skipped: etcd 3.4 is not installed at " + EtcdProcess.ETCD + " (apt-get install etcd-server)");
    etcd = EtcdProcess.start(dir);
    JsonNode list = GatewayClient.JSON.readTree(ctl("member", "list", "-w", "json").out());
    memberId = GatewayClient.hexId(GatewayClient.int64(list.at("/members/0"), "ID"));
    clusterId = String.format("%16x", GatewayClient.int64(list.path("header"), "cluster_id"));
    peerUrl = list.at("/members/0/peerURLs/0").asText();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static Captured run(int expectedCode, String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoints", etcd.clientUrl()));
    all.addAll(List.of(args));
    Captured c = Captured.run(all.toArray(String[]::new));
    assertEquals(expectedCode, c.code(), () -> all + "\nstdout: " + c.out() + "\nstderr: " + c.err());
    return c;
  }

  private static Captured ctl(String... args) {
    return run(0, args);
  }

  private static String error(String... args) {
    return run(1, args).err();
  }

  @Test
  void learnerIsAddedUpdatedRefusedPromotionAndRemoved() {
    assertEquals(memberId + ", started, default, " + peerUrl + ", " + etcd.clientUrl() + ", false\n", ctl("member", "list").out());

    String added = ctl("member", "add", "newbie", "--learner", "--peer-urls=http://127.0.0.1:9").out();
    Matcher m = Pattern.compile("Member ( *[0-9a-f]+) added to cluster " + clusterId).matcher(added.lines().findFirst().orElse(""));
    assertTrue(m.find(), added);
    String padded = m.group(1);
    assertEquals(16, padded.length(), "etcdctl prints the id in 16 columns: " + added);
    String id = padded.trim();
    assertEquals("Member " + padded + " added to cluster " + clusterId + "\n\n"
        + "ETCD_NAME=\"newbie\"\n"
        + "ETCD_INITIAL_CLUSTER=\"" + initialCluster(id) + "\"\n"
        + "ETCD_INITIAL_ADVERTISE_PEER_URLS=\"http://127.0.0.1:9\"\n"
        + "ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n", added);
    assertTrue(ctl("member", "list").out().contains(id + ", unstarted, , http://127.0.0.1:9, , true\n"));
    String table = ctl("member", "list", "-w", "table").out();
    assertTrue(table.matches("(?s).*\\| " + id + " \\| unstarted \\| +\\| +http://127\\.0\\.0\\.1:9 \\| +\\| +true \\|\n.*"), table);

    assertTrue(error("member", "promote", id)
        .startsWith("Error: etcdserver: can only promote a learner member which is in sync with leader"));
    assertEquals("Member " + padded + " updated in cluster " + clusterId + "\n",
        ctl("member", "update", id, "--peer-urls=http://127.0.0.1:10").out());
    // etcd 3.4's member list no longer shows an updated learner as one: its bug, not ours
    assertTrue(ctl("member", "list").out().contains(id + ", unstarted, , http://127.0.0.1:10, , "));
    assertEquals("Member " + padded + " removed from cluster " + clusterId + "\n", ctl("member", "remove", id).out());
    assertTrue(error("member", "remove", id).startsWith("Error: etcdserver: member not found"));
    assertEquals(1, ctl("member", "list").out().lines().count());
  }

  /** What etcd answers: the members in its order, the new one under its given name. */
  private static String initialCluster(String newId) {
    JsonNode list;
    try {
      list = GatewayClient.JSON.readTree(ctl("member", "list", "-w", "json").out());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    List<String> pairs = new ArrayList<>();
    for (JsonNode member : list.path("members")) {
      boolean isNew = GatewayClient.hexId(GatewayClient.int64(member, "ID")).equals(newId);
      pairs.add((isNew ? "newbie" : member.path("name").asText()) + "=" + member.at("/peerURLs/0").asText());
    }
    return String.join(",", pairs);
  }

  @Test
  void memberCommandsRefuseBadArguments() {
    long members = ctl("member", "list").out().lines().count();
    assertEquals("Error: member name not provided\n", error("member", "add", "--peer-urls=http://127.0.0.1:9"));
    assertEquals("Error: member peer urls not provided\n", error("member", "add", "x"));
    assertEquals("Error: member ID is not provided\n", error("member", "remove"));
    assertEquals("Error: bad member ID arg (zz is not hexadecimal), expecting ID in Hex\n", error("member", "promote", "zz"));
    assertEquals("Error: table not supported as output format\n",
        error("member", "add", "t", "--peer-urls=http://127.0.0.1:9", "-w", "table"));
    assertEquals(members, ctl("member", "list").out().lines().count(), "a refused add adds nothing");
  }

  @Test
  void moveLeaderFindsTheLeaderAmongTheEndpoints() {
    // one member: it leads, and handing leadership to itself is what etcd answers with success
    assertEquals("Leadership transferred from " + memberId + " to " + memberId + "\n", ctl("move-leader", memberId).out());
    assertTrue(error("move-leader", "123").startsWith("Error: etcdserver: bad leader transferee"));
    assertEquals("Error: move-leader command needs 1 argument\n", error("move-leader"));
  }

  @Test
  void endpointHealthOfEtcd() {
    assertTrue(ctl("endpoint", "health", "--cluster").out()
        .matches(Pattern.quote(etcd.clientUrl()) + " is healthy: successfully committed proposal: took = [0-9.]+(ns|µs|ms|s)\n"));
  }
}
