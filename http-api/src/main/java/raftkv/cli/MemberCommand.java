package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code member}: etcdctl's membership commands over {@code /v3/cluster/member/*}; member ids in hex. */
@Command(name = "member", description = "Membership related commands", subcommands = {
    MemberCommand.Add.class, MemberCommand.Remove.class, MemberCommand.Update.class, MemberCommand.ListMembers.class,
    MemberCommand.Promote.class})
public final class MemberCommand extends CommandGroup {
  /** etcdctl's line for a change: {@code Member <id> added to cluster <cluster id>}, ids in 16 columns. */
  static String changed(long member, String what, JsonNode answer) {
    return String.format("Member %16x %s cluster %16x", member, what, GatewayClient.int64(answer.path("header"), "cluster_id"));
  }

  /** A change of one member: sends it, then prints the JSON answer or etcdctl's line. */
  abstract static class Change extends CtlCommand {
    JsonNode send(RaftkvCtl global, String path, ObjectNode body) {
      if (global.writeOut() == WriteOut.table) {
        throw new CtlException("table not supported as output format");
      }
      return client(global).call("cluster/member/" + path, body);
    }

    static ArrayNode urls(List<String> given) {
      if (given == null || given.isEmpty()) {
        throw new CtlException("member peer urls not provided");
      }
      ArrayNode a = GatewayClient.JSON.createArrayNode();
      given.forEach(a::add);
      return a;
    }
  }

  /** A change naming one existing member by its id. */
  abstract static class OneMember extends Change {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MEMBER_ID", description = "the member's id, in hexadecimal")
    String id;

    /** Sends {@code {"ID": id, ...extra}} to {@code path} and prints {@code Member <id> <what> cluster <cid>}. */
    int change(RaftkvCtl global, String path, String what, ObjectNode extra) {
      long member = GatewayClient.parseHexId(id, "member ID");
      ObjectNode body = GatewayClient.body().put("ID", Long.toUnsignedString(member));
      body.setAll(extra);
      JsonNode answer = send(global, path, body);
      if (global.writeOut() == WriteOut.json) {
        printJson(answer);
      } else {
        out().println(changed(member, what, answer));
      }
      return 0;
    }
  }

  /** {@code member add NAME --peer-urls=URLS [--learner]}: prints the settings the new member must start with. */
  @Command(name = "add", description = "Adds a member into the cluster")
  public static final class Add extends Change {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the new member's name")
    String name;

    @Option(names = "--peer-urls", split = ",", paramLabel = "URLS", description = "comma separated peer URLs for the new member.")
    List<String> peerUrls;

    @Option(names = "--learner", description = "indicates if the new member is raft learner")
    boolean learner;

    @Override
    protected int run(RaftkvCtl global) {
      if (name == null) {
        throw new CtlException("member name not provided");
      }
      ObjectNode body = GatewayClient.body();
      body.set("peerURLs", urls(peerUrls));
      if (learner) {
        body.put("isLearner", true);
      }
      JsonNode answer = send(global, "add", body);
      if (global.writeOut() == WriteOut.json) {
        printJson(answer);
        return 0;
      }
      long newId = GatewayClient.int64(answer.path("member"), "ID");
      List<String> cluster = new ArrayList<>();
      for (JsonNode m : answer.path("members")) {
        String n = GatewayClient.int64(m, "ID") == newId ? name : m.path("name").asText("");
        m.path("peerURLs").forEach(u -> cluster.add(n + "=" + u.asText()));
      }
      List<String> own = new ArrayList<>();
      answer.path("member").path("peerURLs").forEach(u -> own.add(u.asText()));
      out().println(changed(newId, "added to", answer));
      out().println();
      out().println("ETCD_NAME=\"" + name + "\"");
      out().println("ETCD_INITIAL_CLUSTER=\"" + String.join(",", cluster) + "\"");
      out().println("ETCD_INITIAL_ADVERTISE_PEER_URLS=\"" + String.join(",", own) + "\"");
      out().println("ETCD_INITIAL_CLUSTER_STATE=\"existing\"");
      return 0;
    }
  }

  /** {@code member remove ID}. */
  @Command(name = "remove", description = "Removes a member from the cluster")
  public static final class Remove extends OneMember {
    @Override
    protected int run(RaftkvCtl global) {
      return change(global, "remove", "removed from", GatewayClient.body());
    }
  }

  /** {@code member promote ID}: a learner becomes a voter (refused until it has caught up). */
  @Command(name = "promote", description = "Promotes a non-voting member in the cluster")
  public static final class Promote extends OneMember {
    @Override
    protected int run(RaftkvCtl global) {
      return change(global, "promote", "promoted in", GatewayClient.body());
    }
  }

  /** {@code member update ID --peer-urls=URLS}. */
  @Command(name = "update", description = "Updates a member in the cluster")
  public static final class Update extends OneMember {
    @Option(names = "--peer-urls", split = ",", paramLabel = "URLS", description = "comma separated peer URLs for the updated member.")
    List<String> peerUrls;

    @Override
    protected int run(RaftkvCtl global) {
      ObjectNode extra = GatewayClient.body();
      extra.set("peerURLs", urls(peerUrls));
      return change(global, "update", "updated in", extra);
    }
  }

  /** {@code member list}: one line (or table row) per member; one not started yet has no name. */
  @Command(name = "list", description = "Lists all members in the cluster")
  public static final class ListMembers extends CtlCommand {
    @Override
    protected int run(RaftkvCtl global) {
      JsonNode answer = client(global).call("cluster/member/list", GatewayClient.body());
      Table table = new Table("ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER").alignRight(0, 1, 2, 3, 4, 5);
      for (JsonNode m : answer.path("members")) {
        String name = m.path("name").asText("");
        String[] cells = {GatewayClient.hexId(GatewayClient.int64(m, "ID")), name.isEmpty() ? "unstarted" : "started", name,
            joined(m.path("peerURLs")), joined(m.path("clientURLs")), Boolean.toString(m.path("isLearner").asBoolean(false))};
        if (global.writeOut() == WriteOut.simple) {
          out().println(String.join(", ", cells));
        }
        table.row((Object[]) cells);
      }
      switch (global.writeOut()) {
        case json -> printJson(answer);
        case table -> table.print(out());
        case simple -> { } // printed above
      }
      return 0;
    }

    private static String joined(JsonNode urls) {
      List<String> all = new ArrayList<>();
      urls.forEach(u -> all.add(u.asText()));
      return String.join(",", all);
    }
  }
}
