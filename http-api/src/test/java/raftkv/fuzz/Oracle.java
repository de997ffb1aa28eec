package raftkv.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges every answer the fuzzer gets: a well-formed HTTP answer under 500 (a 503 only with a
 * retry hint), a JSON error with a message for a 4xx that a gateway or REST endpoint gave, never a
 * hang. It also counts the writes that were accepted, which bound how far the store's revision may
 * have moved, and the statuses seen, for the summary.
 */
final class Oracle {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Answers the HTTP layer gives before any route sees the request: the method is none it knows
   * (501) or the HTTP version is none it speaks (505). HTTP prescribes exactly these (RFC 9110
   * 15.6.2, 15.6.6), for requests no HTTP client sends; they are not failures of the server.
   */
  private static final Set<Integer> PROTOCOL_ANSWERS = Set.of(501, 505);

  /** Statuses the HTTP layer or etcd's gateway mux answer in plain text: no route read the body. */
  private static final Set<Integer> PLAIN_TEXT = Set.of(404, 405, 408, 411, 413, 414, 417, 431);

  /** What kind of answer a request may get. */
  enum Expect {
    /** A gateway endpoint, well-formed HTTP: a 4xx is etcd's JSON error (or the mux's plain text). */
    GATEWAY,
    /** The REST API, well-formed HTTP: a 4xx is {@code {"error": ...}}. */
    REST,
    /** Anything else, or HTTP that is not well-formed: any answer under 500. */
    HTTP,
    /** The request is cut off or is not HTTP: any answer under 500, or the member closes the connection. */
    MAYBE_NONE
  }

  private final long seed;
  private final AtomicLong acceptedWrites = new AtomicLong();
  private final Map<String, Integer> statuses = new TreeMap<>();

  Oracle(long seed) {
    this.seed = seed;
  }

  /**
   * Fails (with the seed, the case and the answer) unless the answer is one the request may get.
   *
   * @param writes how far a 200 may have moved the store's revision
   */
  void check(String what, Expect expect, RawHttp.Answer answer, int writes) {
    synchronized (statuses) {
      statuses.merge(String.valueOf(answer.status()), 1, Integer::sum);
    }
    String problem = problem(expect, answer);
    if (problem != null) {
      throw new AssertionError(problem + "\n  request: " + abbreviate(what) + "\n  answer: " + answer
          + "\n  replay with -Dfuzz.seed=" + seed);
    }
    if (answer.status() == 200 && writes > 0) {
      acceptedWrites.addAndGet(writes);
    }
  }

  private static String problem(Expect expect, RawHttp.Answer answer) {
    int status = answer.status();
    if (status == -1) {
      return "the member did not answer within " + RawHttp.ANSWER_TIMEOUT.toSeconds() + " s (a hang)";
    }
    if (status == 0) {
      return expect == Expect.MAYBE_NONE ? null : "no well-formed HTTP answer: " + answer.text();
    }
    if (status == 503) {
      return answer.header("retry-after") == null ? "503 without Retry-After" : null;
    }
    if (status >= 500) {
      return PROTOCOL_ANSWERS.contains(status) ? null : "a server error";
    }
    if (status < 400 || PLAIN_TEXT.contains(status) && !isJson(answer)) {
      return null;
    }
    return switch (expect) {
      case GATEWAY -> gatewayError(answer);
      case REST -> textField(answer, "error") ? null : "a 4xx without {\"error\": message}";
      default -> null;
    };
  }

  private static String gatewayError(RawHttp.Answer answer) {
    if (!textField(answer, "error") || !textField(answer, "message")) {
      return "a 4xx without etcd's {\"error\", \"message\", \"code\"}";
    }
    return json(answer).path("code").isInt() ? null : "an error without a gRPC code";
  }

  private static boolean textField(RawHttp.Answer answer, String field) {
    JsonNode value = json(answer).path(field);
    return value.isTextual() && !value.asText().isBlank();
  }

  private static boolean isJson(RawHttp.Answer answer) {
    return json(answer).isObject();
  }

  private static JsonNode json(RawHttp.Answer answer) {
    try {
      JsonNode node = JSON.readTree(answer.body());
      return node == null ? JSON.missingNode() : node;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  /** Writes accepted so far: an upper bound on how far they moved the revision. */
  long acceptedWrites() {
    return acceptedWrites.get();
  }

  String summary() {
    synchronized (statuses) {
      return "answers by status: " + statuses;
    }
  }

  static String abbreviate(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "... (" + s.length() + " chars)" : s;
  }
}
