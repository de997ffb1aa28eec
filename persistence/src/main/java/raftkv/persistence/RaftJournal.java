package raftkv.persistence;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.SignalHandler;
import com.typesafe.config.Config;
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
 *   <li>A write that does not fit the log (a gap, a negative truncation index) is answered with
 *       {@link JournalReply.WriteFailed} and changes nothing. So is, for now, a write with a
 *       snapshot: snapshots (a snapshot event, the image in Akka's snapshot store, deleting the
 *       events it covers) are not built yet, and {@code Recovered} never carries one.
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
    String invalid = write.snapshot() != null
        // Not built yet (no snapshot event, no snapshot store): refuse rather than acknowledge a
        // snapshot that would not survive a restart.
        ? "RaftJournal does not keep snapshots yet (snapshot up to " + write.snapshot().index() + ")"
        : state.check(write.truncateFrom(), entries);
    if (invalid != null) {
      context.getLog().error("{}: refusing write {}: {}", persistenceId(), write.writeId(), invalid);
      return Effect().reply(
          write.replyTo(), new JournalReply.WriteFailed(write.writeId(), "invalid write: " + invalid));
    }
    // Only what changes is persisted: an unchanged hard state or a truncation beyond the end is not.
    HardState hardState = write.hardState() != null && !write.hardState().equals(state.hardState())
        ? write.hardState()
        : null;
    long truncateFrom = write.truncateFrom() > 0 && write.truncateFrom() <= state.lastIndex()
        ? write.truncateFrom()
        : 0;
    int parts = (hardState != null ? 1 : 0) + (truncateFrom > 0 ? 1 : 0) + (entries.isEmpty() ? 0 : 1);
    JournalEvent event;
    if (parts == 0) {
      // Nothing changes: everything the write asks for is already on disk.
      return Effect().reply(write.replyTo(), new JournalReply.Written(write.writeId()));
    } else if (parts > 1) {
      event = new JournalEvent.Combined(hardState, truncateFrom, entries);
    } else if (hardState != null) {
      event = new JournalEvent.HardStateChanged(hardState);
    } else if (truncateFrom > 0) {
      event = new JournalEvent.LogTruncated(truncateFrom);
    } else {
      event = new JournalEvent.EntriesAppended(entries);
    }
    // One event per write, never a list: when a persistAll fails, Akka 2.6 answers each of its
    // events with a failure; those after the first reach the restarted journal, which leaves
    // them unhandled at the head of its stash, and every later command waits behind them.
    inFlight = write;
    return Effect()
        .persist(event)
        .thenRun(s -> inFlight = null)
        .thenReply(write.replyTo(), s -> new JournalReply.Written(write.writeId()));
  }

  @Override
  public EventHandler<State, JournalEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(JournalEvent.HardStateChanged.class, State::hardStateChanged)
        .onEvent(JournalEvent.LogTruncated.class, State::truncated)
        .onEvent(JournalEvent.EntriesAppended.class, State::appended)
        .onEvent(JournalEvent.Combined.class, State::combined)
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
        .onSignal(RecoveryFailed.class, (state, failed) -> context.getLog().error(
            "{}: recovery failed, retrying with backoff; the member cannot start: {}",
            persistenceId(), failed.getFailure().toString()))
        .onSignal(PreRestart.instance(), state -> {
          failInFlight("the journal failed to store it (see the error logged) and restarts");
          startedNanos = System.nanoTime();
        })
        .onSignal(PostStop.instance(), state -> failInFlight(
            "the journal stopped (the journal rejected it, see the error logged, or the system shuts down)"))
        .build();
  }

  private void onRecoveryCompleted(State state) {
    context.getLog().info(
        "{}: recovered term {} and {} entries in {} ms",
        persistenceId(),
        state.hardState().term(),
        state.lastIndex(),
        (System.nanoTime() - startedNanos) / 1_000_000);
  }

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
   * The durable state as replayed so far: the hard state and the log. Immutable, as Akka expects
   * (a typed {@code EventSourcedBehavior} applies an event before the journal confirmed it, and
   * replays from the same empty state after a restart), yet appending is amortized O(1) and
   * truncating O(1): states share one append-only backing list, each seeing its own prefix of it
   * (like a Go slice). A state extends the backing list in place only if its prefix is all of it;
   * otherwise (after a truncation, or on a replay after a restart) it copies its prefix first.
   * Entries are shared by reference, never copied.
   */
  public static final class State {
    private final HardState hardState;
    private final ArrayList<LogEntry> backing;
    private final int size;

    private State(HardState hardState, ArrayList<LogEntry> backing, int size) {
      this.hardState = hardState;
      this.backing = backing;
      this.size = size;
    }

    static State empty() {
      return new State(HardState.INITIAL, new ArrayList<>(), 0);
    }

    public HardState hardState() {
      return hardState;
    }

    /** The index of the last entry, 0 for an empty log. */
    public long lastIndex() {
      return size;
    }

    /**
     * A read-only view of the log (entry {@code i} at position {@code i - 1}). Read it only on the
     * journal's thread, or while the journal is idle: it shares storage with later states.
     */
    public List<LogEntry> entries() {
      return new Prefix(backing, size);
    }

    JournalReply.Recovered recovered() {
      return new JournalReply.Recovered(hardState, null, List.copyOf(entries()));
    }

    /** Why a write with this truncation and these entries does not fit the log, or null. */
    String check(long truncateFrom, List<LogEntry> append) {
      if (truncateFrom < 0) {
        return "truncateFrom " + truncateFrom + " is negative";
      }
      long expected = (truncateFrom > 0 ? Math.min(lastIndex(), truncateFrom - 1) : lastIndex()) + 1;
      for (LogEntry e : append) {
        if (e == null || e.index() != expected) {
          return "gap in the log: appending " + (e == null ? "null" : e.index()) + " where "
              + expected + " comes next (log ends at " + lastIndex() + ", truncateFrom " + truncateFrom + ")";
        }
        expected++;
      }
      return null;
    }

    private State hardStateChanged(JournalEvent.HardStateChanged e) {
      return withHardState(e.hardState());
    }

    private State truncated(JournalEvent.LogTruncated e) {
      return truncatedFrom(e.fromIndex());
    }

    private State appended(JournalEvent.EntriesAppended e) {
      return append(e.entries());
    }

    private State combined(JournalEvent.Combined e) {
      State s = e.hardState() == null ? this : withHardState(e.hardState());
      s = e.truncateFrom() == 0 ? s : s.truncatedFrom(e.truncateFrom());
      return e.entries() == null ? s : s.append(e.entries());
    }

    private State withHardState(HardState hardState) {
      return new State(hardState, backing, size);
    }

    private State truncatedFrom(long index) {
      if (index < 1) {
        throw new IllegalStateException("journal holds a truncation from index " + index);
      }
      return index > size ? this : new State(hardState, backing, (int) (index - 1));
    }

    private State append(List<LogEntry> append) {
      long expected = size + 1;
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
      return new State(hardState, target, target.size());
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
