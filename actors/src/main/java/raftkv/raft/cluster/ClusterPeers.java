package raftkv.raft.cluster;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import raftkv.persistence.Configuration;
import raftkv.raft.Peers;
import raftkv.raft.RaftMessage;

/**
 * The other members of one Raft group over Akka remoting: member id → its configured Akka address
 * → the actor at the group's fixed path there (DESIGN decision 9).
 *
 * <p>A ref is built from the path alone, with {@link ActorRefResolver}, so no Receptionist lookup
 * and no Akka Cluster membership is needed: Raft traffic flows before the cluster has converged,
 * and while it cannot converge at all (a member down, never downed).
 */
public final class ClusterPeers implements Peers {
  private final ActorRefResolver resolver;
  private final Address localAddress;
  private final String group;
  private final ActorRef<RaftMessage> nowhere;
  /** The addresses the member was started with: the initial configuration's, and those it was told of. */
  private final Map<String, Address> configured;
  /** Member id to address: the configured ones, overridden by what the configuration says. */
  private final Map<String, Address> addresses = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<RaftMessage>> remoteRefs = new ConcurrentHashMap<>();

  /**
   * @param system    the local member's actor system, which resolves and sends
   * @param addresses every member's Akka address, this member's included
   */
  public ClusterPeers(ActorSystem<?> system, String group, Map<String, Address> addresses) {
    this.resolver = ActorRefResolver.get(system);
    this.localAddress = system.address();
    this.group = group;
    this.configured = Map.copyOf(addresses);
    this.addresses.putAll(addresses);
    this.nowhere = system.deadLetters().unsafeUpcast();
  }

  /**
   * Learns the addresses the configuration names (thesis §4; an empty one means "as configured at
   * start"). Members it no longer names keep their last address: the member may still have to
   * answer one of them (a removed member asking for a vote), and a message to it is harmless.
   */
  @Override
  public void configure(Configuration configuration) {
    configuration.members().forEach((member, m) -> {
      Address address = m.address().isEmpty() ? configured.get(member) : AddressFromURIString.parse(m.address());
      if (address != null && !address.equals(addresses.put(member, address))) {
        remoteRefs.remove(member); // moved: resolve again
      }
    });
  }

  /** The name every member of {@code group} runs under, below {@code /system} (see {@link RaftMember}). */
  public static String actorName(String group) {
    return "raft-" + group;
  }

  /** Where member {@code address} runs its member of {@code group}. */
  public static String actorPath(Address address, String group) {
    return address + "/system/" + actorName(group);
  }

  @Override
  public ActorRef<RaftMessage> ref(String member) {
    Address address = addresses.get(member);
    if (address == null) {
      // Neither configured nor named by any configuration seen here: nowhere to send it.
      return nowhere;
    }
    if (address.equals(localAddress)) {
      // A local ref names one incarnation of the actor, and this one may not be started yet (or
      // be restarted later): resolve afresh each time rather than cache a dead ref.
      return resolver.resolveActorRef(actorPath(address, group));
    }
    // A remote ref built from a path carries no incarnation, so Artery delivers to whatever runs
    // at that path now: a member restarted on the same host:port is reached through the same ref.
    return remoteRefs.computeIfAbsent(member, m -> resolver.resolveActorRef(actorPath(address, group)));
  }
}
