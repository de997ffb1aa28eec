package raftkv.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.fuzz.JsonMutator.b64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import raftkv.server.e2e.ServerCluster;

/**
 * Data written before the fuzzing that it must leave as it was: two keys under {@code zz-canary/}
 * (which sorts after every key a mutated request can name, see {@link FuzzTargets}), one
 * overwritten so that it has history, one attached to a lease. The fuzzer may write only under
 * {@code fz}; the check compares the canary's keys, its history at an old revision and its lease,
 * and bounds how far the revision moved by the writes the fuzzer had accepted.
 */
final class Canary {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = b64("zz-canary/");
  private static final String PREFIX_END = b64("zz-canary0");
  private static final String LEASE = "7919191919191";

  private final ServerCluster cluster;
  private final String member;
  private final long historyRevision;
  private final JsonNode keys;
  private final JsonNode history;
  private final JsonNode lease;
  private final long revision;

  private Canary(ServerCluster cluster, String member) {
    this.cluster = cluster;
    this.member = member;
    this.historyRevision = revisionOf(call("/v3/kv/put", "{\"key\":" + b64("zz-canary/a") + ",\"value\":" + b64("one") + "}"));
    call("/v3/kv/put", "{\"key\":" + b64("zz-canary/a") + ",\"value\":" + b64("two") + "}");
    call("/v3/lease/grant", "{\"ID\":" + LEASE + ",\"TTL\":3600}");
    this.revision = revisionOf(call("/v3/kv/put",
        "{\"key\":" + b64("zz-canary/b") + ",\"value\":" + b64("three") + ",\"lease\":" + LEASE + "}"));
    this.keys = keys();
    this.history = history();
    this.lease = lease();
    assertEquals(2, keys.size(), "the canary's keys: " + keys);
  }

  /** Writes the canary through {@code member}. */
  static Canary write(ServerCluster cluster, String member) {
    return new Canary(cluster, member);
  }

  /** Fails unless the canary is as written and the revision moved by at most {@code acceptedWrites}. */
  void check(long acceptedWrites) {
    assertEquals(keys, keys(), "the canary's keys changed");
    assertEquals(history, history(), "the canary's history (at revision " + historyRevision + ") changed");
    assertEquals(lease, lease(), "the canary's lease changed");
    long now = revisionOf(call("/v3/kv/range", "{\"key\":" + PREFIX + ",\"count_only\":true}"));
    assertTrue(now >= revision && now - revision <= acceptedWrites,
        "the revision moved from " + revision + " to " + now + ", beyond the " + acceptedWrites
            + " revisions the accepted writes may have made");
  }

  private JsonNode keys() {
    return call("/v3/kv/range", "{\"key\":" + PREFIX + ",\"range_end\":" + PREFIX_END + "}").path("kvs");
  }

  private JsonNode history() {
    return call("/v3/kv/range", "{\"key\":" + PREFIX + ",\"range_end\":" + PREFIX_END + ",\"revision\":"
        + historyRevision + "}").path("kvs");
  }

  /** The lease's id, granted TTL and keys (not the TTL left, which runs down). */
  private JsonNode lease() {
    ObjectNode ttl = (ObjectNode) call("/v3/lease/timetolive", "{\"ID\":" + LEASE + ",\"keys\":true}");
    ttl.remove("header");
    ttl.remove("TTL");
    return ttl;
  }

  private JsonNode call(String path, String body) {
    ServerCluster.Answer answer = cluster.post(member, path, body);
    assertEquals(200, answer.status(), path + " " + body + ": " + answer);
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long revisionOf(JsonNode answer) {
    return answer.path("header").path("revision").asLong();
  }
}
