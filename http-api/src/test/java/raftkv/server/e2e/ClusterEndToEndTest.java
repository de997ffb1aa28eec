package raftkv.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import raftkv.testing.MemberProcess;

/**
 * A 3-member cluster of real server processes, as an operator runs it: both read modes through
 * every member, a watch that sees every change in order while the leader is killed with SIGKILL,
 * lease expiry deleting keys on every member at one revision, and the answers without a quorum
 * (503 with a retry hint for writes and linearizable reads, while serializable reads go on).
 */
class ClusterEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  private ServerCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void bothReadModesThroughEveryMember() throws Exception {
    cluster = new ServerCluster(tmp, 3).start();
    for (String via : cluster.names()) {
      var put = cluster.put(via, "/kv/by-" + via, "written through " + via);
      assertEquals(200, put.status(), put.toString());
      for (String reader : cluster.names()) {
        // Linearizable (the default): the write is visible at once through every member.
        var read = cluster.get(reader, "/kv/by-" + via);
        assertEquals(200, read.status(), "linearizable read through " + reader + ": " + read);
        assertEquals("written through " + via, read.body());
      }
    }
    for (String reader : cluster.names()) {
      awaitTrue(() -> {
        var list = cluster.get(reader, "/kv/by-?prefix=true&consistency=serializable");
        return list.status() == 200 && json(list.body()).get("count").asLong() == 3;
      }, "serializable listing through " + reader);
    }
    // The v3 gateway agrees, in both modes.
    var v3 = cluster.post(cluster.names().get(1), "/v3/kv/range",
        "{\"key\":\"" + b64("by-") + "\",\"range_end\":\"" + b64("by.") + "\",\"serializable\":false}");
    assertEquals(3, json(v3.body()).get("count").asLong(), v3.toString());

