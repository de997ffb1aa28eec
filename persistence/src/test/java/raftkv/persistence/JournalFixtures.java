package raftkv.persistence;

import akka.actor.typed.ActorRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Entries and writes for the journal tests and the benchmark, built in one place. */
final class JournalFixtures {
  private JournalFixtures() {}

  static LogEntry entry(long index, long term) {
    return LogEntry.command(index, term, ("v" + index + "@" + term).getBytes(StandardCharsets.UTF_8));
  }

  /** Entries {@code from..to} (inclusive), all of {@code term}. */
  static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> list = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      list.add(entry(i, term));
    }
    return list;
  }

  /** A {@link JournalCommand.Write} without a snapshot. */
  static JournalCommand.Write write(
      long id, HardState hardState, long truncateFrom, List<LogEntry> entries, ActorRef<JournalReply> replyTo) {
    return write(id, hardState, null, truncateFrom, entries, replyTo);
  }

  /** A {@link JournalCommand.Write}; the one place that knows its constructor. */
  static JournalCommand.Write write(
      long id, HardState hardState, Snapshot snapshot, long truncateFrom, List<LogEntry> entries,
      ActorRef<JournalReply> replyTo) {
    return new JournalCommand.Write(id, hardState, snapshot, truncateFrom, entries, replyTo);
  }

  /** A snapshot up to {@code index} whose entry there has {@code term}, with a small image naming both. */
  static Snapshot snapshot(long index, long term) {
    return new Snapshot(index, term, ("image up to " + index + "@" + term).getBytes(StandardCharsets.UTF_8));
  }

  /** What a journal without a snapshot recovers. */
  static JournalReply.Recovered recovered(HardState hardState, List<LogEntry> entries) {
    return new JournalReply.Recovered(hardState, null, entries);
  }

  /** What a journal with a snapshot recovers. */
  static JournalReply.Recovered recovered(HardState hardState, Snapshot snapshot, List<LogEntry> entries) {
    return new JournalReply.Recovered(hardState, snapshot, entries);
  }
}
