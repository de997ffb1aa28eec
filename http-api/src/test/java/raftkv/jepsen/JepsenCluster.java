package raftkv.jepsen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import raftkv.testing.MemberProcess;
import raftkv.testing.TestJvm;

/**
 * Real server processes ({@code raftkv.server.Main}) placed by a {@link Network}, configured with
 * etcd's flags, that a nemesis can kill, restart, pause and resume.
 */
final class JepsenCluster implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  final Network network;
  private final List<MemberProcess> members = new ArrayList<>();
  private final List<URI> clientUrls = new ArrayList<>();
  private final boolean[] paused;
  private final GatewayClient admin;

  JepsenCluster(Path root, Network network, int size) {
    this.network = network;
    this.paused = new boolean[size];
    String initial = java.util.stream.IntStream.range(0, size)
        .mapToObj(i -> name(i) + "=http://" + network.host(i) + ":" + network.peerPort(i))
        .collect(Collectors.joining(","));
    for (int i = 0; i < size; i++) {
      URI client = URI.create("http://" + network.host(i) + ":" + network.clientPort(i));
      clientUrls.add(client);
      String peer = "http://" + network.host(i) + ":" + network.peerPort(i);
      Path home = root.resolve(name(i));
      List<String> args = List.of(
          "--name", name(i),
          "--data-dir", home.resolve("data").toString(),
          "--listen-client-urls", client.toString(),
          "--advertise-client-urls", client.toString(),
          "--listen-peer-urls", peer,
          "--initial-advertise-peer-urls", peer,
          "--initial-cluster", initial,
          "--initial-cluster-state", "new");
      List<String> command = network.wrap(i, TestJvm.java(root.resolve("jvm-tmp-" + name(i)), "raftkv.server.Main", args));
      members.add(new MemberProcess(name(i), home, command, "raftkv: member ", null));
    }
    this.admin = new GatewayClient(this, Duration.ofSeconds(1));
  }

  static String name(int member) {
    return "n" + (member + 1);
  }

  int size() {
    return members.size();
  }

  URI clientUrl(int member) {
    return clientUrls.get(member);
  }

  JepsenCluster start() throws InterruptedException {
    members.forEach(MemberProcess::start);
    for (MemberProcess m : members) {
      m.awaitReady(READY_TIMEOUT);
    }
    return this;
  }

  synchronized void kill(int member) throws InterruptedException {
    resume(member);
    members.get(member).kill();
  }

  void restart(int member) throws InterruptedException {
    MemberProcess m = members.get(member);
    m.start();
    m.awaitReady(READY_TIMEOUT);
  }

  boolean alive(int member) {
    return members.get(member).isAlive();
  }

  /** SIGSTOP: the process stays, its sockets stay open, it answers nothing. */
  synchronized void pause(int member) {
    signal(member, "-STOP");
    paused[member] = true;
  }

  synchronized void resume(int member) {
    if (paused[member]) {
      if (members.get(member).isAlive()) {
        signal(member, "-CONT");
      }
      paused[member] = false;
    }
  }

  private void signal(int member, String signal) {
    long pid = members.get(member).pid();
    try {
      Process p = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The member that leads as the members' own status answers say: among those that claim to,
   * the one of the highest term. Empty when none answers so.
   */
  Optional<Integer> leader() {
    int best = -1;
    long bestTerm = -1;
    for (int i = 0; i < size(); i++) {
      if (paused[i] || !alive(i)) {
        continue;
      }
      Optional<JsonNode> s = admin.status(i);
      if (s.isPresent()) {
        JsonNode status = s.get();
        String leader = status.path("leader").asText("");
        long term = status.path("header").path("raft_term").asLong(0);
        if (!leader.isEmpty() && !leader.equals("0")
            && leader.equals(status.path("header").path("member_id").asText()) && term > bestTerm) {
          best = i;
          bestTerm = term;
        }
      }
    }
    return best < 0 ? Optional.empty() : Optional.of(best);
  }

  /** Waits until some member leads; returns it. */
  int awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int attempt = 0; ; attempt++) {
      Optional<Integer> l = leader();
      if (l.isPresent()) {
        return l.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no leader within " + timeout.toSeconds() + " s\n" + describe());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  void checkAlive() {
    members.forEach(MemberProcess::checkAlive);
  }

  String describe() {
    return members.stream().map(MemberProcess::describe).collect(Collectors.joining());
  }

  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      members.get(i).destroy();
    }
  }
}
