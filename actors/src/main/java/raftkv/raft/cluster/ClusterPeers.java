package raftkv.raft.cluster;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Map<String, Address> addresses;
  private final Map<String, ActorRef<RaftMessage>> remoteRefs = new ConcurrentHashMap<>();

  /**
   * @param system    the local member's actor system, which resolves and sends
   * @param addresses every member's Akka address, this member's included
   */
  public ClusterPeers(ActorSystem<?> system, String group, Map<String, Address> addresses) {
    this.resolver = ActorRefResolver.get(system);
    this.localAddress = system.address();
    this.group = group;
    this.addresses = Map.copyOf(addresses);
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
      throw new IllegalArgumentException("no address configured for member " + member + " of group " + group);
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
