package raftkv.raft.cluster;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.JoinSeedNodes;
import java.util.List;
import java.util.Map;

/**
 * Joins this system to the Akka Cluster of its Raft group's members, which serves as the
 * membership signal only: Raft traffic never waits for it (DESIGN decision 9).
 */
public final class SeedNodes {
  private SeedNodes() {}

  /**
   * Every member is given the same seed list: all members, ordered by member id. Akka lets only
   * the first seed form a new cluster, and only when no other seed answers; every other member,
   * and the first one when another answers, joins whichever seed already is in the cluster. So a
   * member restarted on its old host:port rejoins by itself.
   *
   * <p>One case splits the membership: the first member restarted while it reaches no other for
   * {@code akka.cluster.seed-node-timeout} forms a cluster of its own, which Akka never merges
   * with the others'. Raft does not notice (its traffic ignores membership); the membership
   * signal stays split until that member restarts again.
   *
   * <p>Joining also makes a restarted member contact every peer at once, which matters for Raft:
   * after a graceful stop, Artery drops messages to the old incarnation's address until the new
   * incarnation has made contact.
   */
  public static void join(ActorSystem<?> system, Map<String, Address> members) {
    Cluster.get(system).manager().tell(new JoinSeedNodes(order(members)));
  }

  private static List<Address> order(Map<String, Address> members) {
    return members.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
  }
}
