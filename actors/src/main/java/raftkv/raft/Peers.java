package raftkv.raft;

import akka.actor.typed.ActorRef;

/**
 * The directory from member id to the actor that runs that member of this group. In a cluster it
 * resolves configured Akka addresses; in the simulator it hands out inboxes the simulator owns.
 */
@FunctionalInterface
public interface Peers {
  ActorRef<RaftMessage> ref(String member);
}
