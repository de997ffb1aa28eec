package raftkv.persistence;

import akka.actor.Props;
import akka.persistence.AbstractPersistentActor;
import akka.persistence.DeleteMessagesFailure;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.DeleteSnapshotsFailure;
import akka.persistence.DeleteSnapshotsSuccess;
import akka.persistence.Recovery;
import akka.persistence.RecoveryCompleted;
import akka.persistence.SnapshotSelectionCriteria;
import com.typesafe.config.Config;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what one state snapshot of a {@link RaftJournal} made redundant: the older snapshots, then
 * the journal's events up to the snapshot's sequence number. RaftJournal starts one per snapshot it
 * saved (one at a time), as a child; it stops itself when done.
 *
 * <p><b>Why a separate actor.</b> Akka 2.6.21's typed {@code EventSourcedBehavior} deletes events
 * only for the snapshots its count-based {@code RetentionCriteria.snapshotEvery(n, keep)
 * .withDeleteEventsOnSnapshot()} takes (every n-th sequence number); a snapshot taken because {@code
 * shouldSnapshot} said so is saved "without retention" and never deletes anything (read in
 * akka-persistence-typed 2.6.21: {@code BehaviorSetup.shouldSnapshot} returns {@code
 * SnapshotWithoutRetention} for the predicate, and only {@code SnapshotWithRetention} leads {@code
 * Running.StoringSnapshot} to delete events; Akka 2.9 added deletion for the predicate, akka/akka
 * PR 32231). Nor has the 2.6 typed API any call that deletes events. The classic API has one:
 * {@link AbstractPersistentActor#deleteMessages} and {@code deleteSnapshots}. So this classic
 * persistent actor, with the journal's persistence id and {@link Recovery#none()} (it replays
 * nothing, only learns the highest sequence number, and never writes), sends those through the
 * same journal and snapshot store plugins.
 *
 * <p><b>Order, so that every crash leaves a recoverable directory.</b>
 *
 * <ol>
 *   <li>Make the new snapshot durable: Akka's local snapshot store writes a temporary file and
 *       renames it, without fsync. The events it stands for were fsynced; they must not go before
 *       it is on disk. With the local store (the only one {@link RaftJournalConfig} configures)
 *       the file and the directory are fsynced here; should that fail, nothing is deleted.
 *   <li>Delete the older snapshots. Until then the local store, should the newest snapshot be
 *       unreadable, falls back to an older one ({@code max-load-attempts}) and replays the events
 *       after it, which are all still there.
 *   <li>Delete the events up to the new snapshot's sequence number. From here on only the new
 *       snapshot can start the journal, and it is durable and the only one.
 * </ol>
 *
 * <p>A failure at any step leaves more on disk than needed, never less; the next snapshot's
 * compaction deletes everything up to its own sequence number, including what was left.
 *
 * <p>When done it logs, and publishes {@link Compacted} on the actor system's event stream (for
 * tests and the benchmark, which must not stop the system before the deletion is through).
 */
final class JournalCompaction extends AbstractPersistentActor {
  private static final Logger log = LoggerFactory.getLogger(JournalCompaction.class);

  /**
   * Published on the event stream once the events of {@code persistenceId} up to {@code
   * sequenceNr} and its older state snapshots are deleted; the snapshot there covers the Raft log
   * up to {@code raftIndex}.
   */
  record Compacted(String persistenceId, long sequenceNr, long raftIndex) {}

  /**
   * @param snapshotFile the file the local snapshot store wrote the snapshot to, fsynced before
   *     anything is deleted; {@code null} for another snapshot store (tests), durable by itself
   */
  static Props props(String persistenceId, long sequenceNr, long raftIndex, Path snapshotFile) {
    return Props.create(JournalCompaction.class,
            () -> new JournalCompaction(persistenceId, sequenceNr, raftIndex, snapshotFile))
        .withDispatcher("akka.actor.default-blocking-io-dispatcher"); // it fsyncs
  }

  /**
   * The file Akka's local snapshot store ({@code akka.persistence.snapshot-store.local}, 2.6.21:
   * {@code LocalSnapshotStore.snapshotFileForWrite}) writes a snapshot to, or {@code null} if the
   * default snapshot store is another one.
   */
  static Path localSnapshotFile(Config config, String persistenceId, long sequenceNr, long timestamp) {
    if (!RaftJournalConfig.SNAPSHOT_PLUGIN.equals(config.getString("akka.persistence.snapshot-store.plugin"))) {
      return null;
    }
    return Path.of(config.getString(RaftJournalConfig.SNAPSHOT_PLUGIN + ".dir"))
        .toAbsolutePath()
        .resolve("snapshot-" + URLEncoder.encode(persistenceId, StandardCharsets.UTF_8)
            + "-" + sequenceNr + "-" + timestamp);
  }

  private final String persistenceId;
  private final long sequenceNr;
  private final long raftIndex;
  private final Path snapshotFile;

  private JournalCompaction(String persistenceId, long sequenceNr, long raftIndex, Path snapshotFile) {
    this.persistenceId = persistenceId;
    this.sequenceNr = sequenceNr;
    this.raftIndex = raftIndex;
    this.snapshotFile = snapshotFile;
  }

  @Override
  public String persistenceId() {
    return persistenceId;
  }

  @Override
  public Recovery recovery() {
    return Recovery.none();
  }

  @Override
  public Receive createReceiveRecover() {
    return receiveBuilder().match(RecoveryCompleted.class, done -> start()).build();
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(DeleteSnapshotsSuccess.class, ok -> deleteMessages(sequenceNr))
        .match(DeleteSnapshotsFailure.class, failed -> stop(
            "deleting the snapshots before sequence number " + sequenceNr + " failed: " + failed.cause()))
        .match(DeleteMessagesSuccess.class, ok -> {
          log.info("{}: compacted the journal: the snapshot at sequence number {} (the log up to index {})"
              + " replaces the events up to it and the older snapshots, which are deleted",
              persistenceId, sequenceNr, raftIndex);
          getContext().getSystem().getEventStream().publish(new Compacted(persistenceId, sequenceNr, raftIndex));
          getContext().stop(getSelf());
        })
        .match(DeleteMessagesFailure.class, failed -> stop(
            "deleting the events up to sequence number " + sequenceNr + " failed: " + failed.cause()))
        .build();
  }

  private void start() {
    if (snapshotFile != null) {
      try {
        try (FileChannel file = FileChannel.open(snapshotFile, StandardOpenOption.READ)) {
          file.force(true);
        }
        syncDirectory(snapshotFile.getParent());
      } catch (IOException e) {
        // A newer compaction may have deleted it already, which is fine; anything else keeps the
        // events, and the next snapshot tries again.
        stop("cannot make the snapshot file " + snapshotFile + " durable"
            + (Files.exists(snapshotFile) ? "" : " (it is gone)") + ": " + e);
        return;
      }
    }
    deleteSnapshots(SnapshotSelectionCriteria.create(sequenceNr - 1, Long.MAX_VALUE));
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every platform can open a directory (Windows); where it can, a failure matters.
      if (!System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
        throw e;
      }
    }
  }

  private void stop(String why) {
    log.warn("{}: journal not compacted ({}); the events stay and recovery replays them; the next"
        + " snapshot tries again", persistenceId, why);
    getContext().stop(getSelf());
  }
}
