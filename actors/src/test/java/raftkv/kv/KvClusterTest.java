package raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import raftkv.persistence.InMemoryJournal;
import raftkv.persistence.InMemoryLogStore;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.KeyRange;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.KvEvent;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.RangeRequest;
import raftkv.raft.ClientRequest;
import raftkv.raft.RaftMessage;
import raftkv.raft.Status;
import raftkv.raft.cluster.SeedNodes;

/**
 * Three {@link KvMember}s, each in its own ActorSystem on loopback (Artery TCP): writes through any
 * member, both read modes, watches across a leader change, lease expiry through the log, and the
 * answers without a quorum.
 */
class KvClusterTest {
  private static final String GROUP = "g0";
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final Duration ASK = Duration.ofSeconds(10);
  private static final Duration AWAIT = Duration.ofSeconds(20);

  private final Map<String, ActorSystem<Void>> systems = new LinkedHashMap<>();
  private final Map<String, KvMember> members = new LinkedHashMap<>();

  @BeforeEach
  void startGroup() {
    for (String id : IDS) {
      systems.put(id, startSystem());
    }
    Map<String, Address> addresses = systems.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> e.getValue().address()));
    systems.forEach((id, system) -> {
      SeedNodes.join(system, addresses);
      var journal = system.systemActorOf(InMemoryJournal.create(new InMemoryLogStore()), "journal-" + GROUP, Props.empty());
      members.put(id, KvMember.spawn(system, GROUP, id, addresses, journal));
    });
  }

  @AfterEach
  void stopGroup() {
    systems.values().forEach(ActorSystem::terminate);
    systems.values().forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
  }

  private static ActorSystem<Void> startSystem() {
    Config config = ConfigFactory.parseString("""
        akka.remote.artery.canonical.port = 0
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        raftkv.raft.heartbeat-interval = 50ms
        raftkv.raft.election-timeout = 500ms
        raftkv.kv.request-timeout = 2s
        raftkv.kv.lease-check-interval = 100ms
        """)
        .withFallback(ConfigFactory.parseResources("raftkv-cluster.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
    return ActorSystem.create(Behaviors.empty(), "raftkv", config);
  }

  @Test
  void writesThroughAnyMemberAreReadLinearizablyEverywhere() {
    String leader = awaitLeader(IDS);
    for (String via : IDS) {
      KvReply put = ask(via, r -> new KvRequest.Write(KvCommand.Put.of(Bytes.of("k-" + via), Bytes.of(via)), r));
      assertInstanceOf(KvResult.PutResult.class, ((KvReply.Done) put).result(), put.toString());
      // Linearizable: every member, the leader included, sees the write at once.
      for (String reader : IDS) {
        assertEquals(via, value(range(reader, "k-" + via, false)), "read of k-" + via + " through " + reader);
      }
    }
    KvResult.RangeResult all = range(leader, "", false);
    assertEquals(3, all.count());
    // Serializable reads are local: they catch up without a leader round.
    for (String reader : IDS) {
      await(reader, () -> assertEquals(3, range(reader, "", true).count()));
    }
  }

  @Test
  void aWatchSeesEveryRevisionInOrderAcrossALeaderChange() {
    String leader = awaitLeader(IDS);
    String watcher = IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    TestProbe<WatchMessage> sink = TestProbe.create(systems.get(watcher));
    members.get(watcher).service().tell(
        new KvRequest.WatchCreate(7, new WatchSpec(KeyRange.prefix(Bytes.of("w/")), 0, false, false, false), sink.getRef()));
    var created = sink.expectMessageClass(WatchMessage.Created.class);
    assertEquals(7, created.watchId());

    List<String> survivors = IDS.stream().filter(id -> !id.equals(leader)).toList();
    for (int i = 0; i < 10; i++) {
      write(watcher, KvCommand.Put.of(Bytes.of("w/" + i), Bytes.of("v" + i)));
    }
    systems.get(leader).terminate();
    awaitLeader(survivors);
    for (int i = 10; i < 20; i++) {
      write(watcher, KvCommand.Put.of(Bytes.of("w/" + i), Bytes.of("v" + i)));
    }

    List<KvEvent> seen = new ArrayList<>();
    long lastRevision = created.revision();
    while (seen.size() < 20) {
      var events = sink.expectMessageClass(WatchMessage.Events.class, Duration.ofSeconds(10));
      for (KvEvent e : events.events()) {
        assertTrue(e.revision() > lastRevision, "revisions must rise: " + e + " after " + lastRevision);
        lastRevision = e.revision();
        seen.add(e);
      }
    }
    for (int i = 0; i < 20; i++) {
      assertEquals("w/" + i, seen.get(i).kv().key().toStringUtf8());
    }
  }

  @Test
  void anExpiredLeaseDeletesItsKeysOnEveryMember() {
    String leader = awaitLeader(IDS);
    var grant = (KvResult.LeaseGrantResult) write(leader, new KvCommand.LeaseGrant(42, 1, 0));
    assertEquals(2, grant.ttl(), "a TTL below the minimum is raised to it, as etcd does");
    write(IDS.get(0), KvCommand.Put.of(Bytes.of("leased"), Bytes.of("x")).withLease(42));
    var ttl = (KvReply.LeaseTimeToLive) ask(IDS.get(1), r -> new KvRequest.LeaseTimeToLive(42, r));
    assertEquals(List.of(Bytes.of("leased")), ttl.lease().orElseThrow().keys());
    assertTrue(ttl.ttl() >= 0 && ttl.ttl() <= 2, ttl.toString());
    for (String id : IDS) {
      await(id, () -> assertEquals(0, range(id, "leased", true).count(), "leased key on " + id));
    }
    var gone = (KvReply.LeaseTimeToLive) ask(IDS.get(2), r -> new KvRequest.LeaseTimeToLive(42, r));
    assertEquals(-1, gone.ttl());
  }

  @Test
  void withoutAQuorumWritesAndLinearizableReadsAreUnavailableWhileSerializableReadsGoOn() {
    String leader = awaitLeader(IDS);
    write(leader, KvCommand.Put.of(Bytes.of("k"), Bytes.of("before")));
    String last = IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    await(last, () -> assertEquals("before", value(range(last, "k", true))));
    List<String> gone = IDS.stream().filter(id -> !id.equals(last)).toList();
    gone.forEach(id -> systems.get(id).terminate());
    // Until they are down, the two could still confirm a read or commit a write with `last`.
    gone.forEach(id -> systems.get(id).getWhenTerminated().toCompletableFuture().join());

    KvReply write = ask(last, r -> new KvRequest.Write(KvCommand.Put.of(Bytes.of("k"), Bytes.of("after")), r));
    assertInstanceOf(KvReply.Unavailable.class, write, write.toString());
    KvReply read = ask(last, r -> new KvRequest.Range(RangeRequest.of(Bytes.of("k")), r));
    assertInstanceOf(KvReply.Unavailable.class, read, read.toString());
    assertEquals("before", value(range(last, "k", true)));
  }

  // ---- helpers ----

  private KvReply ask(String via, Function<ActorRef<KvReply>, KvRequest> request) {
    ActorSystem<Void> system = systems.get(via);
    return AskPattern.ask(members.get(via).service(), request::apply, ASK, system.scheduler())
        .toCompletableFuture().join();
  }

  private KvResult write(String via, KvCommand command) {
    KvReply reply = ask(via, r -> new KvRequest.Write(command, r));
    assertInstanceOf(KvReply.Done.class, reply, "write of " + command + " through " + via);
    return ((KvReply.Done) reply).result();
  }

  private KvResult.RangeResult range(String via, String key, boolean serializable) {
    RangeRequest request = key.isEmpty()
        ? RangeRequest.of(KeyRange.all()) : RangeRequest.of(Bytes.of(key));
    KvReply reply = ask(via, r -> new KvRequest.Range(request.withSerializable(serializable), r));
    assertInstanceOf(KvReply.Done.class, reply, "range through " + via);
    return (KvResult.RangeResult) ((KvReply.Done) reply).result();
  }

  private static String value(KvResult.RangeResult r) {
    return r.kvs().isEmpty() ? null : r.kvs().get(0).value().toStringUtf8();
  }

  private String awaitLeader(List<String> among) {
    return await(among.get(0), () -> {
      for (String id : among) {
        Status s = AskPattern.<RaftMessage, Status>ask(
                members.get(id).node(), ClientRequest.GetStatus::new, ASK, systems.get(id).scheduler())
            .toCompletableFuture().join();
        if (s.role() == Status.Role.LEADER) {
          return id;
        }
      }
      throw new AssertionError("no leader among " + among);
    });
  }

  private <T> T await(String via, akka.japi.function.Creator<T> check) {
    return TestProbe.create(systems.get(via)).awaitAssert(AWAIT, Duration.ofMillis(50), check);
  }

  private void await(String via, Runnable check) {
    await(via, () -> {
      check.run();
      return null;
    });
  }
}
