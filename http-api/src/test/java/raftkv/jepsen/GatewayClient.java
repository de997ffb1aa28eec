package raftkv.jepsen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The etcd v3 JSON gateway as a register client: read (range), write (put) and compare-and-set
 * (a txn: compare VALUE EQUAL, then put), each answered with what the client can know.
 *
 * <p>What counts as what: a 200 is OK; a 4xx is FAILED (the request was refused before it could
 * do anything); a refused connection (or one not established in time) is FAILED too, since no
 * byte of the request reached a server. Anything else — a 5xx of any kind (etcd's "request timed
 * out" and "leader failure" may still commit; even "no leader" is not trusted), a timeout, a reset
 * connection — is UNKNOWN: the write may have taken effect, or may still.
 */
final class GatewayClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer; {@code revision} is the response header's (0 when there was none). */
  record Answer(Op.Outcome outcome, String value, boolean matched, long revision, int status, String error) {}

  private final JepsenCluster cluster;
  private final Duration timeout;
  private final HttpClient http;

  GatewayClient(JepsenCluster cluster, Duration timeout) {
    this.cluster = cluster;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(Math.min(500, timeout.toMillis()))).build();
  }

  HttpClient http() {
    return http;
  }

  Answer read(int member, String key, boolean serializable) {
    ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("serializable", serializable);
    return call(member, "/v3/kv/range", body, json -> {
      JsonNode kvs = json.path("kvs");
      return kvs.isArray() && kvs.size() > 0 ? unb64(kvs.get(0).path("value").asText("")) : null;
    });
  }

  Answer write(int member, String key, String value) {
    ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("value", b64(value));
    return call(member, "/v3/kv/put", body, json -> value);
  }

  Answer cas(int member, String key, String expected, String value) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("compare").addObject()
        .put("key", b64(key)).put("result", "EQUAL").put("target", "VALUE").put("value", b64(expected));
    body.putArray("success").addObject().putObject("request_put").put("key", b64(key)).put("value", b64(value));
    body.putArray("failure");
    return call(member, "/v3/kv/txn", body, json -> value);
  }

  /** {@code /v3/maintenance/status}, or empty when the member does not answer 200. */
  Optional<JsonNode> status(int member) {
    Answer a = call(member, "/v3/maintenance/status", JSON.createObjectNode(), json -> json.toString());
    if (a.outcome() != Op.Outcome.OK) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(a.value()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private interface Extract {
    String value(JsonNode answer);
  }

  private Answer call(int member, String path, ObjectNode body, Extract extract) {
    HttpRequest request = HttpRequest.newBuilder(cluster.clientUrl(member).resolve(path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      int status = r.statusCode();
      if (status == 200) {
        JsonNode json = JSON.readTree(r.body());
        long revision = json.path("header").path("revision").asLong(0);
        // etcd's gateway leaves false out: no "succeeded" is a cas that did not match.
        boolean matched = json.path("succeeded").asBoolean(false);
        return new Answer(Op.Outcome.OK, extract.value(json), matched, revision, status, null);
      }
      String error = status + " " + r.body().trim();
      if (status >= 400 && status < 500) {
        return new Answer(Op.Outcome.FAILED, null, false, 0, status, error);
      }
      return new Answer(Op.Outcome.UNKNOWN, null, false, 0, status, error);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return new Answer(Op.Outcome.FAILED, null, false, 0, 0, "not connected: " + e);
    } catch (IOException e) {
      return new Answer(Op.Outcome.UNKNOWN, null, false, 0, 0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(Op.Outcome.UNKNOWN, null, false, 0, 0, "interrupted");
    }
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String unb64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }
}
