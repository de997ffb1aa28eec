package raftkv.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import raftkv.persistence.DataDirectoryException;
import raftkv.raft.ProposeReply;
import raftkv.raft.Status;

/**
 * The raftkv server, for now a local demonstration: it starts a Raft group in this process, on
 * durable journals, waits for a leader, commits a few commands and prints every member's status.
 * The KV store and its HTTP API come next.
 */
public final class Main {
  // Initialized before any actor system starts, so that their first log lines find SLF4J ready.
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /** Runs the command line; returns the process exit code. */
  static int run(PrintStream out, String... args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println(Options.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(Options.USAGE);
      return 0;
    }
    Config config = ConfigFactory.load();
    ServerSettings settings = ServerSettings.fromConfig(config);
    log.info("starting a local group {} of {} members in {}", settings.group(), options.members(), options.dataDir());
    try (LocalGroup group = LocalGroup.start(config, options.members(), settings, options.dataDir())) {
      return demo(group, options, out);
    } catch (DataDirectoryException e) {
      out.println(e.getMessage());
      return 1;
    } catch (CompletionException e) {
      out.println("failed: " + e.getCause().getMessage());
      return 1;
    }
  }

  private static int demo(LocalGroup group, Options options, PrintStream out) {
    group.members().forEach(m -> out.printf("member %s at %s%n", m.id(), m.system().address()));
    Status leader = group.awaitLeader().join();
    out.printf("%s leads term %d%n", leader.member(), leader.term());

    long lastIndex = 0;
    for (int i = 1; i <= options.proposals(); i++) {
      // Through each member in turn: a follower forwards the command to the leader.
      LocalGroup.Member via = group.members().get((i - 1) % group.members().size());
      String command = "demo-" + i;
      ProposeReply.Committed committed = group.propose(via, command.getBytes(StandardCharsets.UTF_8)).join();
      lastIndex = Math.max(lastIndex, committed.index());
      out.printf(
          "proposed %s via %s: committed at index %d, applied as command #%s%n",
          command, via.id(), committed.index(), new String(committed.result(), StandardCharsets.UTF_8));
    }
    out.print(StatusTable.render(group.awaitApplied(lastIndex).join()));

    if (options.serve()) {
      out.println("serving; stop with Ctrl-C");
      // The JVM's shutdown hook runs each system's CoordinatedShutdown on Ctrl-C or SIGTERM.
      group.whenTerminated().join();
    }
    return 0;
  }
}
