package raftkv.jepsen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Injects faults into a {@link JepsenCluster}, one at a time: each is held for a while, then
 * healed, and the nemesis waits for a leader before the next. It never relies on clocks: kills,
 * pauses and cuts only.
 */
final class Nemesis {
  enum Fault {
    KILL("kill -9 a random member, restart it"),
    KILL_LEADER("kill -9 the leader, restart it"),
    PAUSE("SIGSTOP a random member, SIGCONT it"),
    PAUSE_LEADER("SIGSTOP the leader, SIGCONT it"),
    PARTITION("a random majority | minority"),
    ISOLATE_LEADER("the leader | everyone else"),
    BRIDGE("two sides that cannot talk, and a member that sees both"),
    ONE_WAY("nobody hears the leader, the leader hears everyone");

    final String description;

    Fault(String description) {
      this.description = description;
    }

    boolean partition() {
      return this == PARTITION || this == ISOLATE_LEADER || this == BRIDGE || this == ONE_WAY;
    }

    /** {@code all}, {@code kill}, {@code pause}, {@code partition}, or fault names, comma separated. */
    static List<Fault> parse(String spec) {
      List<Fault> out = new ArrayList<>();
      for (String part : spec.split(",")) {
        String p = part.trim().toLowerCase().replace('-', '_');
        switch (p) {
          case "all" -> out.addAll(List.of(values()));
          case "kill" -> out.addAll(List.of(KILL, KILL_LEADER));
          case "pause" -> out.addAll(List.of(PAUSE, PAUSE_LEADER));
          case "partition" -> out.addAll(List.of(PARTITION, ISOLATE_LEADER, BRIDGE, ONE_WAY));
          case "none", "" -> { }
          default -> out.add(valueOf(p.toUpperCase()));
        }
      }
      return out.stream().distinct().toList();
    }
  }

  /** One fault, from when it was injected to when it was healed (System.nanoTime()). */
  record Period(Fault fault, String detail, long start, long end) {}

  private final JepsenCluster cluster;
  private final Random random;
  private final Duration hold;
  private final Duration quiet;
  private final List<Period> periods = new ArrayList<>();
  private final Map<Fault, Integer> counts = new EnumMap<>(Fault.class);

  Nemesis(JepsenCluster cluster, long seed, Duration hold, Duration quiet) {
    this.cluster = cluster;
    this.random = new Random(seed);
    this.hold = hold;
    this.quiet = quiet;
  }

  /** Each fault of {@code sequence} once, in order. */
  void runEach(List<Fault> sequence) throws InterruptedException {
    for (Fault f : sequence) {
      pace(quiet);
      inject(f);
    }
    pace(quiet);
  }

  /** Random faults of {@code kinds} until {@code duration} is over. */
  void runRandom(List<Fault> kinds, Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    for (int n = 0; n < 100_000 && System.nanoTime() + hold.toNanos() + quiet.toNanos() < end; n++) {
      pace(quiet);
      if (!kinds.isEmpty()) {
        inject(kinds.get(random.nextInt(kinds.size())));
      }
    }
  }

  /** A schedule's pause between faults (randomized around {@code d}); not synchronization. */
  private void pace(Duration d) {
    long nanos = d.toNanos() / 2 + (long) (random.nextDouble() * d.toNanos());
    LockSupport.parkNanos(nanos);
  }

  void inject(Fault fault) throws InterruptedException {
    int n = cluster.size();
    long start = System.nanoTime();
    String detail;
    switch (fault) {
      case KILL, KILL_LEADER -> {
        int m = fault == Fault.KILL ? random.nextInt(n) : cluster.awaitLeader(Duration.ofSeconds(30));
        detail = "killed " + JepsenCluster.name(m);
        cluster.kill(m);
        pace(hold);
        cluster.restart(m);
      }
      case PAUSE, PAUSE_LEADER -> {
        int m = fault == Fault.PAUSE ? random.nextInt(n) : cluster.awaitLeader(Duration.ofSeconds(30));
        detail = "paused " + JepsenCluster.name(m);
        cluster.pause(m);
        pace(hold);
        cluster.resume(m);
      }
      default -> {
        detail = cut(fault);
        pace(hold);
        cluster.network.healAll();
      }
    }
    long end = System.nanoTime();
    synchronized (this) {
      periods.add(new Period(fault, detail, start, end));
      counts.merge(fault, 1, Integer::sum);
    }
    cluster.checkAlive();
    cluster.awaitLeader(Duration.ofSeconds(30));
  }

  private String cut(Fault fault) {
    int n = cluster.size();
    Network net = cluster.network;
    List<Integer> all = IntStream.range(0, n).boxed().collect(Collectors.toCollection(ArrayList::new));
    switch (fault) {
      case PARTITION -> {
        Collections.shuffle(all, random);
        List<Integer> minority = all.subList(0, n / 2);
        List<Integer> majority = all.subList(n / 2, n);
        cutBetween(net, minority, majority);
        return names(minority) + " | " + names(majority);
      }
      case ISOLATE_LEADER -> {
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        all.remove(Integer.valueOf(leader));
        cutBetween(net, List.of(leader), all);
        return names(List.of(leader)) + " | " + names(all);
      }
      case BRIDGE -> {
        Collections.shuffle(all, random);
        int bridge = all.get(0);
        List<Integer> rest = all.subList(1, n);
        List<Integer> left = rest.subList(0, rest.size() / 2);
        List<Integer> right = rest.subList(rest.size() / 2, rest.size());
        cutBetween(net, left, right);
        return names(left) + " | " + names(right) + ", bridge " + JepsenCluster.name(bridge);
      }
      case ONE_WAY -> {
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        all.remove(Integer.valueOf(leader));
        for (int other : all) {
          net.cut(leader, other);
        }
        return JepsenCluster.name(leader) + " -/-> " + names(all);
      }
      default -> throw new IllegalArgumentException(fault.toString());
    }
  }

  private static void cutBetween(Network net, List<Integer> a, List<Integer> b) {
    for (int x : a) {
      for (int y : b) {
        net.cut(x, y);
        net.cut(y, x);
      }
    }
  }

  private static String names(List<Integer> members) {
    return members.stream().map(JepsenCluster::name).collect(Collectors.joining(",", "{", "}"));
  }

  synchronized List<Period> periods() {
    return List.copyOf(periods);
  }

  synchronized Map<Fault, Integer> counts() {
    Map<Fault, Integer> copy = new EnumMap<>(Fault.class);
    copy.putAll(counts);
    return copy;
  }
}
