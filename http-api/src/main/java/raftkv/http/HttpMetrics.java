package raftkv.http;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.util.Set;
import raftkv.metrics.ServerMetrics;

/** Counts every HTTP answer by endpoint and status code ({@code raftkv_http_requests_total}). */
public final class HttpMetrics extends AllDirectives {
  /** Paths that are endpoints; anything else is counted as "other", so that labels stay few. */
  private static final Set<String> FIXED = Set.of("/health", "/livez", "/readyz", "/metrics");

  private final ServerMetrics metrics;

  public HttpMetrics(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  public Route instrument(Route inner) {
    return extractUri(uri -> mapResponse(response -> {
      metrics.request(endpoint(uri.path(), response.status().intValue()), response.status().intValue());
      return response;
    }, () -> inner));
  }

  /** A label for the path: the endpoint it names, never a key. */
  static String endpoint(String path, int status) {
    if (path.startsWith("/kv/") || path.equals("/kv")) {
      return "/kv";
    }
    if ((path.startsWith("/v3/") || path.startsWith("/v3beta/")) && status != 404 && status != 405) {
      return path;
    }
    return FIXED.contains(path) ? path : "other";
  }
}
