package raftkv.server.crash;

import raftkv.testing.MemberProcess;
import raftkv.testing.TestJvm;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import raftkv.raft.ClientRequest;
import raftkv.raft.ProposeReply;
import raftkv.raft.RaftMessage;
import raftkv.raft.Status;
import raftkv.raft.cluster.ClusterPeers;

/**
 * Three {@link CrashTestMember} processes on fixed loopback ports, and a client: an actor system
 * in the test JVM that talks to the members' Raft actors at their fixed paths over Artery.
 *
 * <p>The client uses the plain remote provider and stays out of the members' Akka Cluster, whose
 * membership is not under test here. Tried both: after a SIGKILL, either kind of client reaches the
 * restarted member on its first request. Joining the cluster gains nothing: after several kills
 * in a row the restarted members stayed out of the cluster for many seconds (a new incarnation is
 * let in only once the old one is removed, which needs convergence) and the first seed formed a
 * cluster of its own, leaving the client in the old one. After a graceful stop (SIGTERM), neither
 * kind of client reached the restarted member within 30 s in most tries: Artery drops messages to
 * an address whose previous incarnation announced its termination until the new incarnation
 * contacts the sender (ClusterFailoverTest notes the same), so this test kills, never stops.
 */
final class CrashCluster implements AutoCloseable {
  static final List<String> IDS = List.of("n1", "n2", "n3");
  static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);
  static final Duration READY_TIMEOUT = Duration.ofSeconds(45);
  private static final Duration POLL = Duration.ofMillis(50);

  final Map<String, MemberProcess> members = new LinkedHashMap<>();
  final Map<String, Address> addresses = new LinkedHashMap<>();
  private final Map<String, ActorRef<RaftMessage>> refs = new LinkedHashMap<>();
  private ActorSystem<Void> client;

  /**
   * @param root        where each member gets its directory ({@code <root>/<id>/data} is its data
   *     directory) and the JVMs their temporary directory
   * @param memberArgs  more arguments for every member (snapshot settings)
   */
  CrashCluster(Path root, List<String> memberArgs) {
    Set<Integer> ports = new HashSet<>();
    while (ports.size() < IDS.size()) {
      ports.add(TestJvm.freePort());
    }
    List<Integer> portList = List.copyOf(ports);
    for (int i = 0; i < IDS.size(); i++) {
      addresses.put(IDS.get(i), new Address("akka", CrashTestMember.SYSTEM_NAME, "127.0.0.1", portList.get(i)));
    }
    String peers = addresses.entrySet().stream()
        .map(e -> e.getKey() + "=127.0.0.1:" + e.getValue().getPort().get())
        .collect(Collectors.joining(","));
    for (String id : IDS) {
      List<String> args = new ArrayList<>(List.of("--peers", peers));
      args.addAll(memberArgs);
      Path home = root.resolve(id);
      Path dataDir = home.resolve("data");
      List<String> command = new ArrayList<>(List.of("--name", id, "--data-dir", dataDir.toString()));
      command.addAll(args);
      members.put(id, new MemberProcess(
          id, home, TestJvm.java(root.resolve("jvm-tmp"), CrashTestMember.class.getName(), command),
          CrashTestMember.READY, dataDir.resolve(CrashTestMember.LOG_FILE)));
    }
  }

  /** Starts every member and the client; returns once every member is ready. */
  void start() throws InterruptedException {
    members.values().forEach(MemberProcess::start);
    for (MemberProcess m : members.values()) {
      m.awaitReady(READY_TIMEOUT);
    }
    client = ActorSystem.create(Behaviors.empty(), CrashTestMember.SYSTEM_NAME, ConfigFactory.parseString("""
            akka.remote.artery.canonical.hostname = "127.0.0.1"
            akka.remote.artery.canonical.port = 0
            # The client goes away with the test; it need not leave the cluster politely.
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            # Not a member of the members' Akka Cluster (see the class comment).
            akka.actor.provider = remote
            akka.remote.warn-about-direct-use = off
            akka.remote.warn-unsafe-watch-outside-cluster = off
            """)
        .withFallback(ConfigFactory.load())
        .resolve());
    ActorRefResolver resolver = ActorRefResolver.get(client);
    addresses.forEach((id, address) ->
        refs.put(id, resolver.resolveActorRef(ClusterPeers.actorPath(address, CrashTestMember.GROUP))));
  }

  MemberProcess member(String id) {
    return members.get(id);
  }

  /** Fails if a member that should run has exited. */
  void checkAlive() {
    members.values().forEach(MemberProcess::checkAlive);
  }

  /** A member's status, or {@code null} if it does not answer in time. */
  CompletableFuture<Status> status(String id) {
    return AskPattern.<RaftMessage, Status>ask(refs.get(id), ClientRequest.GetStatus::new, STATUS_TIMEOUT, client.scheduler())
        .toCompletableFuture()
        .exceptionally(failure -> null);
  }

  /** The statuses of the given members that answered in time. */
  Map<String, Status> statuses(Iterable<String> ids) {
    Map<String, CompletableFuture<Status>> asks = new LinkedHashMap<>();
    ids.forEach(id -> asks.put(id, status(id)));
    Map<String, Status> answered = new LinkedHashMap<>();
    asks.forEach((id, ask) -> {
      Status s = ask.join();
      if (s != null) {
        answered.put(id, s);
      }
    });
    return answered;
  }

  /** The member that says it leads the highest term, among those that answer. */
  Optional<Status> leader(Iterable<String> ids) {
    return statuses(ids).values().stream()
        .filter(s -> s.role() == Status.Role.LEADER)
        .max(Comparator.comparingLong(Status::term));
  }

  /** Proposes {@code command} at member {@code id}; a timeout completes with {@code null}. */
  CompletableFuture<ProposeReply> propose(String id, String command, Duration timeout) {
    byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
    return AskPattern.<RaftMessage, ProposeReply>ask(
            refs.get(id), replyTo -> new ClientRequest.Propose(bytes, replyTo), timeout, client.scheduler())
        .toCompletableFuture()
        .exceptionally(failure -> null);
  }

  /**
   * Proposes {@code command} at member {@code id} until it is committed there (retrying after a
   * reply other than Committed: the command may then be applied more than once).
   */
  ProposeReply.Committed proposeUntilCommitted(String id, String command, Duration within)
      throws InterruptedException {
    return await(within, "'" + command + "' committed through " + id,
        () -> propose(id, command, Duration.ofSeconds(3)).join() instanceof ProposeReply.Committed c ? c : null);
  }

  /**
   * Polls {@code attempt} until it returns something other than {@code null}, failing once
   * {@code within} has passed or when a member that should run has exited.
   */
  <T> T await(Duration within, String what, Supplier<T> attempt) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      checkAlive();
      T result = attempt.get();
      if (result != null) {
        return result;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toMillis() + " ms: " + what + "\n" + describeAll());
      }
      LockSupport.parkNanos(POLL.toNanos());
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** Every member's status once all of them answer and agree on one leader. */
  Map<String, Status> awaitAllUpWithLeader(Duration within) throws InterruptedException {
    return await(within, "every member up and agreeing on a leader", () -> {
      Map<String, Status> all = statuses(IDS);
      if (all.size() < IDS.size()) {
        return null;
      }
      Set<String> leaders = new HashSet<>();
      all.values().forEach(s -> leaders.add(s.leader()));
      boolean oneLeader = leaders.size() == 1 && !leaders.contains(null)
          && all.get(leaders.iterator().next()).role() == Status.Role.LEADER;
      return oneLeader ? all : null;
    });
  }

  String describeAll() {
    StringBuilder s = new StringBuilder();
    members.values().forEach(m -> s.append(m.describe()));
    return s.toString();
  }

  @Override
  public void close() {
    if (client != null) {
      client.terminate();
      try {
        client.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // the members go anyway
      }
    }
    members.values().forEach(MemberProcess::destroy);
  }

  /**
   * The test class path. Surefire's booter sets {@code java.class.path} to it (checked with
   * surefire 3.2.5, whose default runs tests from a manifest-only jar); should a runner leave the
   * manifest-only jar there, {@code surefire.test.class.path} has the real one.
   */
}
