package raftkv.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonCborSerializer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every journal command, reply and event round-trips through Akka's jackson-cbor binding. */
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

  private static void assertRoundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.findSerializerFor(message);
    assertEquals(JacksonCborSerializer.class, serializer.getClass(), "bound to jackson-cbor: " + message);
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertEquals(message, back);
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
    assertRoundTrip(new JournalEvent.Combined(voted, 2, entries));
    assertRoundTrip(new JournalEvent.Combined(null, 0, List.of()));

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
}
