package raftkv.jepsen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The long run, by command ({@code bin/raftkv-jepsen}): random faults for {@code --time}
 * seconds, then the checks; prints a summary and writes the history, the faults and a latency
 * plot to an output directory. Exits 0 when valid, 1 when not, 2 on bad arguments.
 */
public final class JepsenMain {
  private static final String USAGE = """
      usage: raftkv-jepsen [--time SECONDS] [--nemesis all|kill|pause|partition|none|FAULT,...] [--members N]
                           [--workers N] [--keys N] [--seed N] [--hold MS] [--quiet MS] [--client-timeout MS]
                           [--out DIR]
        faults: kill, kill_leader, pause, pause_leader, partition, isolate_leader, bridge, one_way
        partitions need root and `ip netns`; without them they are left out (said so).""";

  private JepsenMain() {}

  public static void main(String[] args) throws Exception {
    int time = 60;
    String nemesis = "all";
    int members = 5;
    int workers = 6;
    int keys = 6;
    long seed = System.nanoTime() % 1_000_000;
    long hold = 5000;
    long quiet = 4000;
    long clientTimeout = 1000;
    Path out = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          System.out.println(USAGE);
          return;
        }
        String v = args[++i];
        switch (a) {
          case "--time" -> time = Integer.parseInt(v);
          case "--nemesis" -> nemesis = v;
          case "--members" -> members = Integer.parseInt(v);
          case "--workers" -> workers = Integer.parseInt(v);
          case "--keys" -> keys = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--hold" -> hold = Long.parseLong(v);
          case "--quiet" -> quiet = Long.parseLong(v);
          case "--client-timeout" -> clientTimeout = Long.parseLong(v);
          case "--out" -> out = Path.of(v);
          default -> throw new IllegalArgumentException("unknown flag " + a);
        }
      }
    } catch (RuntimeException e) {
      System.err.println("raftkv-jepsen: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    List<Nemesis.Fault> faults = Nemesis.Fault.parse(nemesis);
    Optional<String> noNetns = NetNamespaces.unavailable();
    boolean namespaces = noNetns.isEmpty();
    if (!namespaces && faults.stream().anyMatch(Nemesis.Fault::partition)) {
      System.out.println("raftkv-jepsen: no partitions: " + noNetns.get());
      faults = faults.stream().filter(f -> !f.partition()).toList();
    }
    if (out == null) {
      out = Path.of("jepsen-runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-seed" + seed);
    }
    Files.createDirectories(out);
    // Ctrl-C: no member JVM may outlive the run (the namespaces have a hook of their own).
    Runtime.getRuntime().addShutdownHook(new Thread(raftkv.testing.MemberProcess::destroyAll, "raftkv-jepsen-members"));
    System.out.println("raftkv-jepsen: seed " + seed + ", " + members + " members, faults " + JepsenRun.faultNames(faults)
        + ", " + time + " s, " + (namespaces ? "network namespaces" : "loopback") + "; output in " + out.toAbsolutePath());
    var config = new JepsenRun.Config(members, workers, keys, faults, false, Duration.ofSeconds(time),
        Duration.ofMillis(hold), Duration.ofMillis(quiet), seed, Duration.ofMillis(clientTimeout), Duration.ofMinutes(5));
    JepsenRun.Result result = JepsenRun.run(config, namespaces, out.resolve("members"));
    JepsenRun.write(result, out);
    System.out.print(result.summary());
    System.out.println("history: " + out.toAbsolutePath().resolve("history.jsonl"));
    System.out.println("plot:    " + out.toAbsolutePath().resolve("latency.svg"));
    System.out.println("replay:  bin/raftkv-jepsen --seed " + seed + " --time " + time + " --nemesis " + nemesis
        + " --members " + members + " (the schedule replays; the timing of real processes does not)");
    System.exit(result.valid() ? 0 : 1);
  }
}
