package raftkv.raft.cluster;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import java.util.Map;
import java.util.Random;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.StateMachine;
import raftkv.raft.RaftMessage;
import raftkv.raft.RaftNode;
import raftkv.raft.RaftSettings;

/**
 * Starts this actor system's member of a Raft group at the group's fixed path,
 * {@code /system/raft-<group>}, where the other members' {@link ClusterPeers} look for it. The
 * initial configuration's voters are the members of the address map; the configuration in force
 * is the last one in the log (thesis §4), from which {@link ClusterPeers} learns new addresses.
 *
 * <p>Why {@code /system}: a typed ActorSystem lets no one but its guardian spawn below
 * {@code /user}, and a Raft member is infrastructure that any application guardian should be able
 * to host (as Cluster Sharding hosts its regions there); it also stops after the application's
 * actors on shutdown.
 */
public final class RaftMember {
  private RaftMember() {}

  /**
   * Spawns the member as {@code /system/raft-<group>}; its timing comes from the system's
   * {@code raftkv.raft} configuration.
   *
   * @param members every member's Akka address; {@code member}'s must be this system's own
   */
  public static ActorRef<RaftMessage> spawn(
      ActorSystem<?> system,
      String group,
      String member,
      Map<String, Address> members,
      ActorRef<JournalCommand> journal,
      StateMachine stateMachine) {
    return system.systemActorOf(
        behavior(system, group, member, members, journal, stateMachine, false),
        ClusterPeers.actorName(group),
        Props.empty());
  }

  /**
   * Spawns a member that joins an existing group (etcd's {@code --initial-cluster-state existing}):
   * it starts with no configuration, takes no part (never campaigns, never votes) until the leader's
   * log or snapshot names it, and learns the configuration from there. The leader must have added
   * it first ({@link raftkv.raft.ClientRequest.ChangeMembership}), best as a learner.
   *
   * @param members the Akka addresses of the members it should be able to answer (the group's
   *     current members and itself); the configuration it learns adds and overrides them
   */
  public static ActorRef<RaftMessage> spawnJoining(
      ActorSystem<?> system,
      String group,
      String member,
      Map<String, Address> members,
      ActorRef<JournalCommand> journal,
      StateMachine stateMachine) {
    return system.systemActorOf(
        behavior(system, group, member, members, journal, stateMachine, true),
        ClusterPeers.actorName(group),
        Props.empty());
  }

  private static Behavior<RaftMessage> behavior(
      ActorSystem<?> system,
      String group,
      String member,
      Map<String, Address> members,
      ActorRef<JournalCommand> journal,
      StateMachine stateMachine,
      boolean joining) {
    Address configured = members.get(member);
    if (!system.address().equals(configured)) {
      // Peers would send to the configured address and never reach this member.
      throw new IllegalArgumentException(
          "member " + member + " is configured at " + configured + " but this system is " + system.address());
    }
    var voters = members.keySet().stream().sorted().toList();
    var settings = RaftSettings.fromConfig(system.settings().config(), group, member, voters);
    if (joining) {
      settings = settings.joining();
    }
    return RaftNode.create(settings, new ClusterPeers(system, group, members), journal, stateMachine, new Random());
  }
}
