package raftkv.server;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import raftkv.persistence.DataDirectory;
import raftkv.persistence.DataDirectoryException;
import raftkv.persistence.RaftJournal;
import raftkv.raft.ClientRequest;
import raftkv.raft.ProposeReply;
import raftkv.raft.RaftMessage;
import raftkv.raft.Status;
import raftkv.raft.cluster.RaftMember;
import raftkv.raft.cluster.SeedNodes;

/**
 * A Raft group whose members all run in this process, each in an ActorSystem of its own on the
 * address the configuration gives (an ephemeral loopback port by default): they talk over Artery
 * and form an Akka Cluster exactly as members on separate hosts would. Each member keeps its log in
 * a {@link RaftJournal} (LevelDB, fsync on) in its own directory below the group's data
 * directory, so a group started again on the same directory recovers everything it committed.
 */
final class LocalGroup implements AutoCloseable {
  /** One member: its actor system and the Raft node it runs. */
  record Member(String id, ActorSystem<Void> system, ActorRef<RaftMessage> node) {}

  private final ServerSettings settings;
  private final List<Member> members;

  private LocalGroup(ServerSettings settings, List<Member> members) {
    this.settings = settings;
    this.members = members;
  }

  /**
   * Starts members {@code n1..n<size>}, member {@code nK} on {@code dataDir/nK}.
   *
   * @throws DataDirectoryException if a member's directory is not its own or is damaged
   */
  static LocalGroup start(Config config, int size, ServerSettings settings, Path dataDir)
      throws DataDirectoryException {
    Map<String, ActorSystem<Void>> systems = new LinkedHashMap<>();
    for (int i = 1; i <= size; i++) {
      String id = "n" + i;
      DataDirectory directory = DataDirectory.open(dataDir.resolve(id), settings.cluster(), id, config);
      systems.put(id, ActorSystem.create(Behaviors.empty(), "raftkv", directory.akkaConfig().withFallback(config)));
    }
    // Every member needs every address, which an ephemeral port makes known only once all are bound.
    Map<String, Address> addresses = new LinkedHashMap<>();
    systems.forEach((id, system) -> addresses.put(id, system.address()));
    List<Member> members = new ArrayList<>();
    systems.forEach((id, system) -> {
      SeedNodes.join(system, addresses);
      var journal = system.systemActorOf(
          RaftJournal.create(settings.group(), id), "journal-" + settings.group(), Props.empty());
      var node = RaftMember.spawn(system, settings.group(), id, addresses, journal, new CommandCounter());
      members.add(new Member(id, system, node));
    });
    return new LocalGroup(settings, List.copyOf(members));
  }

  List<Member> members() {
    return members;
  }

  CompletionStage<Status> status(Member m) {
    return AskPattern.ask(m.node(), ClientRequest.GetStatus::new, settings.askTimeout(), m.system().scheduler());
  }

  /** Every member's status, in member order; fails if one does not answer. */
  CompletableFuture<List<Status>> statuses() {
    List<CompletableFuture<Status>> asks = members.stream().map(m -> status(m).toCompletableFuture()).toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> asks.stream().map(CompletableFuture::join).toList());
  }

  /** The first status of a member that reports itself leader. */
  CompletableFuture<Status> awaitLeader() {
    return Poll.until(
            this::statuses,
            all -> all.stream().anyMatch(LocalGroup::isLeader),
            settings.pollInterval(),
            settings.leaderTimeout())
        .thenApply(all -> all.stream().filter(LocalGroup::isLeader).findFirst().orElseThrow());
  }

  private static boolean isLeader(Status s) {
    return s.role() == Status.Role.LEADER;
  }

  /**
   * Proposes {@code command} through {@code via} (which forwards it to the leader) until it is
   * committed. A retry after an unknown outcome may commit the command twice.
   */
  CompletableFuture<ProposeReply.Committed> propose(Member via, byte[] command) {
    return Poll.until(
            () -> AskPattern.<RaftMessage, ProposeReply>ask(
                via.node(), replyTo -> new ClientRequest.Propose(command, replyTo), settings.askTimeout(), via.system().scheduler()),
            reply -> reply instanceof ProposeReply.Committed,
            settings.pollInterval(),
            settings.proposeTimeout())
        .thenApply(ProposeReply.Committed.class::cast);
  }

  /** The members' statuses once every one has applied {@code index}. */
  CompletableFuture<List<Status>> awaitApplied(long index) {
    return Poll.until(
        this::statuses,
        all -> all.stream().allMatch(s -> s.appliedIndex() >= index),
        settings.pollInterval(),
        settings.proposeTimeout());
  }

  /** Completes once every member's system has terminated (for instance on Ctrl-C). */
  CompletableFuture<Void> whenTerminated() {
    return CompletableFuture.allOf(members.stream()
        .map(m -> m.system().getWhenTerminated().toCompletableFuture())
        .toArray(CompletableFuture[]::new));
  }

  @Override
  public void close() {
    members.forEach(m -> m.system().terminate());
    whenTerminated().join();
  }
}
