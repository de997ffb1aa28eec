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
 * voters are the members of the address map.
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
        behavior(system, group, member, members, journal, stateMachine),
        ClusterPeers.actorName(group),
        Props.empty());
  }

  private static Behavior<RaftMessage> behavior(
      ActorSystem<?> system,
      String group,
      String member,
      Map<String, Address> members,
      ActorRef<JournalCommand> journal,
      StateMachine stateMachine) {
    Address configured = members.get(member);
    if (!system.address().equals(configured)) {
      // Peers would send to the configured address and never reach this member.
      throw new IllegalArgumentException(
          "member " + member + " is configured at " + configured + " but this system is " + system.address());
    }
    var voters = members.keySet().stream().sorted().toList();
    var settings = RaftSettings.fromConfig(system.settings().config(), group, member, voters);
    return RaftNode.create(settings, new ClusterPeers(system, group, members), journal, stateMachine, new Random());
  }
}
