package raftkv.raft;

import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import raftkv.persistence.InMemoryLogStore;
import raftkv.persistence.JournalCommand;

/**
 * One simulated member: its current incarnation's behavior under a {@link BehaviorTestKit}, the
 * inboxes that stand for its network links and its journal, and its "disk", which survives crashes.
 */
final class SimMember {
  final String id;
  final InMemoryLogStore disk = new InMemoryLogStore();
  /** A copy of what is on disk, made when first asked after a change. */
  raftkv.persistence.JournalReply.Recovered diskView;
  /** Writes the member sent to its journal that are not on disk yet, oldest first. */
  final ArrayDeque<JournalCommand.Write> unflushed = new ArrayDeque<>();
  long lastAckTime;
  int incarnation;
  boolean up;
  boolean recovered;
  BehaviorTestKit<RaftMessage> kit;
  TestInbox<JournalCommand> journal;
  /** Outgoing links, by recipient. */
  Map<String, TestInbox<RaftMessage>> links;
  SimStateMachine stateMachine;
  /** Timer key to the generation of its latest start; a firing of an older one is void. */
  final Map<Object, Integer> timerGenerations = new HashMap<>();

  SimMember(String id) {
    this.id = id;
  }

  /** Starts a new incarnation from what is on disk. */
  void start(RaftSettings settings, Iterable<String> others, SimInvariants invariants, long seed) {
    incarnation++;
    up = true;
    recovered = false;
    unflushed.clear();
    timerGenerations.clear();
    journal = TestInbox.create();
    links = new LinkedHashMap<>();
    for (String other : others) {
      links.put(other, TestInbox.create());
    }
    stateMachine = new SimStateMachine(id, invariants);
    Peers peers = member -> links.get(member).getRef();
    var random = new Random(seed * 31 + id.hashCode() * 17L + incarnation);
    kit = BehaviorTestKit.create(RaftNode.create(settings, peers, journal.getRef(), stateMachine, random), id);
  }

  void crash() {
    up = false;
    recovered = false;
    incarnation++;
    kit = null;
  }
}
