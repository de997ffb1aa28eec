package raftkv.kv;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import java.util.Map;
import java.util.function.IntSupplier;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.kv.KvStore;
import raftkv.raft.RaftMessage;
import raftkv.raft.cluster.RaftMember;

/**
 * One member of a key-value Raft group in this actor system: a {@link KvStore} as the Raft
 * member's state machine, and the {@link KvService} that clients talk to, at
 * {@code /system/kv-<group>}.
 *
 * @param service    where clients send {@link KvRequest}s
 * @param node       the Raft member (for its status)
 * @param watchCount how many watches the member serves now (roughly: read from any thread)
 */
public record KvMember(ActorRef<KvRequest> service, ActorRef<RaftMessage> node, IntSupplier watchCount) {

  /**
   * Starts the member; its settings come from the system's {@code raftkv.raft} and
   * {@code raftkv.kv} configuration.
   *
   * @param members every member's Akka address; {@code member}'s must be this system's own
   */
  public static KvMember spawn(
      ActorSystem<?> system, String group, String member, Map<String, Address> members, ActorRef<JournalCommand> journal) {
    return spawn(system, group, member, members, journal, KvMetrics.NONE);
  }

  /** {@link #spawn(ActorSystem, String, String, Map, ActorRef)}, reporting its writes to {@code metrics}. */
  public static KvMember spawn(
      ActorSystem<?> system,
      String group,
      String member,
      Map<String, Address> members,
      ActorRef<JournalCommand> journal,
      KvMetrics metrics) {
    KvStore store = new KvStore();
    WatchFanout watches = new WatchFanout(store);
    store.addListener(watches);
    ActorRef<RaftMessage> node = RaftMember.spawn(system, group, member, members, journal, store);
    var settings = KvSettings.fromConfig(system.settings().config());
    var service = system.systemActorOf(
        KvService.create(settings, node, store, watches, metrics), "kv-" + group, Props.empty());
    return new KvMember(service, node, watches::size);
  }
}
