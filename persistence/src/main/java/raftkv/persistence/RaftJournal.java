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
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

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
    extends EventSourcedBehaviorWithEnforcedReplies<JournalCommand, JournalEvent, RaftJournal.State> {

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
    String id = persistenceId(group, member);
    return Behaviors.setup(context -> new RaftJournal(context, id));
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

  private RaftJournal(ActorContext<JournalCommand> context, String persistenceId) {
    super(PersistenceId.ofUniqueId(persistenceId), restartBackoff(context));
    this.context = context;
  }

  private static akka.actor.typed.BackoffSupervisorStrategy restartBackoff(ActorContext<?> context) {
    Config c = context.getSystem().settings().config()
        .getConfig("raftkv.persistence.journal.restart-backoff");
    return SupervisorStrategy.restartWithBackoff(
        c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<JournalCommand, JournalEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(JournalCommand.Recover.class, this::onRecover)
        .onCommand(JournalCommand.Write.class, this::onWrite)
        .build();
  }

  private ReplyEffect<JournalEvent, State> onRecover(State state, JournalCommand.Recover recover) {
    return Effect().reply(recover.replyTo(), state.recovered());
  }

  private ReplyEffect<JournalEvent, State> onWrite(State state, JournalCommand.Write write) {
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
    // With a snapshot, Akka saves the state to the snapshot store (shouldSnapshot) before it runs
    // these: Written comes after that save, successful or not (the event alone is durable).
    return Effect()
        .persist(event)
        .thenRun(s -> inFlight = null)
        .thenReply(write.replyTo(), s -> new JournalReply.Written(write.writeId()));
  }

  @Override
  public EventHandler<State, JournalEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(this::applyEvent);
  }

  private State applyEvent(State state, JournalEvent event) {
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
  public boolean shouldSnapshot(State state, JournalEvent event, long sequenceNr) {
    return carriesSnapshot(event);
  }

  @Override
  public SignalHandler<State> signalHandler() {
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

  private void onRecoveryCompleted(State state) {
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
  private void onSnapshotSaved(State state, SnapshotMetadata saved) {
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

  /**
   * The durable state as replayed so far: the hard state, the latest snapshot and the log after it.
   * Immutable, as Akka expects (a typed {@code EventSourcedBehavior} applies an event before the
   * journal confirmed it, and replays from the same empty state, or the latest state snapshot, after
   * a restart), yet appending is amortized O(1) and truncating O(1): states share one append-only
   * backing list, each seeing its own prefix of it (like a Go slice). A state extends the backing
   * list in place only if its prefix is all of it; otherwise (after a truncation, or on a replay
   * after a restart) it copies its prefix first. Entries are shared by reference, never copied.
   *
   * <p>The backing list holds the entries after the snapshot: entry {@code i} sits at position {@code
   * i - base - 1}, {@code base} being the snapshot's index (0 without one). Taking a snapshot copies
   * the entries it keeps into a new list, so that the compacted prefix can be collected; a snapshot
   * covers what the member applied, so what it keeps is the short unapplied tail.
   *
   * <p>This class is also the on-disk format of Akka's state snapshots (Jackson CBOR through {@link
   * CborSerializable}, manifest {@code raftkv.persistence.RaftJournal$State}), shaped like a record
   * {@code (hardState, snapshot, entries)}; the same compatibility rules as for {@link JournalEvent}
   * apply.
   */
  @JsonAutoDetect(
      fieldVisibility = JsonAutoDetect.Visibility.NONE,
      getterVisibility = JsonAutoDetect.Visibility.NONE,
      isGetterVisibility = JsonAutoDetect.Visibility.NONE,
      setterVisibility = JsonAutoDetect.Visibility.NONE,
      creatorVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class State implements CborSerializable {
    private final HardState hardState;
    private final Snapshot snapshot;
    private final ArrayList<LogEntry> backing;
    private final int size;

    private State(HardState hardState, Snapshot snapshot, ArrayList<LogEntry> backing, int size) {
      this.hardState = hardState;
      this.snapshot = snapshot;
      this.backing = backing;
      this.size = size;
    }

    static State empty() {
      return new State(HardState.INITIAL, null, new ArrayList<>(), 0);
    }

    /**
     * A state from its serialized form (a state snapshot), or for tests.
     *
     * @throws IllegalArgumentException if the entries do not follow the snapshot consecutively
     */
    @JsonCreator
    static State of(
        @JsonProperty("hardState") HardState hardState,
        @JsonProperty("snapshot") Snapshot snapshot,
        @JsonProperty("entries") List<LogEntry> entries) {
      List<LogEntry> list = entries == null ? List.of() : entries;
      State s = new State(hardState == null ? HardState.INITIAL : hardState, snapshot, new ArrayList<>(), 0);
      String invalid = s.check(null, 0, list);
      if (invalid != null) {
        throw new IllegalArgumentException("not a journal state: " + invalid);
      }
      ArrayList<LogEntry> backing = new ArrayList<>(list);
      return new State(s.hardState, snapshot, backing, backing.size());
    }

    @JsonProperty("hardState")
    public HardState hardState() {
      return hardState;
    }

    /** The latest snapshot, or {@code null}. */
    @JsonProperty("snapshot")
    public Snapshot snapshot() {
      return snapshot;
    }

    /** The index the snapshot covers the log up to, 0 without a snapshot. */
    public long snapshotIndex() {
      return snapshot == null ? 0 : snapshot.index();
    }

    /** The index of the last entry, or the snapshot's index if no entry follows it; 0 for an empty log. */
    public long lastIndex() {
      return snapshotIndex() + size;
    }

    /**
     * A read-only view of the log after the snapshot (entry {@code snapshotIndex() + 1 + k} at
     * position {@code k}). Read it only on the journal's thread, or while the journal is idle: it
     * shares storage with later states.
     */
    @JsonProperty("entries")
    public List<LogEntry> entries() {
      return new Prefix(backing, size);
    }

    JournalReply.Recovered recovered() {
      return new JournalReply.Recovered(hardState, snapshot, List.copyOf(entries()));
    }

    /** Whether the log holds {@code s.index()} with {@code s.term()}: then the entries after it stay. */
    private boolean agrees(Snapshot s) {
      long at = s.index() - snapshotIndex(); // position after the snapshot's last entry
      return at >= 1 && at <= size && backing.get((int) at - 1).term() == s.term();
    }

    /** The last index once {@code s} (or nothing, if null) is kept. */
    private long lastIndexWith(Snapshot s) {
      return s == null || agrees(s) ? lastIndex() : s.index();
    }

    /** The last index once {@code s} is kept and the log truncated from {@code truncateFrom} (> 0). */
    private long lastIndexAfter(Snapshot s, long truncateFrom) {
      long base = s == null ? snapshotIndex() : s.index();
      return Math.max(base, Math.min(lastIndexWith(s), truncateFrom - 1));
    }

    /**
     * Whether the truncation of a write with this snapshot removes anything; otherwise it need not
     * be persisted.
     */
    boolean truncationRemoves(Snapshot s, long truncateFrom) {
      return truncateFrom > 0 && lastIndexAfter(s, truncateFrom) < lastIndexWith(s);
    }

    /** Why a write with this snapshot, truncation and entries does not fit the log, or null. */
    String check(Snapshot s, long truncateFrom, List<LogEntry> append) {
      if (truncateFrom < 0) {
        return "truncateFrom " + truncateFrom + " is negative";
      }
      if (s != null && (s.index() < 1 || s.term() < 0 || s.image() == null)) {
        return "not a snapshot: " + (s.image() == null ? "no image" : s.toString());
      }
      long end = truncateFrom > 0 ? lastIndexAfter(s, truncateFrom) : lastIndexWith(s);
      long expected = end + 1;
      for (LogEntry e : append) {
        if (e == null || e.index() != expected) {
          return "gap in the log: appending " + (e == null ? "null" : e.index()) + " where "
              + expected + " comes next (log ends at " + lastIndex()
              + (s == null ? "" : ", snapshot up to " + s.index() + " " + (agrees(s) ? "agrees" : "replaces it"))
              + ", truncateFrom " + truncateFrom + ")";
        }
        expected++;
      }
      return null;
    }

    State apply(JournalEvent event) {
      if (event instanceof JournalEvent.EntriesAppended e) {
        return append(e.entries());
      } else if (event instanceof JournalEvent.HardStateChanged e) {
        return withHardState(e.hardState());
      } else if (event instanceof JournalEvent.LogTruncated e) {
        return truncatedFrom(e.fromIndex());
      } else if (event instanceof JournalEvent.SnapshotTaken e) {
        return withSnapshot(e.snapshot());
      } else if (event instanceof JournalEvent.Combined e) {
        State s = e.hardState() == null ? this : withHardState(e.hardState());
        s = e.snapshot() == null ? s : s.withSnapshot(e.snapshot());
        s = e.truncateFrom() == 0 ? s : s.truncatedFrom(e.truncateFrom());
        return e.entries() == null ? s : s.append(e.entries());
      }
      throw new IllegalStateException("unknown journal event " + event.getClass().getName());
    }

    private State withHardState(HardState hardState) {
      return new State(hardState, snapshot, backing, size);
    }

    private State withSnapshot(Snapshot next) {
      if (next == null || next.image() == null) {
        throw new IllegalStateException("journal holds a snapshot without an image: " + next);
      }
      if (!agrees(next)) {
        // Another log than the snapshot's (a follower installing its leader's snapshot), or a
        // snapshot beyond the log's end, or not after the current one: it replaces the whole log.
        return new State(hardState, next, new ArrayList<>(), 0);
      }
      int at = (int) (next.index() - snapshotIndex());
      ArrayList<LogEntry> kept = new ArrayList<>(Math.max(16, (size - at) * 3 / 2));
      kept.addAll(backing.subList(at, size));
      return new State(hardState, next, kept, kept.size());
    }

    private State truncatedFrom(long index) {
      if (index < 1) {
        throw new IllegalStateException("journal holds a truncation from index " + index);
      }
      // At or before the snapshot's index: all entries go, the snapshot stays.
      int keep = (int) Math.max(0, Math.min(size, index - 1 - snapshotIndex()));
      return keep == size ? this : new State(hardState, snapshot, backing, keep);
    }

    private State append(List<LogEntry> append) {
      long expected = lastIndex() + 1;
      for (LogEntry entry : append) {
        if (entry.index() != expected++) {
          // Only a damaged journal gets here: writes are checked before they are persisted.
          throw new IllegalStateException(
              "journal holds a gap: entry " + entry.index() + " where " + (expected - 1) + " comes next");
        }
      }
      ArrayList<LogEntry> target = backing;
      if (backing.size() != size) {
        target = new ArrayList<>(Math.max(16, (size + append.size()) * 3 / 2));
        target.addAll(entries());
      }
      target.addAll(append);
      return new State(hardState, snapshot, target, target.size());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s
          && s.hardState.equals(hardState)
          && Objects.equals(s.snapshot, snapshot)
          && s.entries().equals(entries());
    }

    @Override
    public int hashCode() {
      return Objects.hash(hardState, snapshot, entries());
    }

    @Override
    public String toString() {
      return "State[" + hardState + ", " + snapshot + ", " + size + " entries after it, last index " + lastIndex() + "]";
    }
  }

  /** The first {@code size} elements of a list that only ever grows at its end. */
  private static final class Prefix extends AbstractList<LogEntry> implements RandomAccess {
    private final List<LogEntry> backing;
    private final int size;

    Prefix(List<LogEntry> backing, int size) {
      this.backing = backing;
      this.size = size;
    }

    @Override
    public LogEntry get(int i) {
      Objects.checkIndex(i, size);
      return backing.get(i);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
