package raftkv.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code raftkv local --members N}: a cluster to try things on, on this machine. It starts N
 * member processes (this same program, with etcd's flags), prints their client URLs, and stops
 * them all when it is stopped itself (Ctrl-C, SIGTERM). Ports follow etcd's local Procfile: member
 * 1 on 2379/2380, member 2 on 22379/22380, member 3 on 32379/32380, then 42379, 52379; data in
 * {@code DIR/n1}, {@code DIR/n2}, ... (default {@code ./local.raftkv}), kept across runs.
 */
final class LocalCluster {
  static final String USAGE = """
      usage: raftkv local [--members N] [--data-dir DIR]
        Starts N members (1 to 5, default 3) as processes on 127.0.0.1, prints their client URLs,
        and stops them all on Ctrl-C. Members listen for clients on ports 2379, 22379, 32379, 42379,
        52379 and for peers on the next port each; data in DIR/n1, DIR/n2, ... (default
        ./local.raftkv).""";
  private static final int MAX_MEMBERS = 5;

  private LocalCluster() {}

  static int run(PrintStream out, String... args) {
    int members = 3;
    Path dataDir = Path.of("local.raftkv");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--members" -> members = i + 1 < args.length ? parse(args[++i]) : -1;
        case "--data-dir" -> dataDir = i + 1 < args.length ? Path.of(args[++i]) : null;
        case "--help", "-h" -> {
          out.println(USAGE);
          return 0;
        }
        default -> members = -1;
      }
      if (members < 1 || members > MAX_MEMBERS || dataDir == null) {
        out.println("raftkv local: bad arguments");
        out.println(USAGE);
        return 2;
      }
    }
    List<Process> processes = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(processes), "local-cluster-stop"));
    String cluster = IntStream.rangeClosed(1, members)
        .mapToObj(i -> "n" + i + "=http://127.0.0.1:" + (clientPort(i) + 1))
        .collect(Collectors.joining(","));
    try {
      for (int i = 1; i <= members; i++) {
        processes.add(start(i, cluster, dataDir));
      }
    } catch (IOException e) {
      out.println("raftkv local: cannot start a member: " + e.getMessage());
      return 1;
    }
    for (int i = 1; i <= members; i++) {
      out.printf("n%d: clients on http://127.0.0.1:%d, peers on http://127.0.0.1:%d, data in %s (pid %d)%n",
          i, clientPort(i), clientPort(i) + 1, dataDir.resolve("n" + i), processes.get(i - 1).pid());
    }
    out.println("endpoints: " + IntStream.rangeClosed(1, members)
        .mapToObj(i -> "http://127.0.0.1:" + clientPort(i)).collect(Collectors.joining(",")));
    out.println("member logs go to this terminal; stop them all with Ctrl-C");
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
    return 0;
  }

  /** etcd's Procfile: 2379, then 22379, 32379, ... */
  private static int clientPort(int member) {
    return member == 1 ? 2379 : 2379 + 10_000 * member;
  }

  private static Process start(int member, String cluster, Path dataDir) throws IOException {
    String name = "n" + member;
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--name", name,
        "--data-dir", dataDir.resolve(name).toString(),
        "--listen-client-urls", "http://127.0.0.1:" + clientPort(member),
        "--listen-peer-urls", "http://127.0.0.1:" + (clientPort(member) + 1),
        "--initial-cluster", cluster));
    return new ProcessBuilder(command).inheritIO().start();
  }

  /** SIGTERM to each member (each leaves cleanly), then wait for them. */
  private static void stopAll(List<Process> processes) {
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int parse(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