    for (String member : cluster.names()) {
      var health = cluster.get(member, "/health");
      assertEquals(200, health.status(), health.toString());
      assertEquals("{\"health\":\"true\"}", health.body());
      String metrics = cluster.get(member, "/metrics").body();
      assertTrue(metrics.contains("raftkv_server_has_leader 1.0"), metrics);
      assertTrue(metrics.contains("raftkv_server_proposals_committed_total 1.0"), metrics);
      assertTrue(metrics.contains("raftkv_http_requests_total{code=\"200\",endpoint=\"/kv\"}"), metrics);
    }
    String other = cluster.names().get(1);
    awaitTrue(() -> cluster.get(cluster.names().get(0), "/metrics").body()
            .contains("raftkv_network_peer_round_trip_time_seconds_count{To=\"" + other + "\"}"),
        "a round-trip time to " + other);
  }

  @Test
  void aWatchSeesEveryRevisionOnceAndInOrderWhileTheLeaderIsKilled() throws Exception {
    cluster = new ServerCluster(tmp, 3).start();
    String leader = awaitLeader(cluster.names());
    String watcher = cluster.names().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    List<String> survivors = cluster.names().stream().filter(n -> !n.equals(leader)).toList();

    WatchStream watch = WatchStream.open(cluster, watcher,
        "{\"create_request\":{\"key\":\"" + b64("w/") + "\",\"range_end\":\"" + b64("w0") + "\"}}");
    long createdAt = watch.next().get("result").get("header").get("revision").asLong();

    Map<Long, String> acknowledged = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      write(survivors.get(i % 2), "w/" + i, acknowledged);
    }
    assertEquals(MemberProcess.SIGKILL_STATUS, cluster.member(leader).kill());
    for (int i = 30; i < 60; i++) {
      write(survivors.get(i % 2), "w/" + i, acknowledged);
    }
    long last = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();

    // Every revision after the watch's start is one of these writes (no other key changes), so
    // the watch must deliver each revision up to the last acknowledged one, once, in order.
    List<Long> seen = new ArrayList<>();
    Map<Long, String> keys = new HashMap<>();
    while (seen.isEmpty() || seen.get(seen.size() - 1) < last) {
      JsonNode events = watch.next().get("result").get("events");
      assertNotNull(events, "a watch message without events");
      for (JsonNode e : events) {
        long revision = e.get("kv").get("mod_revision").asLong();
        seen.add(revision);
        keys.put(revision, new String(Base64.getDecoder().decode(e.get("kv").get("key").asText()), StandardCharsets.UTF_8));
      }
    }
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(createdAt + 1 + i, seen.get(i), "revisions delivered: " + seen);
    }
    acknowledged.forEach((revision, key) -> assertEquals(key, keys.get(revision), "the event at revision " + revision));
    watch.close();
  }

  @Test
  void anExpiredLeaseDeletesItsKeysOnEveryMemberAtOneRevision() throws Exception {
    cluster = new ServerCluster(tmp, 3).start();
    String n1 = cluster.names().get(0);
    var grant = cluster.post(n1, "/v3/lease/grant", "{\"TTL\":2,\"ID\":99}");
    assertEquals(200, grant.status(), grant.toString());
    var put = cluster.put(cluster.names().get(2), "/kv/ephemeral?lease=99", "gone soon");
    assertEquals(200, put.status(), put.toString());

    Map<String, Long> deletedAt = new HashMap<>();
    for (String member : cluster.names()) {
      WatchStream watch = WatchStream.open(cluster, member,
          "{\"create_request\":{\"key\":\"" + b64("ephemeral") + "\",\"start_revision\":1}}");
      watch.next(); // created
      while (!deletedAt.containsKey(member)) {
        for (JsonNode e : watch.next().get("result").get("events")) {
          if ("DELETE".equals(e.path("type").asText())) {
            deletedAt.put(member, e.get("kv").get("mod_revision").asLong());
          }
        }
      }
      watch.close();
      var read = cluster.get(member, "/kv/ephemeral?consistency=serializable");
      assertEquals(404, read.status(), member + " still has the key: " + read);
    }
    assertEquals(1, deletedAt.values().stream().distinct().count(), "deleted at " + deletedAt);
    var ttl = cluster.post(n1, "/v3/lease/timetolive", "{\"ID\":99}");
    assertEquals("-1", json(ttl.body()).get("TTL").asText(), ttl.toString());
  }

  @Test
  void withoutAQuorumWritesAndLinearizableReadsGet503WhileSerializableReadsGoOn() throws Exception {
    cluster = new ServerCluster(tmp, 3).start();
    List<String> names = cluster.names();
    assertEquals(200, cluster.put(names.get(0), "/kv/k", "before").status());
    String last = names.get(2);
    awaitTrue(() -> "before".equals(cluster.get(last, "/kv/k?consistency=serializable").body()), "replicated to " + last);
    cluster.member(names.get(0)).kill();
    cluster.member(names.get(1)).kill();

    long started = System.nanoTime();
    var write = cluster.put(last, "/kv/k", "after");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(503, write.status(), write.toString());
    assertEquals(List.of("1"), write.headers().get("retry-after"), "a retry hint: " + write.headers());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "a bounded wait, not " + took);
    var v3 = cluster.post(last, "/v3/kv/put", "{\"key\":\"" + b64("k") + "\",\"value\":\"" + b64("after") + "\"}");
    assertEquals(503, v3.status(), v3.toString());
    assertEquals(14, json(v3.body()).get("code").asInt(), v3.toString());
    assertEquals(503, cluster.get(last, "/kv/k").status());

    var serializable = cluster.get(last, "/kv/k?consistency=serializable");
    assertEquals(200, serializable.status(), serializable.toString());
    assertEquals("before", serializable.body());
    var health = cluster.get(last, "/health");
    assertEquals(503, health.status(), health.toString());
    assertTrue(health.body().startsWith("{\"health\":\"false\""), health.toString());
    assertEquals(200, cluster.get(last, "/livez").status(), "a local read still works");
    assertEquals(503, cluster.get(last, "/readyz").status());

    // The quorum back: the members recover their logs and the write goes through.
    cluster.member(names.get(0)).start();
    cluster.member(names.get(0)).awaitReady(ServerCluster.READY_TIMEOUT);
    awaitTrue(() -> cluster.put(last, "/kv/k", "after").status() == 200, "a write once a quorum is back");
    assertEquals("after", cluster.get(names.get(0), "/kv/k").body());
  }

  // ---- helpers ----

  /** Writes until one attempt is acknowledged; records the revision it got. */
  private void write(String via, String key, Map<Long, String> acknowledged) {
    awaitTrue(() -> {
      var r = cluster.put(via, "/kv/" + key, "v");
      if (r.status() != 200) {
        return false; // 503 while the survivors elect a leader: etcd's clients retry too
      }
      acknowledged.put(json(r.body()).get("revision").asLong(), key);
      return true;
    }, "write of " + key + " through " + via);
  }

  /** The member that leads, as the members' status answers say. */
  private String awaitLeader(List<String> among) {
    String[] found = new String[1];
    awaitTrue(() -> {
      for (String name : among) {
        var status = cluster.post(name, "/v3/maintenance/status", "{}");
        if (status.status() == 200) {
          JsonNode s = json(status.body());
          if (s.path("leader").asText().equals(s.get("header").get("member_id").asText())) {
            found[0] = name;
            return true;
          }
        }
      }
      return false;
    }, "a leader among " + among);
    return found[0];
  }

  private void awaitTrue(Supplier<Boolean> condition, String what) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + AWAIT.toSeconds() + " s: " + what + "\n" + cluster.describe());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + body, e);
    }
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code /v3/watch} stream: its answer lines, one JSON message each, as they arrive. */
  static final class WatchStream implements AutoCloseable {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    private WatchStream(CompletableFuture<HttpResponse<Stream<String>>> response) {
      this.response = response;
      response.thenAccept(r -> CompletableFuture.runAsync(() -> r.body().forEach(lines::add)));
    }

    static WatchStream open(ServerCluster cluster, String member, String request) {
      var http = HttpRequest.newBuilder(cluster.clientUrl(member).resolve("/v3/watch"))
          .POST(HttpRequest.BodyPublishers.ofString(request)).build();
      return new WatchStream(cluster.http().sendAsync(http, HttpResponse.BodyHandlers.ofLines()));
    }

    /** The next message, within 20 s. */
    JsonNode next() throws InterruptedException {
      String line = lines.poll(20, TimeUnit.SECONDS);
      assertNotNull(line, "no watch message within 20 s");
      assertFalse(line.isBlank());
      return json(line);
    }

    @Override
    public void close() {
      response.cancel(true);
      response.thenAccept(r -> r.body().close());
    }
  }
}
