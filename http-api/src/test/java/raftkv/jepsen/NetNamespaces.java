package raftkv.jepsen;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Every member in a Linux network namespace of its own, on a private subnet, so that links
 * between members can be cut with routes.
 *
 * <pre>
 *   root namespace: bridge rkvjbr0 10.213.47.1/24   (the test JVM reaches members through it)
 *                   unreachable 10.213.47.0/24 metric 4242   (fallback: never leaves the machine)
 *     ├─ veth rkvjv0 ── rkvjp0 10.213.47.10/24 in namespace rkvj-n0   (member 0)
 *     ├─ veth rkvjv1 ── rkvjp1 10.213.47.11/24 in namespace rkvj-n1   (member 1) ...
 *   a cut from member a to b:  ip -n rkvj-na route add blackhole 10.213.47.(10+b)/32
 * </pre>
 *
 * A member namespace has no default route, so a member can reach nothing but the subnet. In the
 * root namespace, the bridge's connected route carries the subnet, and the unreachable route (a
 * higher metric, so only used when the connected route is gone, e.g. the bridge was deleted)
 * makes sure no packet for the subnet is ever sent anywhere else. Everything is named with the
 * prefix {@code rkvj}; {@link #create} takes a lock file (one run per machine at a time), removes
 * what a crashed earlier run left behind, and {@link #close} (also run by a shutdown hook)
 * removes everything.
 */
final class NetNamespaces implements Network {
  static final String PREFIX = "rkvj";
  static final String SUBNET = "10.213.47.0/24";
  static final String BRIDGE = PREFIX + "br0";
  static final String BRIDGE_ADDRESS = "10.213.47.1";
  private static final String FALLBACK_METRIC = "4242";
  static final int CLIENT_PORT = 2379;
  static final int PEER_PORT = 2380;

  private final int size;
  private final Set<String> cuts = new LinkedHashSet<>();
  private final Thread hook = new Thread(NetNamespaces::removeAll, "rkvj-netns-cleanup");
  private boolean closed;
  private FileLock lock;

  static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "raftkv-jepsen-netns.lock");
  static final Duration LOCK_WAIT = Duration.ofMinutes(3);

  private static FileLock lock() {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    try {
      FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      for (int attempt = 0; ; attempt++) {
        FileLock l;
        try {
          l = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          l = null; // this JVM holds it: another run here has not closed yet
        }
        if (l != null) {
          return l;
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new IllegalStateException("another run holds " + LOCK_FILE + " (the namespaces " + PREFIX
              + "-*) for more than " + LOCK_WAIT.toMinutes() + " min");
        }
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot lock " + LOCK_FILE + ": " + e.getMessage(), e);
    }
  }

  private NetNamespaces(int size) {
    this.size = size;
  }

  /** Why namespaces cannot be used here, or empty when they can. */
  static synchronized Optional<String> unavailable() {
    try {
      Cmd id = run("id", "-u");
      if (!id.out.trim().equals("0")) {
        return Optional.of("network namespaces need root; running as uid " + id.out.trim());
      }
      long pid = ProcessHandle.current().pid() % 100_000;
      Cmd probe = run("ip", "netns", "add", PREFIX + "-probe" + pid);
      run("ip", "netns", "del", PREFIX + "-probe" + pid);
      if (probe.status != 0) {
        return Optional.of("`ip netns add` failed: " + probe.out.trim());
      }
      Cmd bridge = run("ip", "link", "add", PREFIX + "prb" + pid, "type", "bridge");
      run("ip", "link", "del", PREFIX + "prb" + pid);
      if (bridge.status != 0) {
        return Optional.of("cannot create a bridge: " + bridge.out.trim());
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("cannot run `ip`: " + e.getMessage());
    }
  }

  /**
   * Sets up {@code size} members' namespaces. The names are fixed, so runs on one machine take
   * turns: this waits (up to {@link #LOCK_WAIT}) for an exclusive lock on {@link #LOCK_FILE}, held
   * until {@link #close}; what is left of our names after that can only be a crashed run's.
   */
  static synchronized NetNamespaces create(int size) {
    if (size > 200) {
      throw new IllegalArgumentException("at most 200 members");
    }
    FileLock lock = lock();
    removeAll();
    NetNamespaces net = new NetNamespaces(size);
    net.lock = lock;
    Runtime.getRuntime().addShutdownHook(net.hook);
    try {
      // The fallback first: from here on, no packet for the subnet can leave the machine.
      must("ip", "route", "add", "unreachable", SUBNET, "metric", FALLBACK_METRIC);
      must("ip", "link", "add", BRIDGE, "type", "bridge");
      must("ip", "addr", "add", BRIDGE_ADDRESS + "/24", "dev", BRIDGE);
      must("ip", "link", "set", BRIDGE, "up");
      for (int i = 0; i < size; i++) {
        String ns = namespace(i);
        must("ip", "netns", "add", ns);
        must("ip", "link", "add", PREFIX + "v" + i, "type", "veth", "peer", "name", PREFIX + "p" + i);
        must("ip", "link", "set", PREFIX + "p" + i, "netns", ns);
        must("ip", "link", "set", PREFIX + "v" + i, "master", BRIDGE, "up");
        must("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", PREFIX + "p" + i);
        must("ip", "-n", ns, "link", "set", PREFIX + "p" + i, "up");
        must("ip", "-n", ns, "link", "set", "lo", "up");
      }
      return net;
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  static String namespace(int member) {
    return PREFIX + "-n" + member;
  }

  static String address(int member) {
    return "10.213.47." + (10 + member);
  }

  @Override
  public String host(int member) {
    return address(member);
  }

  @Override
  public int clientPort(int member) {
    return CLIENT_PORT;
  }

  @Override
  public int peerPort(int member) {
    return PEER_PORT;
  }

  @Override
  public List<String> wrap(int member, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace(member)));
    wrapped.addAll(command);
    return wrapped;
  }

  @Override
  public boolean partitionable() {
    return true;
  }

  @Override
  public synchronized void cut(int from, int to) {
    if (from == to || from < 0 || to < 0 || from >= size || to >= size) {
      throw new IllegalArgumentException("cut " + from + " -> " + to);
    }
    if (cuts.add(from + ">" + to)) {
      must("ip", "-n", namespace(from), "route", "add", "blackhole", address(to) + "/32");
    }
  }

  @Override
  public synchronized void healAll() {
    for (String cut : cuts) {
      String[] ends = cut.split(">");
      must("ip", "-n", namespace(Integer.parseInt(ends[0])), "route", "del", "blackhole",
          address(Integer.parseInt(ends[1])) + "/32");
    }
    cuts.clear();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeAll();
    try {
      lock.channel().close(); // releases the lock
    } catch (IOException e) {
      // the lock goes with the JVM anyway
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs (harmlessly) too
    }
  }

  @Override
  public String toString() {
    return "network namespaces " + PREFIX + "-n0.." + PREFIX + "-n" + (size - 1) + " on " + SUBNET;
  }

  /**
   * Removes every namespace, link and route of ours, whoever left them: the processes still in
   * our namespaces (members of a crashed run) are killed by pid first, or the namespace would stay.
   */
  static synchronized void removeAll() {
    Cmd list = run("ip", "netns", "list");
    for (String line : list.out.split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      if (ns.startsWith(PREFIX + "-")) {
        for (String pid : run("ip", "netns", "pids", ns).out.split("\\s+")) {
          if (pid.matches("\\d+")) {
            run("kill", "-9", pid);
          }
        }
        run("ip", "netns", "del", ns);
      }
    }
    for (String line : run("ip", "-o", "link", "show").out.split("\n")) {
      String[] parts = line.split(":\\s+");
      if (parts.length > 1) {
        String name = parts[1].split("@")[0].trim();
        if (name.startsWith(PREFIX)) {
          run("ip", "link", "del", name);
        }
      }
    }
    for (int i = 0; i < 10 && run("ip", "route", "del", "unreachable", SUBNET, "metric", FALLBACK_METRIC).status == 0; i++) {
      // one at a time, in case a run added it twice
    }
  }

  private record Cmd(int status, String out) {}

  private static void must(String... command) {
    Cmd c = run(command);
    if (c.status != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (" + c.status + "): " + c.out.trim());
    }
  }

  private static Cmd run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end within 20 s");
      }
      return new Cmd(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
