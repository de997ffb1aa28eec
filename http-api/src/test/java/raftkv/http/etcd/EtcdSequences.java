package raftkv.http.etcd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Request sequences for the etcd JSON gateway, as data: each step a path and a body. Replayed
 * against the real etcd and against the raftkv server ({@code raftkv.server.e2e.EtcdConformanceTest}),
 * the answers must be equal once
 * {@link JsonMask} has masked the ids ({@link Step#mask}). Meant to run in the order of
 * {@link #all()} on one fresh server: revisions accumulate across sequences, lease ids are
 * explicit, every sequence has its own key prefix, and compaction comes last.
 */
public final class EtcdSequences {
  private EtcdSequences() {}

  /** One request; {@code mask} names answer fields to mask besides {@link JsonMask#IDS}. */
  public record Step(String path, String body, Set<String> mask) {
    public List<String> maskedFields() {
      var out = new ArrayList<>(JsonMask.IDS);
      out.addAll(mask);
      return out;
    }
  }

  public record Sequence(String name, List<Step> steps) {}

  public static List<Sequence> all() {
    return List.of(kv(), deletes(), txn(), leases(), badInput(), compaction());
  }

  // ---- building bodies ----

  /** base64 of the UTF-8 bytes, as a JSON string. */
  public static String b(String text) {
    return "\"" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "\"";
  }

  /** A JSON object from name/value pairs; values are JSON texts already. */
  public static String o(String... pairs) {
    var out = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"').append(pairs[i]).append("\":").append(pairs[i + 1]);
    }
    return out.append('}').toString();
  }

  public static String a(String... items) {
    return "[" + String.join(",", items) + "]";
  }

  public static Step step(String path, String body, String... mask) {
    return new Step(path, body, Set.of(mask));
  }

  static Step put(String key, String value, String... more) {
    var pairs = new ArrayList<>(List.of("key", b(key), "value", b(value)));
    pairs.addAll(List.of(more));
    return step("/v3/kv/put", o(pairs.toArray(String[]::new)));
  }

  static Step range(String key, String... more) {
    var pairs = new ArrayList<>(List.of("key", b(key)));
    pairs.addAll(List.of(more));
    return step("/v3/kv/range", o(pairs.toArray(String[]::new)));
  }

  // ---- the sequences ----

  static Sequence kv() {
    return new Sequence("kv", List.of(
        put("kv/foo", "bar"),
        put("kv/foo", "baz", "prev_kv", "true"),
        range("kv/foo"),
        range("kv/none"),
        put("kv/a", "3"),
        put("kv/b", "1"),
        put("kv/c", "2"),
        put("kv/b", "11"),
        range("kv/", "range_end", b("kv0")),
        range("kv/b", "range_end", "\"AA==\""),
        range("kv/", "range_end", b("kv0"), "sort_order", "\"DESCEND\""),
        range("kv/", "range_end", b("kv0"), "sort_target", "\"VALUE\"", "sort_order", "\"ASCEND\""),
        range("kv/", "range_end", b("kv0"), "sort_target", "\"MOD\""),
        range("kv/", "range_end", b("kv0"), "sortTarget", "\"VERSION\"", "sortOrder", "2"),
        range("kv/", "range_end", b("kv0"), "sort_target", "\"CREATE\"", "sort_order", "\"DESCEND\""),
        range("kv/", "range_end", b("kv0"), "limit", "2"),
        range("kv/", "range_end", b("kv0"), "limit", "\"-1\""),
        range("kv/", "range_end", b("kv0"), "count_only", "true"),
        range("kv/", "range_end", b("kv0"), "keys_only", "true"),
        range("kv/", "range_end", b("kv0"), "revision", "\"4\""),
        range("kv/", "range_end", b("kv0"), "min_mod_revision", "5", "max_mod_revision", "\"6\""),
        range("kv/", "range_end", b("kv0"), "minCreateRevision", "6", "limit", "1"),
        range("kv/", "range_end", b("kv0"), "max_create_revision", "5"),
        range("kv/", "range_end", b("kv/a")),
        range("kv/", "range_end", b("kv/"), "serializable", "true"),
        range("\u0000", "range_end", "\"AA==\"", "count_only", "true"),
        put("kv/a", "", "ignore_value", "true"),
        put("kv/a", "x", "ignore_value", "true"),
        put("kv/zz", "", "ignore_value", "true"),
        put("kv/a", "y", "ignore_lease", "true"),
        put("kv/a", "y", "ignore_lease", "true", "lease", "\"77\""),
        put("kv/zz", "y", "ignore_lease", "true"),
        step("/v3/kv/put", o("value", b("v"))),
        step("/v3/kv/range", "{}"),
        put("kv/l", "v", "lease", "\"12345\""),
        range("kv/foo", "revision", "\"1000\"")));
  }

  static Sequence deletes() {
    return new Sequence("delete", List.of(
        put("del/a", "1"),
        put("del/b", "2"),
        put("del/c", "3"),
        put("del/d", "4"),
        step("/v3/kv/deleterange", o("key", b("del/a"), "prev_kv", "true")),
        step("/v3/kv/deleterange", o("key", b("del/a"))),
        step("/v3/kv/deleterange", o("key", b("del/b"), "range_end", b("del/d"), "prevKv", "true")),
        step("/v3/kv/deleterange", o("key", b("del/"), "range_end", "\"AA==\"")),
        step("/v3/kv/deleterange", "{}"),
        put("del/a", "again"),
        range("del/a")));
  }

  private static String cmp(String key, String target, String result, String field, String value) {
    return o("key", b(key), "target", "\"" + target + "\"", "result", "\"" + result + "\"", field, value);
  }

  private static String opPut(String key, String value) {
    return o("request_put", o("key", b(key), "value", b(value), "prev_kv", "true"));
  }

  private static String opRange(String key) {
    return o("request_range", o("key", b(key)));
  }

  private static Step txnStep(String body) {
    return step("/v3/kv/txn", body);
  }

  static Sequence txn() {
    var tooMany = new ArrayList<String>();
    for (int i = 0; i < 129; i++) {
      tooMany.add(opRange("txn/" + i));
    }
    return new Sequence("txn", List.of(
        put("txn/a", "1"),
        put("txn/b", "2"),
        txnStep(o("compare", a(cmp("txn/a", "VALUE", "EQUAL", "value", b("1"))),
            "success", a(opRange("txn/a"), opPut("txn/a", "10"),
                o("request_delete_range", o("key", b("txn/b"), "prev_kv", "true")),
                o("request_txn", o("success", a(opRange("txn/a"))))),
            "failure", a(opPut("txn/x", "no")))),
        txnStep(o("compare", a(cmp("txn/a", "VERSION", "EQUAL", "version", "\"5\"")),
            "success", a(opPut("txn/x", "no")),
            "failure", a(opRange("txn/a"), opPut("txn/c", "3")))),
        txnStep(o("compare", a(cmp("txn/a", "CREATE", "GREATER", "create_revision", "1"),
                cmp("txn/a", "MOD", "LESS", "mod_revision", "100"),
                cmp("txn/a", "VALUE", "NOT_EQUAL", "value", b("zz")),
                cmp("txn/a", "LEASE", "EQUAL", "lease", "0")),
            "success", a(opRange("txn/")))),
        txnStep(o("compare", a(cmp("txn/none", "VERSION", "EQUAL", "version", "0"),
            cmp("txn/none", "VALUE", "EQUAL", "value", b(""))))),
        txnStep(o("compare", a(o("key", b("txn/"), "range_end", b("txn0"), "target", "\"CREATE\"",
                "result", "\"GREATER\"", "createRevision", "\"0\"")),
            "success", a(opRange("txn/c")))),
        txnStep(o("compare", a(o("key", b("txn/a"), "target", "1", "result", "3", "version", "9")))),
        txnStep(o("success", a(opPut("txn/d", "1"), opPut("txn/d", "2")))),
        txnStep(o("success", a(opPut("txn/d", "1"), o("request_delete_range", o("key", b("txn/d")))))),
        txnStep(o("success", a(opPut("txn/d", "1"), o("request_txn", o("success", a(opPut("txn/d", "2"))))))),
        txnStep(o("success", a(opPut("txn/e", "1"), o("request_txn", o("failure", a(opPut("txn/e", "2"))))))),
        step("/v3/kv/txn", o("success", a(tooMany.toArray(String[]::new)))),
        step("/v3/kv/txn", "{}"),
        step("/v3/kv/txn", o("success", a(opPut("", "1")))),
        range("txn/", "range_end", b("txn0"))));
  }

  static Sequence leases() {
    return new Sequence("lease", List.of(
        step("/v3/lease/grant", o("TTL", "\"60\"", "ID", "\"5001\"")),
        step("/v3/lease/grant", o("TTL", "120", "ID", "5002")),
        step("/v3/lease/grant", o("TTL", "1", "ID", "5003")),
        step("/v3/lease/grant", o("TTL", "60", "ID", "5001")),
        step("/v3/lease/grant", o("TTL", "\"9000000001\"", "ID", "5004")),
        put("lease/a", "1", "lease", "\"5001\""),
        put("lease/b", "2", "lease", "5001"),
        put("lease/c", "3", "lease", "5002"),
        put("lease/d", "4", "lease", "9999"),
        range("lease/", "range_end", b("lease0")),
        step("/v3/lease/timetolive", o("ID", "\"5001\"", "keys", "true"), "TTL"),
        step("/v3/lease/timetolive", o("ID", "5002"), "TTL"),
        step("/v3/lease/timetolive", o("ID", "4444")),
        step("/v3/lease/leases", "{}"),
        put("lease/c", "3b", "ignore_lease", "true"),
        range("lease/c"),
        step("/v3/lease/revoke", o("ID", "\"5001\"")),
        range("lease/", "range_end", b("lease0")),
        step("/v3/lease/revoke", o("ID", "\"5001\"")),
        step("/v3/lease/revoke", o("ID", "\"5003\"")),
        step("/v3/lease/leases", "{}"),
        step("/v3/lease/revoke", o("ID", "\"5002\"")),
        step("/v3/lease/leases", "{}")));
  }

  static Sequence badInput() {
    return new Sequence("bad input", List.of(
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"value\":"),
        step("/v3/kv/put", "{\"key\":\"YmFk\" \"value\":1}"),
        step("/v3/kv/put", "not json"),
        step("/v3/kv/put", "[1,2]"),
        step("/v3/kv/put", "\"str\""),
        step("/v3/kv/put", ""),
        step("/v3/kv/put", "{\"key\":\"YmFk!\",\"value\":\"eA==\"}"),
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"value\":\"eA=\"}"),
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"value\":{}}"),
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"prev_kv\":\"yes\"}"),
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"lease\":18446744073709551616}"),
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"lease\":\"x1\"}"),
        step("/v3/kv/put", "{\"key\":\"YmFk\",\"value\":\"eA==\",\"unknown_field\":{\"a\":[1,2]}}"),
        step("/v3/kv/range", "{\"key\":\"YmFk\",\"sort_order\":\"SIDEWAYS\"}"),
        step("/v3/kv/range", "{\"key\":\"YmFk\",\"limit\":\"9223372036854775808\"}"),
        step("/v3/kv/range", "{\"key\":\"YmFk\",\"revision\":-5}"),
        step("/v3/kv/range", "{\"key\":\"YmFk\",\"keys_only\":null,\"range_end\":null}"),
        step("/v3/kv/deleterange", "{\"key\":\"YmFk\",\"prev_kv\":1}"),
        step("/v3/kv/txn", "{\"compare\":[{\"key\":\"YmFk\",\"result\":\"BIGGER\"}]}"),
        step("/v3/kv/txn", "{\"success\":{\"request_put\":{}}}"),
        step("/v3/kv/txn", "{\"success\":[{\"request_put\":{\"key\":\"YmFk\",\"value\":1}}]}"),
        step("/v3/lease/grant", "{\"TTL\":true}"),
        step("/v3/lease/revoke", "{\"ID\":\"\"}"),
        step("/v3/lease/timetolive", "{\"ID\":1,\"keys\":\"true\"}"),
        step("/v3/kv/compaction", "{\"revision\":1.5}"),
        step("/v3/kv/compaction", "{\"revision\":\"0x10\"}"),
        step("/v3/kv/range", "{\"key\":\"\\u00e9\"}"),
        step("/v3/kv/range", "{\"key\":\"\u00e9\"}"),
        step("/v3/kv/range", "{\"key\":\"<&>\"}"),
        step("/v3/kv/range", "{\"key\":\"YmFk\",\"sort_order\":\"\\u0041SCEND\"}"),
        range("bad")));
  }

  static Sequence compaction() {
    return new Sequence("compaction", List.of(
        put("cmp/a", "1"),
        put("cmp/a", "2"),
        put("cmp/a", "3"),
        step("/v3/kv/compaction", o("revision", "\"100000\"")),
        range("cmp/a"),
        step("/v3/kv/compaction", o("revision", "\"3\"", "physical", "true")),
        step("/v3/kv/compaction", o("revision", "\"3\"")),
        step("/v3/kv/compaction", o("revision", "\"2\"")),
        range("cmp/a", "revision", "\"2\""),
        range("cmp/a", "revision", "\"3\""),
        range("cmp/a", "revision", "\"100000\""),
        range("\u0000", "range_end", "\"AA==\"", "revision", "\"3\"", "count_only", "true")));
  }
}
