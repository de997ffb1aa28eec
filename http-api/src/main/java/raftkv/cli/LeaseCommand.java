package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;

import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lease}: etcdctl's lease commands; lease ids are read and printed in hex, as etcdctl does. */
@Command(name = "lease", description = "Lease related commands", subcommands = {
    LeaseCommand.Grant.class, LeaseCommand.Revoke.class, LeaseCommand.TimeToLive.class, LeaseCommand.ListLeases.class,
    LeaseCommand.KeepAlive.class})
public final class LeaseCommand extends CommandGroup {
  /** A lease command that names one lease. */
  abstract static class OneLease extends CtlCommand {
    @Parameters(index = "0", paramLabel = "LEASE_ID", description = "the lease, in hexadecimal")
    String id;

    long leaseId() {
      return GatewayClient.parseHexId(id, "lease ID");
    }

    /** A request body naming this lease. */
    com.fasterxml.jackson.databind.node.ObjectNode idBody() {
      return GatewayClient.body().put("ID", Long.toUnsignedString(leaseId()));
    }

    /** Prints the answer as JSON, or the simple text. */
    void print(RaftkvCtl global, JsonNode answer, String simple) {
      if (global.writeOut() == WriteOut.json) {
        printJson(answer);
      } else {
        out().println(simple);
      }
    }
  }

  /** {@code lease grant TTL}. */
  @Command(name = "grant", description = "Creates leases")
  public static final class Grant extends CtlCommand {
    @Parameters(index = "0", paramLabel = "TTL", description = "time to live, in seconds")
    String ttl;

    @Override
    protected int run(RaftkvCtl global) {
      long seconds = GatewayClient.parseLong(ttl, "TTL");
      JsonNode answer = client(global).call("lease/grant", GatewayClient.body().put("TTL", Long.toString(seconds)));
      if (global.writeOut() == WriteOut.json) {
        printJson(answer);
      } else {
        out().printf("lease %s granted with TTL(%ds)%n", GatewayClient.leaseHex(GatewayClient.int64(answer, "ID")),
            GatewayClient.int64(answer, "TTL"));
      }
      return 0;
    }
  }

  /** {@code lease revoke ID}: the lease and every key attached to it are gone. */
  @Command(name = "revoke", description = "Revokes leases")
  public static final class Revoke extends OneLease {
    @Override
    protected int run(RaftkvCtl global) {
      var body = idBody();
      JsonNode answer;
      try {
        answer = client(global).call("lease/revoke", body);
      } catch (GatewayClient.Unreachable e) {
        throw e;
      } catch (CtlException e) {
        throw new CtlException("failed to revoke lease (" + e.getMessage() + ")", e);
      }
      print(global, answer, "lease " + GatewayClient.leaseHex(leaseId()) + " revoked");
      return 0;
    }
  }

  /** {@code lease timetolive ID [--keys]}. */
  @Command(name = "timetolive", description = "Get lease information")
  public static final class TimeToLive extends OneLease {
    @Option(names = "--keys", description = "Get keys attached to this lease")
    boolean keys;

    @Override
    protected int run(RaftkvCtl global) {
      JsonNode answer = client(global).call("lease/timetolive", idBody().put("keys", keys));
      String lease = "lease " + GatewayClient.leaseHex(leaseId());
      long ttl = GatewayClient.int64(answer, "TTL");
      StringBuilder text = new StringBuilder(lease);
      if (ttl == -1) {
        text.append(" already expired");
      } else {
        text.append(String.format(" granted with TTL(%ds), remaining(%ds)", GatewayClient.int64(answer, "grantedTTL"), ttl));
        if (keys) {
          java.util.List<String> names = new ArrayList<>();
          answer.path("keys").forEach(k -> names.add(new String(java.util.Base64.getDecoder().decode(k.asText()),
              java.nio.charset.StandardCharsets.UTF_8)));
          text.append(", attached keys([").append(String.join(" ", names)).append("])");
        }
      }
      print(global, answer, text.toString());
      return 0;
    }
  }

  /** {@code lease list}: every live lease. */
  @Command(name = "list", description = "List all active leases")
  public static final class ListLeases extends CtlCommand {
    @Override
    protected int run(RaftkvCtl global) {
      JsonNode answer = client(global).call("lease/leases", GatewayClient.body());
      if (global.writeOut() == WriteOut.json) {
        printJson(answer);
        return 0;
      }
      out().printf("found %d leases%n", answer.path("leases").size());
      answer.path("leases").forEach(l -> out().println(GatewayClient.leaseHex(GatewayClient.int64(l, "ID"))));
      return 0;
    }
  }

  /**
   * {@code lease keep-alive ID [--once]}: renews the lease every third of its TTL, printing each
   * renewal, until it is gone (then exits 0, as etcdctl does) or the process is stopped.
   */
  @Command(name = "keep-alive", description = "Keeps leases alive (renew)")
  public static final class KeepAlive extends OneLease {
    /** etcd's client renews at a third of the TTL; never more often than this. */
    private static final Duration MIN_PERIOD = Duration.ofMillis(500);

    @Option(names = "--once", description = "Resets the keep-alive time to its original value and exits immediately")
    boolean once;

    @Override
    protected int run(RaftkvCtl global) {
      GatewayClient client = client(global);
      String lease = "lease " + GatewayClient.leaseHex(leaseId());
      while (true) {
        JsonNode answer = renew(client);
        long ttl = GatewayClient.int64(answer, "TTL");
        if (ttl <= 0) {
          if (once) {
            throw new CtlException("etcdserver: requested lease not found");
          }
          out().println(lease + " expired or revoked.");
          return 0;
        }
        print(global, answer, lease + " keepalived with TTL(" + ttl + ")");
        if (once) {
          return 0;
        }
        pause(Duration.ofSeconds(ttl).dividedBy(3));
      }
    }

    /** One renewal: a keep-alive stream with one request, closed after its answer. */
    private JsonNode renew(GatewayClient client) {
      try (Stream<String> lines = client.stream("lease/keepalive", idBody(), client.commandTimeout())) {
        String first = lines.filter(l -> !l.isBlank()).findFirst()
            .orElseThrow(() -> new CtlException("the keep-alive stream ended without an answer"));
        return GatewayClient.streamResult(first);
      }
    }

    private static void pause(Duration period) {
      try {
        Thread.sleep(Math.max(period.toMillis(), MIN_PERIOD.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CtlException("interrupted", e);
      }
    }
  }
}
