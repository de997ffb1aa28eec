package raftkv.persistence;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Journal throughput and recovery on the LevelDB JNI journal with fsync on (a benchmark, not a
 * test; results in docs/benchmarks.md).
 *
 * <ol>
 *   <li>Append throughput: P closed-loop proposers (each proposes one entry, waits until it is
 *       durable, proposes the next) feed a writer that does what a Raft member's JournalWriter
 *       does: at most one {@link JournalCommand.Write} in flight, everything proposed meanwhile
 *       goes into the next one (group commit). Reports entries/s, writes/s (= fsyncs/s), entries
 *       per write, write latency and the proposers' latency, for P = 1, 16, 256.
 *   <li>Recovery: a journal of 1,000,000 entries, written as batches of 256 entries (a loaded
 *       leader) and as one entry per write (the worst case), is reopened: the time of {@link
 *       DataDirectory#open} (with its verification read) and of {@code Recover} on a new actor
 *       system, twice (the first on code the JIT has not compiled yet, as after a restart).
 *   <li>Recovery with a snapshot: the same 1,000,000 entries in batches of 256, with a snapshot
 *       (a 10 MB image) at 990,000 followed by the last 10,000 entries, and with a snapshot at
 *       1,000,000 that covers everything. Reports the snapshot write (Write to Written: the event
 *       with the image, fsynced, and the state snapshot saved), the compaction (Written until the
 *       events it covers are deleted), what is left on disk, and the same recovery times.
 * </ol>
 *
 * <p>Arguments: {@code [dir] [seconds per throughput run] [recovery entries] [snapshot image
 * bytes]}, defaults {@code target/journal-bench 10 1000000 10485760}. The directory is wiped
 * first; put it on the disk under test. {@code -Dbench.parts=throughput,recovery,snapshot} (the
 * default: all three) picks parts; {@code snapshot} also runs the batched recovery without a
 * snapshot, to compare. {@code -Dbench.leveldb-compaction-interval=N} sets the LevelDB journal's
 * {@code compaction-intervals."*"} for the snapshot part (off by default, as in production), to
 * see what compacting LevelDB after the deletion gives back on disk.
 */
public final class JournalBenchmark {
  private static final int PAYLOAD = 100;
  /** Fresh random bytes: LevelDB's Snappy compression must not flatter sizes and read times. */
  private static byte[] payload() {
    byte[] data = new byte[PAYLOAD];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(data);
    return data;
  }

  /** The report, printed at the end so that log lines do not break up its tables. */
  private static final StringBuilder report = new StringBuilder();

  private static void report(String format, Object... args) {
    report.append(String.format(format, args)).append('\n');
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "target/journal-bench").toAbsolutePath();
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int recoveryEntries = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    int imageBytes = args.length > 3 ? Integer.parseInt(args[3]) : 10 << 20;
    List<String> parts = List.of(System.getProperty("bench.parts", "throughput,recovery,snapshot").split(","));
    wipe(root);
    Files.createDirectories(root);
    report("journal benchmark in %s, %d-byte random entries, %s, %d cpus, java %s",
        root, PAYLOAD, NativeLevelDb.load(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    if (parts.contains("throughput")) {
      report("%nBaseline, the disk through LevelDB JNI without Akka: %,.0f synced %d-byte puts/s (one thread)",
          rawSyncedPuts(root.resolve("raw"), Math.max(1, seconds / 2)), PAYLOAD);

      report("%n| proposers | entries/s | writes (fsyncs)/s | entries/write | write latency p50 / p99 | proposal latency p50 / p99 |");
      report("|---:|---:|---:|---:|---:|---:|");
      for (int proposers : new int[] {1, 16, 256}) {
        Result r = throughput(root.resolve("throughput-" + proposers), proposers, Math.max(1, seconds / 5), seconds);
        report("| %d | %,.0f | %,.0f | %.1f | %.2f / %.2f ms | %.2f / %.2f ms |",
            proposers, r.entries / r.seconds, r.writes / r.seconds, (double) r.entries / r.writes,
            r.writeP50, r.writeP99, r.proposalP50, r.proposalP99);
      }
    }

    if (parts.contains("recovery") || parts.contains("snapshot")) {
      report("%n| journal of %,d entries | events | size on disk | DataDirectory.open (verify) | Recover, first / again |",
          recoveryEntries);
      report("|---|---:|---:|---:|---:|");
      recovery(root.resolve("recovery-batched"), recoveryEntries, 256, true);
      if (parts.contains("recovery")) {
        recovery(root.resolve("recovery-single"), recoveryEntries, 1, false);
      }
    }

    if (parts.contains("snapshot")) {
      report("%n| %,d entries in writes of 256, snapshot of %,d MB | snapshot write | compaction"
              + " | events left | journal / snapshots on disk | DataDirectory.open (verify) | Recover, first / again |",
          recoveryEntries, imageBytes >> 20);
      report("|---|---:|---:|---:|---:|---:|---:|");
      int tail = recoveryEntries / 100;
      snapshotRecovery(root.resolve("snapshot-tail"), recoveryEntries, recoveryEntries - tail, imageBytes);
      snapshotRecovery(root.resolve("snapshot-all"), recoveryEntries, recoveryEntries, imageBytes);
    }
    System.out.println();
    System.out.print(report);
  }

  // ---------------------------------------------------------------------------------------------
  // Throughput

  private static double rawSyncedPuts(Path dir, int seconds) throws Exception {
    Files.createDirectories(dir);
    try (org.iq80.leveldb.DB db = org.fusesource.leveldbjni.JniDBFactory.factory.open(
        dir.toFile(), new org.iq80.leveldb.Options().createIfMissing(true))) {
      var sync = new org.iq80.leveldb.WriteOptions().sync(true);
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long started = System.nanoTime();
      long puts = 0;
      while (System.nanoTime() < end) {
        db.put(java.nio.ByteBuffer.allocate(8).putLong(puts++).array(), payload(), sync);
      }
      return puts / ((System.nanoTime() - started) / 1e9);
    }
  }

  private record Result(long entries, long writes, double seconds, double writeP50, double writeP99,
      double proposalP50, double proposalP99) {}

  private static Result throughput(Path dir, int proposers, int warmupSeconds, int seconds) throws Exception {
    ActorSystem<SpawnProtocol.Command> system = start(dir, "throughput", null);
    try {
      ActorRef<JournalCommand> journal = spawn(system, RaftJournal.create("bench", "m1"), "journal");
      ActorRef<WriterMsg> writer = spawn(system, GroupCommitWriter.create(journal), "writer");
      for (int i = 0; i < proposers; i++) {
        spawn(system, proposer(writer), "proposer-" + i);
      }
      TimeUnit.SECONDS.sleep(warmupSeconds); // timing window of a benchmark main, not synchronization
      writer.tell(new StartWindow());
      TimeUnit.SECONDS.sleep(seconds);
      CompletableFuture<Result> result = new CompletableFuture<>();
      writer.tell(new EndWindow(result));
      return result.get(1, TimeUnit.MINUTES);
    } finally {
      stop(system);
    }
  }

  sealed interface WriterMsg {}

  record Propose(ActorRef<Long> replyTo) implements WriterMsg {}

  record Replied(JournalReply reply) implements WriterMsg {}

  record StartWindow() implements WriterMsg {}

  record EndWindow(CompletableFuture<Result> result) implements WriterMsg {}

  /** The member's group commit (actors/ JournalWriter), reduced to appends. */
  static final class GroupCommitWriter {
    private record Pending(ActorRef<Long> replyTo, long index, long proposedAt) {}

    private final ActorRef<JournalCommand> journal;
    private final ActorRef<JournalReply> replies;
    private final List<Pending> unsaved = new ArrayList<>();
    private List<Pending> writing;
    private long writeStartedAt;
    private long lastIndex;
    private long nextWriteId = 1;

    private boolean measuring;
    private long windowStart;
    private long entries;
    private long writes;
    private final LongArray writeLatencies = new LongArray();
    private final LongArray proposalLatencies = new LongArray();

    private GroupCommitWriter(ActorRef<JournalCommand> journal, ActorRef<JournalReply> replies) {
      this.journal = journal;
      this.replies = replies;
    }

    static Behavior<WriterMsg> create(ActorRef<JournalCommand> journal) {
      return Behaviors.setup(ctx -> {
        var w = new GroupCommitWriter(journal, ctx.messageAdapter(JournalReply.class, Replied::new));
        return Behaviors.receive(WriterMsg.class)
            .onMessage(Propose.class, w::onPropose)
            .onMessage(Replied.class, w::onReplied)
            .onMessage(StartWindow.class, m -> w.onStartWindow())
            .onMessage(EndWindow.class, w::onEndWindow)
            .build();
      });
    }

    private Behavior<WriterMsg> onPropose(Propose p) {
      unsaved.add(new Pending(p.replyTo(), ++lastIndex, System.nanoTime()));
      flush();
      return Behaviors.same();
    }

    private void flush() {
      if (writing != null || unsaved.isEmpty()) {
        return;
      }
      writing = new ArrayList<>(unsaved);
      unsaved.clear();
      List<LogEntry> batch = new ArrayList<>(writing.size());
      for (Pending p : writing) {
        batch.add(LogEntry.command(p.index(), 1, payload()));
      }
      writeStartedAt = System.nanoTime();
      journal.tell(JournalFixtures.write(nextWriteId++, null, 0, List.copyOf(batch), replies));
    }

    private Behavior<WriterMsg> onReplied(Replied r) {
      if (!(r.reply() instanceof JournalReply.Written)) {
        throw new IllegalStateException("journal answered " + r.reply());
      }
      long now = System.nanoTime();
      if (measuring) {
        writes++;
        entries += writing.size();
        writeLatencies.add(now - writeStartedAt);
      }
      for (Pending p : writing) {
        if (measuring) {
          proposalLatencies.add(now - p.proposedAt());
        }
        p.replyTo().tell(p.index());
      }
      writing = null;
      flush();
      return Behaviors.same();
    }

    private Behavior<WriterMsg> onStartWindow() {
      measuring = true;
      windowStart = System.nanoTime();
      return Behaviors.same();
    }

    private Behavior<WriterMsg> onEndWindow(EndWindow end) {
      double seconds = (System.nanoTime() - windowStart) / 1e9;
      measuring = false;
      end.result().complete(new Result(entries, writes, seconds,
          writeLatencies.percentileMillis(0.50), writeLatencies.percentileMillis(0.99),
          proposalLatencies.percentileMillis(0.50), proposalLatencies.percentileMillis(0.99)));
      return Behaviors.same();
    }
  }

  /** Proposes one entry, waits until it is durable, proposes the next. */
  private static Behavior<Long> proposer(ActorRef<WriterMsg> writer) {
    return Behaviors.setup(ctx -> {
      writer.tell(new Propose(ctx.getSelf()));
      return Behaviors.receiveMessage(index -> {
        writer.tell(new Propose(ctx.getSelf()));
        return Behaviors.same();
      });
    });
  }

  /** A growable array of nanosecond samples. */
  static final class LongArray {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    double percentileMillis(double p) {
      if (size == 0) {
        return Double.NaN;
      }
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      return sorted[(int) Math.min(size - 1, Math.floor(p * size))] / 1e6;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery

  private static void recovery(Path dir, int total, int batch, boolean fsync) throws Exception {
    long fillStarted = System.nanoTime();
    // Writing a million single-entry events one fsync at a time would take many minutes, and
    // fsync only changes when data reaches the disk, not what is written: fill those without it.
    ActorSystem<SpawnProtocol.Command> writing = start(dir, "fill", fsync ? null : ConfigFactory.parseString(
        "akka.persistence.journal.leveldb.fsync = off"));
    try {
      ActorRef<JournalCommand> journal = spawn(writing, RaftJournal.create("bench", "m1"), "journal");
      fill(writing, journal, 1, total, batch);
    } finally {
      stop(writing);
    }
    double fillSeconds = (System.nanoTime() - fillStarted) / 1e9;

    long openStarted = System.nanoTime();
    DataDirectory checked = DataDirectory.open(dir, "bench", "m1");
    double openSeconds = (System.nanoTime() - openStarted) / 1e9;

    // The first recovery of a kind runs on code the JIT has not compiled yet, like a member's
    // after a restart; the second shows the steady state.
    double recover = recoverSeconds(dir, total);
    double recoverAgain = recoverSeconds(dir, total);
    report("| %s (filled in %.0f s%s) | %,d | %,d MB | %.2f s (%,d records) | %.2f s / %.2f s |",
        batch == 1 ? "1 entry per write" : batch + " entries per write", fillSeconds,
        fsync ? "" : ", fsync off while filling", (total + batch - 1) / batch, size(dir) >> 20,
        openSeconds, checked.journalRecords(), recover, recoverAgain);
  }

  /** From spawning the journal to its {@code Recovered} reply, on a new actor system. */
  private static double recoverSeconds(Path dir, int total) throws Exception {
    return recoverSeconds(dir, total, 0, 0);
  }

  /**
   * From spawning the journal to its {@code Recovered} reply, on a new actor system; checks that
   * it holds a snapshot up to {@code snapshotIndex} (none if 0) of {@code imageBytes} and the
   * entries after it up to {@code total}.
   */
  private static double recoverSeconds(Path dir, int total, long snapshotIndex, int imageBytes) throws Exception {
    ActorSystem<SpawnProtocol.Command> reading = start(dir, "recover", null);
    try {
      long started = System.nanoTime();
      ActorRef<JournalCommand> journal = spawn(reading, RaftJournal.create("bench", "m1"), "journal");
      JournalReply reply = AskPattern.<JournalCommand, JournalReply>ask(
              journal, JournalCommand.Recover::new, Duration.ofMinutes(10), reading.scheduler())
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - started) / 1e9;
      var recovered = (JournalReply.Recovered) reply;
      int after = (int) (total - snapshotIndex);
      boolean snapshotOk = snapshotIndex == 0
          ? recovered.snapshot() == null
          : recovered.snapshot() != null && recovered.snapshot().index() == snapshotIndex
              && recovered.snapshot().image().length == imageBytes;
      if (!snapshotOk || recovered.entries().size() != after
          || (after > 0 && recovered.entries().get(after - 1).index() != total)) {
        throw new IllegalStateException("recovered " + recovered.snapshot() + " and " + recovered.entries().size()
            + " entries, wrote a snapshot up to " + snapshotIndex + " and " + total + " entries");
      }
      return seconds;
    } finally {
      stop(reading);
    }
  }

  /**
   * Entries 1..{@code total} in writes of 256; after {@code snapshotIndex}, a write with a snapshot
   * of {@code imageBytes} random bytes up to it; then the rest. Measures the snapshot write, the
   * compaction after it, and recovery.
   */
  private static void snapshotRecovery(Path dir, int total, int snapshotIndex, int imageBytes) throws Exception {
    long fillStarted = System.nanoTime();
    double writeMillis;
    double compactionMillis;
    String interval = System.getProperty("bench.leveldb-compaction-interval");
    ActorSystem<SpawnProtocol.Command> writing = start(dir, "fill", interval == null ? null : ConfigFactory.parseString(
        "akka.persistence.journal.leveldb.compaction-intervals { \"*\" = " + Long.parseLong(interval) + " }"));
    try {
      ActorRef<JournalCommand> journal = spawn(writing, RaftJournal.create("bench", "m1"), "journal");
      fill(writing, journal, 1, snapshotIndex, 256);

      CompletableFuture<JournalCompaction.Compacted> compacted = new CompletableFuture<>();
      ActorRef<JournalCompaction.Compacted> listener = spawn(writing,
          Behaviors.receive(JournalCompaction.Compacted.class)
              .onAnyMessage(c -> {
                compacted.complete(c);
                return Behaviors.stopped();
              })
              .build(),
          "compaction-listener");
      writing.eventStream().tell(new akka.actor.typed.eventstream.EventStream.Subscribe<>(
          JournalCompaction.Compacted.class, listener));
      byte[] image = new byte[imageBytes];
      java.util.concurrent.ThreadLocalRandom.current().nextBytes(image);
      Snapshot snapshot = new Snapshot(snapshotIndex, 1, image);
      long started = System.nanoTime();
      JournalReply reply = AskPattern.<JournalCommand, JournalReply>ask(
              journal, replyTo -> JournalFixtures.write(snapshotIndex, null, snapshot, 0, List.of(), replyTo),
              Duration.ofMinutes(5), writing.scheduler())
          .toCompletableFuture()
          .get(5, TimeUnit.MINUTES);
      long written = System.nanoTime();
      if (!(reply instanceof JournalReply.Written)) {
        throw new IllegalStateException("journal answered " + reply);
      }
      compacted.get(10, TimeUnit.MINUTES);
      writeMillis = (written - started) / 1e6;
      compactionMillis = (System.nanoTime() - written) / 1e6;
      if (snapshotIndex < total) {
        fill(writing, journal, snapshotIndex + 1, total, 256);
      }
    } finally {
      stop(writing);
    }
    double fillSeconds = (System.nanoTime() - fillStarted) / 1e9;
    long journalBytes = size(dir.resolve(DataDirectory.JOURNAL_DIR));
    long snapshotBytes = size(dir.resolve(DataDirectory.SNAPSHOT_DIR));

    long openStarted = System.nanoTime();
    DataDirectory checked = DataDirectory.open(dir, "bench", "m1");
    double openSeconds = (System.nanoTime() - openStarted) / 1e9;
    double recover = recoverSeconds(dir, total, snapshotIndex, imageBytes);
    double recoverAgain = recoverSeconds(dir, total, snapshotIndex, imageBytes);
    int eventsAfter = (total - snapshotIndex + 255) / 256;
    report("| snapshot at %,d, %,d entries after it (filled in %.0f s%s) | %.0f ms | %.0f ms | %,d | %,d MB / %,d MB"
            + " | %.2f s (%,d records) | %.2f s / %.2f s |",
        snapshotIndex, total - snapshotIndex, fillSeconds,
        interval == null ? "" : ", LevelDB compaction-intervals " + interval, writeMillis, compactionMillis, eventsAfter,
        journalBytes >> 20, snapshotBytes >> 20, openSeconds, checked.journalRecords(), recover, recoverAgain);
  }

  /** Writes entries {@code from..to} in writes of {@code batch}, one write in flight, and waits. */
  private static void fill(ActorSystem<SpawnProtocol.Command> system, ActorRef<JournalCommand> journal,
      long from, long to, int batch) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    spawn(system, filler(journal, from, to, batch, done), "filler-" + from);
    done.get(30, TimeUnit.MINUTES);
  }

  /** Writes entries {@code first..total} in writes of {@code batch}, one write in flight. */
  private static Behavior<JournalReply> filler(
      ActorRef<JournalCommand> journal, long first, long total, int batch, CompletableFuture<Long> done) {
    return Behaviors.setup(ctx -> {
      long[] next = {first};
      Runnable write = () -> {
        long from = next[0];
        long to = Math.min(total, from + batch - 1);
        List<LogEntry> entries = new ArrayList<>((int) (to - from + 1));
        for (long i = from; i <= to; i++) {
          entries.add(LogEntry.command(i, 1, payload()));
        }
        next[0] = to + 1;
        journal.tell(JournalFixtures.write(from, null, 0, entries, ctx.getSelf()));
      };
      write.run();
      return Behaviors.receiveMessage(reply -> {
        if (!(reply instanceof JournalReply.Written)) {
          done.completeExceptionally(new IllegalStateException("journal answered " + reply));
          return Behaviors.stopped();
        }
        if (next[0] > total) {
          done.complete(next[0] - 1);
          return Behaviors.stopped();
        }
        write.run();
        return Behaviors.same();
      });
    });
  }

  // ---------------------------------------------------------------------------------------------

  private static ActorSystem<SpawnProtocol.Command> start(Path dir, String name, Config override)
      throws DataDirectoryException {
    Config config = DataDirectory.open(dir, "bench", "m1").akkaConfig();
    if (override != null) {
      config = override.withFallback(config);
    }
    config = config
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(ConfigFactory.load());
    return ActorSystem.create(SpawnProtocol.create(), name, config);
  }

  private static <T> ActorRef<T> spawn(ActorSystem<SpawnProtocol.Command> system, Behavior<T> behavior, String name)
      throws Exception {
    return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(
            system,
            replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
            Duration.ofSeconds(10),
            system.scheduler())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static void stop(ActorSystem<?> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
  }

  private static long size(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void wipe(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private JournalBenchmark() {}
}
