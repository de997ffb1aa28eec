package raftkv.jepsen;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a history of register operations is linearizable: that every operation can be
 * given one instant between its invocation and its answer at which it took effect, in an order
 * the register's sequential specification ({@link RegisterModel}) allows.
 *
 * <p>The search is Wing and Gong's, with Lowe's memoisation (as in Knossos' and Porcupine's
 * linear checkers): walk the invocations and answers in time order; at an invocation, try to
 * linearize that operation now (take it out of the history, move the state on) unless the same
 * set of linearized operations with the same state was already explored; at an answer whose
 * operation is not linearized yet, undo the last choice. It runs per key, since a register
 * history is linearizable exactly when each key's is (linearizability is compositional).
 *
 * <p>Operations that certainly did not happen ({@link Op.Outcome#FAILED}) are left out; so are
 * reads without an answer (they changed nothing and showed nothing). A write or cas without an
 * answer may take effect at any time after its invocation, or never: its answer is put after
 * every other, and the history is linearizable once only such operations remain.
 */
public final class LinearizabilityChecker {

  /** The verdict on a history. */
  public record Result(Verdict verdict, String key, List<Op> counterexample, long statesExplored) {
    public boolean linearizable() {
      return verdict == Verdict.LINEARIZABLE;
    }

    @Override
    public String toString() {
      if (verdict != Verdict.NOT_LINEARIZABLE) {
        return verdict + " (" + statesExplored + " states explored)";
      }
      StringBuilder s = new StringBuilder("NOT LINEARIZABLE on key " + key
          + "; the smallest failing sub-history (every operation in it is needed for the violation):\n");
      counterexample.stream().sorted(Comparator.comparingLong(Op::invokedAt))
          .forEach(op -> s.append("  ").append(op).append('\n'));
      return s.toString();
    }
  }

  public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, GAVE_UP }

  private LinearizabilityChecker() {}

  /** Checks every key; stops at the first key that fails, and shrinks its history. */
  public static Result check(List<Op> history, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : history) {
      if (relevant(op)) {
        byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    long explored = 0;
    for (Map.Entry<String, List<Op>> key : byKey.entrySet()) {
      Search search = new Search(key.getValue(), deadline);
      Verdict verdict = search.run();
      explored += search.explored;
      if (verdict != Verdict.LINEARIZABLE) {
        List<Op> shown = verdict == Verdict.NOT_LINEARIZABLE ? shrink(key.getValue(), deadline) : key.getValue();
        return new Result(verdict, key.getKey(), shown, explored);
      }
    }
    return new Result(Verdict.LINEARIZABLE, null, List.of(), explored);
  }

  private static boolean relevant(Op op) {
    return op.outcome() != Op.Outcome.FAILED && !(op.kind() == Op.Kind.READ && op.outcome() == Op.Outcome.UNKNOWN);
  }

  /**
   * Drops operations one at a time as long as what is left still fails: every operation of the
   * result is needed for the violation (a 1-minimal sub-history). A write (or cas) whose value a
   * remaining operation observed (a read of it, a cas expecting it) is kept: without it, that
   * observation alone would fail as a value from nowhere, and the counterexample would show a
   * phantom instead of the violation the history has (for a stale read: the write it saw, the
   * later write it missed, and the read).
   */
  private static List<Op> shrink(List<Op> failing, long deadline) {
    List<Op> minimal = new ArrayList<>(failing);
    for (int i = minimal.size() - 1; i >= 0 && System.nanoTime() < deadline; i--) {
      if (i >= minimal.size() || observed(minimal.get(i), minimal)) {
        continue;
      }
      List<Op> without = new ArrayList<>(minimal);
      without.remove(i);
      if (new Search(without, deadline).run() == Verdict.NOT_LINEARIZABLE) {
        minimal = without;
      }
    }
    // Removing an observer may free the write it observed: a second pass catches those.
    for (int i = minimal.size() - 1; i >= 0 && System.nanoTime() < deadline; i--) {
      if (i >= minimal.size() || observed(minimal.get(i), minimal)) {
        continue;
      }
      List<Op> without = new ArrayList<>(minimal);
      without.remove(i);
      if (new Search(without, deadline).run() == Verdict.NOT_LINEARIZABLE) {
        minimal = without;
      }
    }
    return minimal;
  }

  /** Whether {@code op} writes a value that another operation of {@code ops} saw or expected. */
  private static boolean observed(Op op, List<Op> ops) {
    if (op.kind() == Op.Kind.READ || op.value() == null) {
      return false;
    }
    for (Op other : ops) {
      if (other != op && (other.kind() == Op.Kind.READ ? op.value().equals(other.value())
          : other.kind() == Op.Kind.CAS && op.value().equals(other.expected()))) {
        return true;
      }
    }
    return false;
  }

  /** One key's search. */
  private static final class Search {
    private static final class Event {
      final Op op;
      final int index;
      final boolean call;
      final long time;
      Event prev;
      Event next;
      Event match;

      Event(Op op, int index, boolean call, long time) {
        this.op = op;
        this.index = index;
        this.call = call;
        this.time = time;
      }
    }

    private record Memo(BitSet linearized, String state) {}

    private record Choice(Event call, String stateBefore) {}

    private final Event head = new Event(null, -1, false, Long.MIN_VALUE);
    private final long deadline;
    long explored;

    Search(List<Op> ops, long deadline) {
      this.deadline = deadline;
      List<Event> events = new ArrayList<>(ops.size() * 2);
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        Event call = new Event(op, i, true, op.invokedAt());
        Event answer = new Event(op, i, false, op.completedAt());
        call.match = answer;
        events.add(call);
        events.add(answer);
      }
      // By time; at equal times invocations first, which makes the two operations concurrent: a
      // tie never forces an order the clock did not show.
      events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
      Event last = head;
      for (Event e : events) {
        last.next = e;
        e.prev = last;
        last = e;
      }
    }

    Verdict run() {
      Set<Memo> seen = new HashSet<>();
      Deque<Choice> choices = new ArrayDeque<>();
      BitSet linearized = new BitSet();
      String state = null;
      Event event = head.next;
      while (event != null) {
        if ((++explored & 0xFFF) == 0 && System.nanoTime() > deadline) {
          return Verdict.GAVE_UP;
        }
        if (event.call) {
          if (RegisterModel.possible(state, event.op)) {
            String after = RegisterModel.next(state, event.op);
            BitSet next = (BitSet) linearized.clone();
            next.set(event.index);
            if (seen.add(new Memo(next, after))) {
              choices.push(new Choice(event, state));
              state = after;
              linearized = next;
              lift(event);
              event = head.next;
              continue;
            }
          }
          event = event.next;
        } else {
          if (event.time == Long.MAX_VALUE) {
            return Verdict.LINEARIZABLE; // only operations without an answer are left: they need not happen
          }
          if (choices.isEmpty()) {
            return Verdict.NOT_LINEARIZABLE;
          }
          Choice undo = choices.pop();
          state = undo.stateBefore();
          linearized = (BitSet) linearized.clone(); // the one in hand is also a key in `seen`
          linearized.clear(undo.call().index);
          unlift(undo.call());
          event = undo.call().next;
        }
      }
      return Verdict.LINEARIZABLE;
    }

    private static void lift(Event call) {
      call.prev.next = call.next;
      if (call.next != null) {
        call.next.prev = call.prev;
      }
      Event answer = call.match;
      answer.prev.next = answer.next;
      if (answer.next != null) {
        answer.next.prev = answer.prev;
      }
    }

    private static void unlift(Event call) {
      Event answer = call.match;
      answer.prev.next = answer;
      if (answer.next != null) {
        answer.next.prev = answer;
      }
      call.prev.next = call;
      if (call.next != null) {
        call.next.prev = call;
      }
    }
  }
}
