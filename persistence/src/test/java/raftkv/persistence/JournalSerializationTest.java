package raftkv.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonCborSerializer;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every journal command, reply and event, and the journal's state (the state snapshot format),
 * round-trips through Akka's jackson-cbor binding.
 */
class JournalSerializationTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Round-trips {@code message} through its serializer and returns what came back. */
  private static Object assertRoundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.findSerializerFor(message);
    assertEquals(JacksonCborSerializer.class, serializer.getClass(), "bound to jackson-cbor: " + message);
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertEquals(message, back);
    return back;
  }

  /**
   * The journal's state is the on-disk format of Akka's state snapshots: it round-trips, as a
   * record (hardState, snapshot, entries), whatever the backing list it shares in memory.
   */
  @Test
  void theJournalStateRoundTripsAsTheStateSnapshotFormat() throws Exception {
    HardState voted = new HardState(3, "m2");
    Snapshot image = new Snapshot(4, 1, new byte[] {1, 2, 3});
    JournalState empty = JournalState.empty();
    assertRoundTrip(empty);

    // A prefix of a longer backing list (after a truncation), and the state that shares that list.
    JournalState longer = empty.apply(new JournalEvent.EntriesAppended(JournalFixtures.entries(1, 6, 1)));
    JournalState truncated = longer.apply(new JournalEvent.LogTruncated(4));
    var back = (JournalState) assertRoundTrip(truncated);
    assertEquals(JournalFixtures.entries(1, 3, 1), back.entries());
    assertEquals(3, back.lastIndex());
    assertEquals(6, ((JournalState) assertRoundTrip(longer)).lastIndex());

    // With a snapshot: the entries after it, at their indexes.
    JournalState snapshotted = longer.apply(new JournalEvent.Combined(voted, image, 0, List.of()));
    back = (JournalState) assertRoundTrip(snapshotted);
    assertEquals(image, back.snapshot());
    assertEquals(voted, back.hardState());
    assertEquals(JournalFixtures.entries(5, 6, 1), back.entries());
    assertEquals(6, back.lastIndex());
    // ... and it goes on from there like the original.
    var appended = new JournalEvent.EntriesAppended(JournalFixtures.entries(7, 8, 1));
    assertEquals(snapshotted.apply(appended), back.apply(appended));
    assertEquals(JournalFixtures.recovered(voted, image, JournalFixtures.entries(5, 8, 1)),
        back.apply(appended).recovered());

    // The shape on disk: a record of three fields, nothing of the in-memory sharing.
    Serialization serialization = SerializationExtension.get(testKit.system());
    byte[] bytes = serialization.serialize(truncated).get();
    var fields = new CBORMapper().readTree(bytes);
    assertEquals(java.util.Set.of("hardState", "snapshot", "entries"), java.util.Set.copyOf(iterableToList(fields.fieldNames())));
    assertEquals(3, fields.get("entries").size());

    // A state whose entries do not follow its snapshot is refused.
    assertThrows(IllegalArgumentException.class,
        () -> JournalState.of(voted, image, JournalFixtures.entries(6, 6, 1)));
  }

  /** Events written before snapshots existed have no snapshot field: they read as "no snapshot". */
  @Test
  void aCombinedEventWrittenBeforeSnapshotsExistedStillReads() throws Exception {
    var event = new JournalEvent.Combined(new HardState(3, "m2"), null, 2, List.of(LogEntry.noop(2, 3)));
    Serialization serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);

    Map<String, Object> hardState = new LinkedHashMap<>();
    hardState.put("term", 3);
    hardState.put("votedFor", "m2");
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("index", 2);
    entry.put("term", 3);
    entry.put("kind", "NOOP");
    entry.put("data", new byte[0]);
    Map<String, Object> old = new LinkedHashMap<>();
    old.put("hardState", hardState);
    old.put("truncateFrom", 2);
    old.put("entries", List.of(entry));
    byte[] oldBytes = new CBORMapper().writeValueAsBytes(old);

    Object back = serialization.deserialize(oldBytes, serializer.identifier(), manifest).get();
    assertEquals(event, back);
  }

  private static List<String> iterableToList(java.util.Iterator<String> it) {
    List<String> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }

  @Test
  void journalTypesRoundTrip() {
    TestProbe<JournalReply> probe = testKit.createTestProbe();
    List<LogEntry> entries = List.of(
        LogEntry.noop(1, 1), LogEntry.command(2, 1, "put a=1".getBytes(StandardCharsets.UTF_8)));
    HardState voted = new HardState(3, "m2");

    assertRoundTrip(new JournalEvent.HardStateChanged(voted));
    assertRoundTrip(new JournalEvent.HardStateChanged(new HardState(4, null)));
    assertRoundTrip(new JournalEvent.LogTruncated(7));
    assertRoundTrip(new JournalEvent.EntriesAppended(entries));
    assertRoundTrip(new JournalEvent.Combined(voted, null, 2, entries));
    assertRoundTrip(new JournalEvent.Combined(null, null, 0, List.of()));
    Snapshot image = new Snapshot(5, 2, "state machine image".getBytes(StandardCharsets.UTF_8));
    assertRoundTrip(new JournalEvent.SnapshotTaken(image));
    assertRoundTrip(new JournalEvent.SnapshotTaken(new Snapshot(1, 1, new byte[0])));
    assertRoundTrip(new JournalEvent.Combined(voted, image, 6, List.of(LogEntry.noop(6, 3))));

    assertRoundTrip(new JournalCommand.Recover(probe.ref()));
    assertRoundTrip(JournalFixtures.write(9, voted, 2, entries, probe.ref()));
    assertRoundTrip(new JournalCommand.Write(11, null, new Snapshot(5, 2, new byte[] {1, 2}), 0, List.of(), probe.ref()));
    assertRoundTrip(JournalFixtures.write(10, null, 0, List.of(), probe.ref()));

    Snapshot snapshot = new Snapshot(1, 1, "image".getBytes(StandardCharsets.UTF_8));
    assertRoundTrip(new JournalReply.Recovered(voted, null, entries));
    assertRoundTrip(new JournalReply.Recovered(voted, snapshot, List.of()));
    assertRoundTrip(new JournalReply.Written(9));
    assertRoundTrip(new JournalReply.WriteFailed(9, "disk full"));
  }

  /** Thesis §4: the configuration travels in CONFIG entries and in snapshots, and both keep it. */
  @Test
  void configurationsRoundTripInEntriesAndSnapshots() {
    Configuration config = Configuration.ofVoters(List.of("m2", "m1"))
        .with("m4", new Configuration.Member("akka://raftkv@10.0.0.4:2380", Configuration.Role.LEARNER));
    assertEquals(List.of("m1", "m2"), config.voters());
    assertEquals(List.of("m4"), config.learners());
    assertEquals(config, Configuration.decode(config.encode()));
    assertEquals(Configuration.NONE, Configuration.decode(Configuration.NONE.encode()));
    assertThrows(IllegalArgumentException.class, () -> Configuration.decode(new byte[] {7}));
    LogEntry entry = LogEntry.config(3, 2, config);
    assertEquals(config, Configuration.decode(entry.data()));
    assertRoundTrip(config);
    assertRoundTrip(new JournalEvent.EntriesAppended(List.of(entry)));
    Snapshot withConfig = new Snapshot(5, 2, new byte[] {1}, config);
    assertRoundTrip(withConfig);
    assertRoundTrip(new JournalEvent.SnapshotTaken(withConfig));
    assertRoundTrip(new JournalReply.Recovered(new HardState(2, null), withConfig, List.of()));
  }
}
