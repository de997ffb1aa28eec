package raftkv.server;

import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import raftkv.persistence.DataDirectoryException;

/**
 * The raftkv server: one member per process, configured with etcd's flags ({@link ServerFlags}).
 * With no flags it is a one-member cluster named {@code default} with its data in
 * {@code ./default.raftkv}, clients on 127.0.0.1:2379 and peers on 127.0.0.1:2380, as etcd.
 */
public final class Main {
  // Initialized before the actor system starts, so that its first log lines find SLF4J ready.
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    int code = run(System.out, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Starts the member and waits until it stops; returns the exit code. */
  static int run(PrintStream out, String... args) {
    if (args.length > 0 && args[0].equals("local")) {
      return LocalCluster.run(out, Arrays.copyOfRange(args, 1, args.length));
    }
    ServerConfig config;
    try {
      config = ServerFlags.parse(args, System.getenv());
    } catch (ServerFlags.BadFlag e) {
      out.println("raftkv: " + e.getMessage());
      out.println(ServerFlags.USAGE);
      return 2;
    }
    if (config == null) {
      out.println(ServerFlags.USAGE);
      return 0;
    }
    RaftkvServer server;
    try {
      server = RaftkvServer.start(config, ConfigFactory.load());
    } catch (DataDirectoryException e) {
      out.println("raftkv: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      log.error("raftkv: member {} could not start", config.name(), e);
      out.println("raftkv: could not start: " + e.getMessage());
      return 1;
    }
    out.printf("raftkv: member %s serving clients on %s (stop with Ctrl-C)%n", config.name(), server.clientUrls());
    server.whenTerminated().join();
    return 0;
  }
}
