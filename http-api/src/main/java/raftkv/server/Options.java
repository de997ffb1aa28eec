package raftkv.server;

/**
 * The command line of {@link Main}.
 *
 * @param members   how many members the local group has
 * @param proposals how many demo commands to commit
 * @param serve     keep the group running after the demo, until the process is stopped
 */
record Options(int members, int proposals, boolean serve, boolean help) {
  static final String USAGE = """
      usage: raftkv [--members N] [--proposals K] [--serve]
        Starts a Raft group of N members (default 3) in this process, each in its own actor
        system on 127.0.0.1 joined into an Akka Cluster, waits for a leader, commits K demo
        commands (default 3) and prints every member's status. With --serve it keeps running
        until stopped (Ctrl-C). The journals are in memory for now: nothing outlives the process.""";

  static Options parse(String... args) {
    int members = 3;
    int proposals = 3;
    boolean serve = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--members" -> members = positive(args, ++i);
        case "--proposals" -> proposals = positive(args, ++i);
        case "--serve" -> serve = true;
        case "-h", "--help" -> {
          return new Options(members, proposals, serve, true);
        }
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    return new Options(members, proposals, serve, false);
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
