package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code endpoint health}: asks each endpoint's {@code /health} (healthy when the member knows a
 * leader and a linearizable read goes through a quorum) and prints etcdctl's line for each;
 * any unhealthy endpoint makes the exit code 1 with etcdctl's {@code unhealthy cluster}.
 */
@Command(name = "health", description = "Checks the healthiness of endpoints specified in `--endpoints` flag")
public final class EndpointHealthCommand extends CtlCommand {
  @Option(names = "--cluster", description = "use all endpoints from the cluster member list")
  boolean cluster;

  /** One endpoint's health: {@code error} is null when healthy. */
  record Health(String endpoint, Duration took, String error) {
    boolean healthy() {
      return error == null;
    }
  }

  @Override
  protected int run(RaftkvCtl global) {
    GatewayClient client = client(global);
    List<Health> all = new ArrayList<>();
    for (String endpoint : EndpointCommand.targets(client, cluster)) {
      all.add(check(client, endpoint));
    }
    switch (global.writeOut()) {
      case json -> {
        ArrayNode a = GatewayClient.JSON.createArrayNode();
        for (Health h : all) {
          var o = a.addObject().put("endpoint", h.endpoint()).put("health", h.healthy()).put("took", Durations.format(h.took()));
          if (!h.healthy()) {
            o.put("error", h.error());
          }
        }
        printJson(a);
      }
      case table -> {
        Table t = new Table("ENDPOINT", "HEALTH", "TOOK", "ERROR").alignRight(0, 1, 2, 3);
        all.forEach(h -> t.row(h.endpoint(), h.healthy(), Durations.format(h.took()), h.healthy() ? "" : h.error()));
        t.print(out());
      }
      case simple -> {
        for (Health h : all) {
          if (h.healthy()) {
            out().println(h.endpoint() + " is healthy: successfully committed proposal: took = " + Durations.format(h.took()));
          } else {
            err().println(h.endpoint() + " is unhealthy: failed to commit proposal: " + h.error());
          }
        }
      }
    }
    if (all.stream().anyMatch(h -> !h.healthy())) {
      throw new CtlException("unhealthy cluster");
    }
    return 0;
  }

  private static Health check(GatewayClient client, String endpoint) {
    long start = System.nanoTime();
    String error;
    try {
      HttpResponse<String> r = client.get(endpoint, "/health");
      error = problem(r);
    } catch (CtlException e) {
      error = e.getMessage();
    }
    return new Health(endpoint, Duration.ofNanos(System.nanoTime() - start), error);
  }

  /** Why a {@code /health} answer is not healthy, or {@code null}. */
  private static String problem(HttpResponse<String> r) {
    JsonNode body;
    try {
      body = GatewayClient.JSON.readTree(r.body());
    } catch (IOException e) {
      return "HTTP " + r.statusCode() + ": " + r.body();
    }
    if (r.statusCode() == 200 && "true".equals(body.path("health").asText())) {
      return null;
    }
    return body.path("reason").asText("HTTP " + r.statusCode() + ": " + r.body());
  }
}
