package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code endpoint}: etcdctl's endpoint commands {@code status} and {@code health}. */
@Command(name = "endpoint", description = "Endpoint related commands",
    subcommands = {EndpointCommand.Status.class, EndpointHealthCommand.class})
public final class EndpointCommand extends CommandGroup {

  /** The endpoints to ask: the given ones, or with {@code --cluster} every member's client URLs. */
  static List<String> targets(GatewayClient client, boolean cluster) {
    if (!cluster) {
      return client.endpoints();
    }
    JsonNode list = client.call("cluster/member/list", GatewayClient.body());
    Set<String> urls = new LinkedHashSet<>();
    for (JsonNode m : list.path("members")) {
      m.path("clientURLs").forEach(u -> urls.add(u.asText()));
    }
    return List.copyOf(urls);
  }

  /**
   * {@code endpoint status}: {@code /v3/maintenance/status} of every endpoint, one row each, as
   * etcdctl prints it. An endpoint that fails is reported on stderr and makes the exit code 1,
   * the others are still printed.
   */
  @Command(name = "status", description = "Prints out the status of endpoints specified in --endpoints")
  public static final class Status extends CtlCommand {
    @Option(names = "--cluster", description = "use all endpoints from the cluster member list")
    boolean cluster;

    /** One endpoint's answer. */
    record Row(String endpoint, JsonNode status) {
      long memberId() {
        return GatewayClient.int64(status.path("header"), "member_id");
      }

      boolean isLeader() {
        return memberId() != 0 && memberId() == GatewayClient.int64(status, "leader");
      }

      String errors() {
        List<String> errors = new ArrayList<>();
        status.path("errors").forEach(e -> errors.add(e.asText()));
        return String.join(", ", errors);
      }
    }

    @Override
    protected int run(RaftkvCtl global) {
      GatewayClient client = client(global);
      List<Row> rows = new ArrayList<>();
      int code = 0;
      for (String endpoint : targets(client, cluster)) {
        try {
          rows.add(new Row(endpoint, client.call(endpoint, "maintenance/status", GatewayClient.body())));
        } catch (CtlException e) {
          err().println("Failed to get the status of endpoint " + endpoint + " (" + e.getMessage() + ")");
          code = 1;
        }
      }
      switch (global.writeOut()) {
        case json -> {
          ArrayNode all = GatewayClient.JSON.createArrayNode();
          for (Row r : rows) {
            ObjectNode o = all.addObject();
            o.put("Endpoint", r.endpoint());
            o.set("Status", r.status());
          }
          printJson(all);
        }
        case simple -> {
          for (Row r : rows) {
            out().println(String.join(", ", cells(r)));
          }
        }
        case table -> {
          Table t = new Table("ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM",
              "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS")
              .alignRight(0, 1, 2, 3, 4, 5, 6, 7, 8, 9); // as etcdctl: every cell right
          for (Row r : rows) {
            t.row((Object[]) cells(r));
          }
          t.print(out());
        }
      }
      return code;
    }

    private static String[] cells(Row r) {
      JsonNode s = r.status();
      return new String[] {
          r.endpoint(), GatewayClient.hexId(r.memberId()), s.path("version").asText(),
          humanBytes(GatewayClient.int64(s, "dbSize")), Boolean.toString(r.isLeader()),
          Boolean.toString(s.path("isLearner").asBoolean(false)), Long.toString(GatewayClient.int64(s, "raftTerm")),
          Long.toString(GatewayClient.int64(s, "raftIndex")), Long.toString(GatewayClient.int64(s, "raftAppliedIndex")),
          r.errors()};
    }
  }

  /** Sizes as etcdctl prints them (go-humanize's SI bytes: {@code 20 kB}, {@code 1.2 MB}). */
  static String humanBytes(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int e = (int) Math.floor(Math.log(bytes) / Math.log(1000));
    double v = bytes / Math.pow(1000, e);
    return (v < 10 ? String.format(java.util.Locale.ROOT, "%.1f", v) : String.format(java.util.Locale.ROOT, "%.0f", v))
        + " " + units[e];
  }
}
