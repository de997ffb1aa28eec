package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonCborSerializer;
import com.typesafe.config.ConfigFactory;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import raftkv.persistence.Configuration;
import raftkv.persistence.HardState;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.JournalReply;
import raftkv.persistence.LogEntry;
import raftkv.persistence.Snapshot;

/**
 * Every type that crosses a process boundary or reaches the journal survives Akka's serialization
 * (Jackson CBOR, via the {@code CborSerializable} marker) unchanged: records, nested records,
 * lists, {@code byte[]}, nulls and typed {@code ActorRef}s.
 */
class SerializationTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    // serialize-messages makes every tell below go through serialization and back, as over the wire.
    testKit = ActorTestKit.create(
        ConfigFactory.parseString("akka.actor.serialize-messages = on").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Object> samples() {
    var proposeReplies = testKit.<ProposeReply>createTestProbe().ref();
    var statusReplies = testKit.<Status>createTestProbe().ref();
    var journalReplies = testKit.<JournalReply>createTestProbe().ref();
    var changeReplies = testKit.<MembershipReply>createTestProbe().ref();
    var transferReplies = testKit.<TransferReply>createTestProbe().ref();
    var config = Configuration.ofVoters(List.of("n1", "n2", "n3"))
        .with("n4", new Configuration.Member("akka://raftkv@h4:2380", Configuration.Role.LEARNER));
    var entries = List.of(
        LogEntry.noop(7, 2), LogEntry.command(8, 2, bytes("put k v")), LogEntry.command(9, 3, new byte[0]));
    return List.of(
        new RaftRpc.RequestVote("g0", 3, "n1", 9, 2, false, false),
        new RaftRpc.RequestVote("g0", 4, "n2", 0, 0, true, false),
        new RaftRpc.RequestVote("g0", 5, "n2", 9, 3, false, true),
        new RaftRpc.TimeoutNow("g0", 4, "n1"),
        new RaftRpc.VoteResponse("g0", 3, "n2", true, false),
        new RaftRpc.AppendEntries("g0", 3, "n1", 6, 2, entries, 5),
        new RaftRpc.AppendEntries("g0", 3, "n1", 9, 3, List.of(), 9),
        new RaftRpc.AppendResponse("g0", 3, "n3", true, 9, 0, 0, 0),
        new RaftRpc.AppendResponse("g0", 3, "n3", false, 0, 12, 10, 2),
        new RaftRpc.InstallSnapshot("g0", 3, "n1", 40, 2, 1024, bytes("chunk"), false, null),
        new RaftRpc.InstallSnapshot("g0", 3, "n1", 40, 2, 0, bytes("chunk"), true, config),
        new RaftRpc.InstallSnapshotResponse("g0", 3, "n2", 40, 1024, 1029, true),
        new RaftRpc.ReadIndexHeartbeat("g0", 3, "n1", 12),
        new RaftRpc.ReadIndexAck("g0", 3, "n2", 12),
        new Forwarding.ForwardPropose("g0", "n2", 17, bytes("put a 1")),
        new Forwarding.ProposeAccepted("g0", "n1", 17, 10, 3),
        new Forwarding.ProposeRejected("g0", "n3", 18, "not the leader"),
        new Forwarding.ForwardReadIndex("g0", "n2", 19),
        new Forwarding.ReadIndexConfirmed("g0", "n1", 19, 10, 3),
        new Forwarding.ReadIndexRejected("g0", "n3", 20, "not the leader"),
        new ClientRequest.Propose(bytes("del a"), proposeReplies),
        new ClientRequest.ProposeAsLeader(bytes("expire lease 7"), 3, proposeReplies),
        new ClientRequest.GetStatus(statusReplies),
        new ClientRequest.ChangeMembership(new MembershipChange.Add("n4", "akka://raftkv@h4:2380", true), changeReplies),
        new ClientRequest.ChangeMembership(new MembershipChange.Promote("n4"), changeReplies),
        new ClientRequest.ChangeMembership(new MembershipChange.Remove("n3"), changeReplies),
        new ClientRequest.ChangeMembership(new MembershipChange.UpdateAddress("n2", "akka://raftkv@h5:2380"), changeReplies),
        new ClientRequest.TransferLeadership("n2", transferReplies),
        new Forwarding.ForwardChange("g0", "n2", 21, new MembershipChange.Remove("n3")),
        new Forwarding.ChangeAccepted("g0", "n1", 21, 12, 3),
        new Forwarding.ChangeRefused("g0", "n1", 22, "not the leader", true),
        new MembershipReply.Changed(12, config),
        new MembershipReply.Refused("learner n4 is not ready"),
        new MembershipReply.NotCommitted("the previous change is not committed"),
        new MembershipReply.Unknown("the leader changed"),
        new TransferReply.Transferred("n2", 4),
        new TransferReply.Refused("not the leader", "n1"),
        new TransferReply.Failed("timed out"),
        LogEntry.config(12, 3, config),
        new Snapshot(12, 3, bytes("image"), config),
        new ProposeReply.Committed(10, bytes("ok"), 3),
        new ProposeReply.NotCommitted("no leader known"),
        new ProposeReply.Unknown("the leader changed"),
        new Status("g0", "n1", Status.Role.LEADER, 3, "n1", 9, 9, 10, 10, config),
        new Status("g0", "n2", Status.Role.PRE_CANDIDATE, 3, null, 0, 0, 0, 0, Configuration.NONE),
        new JournalCommand.Recover(journalReplies),
        new JournalCommand.Write(4, new HardState(3, "n1"), null, 8, entries, journalReplies),
        new JournalCommand.Write(5, null, new Snapshot(7, 2, new byte[] {1, 2}), 0, List.of(), journalReplies),
        new JournalReply.Recovered(new HardState(3, "n1"), null, entries),
        new JournalReply.Recovered(new HardState(3, "n1"), new Snapshot(7, 2, new byte[] {3}), entries),
        new JournalReply.Written(4),
        new JournalReply.WriteFailed(5, "disk full"),
        HardState.INITIAL,
        new HardState(3, "n2"),
        LogEntry.command(8, 2, bytes("put k v")),
        new Snapshot(40, 2, bytes("image")));
  }

  /** Through the serializer the configuration binds, which must be Jackson CBOR. */
  @TestFactory
  Stream<DynamicTest> roundTripsThroughTheBoundSerializer() {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    return samples().stream().map(original -> DynamicTest.dynamicTest(describe(original), () -> {
      Serializer serializer = serialization.findSerializerFor(original);
      assertInstanceOf(JacksonCborSerializer.class, serializer, "serializer for " + describe(original));
      // serialize() rather than toBinary(): it sets the system that ActorRef fields need.
      byte[] wire = serialization.serialize(original).get();
      Object copy = serialization
          .deserialize(wire, serializer.identifier(), Serializers.manifestFor(serializer, original))
          .get();
      assertSameContent(original, copy);
    }));
  }

  /** As a message between actors, with serialize-messages on. */
  @TestFactory
  Stream<DynamicTest> roundTripsAsAMessage() {
    TestProbe<Object> probe = testKit.createTestProbe();
    return samples().stream().map(original -> DynamicTest.dynamicTest(describe(original), () -> {
      probe.ref().tell(original);
      Object received = probe.receiveMessage();
      assertNotSame(original, received, "the message was not serialized");
      assertSameContent(original, received);
    }));
  }

  /** The log compares entries with LogEntry's own equals, so that must hold after a round trip. */
  @Test
  void logEntryEqualsItsRoundTrip() {
    LogEntry entry = LogEntry.command(8, 2, bytes("put k v"));
    LogEntry copy = new SerializationTestKit(testKit.system()).verifySerialization(entry, true);
    assertEquals(entry.hashCode(), copy.hashCode());
  }

  /**
   * A new wire or journal type fails here until it gets a sample above. Types marked
   * {@code NoSerializationVerificationNeeded} never leave their process ({@code ClientRequest.Read}
   * carries code), so they need none.
   */
  @Test
  void samplesCoverEveryWireAndJournalType() {
    Set<Class<?>> expected = new HashSet<>(List.of(Status.class, HardState.class, LogEntry.class, Snapshot.class));
    for (Class<?> root :
        List.of(PeerMessage.class, ClientRequest.class, ProposeReply.class, MembershipReply.class, TransferReply.class,
            JournalCommand.class, JournalReply.class)) {
      collectRecords(root, expected);
    }
    Set<Class<?>> sampled = samples().stream().map(Object::getClass).collect(Collectors.toSet());
    assertEquals(names(expected), names(sampled));
  }

  private static void collectRecords(Class<?> type, Set<Class<?>> into) {
    if (type.isRecord()) {
      if (!akka.actor.NoSerializationVerificationNeeded.class.isAssignableFrom(type)) {
        into.add(type);
      }
    } else if (type.isSealed()) {
      Arrays.stream(type.getPermittedSubclasses()).forEach(sub -> collectRecords(sub, into));
    } else {
      throw new AssertionError(type + " is neither a record nor sealed: cannot tell what crosses the wire");
    }
  }

  private static Set<String> names(Set<Class<?>> classes) {
    return classes.stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describe(Object o) {
    String enclosing = o.getClass().getEnclosingClass() == null ? "" : o.getClass().getEnclosingClass().getSimpleName() + ".";
    return enclosing + o.getClass().getSimpleName();
  }

  // Records holding byte[] compare arrays by identity, so compare component by component.
  private static void assertSameContent(Object expected, Object actual) {
    assertTrue(sameContent(expected, actual), () -> describe(expected) + " changed: " + expected + " -> " + actual);
  }

  private static boolean sameContent(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameContent(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.getClass().isRecord()) {
      if (a.getClass() != b.getClass()) {
        return false;
      }
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        if (!sameContent(component(c, a), component(c, b))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static Object component(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read " + c + " of " + record, e);
    }
  }
}
