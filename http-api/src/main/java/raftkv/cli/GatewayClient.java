package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The client side of the etcd v3 JSON gateway, shared by every command: builds request bodies,
 * POSTs them to {@code /v3/<path>} of an endpoint, and reads the answers. The encoding rules are
 * the gateway's (see {@code etcd-gateway.md}): bytes fields are base64, 64-bit integers arrive as
 * JSON strings, zero values are left out of answers, and an error answer is
 * {@code {"error","message","code"}} with a non-200 status.
 *
 * <p>HTTP/1.1 on purpose: neither raftkv nor etcd's gateway speak h2c, and the JDK client would
 * otherwise send an upgrade header on every new connection.
 */
public final class GatewayClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> endpoints;
  private final Duration commandTimeout;
  private final HttpClient http;

  public GatewayClient(List<String> endpoints, Duration dialTimeout, Duration commandTimeout) {
    this.endpoints = List.copyOf(endpoints);
    this.commandTimeout = commandTimeout;
    this.http = newHttpClient(dialTimeout);
  }

  /** An HTTP/1.1 client with the given connect timeout. */
  public static HttpClient newHttpClient(Duration dialTimeout) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(dialTimeout).build();
  }

  public List<String> endpoints() {
    return endpoints;
  }

  public HttpClient http() {
    return http;
  }

  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** A new, empty JSON request body. */
  public static ObjectNode body() {
    return JSON.createObjectNode();
  }

  /**
   * POSTs to the first endpoint that can be reached, as etcdctl's balancer does: an endpoint that
   * refuses the connection or times out is skipped; an answer (error or not) is final.
   */
  public JsonNode call(String path, ObjectNode body) {
    CtlException last = null;
    for (String endpoint : endpoints) {
      try {
        return call(endpoint, path, body);
      } catch (Unreachable e) {
        last = e;
      }
    }
    throw last;
  }

  /** POSTs {@code body} to {@code /v3/<path>} of {@code endpoint}; the parsed answer, or a {@link CtlException}. */
  public JsonNode call(String endpoint, String path, ObjectNode body) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request(endpoint, path, JSON.writeValueAsBytes(body), commandTimeout),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new Unreachable(endpoint + ": no answer within " + commandTimeout.toMillis() + " ms (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new Unreachable(endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted", e);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new CtlException(endpoint + ": HTTP " + response.statusCode() + ", not JSON: "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
    if (response.statusCode() != 200) {
      throw new CtlException(errorMessage(response.statusCode(), answer));
    }
    return answer;
  }

  /**
   * Opens a streamed endpoint ({@code watch}, {@code lease/keepalive}) on the first endpoint that
   * can be reached: {@code body} is the whole request stream, the answer one JSON message a line.
   * {@code timeout} bounds the wait for the answer's start, not the stream.
   */
  public java.util.stream.Stream<String> stream(String path, ObjectNode body, Duration timeout) {
    CtlException last = null;
    for (String endpoint : endpoints) {
      try {
        HttpResponse<java.util.stream.Stream<String>> response =
            http.send(request(endpoint, path, JSON.writeValueAsBytes(body), timeout), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
          String text = response.body().collect(java.util.stream.Collectors.joining("\n"));
          throw new CtlException(endpoint + ": HTTP " + response.statusCode() + ": " + text);
        }
        return response.body();
      } catch (IOException e) {
        last = new Unreachable(endpoint + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CtlException("interrupted", e);
      }
    }
    throw last;
  }

  /** One message of a stream: its {@code result}, or the stream's error as a {@link CtlException}. */
  public static JsonNode streamResult(String line) {
    JsonNode message;
    try {
      message = JSON.readTree(line);
    } catch (IOException e) {
      throw new CtlException("not JSON in the stream: " + line);
    }
    if (message.has("error")) {
      JsonNode error = message.get("error");
      throw new CtlException(error.path("message").asText(error.toString()));
    }
    return message.path("result");
  }

  /** A GET of {@code path} (e.g. {@code /health}) on {@code endpoint}: status and body, or {@link Unreachable}. */
  public HttpResponse<String> get(String endpoint, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(commandTimeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Unreachable(endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted", e);
    }
  }

  /** A POST of a JSON body to {@code /v3/<path>}. */
  public static HttpRequest request(String endpoint, String path, byte[] json, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(endpoint + "/v3/" + path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json))
        .build();
  }

  /** An error answer's text as etcdctl prints it: the gRPC message (and the status, for context). */
  public static String errorMessage(int status, JsonNode answer) {
    String message = answer.path("message").asText(answer.path("error").asText(answer.toString()));
    return message + " (HTTP " + status + ", code " + answer.path("code").asText("?") + ")";
  }

  /** The endpoint could not be reached or did not answer in time; another may. */
  public static final class Unreachable extends CtlException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ---- encoding ----

  public static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  public static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] bytes(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? new byte[0] : Base64.getDecoder().decode(v.asText());
  }

  /** A bytes field as UTF-8 text (etcdctl prints keys and values as they are). */
  public static String text(JsonNode node, String field) {
    return new String(bytes(node, field), StandardCharsets.UTF_8);
  }

  /** A 64-bit integer field (a string or a number in JSON; absent means 0), unsigned as etcd's ids are, or negative. */
  public static long int64(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isNumber()) {
      return v.asLong();
    }
    String t = v.asText();
    return t.startsWith("-") ? Long.parseLong(t) : Long.parseUnsignedLong(t); // a TTL of -1: the lease is gone
  }

  /** The end of the range that holds every key starting with {@code prefix} (etcd's {@code GetPrefixRangeEnd}). */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[] {0}; // every byte 0xff: no upper bound, all keys from prefix on
  }

  /** etcd's member ids as etcdctl prints them: lower-case hex. */
  public static String hexId(long id) {
    return Long.toHexString(id);
  }

  /** Lease ids as etcdctl prints them: 16 hex digits, zero-padded. */
  public static String leaseHex(long id) {
    return String.format("%016x", id);
  }

  /** A member or lease id given in hex, as etcdctl takes them; {@code what} names it in the error. */
  public static long parseHexId(String text, String what) {
    if (text == null) {
      throw new CtlException(what + " is not provided");
    }
    try {
      return Long.parseUnsignedLong(text, 16);
    } catch (NumberFormatException e) {
      throw new CtlException("bad " + what + " arg (" + text + " is not hexadecimal), expecting ID in Hex");
    }
  }

  /** A decimal integer argument; {@code what} names it in the error. */
  public static long parseLong(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new CtlException("bad " + what + " (" + text + " is not an integer)");
    }
  }
}
