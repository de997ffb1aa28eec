package raftkv.raft;

import akka.actor.typed.ActorRef;
import raftkv.persistence.Configuration;

/**
 * The directory from member id to the actor that runs that member of this group. In a cluster it
 * resolves configured Akka addresses; in the simulator it hands out inboxes the simulator owns.
 */
@FunctionalInterface
public interface Peers {
  ActorRef<RaftMessage> ref(String member);

  /**
   * The member's configuration changed (thesis §4: it is the last configuration entry in its log,
   * or its snapshot's): a directory that resolves addresses learns them from it. Called on the
   * member's actor, once at start and after every change, so it stays deterministic.
   */
  default void configure(Configuration configuration) {}
}
