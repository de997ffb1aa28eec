package raftkv.persistence;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.SnapshotCompleted;
import akka.persistence.typed.SnapshotFailed;
import akka.persistence.typed.SnapshotMetadata;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.SignalHandler;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * The durable Raft log of one member of one Raft group: an {@code EventSourcedBehavior} on the
 * journal Akka Persistence is configured with (in production the LevelDB JNI journal with fsync on,
 * see {@link RaftJournalConfig}; in tests any journal, e.g. the persistence testkit's).
 *
 * <p>It speaks the {@link JournalCommand} protocol with the same semantics as {@link
 * InMemoryJournal}:
 *
 * <ul>
 *   <li>{@link JournalCommand.Recover} is answered with the recovered state. Akka processes
 *       commands only after the replay completed, so it always sees everything on disk.
 *   <li>{@link JournalCommand.Write} becomes one {@link JournalEvent}, however many things it
 *       changes: one atomic write, one fsync. {@link JournalReply.Written} is sent only after the
 *       journal confirmed it. The member keeps at most one write in flight (group commit, DESIGN
 *       decision 4); should it send more, Akka keeps them until the one in flight is done.
 *   <li>A write that does not fit the log (a gap, a negative truncation index, a snapshot without
 *       an image or index) is answered with {@link JournalReply.WriteFailed} and changes nothing.
 *   <li>A write with a snapshot is one event too, image included, so the snapshot is durable when
 *       {@code Written} is sent. Then Akka saves the state (hard state, snapshot, the entries
 *       after it) to its snapshot store, and a {@link JournalCompaction} deletes the events that
 *       state covers and the older state snapshots: the journal keeps only the events since the
 *       latest snapshot, and recovery loads that snapshot and replays them ({@link
 *       #shouldSnapshot}). {@code Recovered} carries the snapshot and the entries after it.
 *   <li>A write the journal fails to store (I/O error, disk full) is answered with {@link
 *       JournalReply.WriteFailed}, never with {@code Written}. The journal then restarts with
 *       backoff ({@code raftkv.persistence.journal.restart-backoff}) and replays what is really on
 *       disk, so a member that starts over gets the truth from {@code Recover}. A write the
 *       journal rejects (an event it cannot serialize: a bug) stops the journal after answering
 *       {@code WriteFailed}.
 * </ul>
 *
 * <p>Persistence id: {@code raft|<group>|<member>} (DESIGN decision 5, 10).
 */
public final class RaftJournal
    extends EventSourcedBehaviorWithEnforcedReplies<JournalCommand, JournalEvent, JournalState> {

  /** The persistence id of {@code member}'s log in Raft group {@code group}. */
  public static String persistenceId(String group, String member) {
    DataDirectory.requireId("group", group);
    DataDirectory.requireId("member", member);
    return "raft|" + group + "|" + member;
  }

  /**
   * The journal of {@code member} in Raft group {@code group}. Reads {@code
   * raftkv.persistence.journal} from the actor system's configuration.
   */
  public static Behavior<JournalCommand> create(String group, String member) {
    return create(group, member, JournalMetrics.NONE);
  }

  /** {@link #create(String, String)}, reporting every write's latency to {@code metrics}. */
  public static Behavior<JournalCommand> create(String group, String member, JournalMetrics metrics) {
    String id = persistenceId(group, member);
    return Behaviors.setup(context -> new RaftJournal(context, id, metrics));
  }

  private final ActorContext<JournalCommand> context;
  private long startedNanos = System.nanoTime();

  /** The write whose events are being persisted, if any: answered if the actor dies meanwhile. */
  private JournalCommand.Write inFlight;

  /** Whether the journal is replaying (from the start, or after a restart), and how many events. */
  private boolean recovering = true;
  private long eventsReplayed;

  /** The compaction running (a child), if any, and the one to start when it is done. */
  private akka.actor.typed.ActorRef<Void> compaction;
  private Compaction pendingCompaction;

  private final JournalMetrics metrics;
  /** When the write carrying the latest snapshot was taken, until its state file is saved. */
  private long snapshotWriteStarted;

  private RaftJournal(ActorContext<JournalCommand> context, String persistenceId, JournalMetrics metrics) {
    super(PersistenceId.ofUniqueId(persistenceId), restartBackoff(context));
    this.context = context;
    this.metrics = metrics;
  }

  private static akka.actor.typed.BackoffSupervisorStrategy restartBackoff(ActorContext<?> context) {
    Config c = context.getSystem().settings().config()
        .getConfig("raftkv.persistence.journal.restart-backoff");
    return SupervisorStrategy.restartWithBackoff(
        c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
  }

  @Override
  public JournalState emptyState() {
    return JournalState.empty();
  }

  @Override
  public CommandHandlerWithReply<JournalCommand, JournalEvent, JournalState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(JournalCommand.Recover.class, this::onRecover)
        .onCommand(JournalCommand.Write.class, this::onWrite)
        .build();
  }

  private ReplyEffect<JournalEvent, JournalState> onRecover(JournalState state, JournalCommand.Recover recover) {
    return Effect().reply(recover.replyTo(), state.recovered());
  }

  private ReplyEffect<JournalEvent, JournalState> onWrite(JournalState state, JournalCommand.Write write) {
    List<LogEntry> entries = write.entries() == null ? List.of() : write.entries();
    String invalid = state.check(write.snapshot(), write.truncateFrom(), entries);
    if (invalid != null) {
      context.getLog().error("{}: refusing write {}: {}", persistenceId(), write.writeId(), invalid);
      return Effect().reply(
          write.replyTo(), new JournalReply.WriteFailed(write.writeId(), "invalid write: " + invalid));
    }
    // Only what changes is persisted: an unchanged hard state or a truncation that removes nothing
    // (beyond the end, once the snapshot is kept) is not. A snapshot always changes the log.
    HardState hardState = write.hardState() != null && !write.hardState().equals(state.hardState())
        ? write.hardState()
        : null;
    Snapshot snapshot = write.snapshot();
    long truncateFrom = state.truncationRemoves(snapshot, write.truncateFrom()) ? write.truncateFrom() : 0;
    int parts = (hardState != null ? 1 : 0) + (snapshot != null ? 1 : 0) + (truncateFrom > 0 ? 1 : 0)
        + (entries.isEmpty() ? 0 : 1);
    JournalEvent event;
    if (parts == 0) {
      // Nothing changes: everything the write asks for is already on disk.
      return Effect().reply(write.replyTo(), new JournalReply.Written(write.writeId()));
    } else if (parts > 1) {
      event = new JournalEvent.Combined(hardState, snapshot, truncateFrom, entries);
    } else if (hardState != null) {
      event = new JournalEvent.HardStateChanged(hardState);
    } else if (snapshot != null) {
      event = new JournalEvent.SnapshotTaken(snapshot);
    } else if (truncateFrom > 0) {
      event = new JournalEvent.LogTruncated(truncateFrom);
    } else {
      event = new JournalEvent.EntriesAppended(entries);
    }
    // One event per write, never a list: when a persistAll fails, Akka 2.6 answers each of its
    // events with a failure; those after the first reach the restarted journal, which leaves
    // them unhandled at the head of its stash, and every later command waits behind them.
    inFlight = write;
    long started = System.nanoTime();
    if (snapshot != null) {
      snapshotWriteStarted = started;
    }
    int appended = entries.size();
    // With a snapshot, Akka saves the state to the snapshot store (shouldSnapshot) before it runs
    // these: Written comes after that save, successful or not (the event alone is durable).
    return Effect()
        .persist(event)
        .thenRun(s -> {
          inFlight = null;
          metrics.written(System.nanoTime() - started, appended);
        })
        .thenReply(write.replyTo(), s -> new JournalReply.Written(write.writeId()));
  }

  @Override
  public EventHandler<JournalState, JournalEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(this::applyEvent);
  }

  private JournalState applyEvent(JournalState state, JournalEvent event) {
    if (recovering) {
      eventsReplayed++;
    }
    return state.apply(event);
  }

  private static boolean carriesSnapshot(JournalEvent event) {
    return event instanceof JournalEvent.SnapshotTaken
        || event instanceof JournalEvent.Combined c && c.snapshot() != null;
  }

  /**
   * Snapshots and compaction (DESIGN decision 5). An event that carries a Raft snapshot makes Akka
   * save the state (hard state, snapshot, entries after it) to the snapshot store right after the
   * event is persisted; once saved ({@link SnapshotCompleted}), a {@link JournalCompaction} deletes
   * the older state snapshots and the events up to this one, so the journal holds only the events
   * since the latest snapshot, and recovery loads that snapshot and replays those.
   *
   * <p>Why not {@link #retentionCriteria()}: in Akka 2.6.21 a snapshot this predicate asks for is
   * saved without retention and deletes nothing; deleting is tied to the count-based {@code
   * RetentionCriteria.snapshotEvery(n, keep).withDeleteEventsOnSnapshot()}, which would save the
   * whole state (snapshot image included) every n events, whether or not the Raft log was
   * compacted, and delete up to {@code seqNr - keep * n} rather than what the Raft snapshot
   * covers. The Raft snapshot, not an event count, decides what the journal may forget: see {@link
   * JournalCompaction} for how it is deleted and in which order.
   */
  @Override
  public boolean shouldSnapshot(JournalState state, JournalEvent event, long sequenceNr) {
    return carriesSnapshot(event);
  }

  @Override
  public SignalHandler<JournalState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
        .onSignal(RecoveryFailed.class, (state, failed) -> context.getLog().error(
            "{}: recovery failed, retrying with backoff; the member cannot start: {}",
            persistenceId(), failed.getFailure().toString()))
        .onSignal(SnapshotCompleted.class, (state, done) -> onSnapshotSaved(state, done.metadata()))
        .onSignal(SnapshotFailed.class, (state, failed) -> context.getLog().warn(
            "{}: saving the state snapshot at sequence number {} (the log up to index {}) failed: {}."
                + " The events stay in the journal and recovery replays them; the next snapshot tries again.",
            persistenceId(), failed.metadata().sequenceNr(), state.snapshotIndex(), failed.getFailure().toString()))
        .onSignal(Terminated.class, (state, terminated) -> onTerminated(terminated))
        .onSignal(PreRestart.instance(), state -> {
          failInFlight("the journal failed to store it (see the error logged) and restarts");
          startedNanos = System.nanoTime();
          recovering = true;
          eventsReplayed = 0;
          // The restart stops the compaction (a child); the next snapshot compacts everything.
          compaction = null;
          pendingCompaction = null;
        })
        .onSignal(PostStop.instance(), state -> failInFlight(
            "the journal stopped (the journal rejected it, see the error logged, or the system shuts down)"))
        .build();
  }

  private void onRecoveryCompleted(JournalState state) {
    recovering = false;
    context.getLog().info(
        "{}: recovered term {}, {} and {} entries after it (log ends at {}), {} events replayed, in {} ms",
        persistenceId(),
        state.hardState().term(),
        state.snapshot() == null ? "no snapshot" : "the snapshot up to index " + state.snapshotIndex(),
        state.entries().size(),
        state.lastIndex(),
        eventsReplayed,
        (System.nanoTime() - startedNanos) / 1_000_000);
    eventsReplayed = 0;
  }

  /** The state snapshot with the latest Raft snapshot is saved: compact, one compaction at a time. */
  private void onSnapshotSaved(JournalState state, SnapshotMetadata saved) {
    metrics.snapshotSaved(System.nanoTime() - snapshotWriteStarted);
    Compaction next = new Compaction(saved.sequenceNr(), saved.timestamp(), state.snapshotIndex());
    if (compaction != null) {
      // It deletes less than this one will; this one starts when it is done.
      pendingCompaction = next;
    } else {
      startCompaction(next);
    }
  }

  private void startCompaction(Compaction c) {
    Path file = JournalCompaction.localSnapshotFile(
        context.getSystem().settings().config(), persistenceId().id(), c.sequenceNr(), c.timestamp());
    compaction = Adapter.toTyped(Adapter.actorOf(
        context, JournalCompaction.props(persistenceId().id(), c.sequenceNr(), c.raftIndex(), file),
        "compaction-" + c.sequenceNr()));
    context.watch(compaction);
  }

  private void onTerminated(Terminated terminated) {
    if (terminated.getRef().equals(compaction)) {
      compaction = null;
      Compaction next = pendingCompaction;
      pendingCompaction = null;
      if (next != null) {
        startCompaction(next);
      }
    }
  }

  /** A state snapshot to compact the journal up to: its sequence number, its timestamp, its Raft index. */
  private record Compaction(long sequenceNr, long timestamp, long raftIndex) {}

  /**
   * The actor restarts or stops with a write in flight: the write failed, was rejected (Akka logged
   * why), or the actor system is shutting down. Either way it must never be acknowledged; it may or
   * may not be on disk, which the next recovery tells.
   */
  private void failInFlight(String what) {
    JournalCommand.Write write = inFlight;
    if (write != null) {
      inFlight = null;
      String reason = "write " + write.writeId() + " of " + persistenceId() + " is not confirmed durable: "
          + what + " before the journal confirmed it";
      context.getLog().warn(reason);
      write.replyTo().tell(new JournalReply.WriteFailed(write.writeId(), reason));
    }
  }
}
