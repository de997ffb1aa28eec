package raftkv.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Structure-aware mutation of a valid JSON request: it parses the request into a tree that can
 * hold what JSON parsers disagree on (duplicate keys, numbers no machine type holds, raw escapes),
 * changes a few nodes, and writes it back. The values it puts in are hostile, but never a key that
 * reaches outside the fuzzer's own prefix {@code fz} (a mutated delete or txn stays inside it),
 * and no number that is a revision of the store other than 0 or 1 (a mutated compaction that went
 * through would compact the canary's history away).
 */
final class JsonMutator {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON value: an object (entries in order, duplicates allowed), an array, or a raw token. */
  sealed interface Node {}

  record Obj(List<Map.Entry<String, Node>> fields) implements Node {}

  record Arr(List<Node> items) implements Node {}

  /** A scalar exactly as it is written: {@code 1e999}, {@code "\u00e9"}, {@code null}. */
  record Raw(String token) implements Node {}

  static final List<String> NUMBERS = List.of(
      "-1", "0", "-0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
      "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "1e308", "-1e308",
      "1e999", "1.5", "1e2", "0.0000001", "-0.0", "2147483648", "4294967296");

  static final List<String> NUMBER_STRINGS = List.of(
      "\"-1\"", "\"9223372036854775808\"", "\"99999999999999999999\"", "\"-99999999999999999999\"", "\"1.5\"",
      "\"1e3\"", "\"NaN\"", "\"Infinity\"", "\"0x7f\"", "\"\"", "\" 9223372036854775807\"", "\"+1\"", "\"٣\"", "\"1_000\"");

  /** Keys and values as base64: broken, partial, padded wrong, escaped; or valid inside {@code fz}. */
  static final List<String> BASE64 = List.of(
      "\"foo\"", "\"Zm9\"", "\"Zm9v=\"", "\"Z\"", "\"====\"", "\"Zm9v\\n\"", "\"Zm 9v\"", "\"Zm9v!!\"",
      "\"Zm-_\"", "\"\\u005a\\u006d\\u0039\\u0076\"", "\"\\u00e9\\u00e9==\"", "\"\\ud800\\udc00AA\"",
      "\"\\u0000\\u0000\\u0000\\u0000\"", "\"\"", b64("fz/a"), b64("fz/"), b64("fz0"), b64("fz/\u0000"));

  static final List<String> LITERALS = List.of(
      "true", "false", "null", "[]", "{}", "[null]", "[[]]", "{\"\":{}}", "\"\\\"\"", "\"\\ud800\"",
      "\"\\u0000\"", "\"\\uFFFF\\uDBFF\\uDFFF\"", "\"\u202e\u00e9\uD83D\uDE00\"", "\"NONE\"", "\"DESCEND\"",
      "\"BOGUS\"", "-99", "\"x\"", "\"" + "\u00e9".repeat(5_000) + "\"");

  /** Field names of every endpoint, so that a mutation can give an object a field another one has. */
  static final List<String> NAMES = List.of(
      "key", "range_end", "rangeEnd", "value", "lease", "prev_kv", "prevKv", "ignore_value", "ignore_lease",
      "limit", "revision", "sort_order", "sort_target", "serializable", "keys_only", "count_only",
      "min_mod_revision", "max_create_revision", "compare", "success", "failure", "request_put", "requestPut",
      "request_range", "request_delete_range", "request_txn", "target", "result", "version", "mod_revision",
      "create_revision", "physical", "ID", "id", "TTL", "ttl", "keys", "create_request", "cancel_request",
      "progress_request", "watch_id", "start_revision", "filters", "fragment", "peerURLs", "isLearner",
      "targetID", "linearizable", "", "\\u006bey", "KEY", "__proto__", "\u00e9");

  private JsonMutator() {}

  static String b64(String text) {
    return "\"" + Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\"";
  }

  /** {@code valid} with 1 to {@code maxMutations} of its nodes changed. */
  static String mutate(String valid, Random random, int maxMutations) {
    Node root = parse(valid);
    int mutations = 1 + random.nextInt(maxMutations);
    for (int i = 0; i < mutations; i++) {
      root = mutateSomewhere(root, random);
    }
    return write(root);
  }

  static Node parse(String json) {
    try {
      return from(JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a valid seed: " + json, e);
    }
  }

  private static Node from(JsonNode n) {
    if (n.isObject()) {
      List<Map.Entry<String, Node>> fields = new ArrayList<>();
      n.fields().forEachRemaining(e -> fields.add(Map.entry(e.getKey(), from(e.getValue()))));
      return new Obj(fields);
    }
    if (n.isArray()) {
      List<Node> items = new ArrayList<>();
      n.forEach(item -> items.add(from(item)));
      return new Arr(items);
    }
    return new Raw(n.toString());
  }

  static String write(Node node) {
    if (node instanceof Obj o) {
      return o.fields().stream()
          .map(e -> quote(e.getKey()) + ":" + write(e.getValue()))
          .collect(Collectors.joining(",", "{", "}"));
    }
    if (node instanceof Arr a) {
      return a.items().stream().map(JsonMutator::write).collect(Collectors.joining(",", "[", "]"));
    }
    return ((Raw) node).token();
  }

  /** A field name as written: the names of {@link #NAMES} with a backslash are escapes already. */
  private static String quote(String name) {
    return name.contains("\\") ? "\"" + name + "\"" : JSON.getNodeFactory().textNode(name).toString();
  }

  /** Picks a node of the tree (each with the same chance) and changes it, or its parent's field. */
  private static Node mutateSomewhere(Node root, Random random) {
    List<Node> containers = new ArrayList<>();
    collect(root, containers);
    if (containers.isEmpty() || random.nextInt(10) == 0) {
      return hostile(random, 0);
    }
    Node target = containers.get(random.nextInt(containers.size()));
    if (target instanceof Obj o) {
      mutateObject(o.fields(), random);
    } else {
      mutateArray(((Arr) target).items(), random);
    }
    return root;
  }

  private static void collect(Node node, List<Node> out) {
    if (node instanceof Obj o) {
      out.add(o);
      o.fields().forEach(e -> collect(e.getValue(), out));
    } else if (node instanceof Arr a) {
      out.add(a);
      a.items().forEach(item -> collect(item, out));
    }
  }

  private static void mutateObject(List<Map.Entry<String, Node>> fields, Random random) {
    int at = fields.isEmpty() ? -1 : random.nextInt(fields.size());
    switch (at < 0 ? 0 : random.nextInt(6)) {
      case 0 -> fields.add(random.nextInt(fields.size() + 1), Map.entry(pick(NAMES, random), hostile(random, 0)));
      case 1 -> fields.remove(at);
      case 2 -> fields.add(at, Map.entry(fields.get(at).getKey(), hostile(random, 0))); // a duplicate key
      case 3 -> fields.set(at, Map.entry(pick(NAMES, random), fields.get(at).getValue()));
      case 4 -> fields.set(at, Map.entry(fields.get(at).getKey(), hostile(random, 0)));
      default -> fields.set(at, Map.entry(fields.get(at).getKey(), wrap(fields.get(at).getValue(), random)));
    }
  }

  private static void mutateArray(List<Node> items, Random random) {
    int at = items.isEmpty() ? -1 : random.nextInt(items.size());
    switch (at < 0 ? 0 : random.nextInt(4)) {
      case 0 -> items.add(random.nextInt(items.size() + 1), hostile(random, 0));
      case 1 -> items.remove(at);
      case 2 -> items.add(at, items.get(at)); // the same operation twice
      default -> items.set(at, hostile(random, 0));
    }
  }

  /** The value inside an array or an object, or nested very deep. */
  private static Node wrap(Node value, Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> new Arr(new ArrayList<>(List.of(value)));
      case 1 -> new Obj(new ArrayList<>(List.of(Map.entry(pick(NAMES, random), value))));
      default -> deep(random.nextInt(2) == 0 ? 1 + random.nextInt(100) : 10_000 + random.nextInt(100_000));
    };
  }

  /** A value of some wrong kind: a hostile number, string, base64, literal, or nested garbage. */
  static Node hostile(Random random, int depth) {
    int kind = random.nextInt(depth > 2 ? 4 : 6);
    return switch (kind) {
      case 0 -> new Raw(pick(NUMBERS, random));
      case 1 -> new Raw(pick(NUMBER_STRINGS, random));
      case 2 -> new Raw(pick(BASE64, random));
      case 3 -> new Raw(pick(LITERALS, random));
      case 4 -> {
        List<Node> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(hostile(random, depth + 1));
        }
        yield new Arr(items);
      }
      default -> {
        List<Map.Entry<String, Node>> fields = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          fields.add(Map.entry(pick(NAMES, random), hostile(random, depth + 1)));
        }
        yield new Obj(fields);
      }
    };
  }

  /** Arrays in arrays {@code depth} deep, written without recursion. */
  private static Node deep(int depth) {
    return new Raw("[".repeat(depth) + "]".repeat(depth));
  }

  static <T> T pick(List<T> from, Random random) {
    return from.get(random.nextInt(from.size()));
  }
}
