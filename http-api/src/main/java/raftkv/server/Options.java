package raftkv.server;

import java.nio.file.Path;

/**
 * The command line of {@link Main}.
 *
 * @param members   how many members the local group has
 * @param proposals how many demo commands to commit
 * @param serve     keep the group running after the demo, until the process is stopped
 * @param dataDir   where the members keep their logs, one directory each
 */
record Options(int members, int proposals, boolean serve, Path dataDir, boolean help) {
  static final String DEFAULT_DATA_DIR = "default.raftkv";
  static final String USAGE = """
      usage: raftkv [--members N] [--proposals K] [--data-dir DIR] [--serve]
        Starts a Raft group of N members (default 3) in this process, each in its own actor
        system on 127.0.0.1 joined into an Akka Cluster, waits for a leader, commits K demo
        commands (default 3) and prints every member's status. With --serve it keeps running
        until stopped (Ctrl-C). Each member keeps its log durably (LevelDB, fsync on) in
        DIR/<member> (default ./default.raftkv): started again on the same DIR, the group
        recovers everything it committed.""";

  static Options parse(String... args) {
    int members = 3;
    int proposals = 3;
    boolean serve = false;
    Path dataDir = Path.of(DEFAULT_DATA_DIR);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--members" -> members = positive(args, ++i);
        case "--proposals" -> proposals = positive(args, ++i);
        case "--data-dir" -> dataDir = Path.of(value(args, ++i));
        case "--serve" -> serve = true;
        case "-h", "--help" -> {
          return new Options(members, proposals, serve, dataDir, true);
        }
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    return new Options(members, proposals, serve, dataDir, false);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static int positive(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a number");
    }
    try {
      int n = Integer.parseInt(args[i]);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(args[i - 1] + " needs a positive number, not " + args[i]);
  }
}
