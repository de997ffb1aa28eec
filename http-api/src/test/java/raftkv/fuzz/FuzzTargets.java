package raftkv.fuzz;

import static raftkv.fuzz.JsonMutator.b64;

import java.util.List;

/**
 * Every endpoint the fuzzer aims at, with valid requests to mutate. The valid requests touch only
 * keys under {@code fz} and leases and members that do not exist, so what a mutation of them can
 * change stays outside the canary's keys ({@link Canary}).
 */
final class FuzzTargets {
  /**
   * A POST endpoint of the etcd gateway.
   *
   * @param stream   a stream: its answer is a 200 whose body does not end, so only its head is read
   * @param writes   a 200 from it may raise the store's revision (a lease grant twice: its expiry too)
   * @param bytewise its requests may also be mutated byte by byte, outside the JSON structure: only
   *                 where a request cannot reach beyond {@code fz} whatever its bytes are (no range
   *                 deletes, no compaction, no lease revoke, no membership change)
   */
  record Gateway(String path, List<String> valid, boolean stream, int writes, boolean bytewise) {}

  private static final String FZ_A = b64("fz/a");
  private static final String FZ_B = b64("fz/b");
  private static final String FZ = b64("fz/");
  private static final String FZ_END = b64("fz0");
  private static final String NO_LEASE = "\"424242\"";
  private static final String NO_MEMBER = "\"1\"";

  static final List<Gateway> GATEWAY = List.of(
      new Gateway("/v3/kv/put", List.of(
          "{\"key\":" + FZ_A + ",\"value\":\"YmFy\"}",
          "{\"key\":" + FZ_B + ",\"value\":\"YmF6\",\"prev_kv\":true,\"ignore_lease\":false,\"lease\":\"0\"}"),
          false, 1, true),
      new Gateway("/v3/kv/range", List.of(
          "{\"key\":" + FZ + ",\"range_end\":" + FZ_END + ",\"limit\":2,\"sort_order\":\"DESCEND\","
              + "\"sort_target\":\"MOD\",\"keys_only\":true}",
          "{\"key\":" + FZ_A + ",\"revision\":\"1\",\"serializable\":true,\"min_mod_revision\":1,\"count_only\":false}"),
          false, 0, true),
      new Gateway("/v3/kv/deleterange", List.of(
          "{\"key\":" + FZ_A + ",\"prev_kv\":true}",
          "{\"key\":" + FZ + ",\"range_end\":" + FZ_END + "}"),
          false, 1, false),
      new Gateway("/v3/kv/txn", List.of(
          "{\"compare\":[{\"key\":" + FZ_A + ",\"target\":\"VALUE\",\"result\":\"EQUAL\",\"value\":\"YmFy\"}],"
              + "\"success\":[{\"request_put\":{\"key\":" + FZ_A + ",\"value\":\"cXV4\"}}],"
              + "\"failure\":[{\"request_range\":{\"key\":" + FZ_A + "}},{\"request_delete_range\":{\"key\":" + FZ_B + "}}]}",
          "{\"compare\":[{\"key\":" + FZ_B + ",\"target\":\"MOD\",\"result\":\"LESS\",\"mod_revision\":\"99\"}],"
              + "\"success\":[{\"request_txn\":{\"success\":[{\"request_put\":{\"key\":" + FZ_B + ",\"value\":\"\"}}]}}]}"),
          false, 1, false),
      // Far in the future: refused. A compaction that went through would lose the canary's history.
      new Gateway("/v3/kv/compaction", List.of("{\"revision\":\"900000000000\",\"physical\":true}"), false, 0, false),
      new Gateway("/v3/lease/grant", List.of("{\"TTL\":60,\"ID\":0}", "{\"TTL\":\"2\"}"), false, 2, true),
      new Gateway("/v3/lease/revoke", List.of("{\"ID\":" + NO_LEASE + "}"), false, 1, false),
      new Gateway("/v3/kv/lease/revoke", List.of("{\"ID\":" + NO_LEASE + "}"), false, 1, false),
      new Gateway("/v3/lease/timetolive", List.of("{\"ID\":" + NO_LEASE + ",\"keys\":true}"), false, 0, true),
      new Gateway("/v3/lease/leases", List.of("{}"), false, 0, true),
      new Gateway("/v3/lease/keepalive", List.of("{\"ID\":" + NO_LEASE + "}"), true, 0, true),
      new Gateway("/v3/watch", List.of(
          "{\"create_request\":{\"key\":" + FZ + ",\"range_end\":" + FZ_END + ",\"start_revision\":\"1\","
              + "\"prev_kv\":true,\"filters\":[\"NOPUT\"],\"watch_id\":3,\"progress_notify\":true}}",
          "{\"cancel_request\":{\"watch_id\":\"3\"}}", "{\"progress_request\":{}}"),
          true, 0, true),
      new Gateway("/v3/cluster/member/list", List.of("{\"linearizable\":true}"), false, 0, true),
      new Gateway("/v3/cluster/member/add", List.of("{\"peerURLs\":[\"not a url\"],\"isLearner\":true}"), false, 1, false),
      new Gateway("/v3/cluster/member/remove", List.of("{\"ID\":" + NO_MEMBER + "}"), false, 1, false),
      new Gateway("/v3/cluster/member/promote", List.of("{\"ID\":" + NO_MEMBER + "}"), false, 1, false),
      new Gateway("/v3/cluster/member/update", List.of("{\"ID\":" + NO_MEMBER + ",\"peerURLs\":[\"not a url\"]}"),
          false, 1, false),
      new Gateway("/v3/maintenance/status", List.of("{}"), false, 0, true),
      new Gateway("/v3/maintenance/transfer-leadership", List.of("{\"targetID\":" + NO_MEMBER + "}"), false, 0, false),
      new Gateway("/v3beta/kv/range", List.of("{\"key\":" + FZ_A + "}"), false, 0, true));

  /** Paths outside the gateway, answered with GET. */
  static final List<String> PLAIN = List.of("/health", "/livez", "/readyz", "/metrics");

  /** Paths no route serves. */
  static final List<String> UNKNOWN = List.of(
      "/", "/v3", "/v3/", "/v3/nope", "/v3/kv", "/v3/kv/put/", "/v3/kv/put/extra", "/v3//kv/put", "/v3/kv/%70ut",
      "/v3/auth/authenticate", "/v2/keys/foo", "/kvx", "/healthz", "/metrics/x", "/%00", "/..%2f..%2fetc/passwd",
      "/v3/watch/../kv/put", "/" + "x".repeat(8_000));

  static final List<String> METHODS = List.of("GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "post");

  private FuzzTargets() {}
}
