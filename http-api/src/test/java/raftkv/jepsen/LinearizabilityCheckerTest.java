package raftkv.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import raftkv.jepsen.LinearizabilityChecker.Verdict;

/** The checker on hand-made histories that must pass and histories that must fail. */
class LinearizabilityCheckerTest {
  private static final Duration BUDGET = Duration.ofSeconds(10);
  private static final Op.Outcome OK = Op.Outcome.OK;
  private static final Op.Outcome UNKNOWN = Op.Outcome.UNKNOWN;
  private static final Op.Outcome FAILED = Op.Outcome.FAILED;

  private static LinearizabilityChecker.Result check(Op... ops) {
    return LinearizabilityChecker.check(List.of(ops), BUDGET);
  }

  private static void linearizable(Op... ops) {
    var result = check(ops);
    assertTrue(result.linearizable(), result.toString());
  }

  private static LinearizabilityChecker.Result violation(Op... ops) {
    var result = check(ops);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result.toString());
    return result;
  }

  @Test
  void aSequentialHistoryPasses() {
    linearizable(
        Op.read(1, 0, "x", null, 0, 5),
        Op.write(2, 0, "x", "1", OK, 10, 20),
        Op.read(3, 1, "x", "1", 30, 40),
        Op.cas(4, 0, "x", "1", "2", OK, true, 50, 60),
        Op.cas(5, 1, "x", "1", "3", OK, false, 70, 80),
        Op.read(6, 1, "x", "2", 90, 100));
  }

  @Test
  void aStaleReadFails() {
    var result = violation(
        Op.write(1, 0, "x", "1", OK, 0, 10),
        Op.write(2, 0, "x", "2", OK, 20, 30),
        Op.read(3, 1, "x", "1", 40, 50));
    assertEquals("x", result.key());
  }

  @Test
  void aStaleReadIsShownWithTheWriteItSawAndTheWriteItMissed() {
    var result = violation(
        Op.read(1, 2, "x", null, 0, 5),
        Op.write(2, 0, "x", "1", OK, 10, 20),
        Op.read(3, 2, "x", "1", 25, 28),
        Op.write(4, 0, "x", "2", OK, 30, 40),
        Op.read(5, 2, "x", "2", 45, 48),
        Op.read(6, 1, "x", "1", 50, 60));
    // Not just the read: a read of "1" alone would fail as a phantom and explain nothing.
    assertEquals(List.of(2L, 4L, 6L), result.counterexample().stream().map(Op::id).sorted().toList(), result.toString());
  }

  @Test
  void aLostWriteFails() {
    violation(
        Op.write(1, 0, "x", "1", OK, 0, 10),
        Op.read(2, 1, "x", null, 20, 30));
  }

  @Test
  void aPhantomValueFails() {
    violation(
        Op.write(1, 0, "x", "1", OK, 0, 10),
        Op.read(2, 1, "x", "9", 20, 30));
  }

  @Test
  void concurrentOperationsMayTakeEffectInEitherOrder() {
    linearizable(
        Op.write(1, 0, "x", "1", OK, 0, 100),
        Op.read(2, 1, "x", "1", 10, 20),
        Op.read(3, 2, "x", "1", 30, 40));
    linearizable(
        Op.write(1, 0, "x", "1", OK, 0, 100),
        Op.read(2, 1, "x", null, 10, 20),
        Op.read(3, 2, "x", "1", 30, 40));
    // But once a read saw the write, a later read cannot miss it.
    violation(
        Op.write(1, 0, "x", "1", OK, 0, 100),
        Op.read(2, 1, "x", "1", 10, 20),
        Op.read(3, 2, "x", null, 30, 40));
  }

  @Test
  void aWriteWithoutAnAnswerMayHappenLateOrNever() {
    linearizable(
        Op.write(1, 0, "x", "1", UNKNOWN, 0, 0),
        Op.read(2, 1, "x", null, 50, 60),
        Op.read(3, 1, "x", "1", 70, 80));
    linearizable(
        Op.write(1, 0, "x", "1", UNKNOWN, 0, 0),
        Op.read(2, 1, "x", null, 50, 60));
    violation(
        Op.write(1, 0, "x", "1", UNKNOWN, 0, 0),
        Op.read(2, 1, "x", "1", 50, 60),
        Op.read(3, 1, "x", null, 70, 80));
    // Not before it was invoked.
    violation(
        Op.read(1, 1, "x", "1", 0, 10),
        Op.write(2, 0, "x", "1", UNKNOWN, 20, 0));
  }

  @Test
  void aFailedWriteNeverHappened() {
    violation(
        Op.write(1, 0, "x", "1", FAILED, 0, 10),
        Op.read(2, 1, "x", "1", 20, 30));
  }

  @Test
  void compareAndSetAnomaliesFail() {
    // Two matching cas from the same value, one after the other: the second cannot have matched.
    violation(
        Op.write(1, 0, "x", "0", OK, 0, 10),
        Op.cas(2, 0, "x", "0", "1", OK, true, 20, 30),
        Op.cas(3, 1, "x", "0", "2", OK, true, 40, 50));
    // A cas that did not match although nothing else changed the value.
    violation(
        Op.write(1, 0, "x", "0", OK, 0, 10),
        Op.cas(2, 1, "x", "0", "1", OK, false, 20, 30));
    // A matching cas while the value was something else.
    violation(
        Op.write(1, 0, "x", "5", OK, 0, 10),
        Op.cas(2, 1, "x", "0", "1", OK, true, 20, 30));
    // Concurrent cas from one value: exactly one may match.
    linearizable(
        Op.write(1, 0, "x", "0", OK, 0, 10),
        Op.cas(2, 1, "x", "0", "1", OK, true, 20, 60),
        Op.cas(3, 2, "x", "0", "2", OK, false, 30, 50),
        Op.read(4, 0, "x", "1", 70, 80));
  }

  @Test
  void keysAreCheckedOnTheirOwn() {
    linearizable(
        Op.write(1, 0, "x", "1", OK, 0, 10),
        Op.write(2, 1, "y", "2", OK, 0, 10),
        Op.read(3, 0, "x", "1", 20, 30),
        Op.read(4, 1, "y", "2", 20, 30));
    assertEquals("y", violation(
        Op.write(1, 0, "x", "1", OK, 0, 10),
        Op.write(2, 1, "y", "2", OK, 0, 10),
        Op.read(3, 0, "x", "1", 20, 30),
        Op.read(4, 1, "y", "1", 20, 30)).key());
  }

  @Test
  void aViolationInALongHistoryIsShownAsTheFewOperationsThatMakeIt() {
    List<Op> history = new ArrayList<>(linearizableHistory(new Random(7), 4, 200));
    // (An unknown operation's answer time is Long.MAX_VALUE: not a time to add to.)
    long end = history.stream().mapToLong(op -> op.completedAt() == Long.MAX_VALUE ? op.invokedAt() : op.completedAt())
        .max().orElseThrow();
    String last = history.stream().filter(op -> op.kind() == Op.Kind.WRITE && op.outcome() == OK)
        .reduce((a, b) -> b).orElseThrow().value();
    history.add(Op.write(10_000, 9, "k", "final", OK, end + 10, end + 20));
    history.add(Op.read(10_001, 9, "k", last, end + 30, end + 40)); // stale: "final" was acknowledged
    var result = LinearizabilityChecker.check(history, BUDGET);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    assertTrue(result.counterexample().size() <= 3, result.toString());
    assertTrue(result.counterexample().stream().anyMatch(op -> op.id() == 10_001), result.toString());
    assertTrue(result.counterexample().stream().anyMatch(op -> op.id() == 10_000), "the write it missed: " + result);
  }

  @Test
  void aLongConcurrentLinearizableHistoryPassesWithinTheBudget() {
    for (long seed = 1; seed <= 5; seed++) {
      var result = LinearizabilityChecker.check(linearizableHistory(new Random(seed), 5, 1000), BUDGET);
      assertTrue(result.linearizable(), "seed " + seed + ": " + result);
    }
  }

  /**
   * Clients run overlapping operations on one register; each takes effect at an instant inside
   * its interval, in the order of those instants, so the history is linearizable by construction.
   * Some writes lose their answer (unknown) and some are answered failed (and never happen).
   */
  static List<Op> linearizableHistory(Random random, int clients, int count) {
    List<Op> ops = new ArrayList<>();
    long[] freeAt = new long[clients];
    String value = null;
    long now = 0;
    for (int i = 0; i < count; i++) {
      now += 1 + random.nextInt(5);
      int client = random.nextInt(clients);
      if (freeAt[client] == Long.MAX_VALUE) {
        continue; // it lost an answer: a client that cannot know its last outcome stops
      }
      long invoked = Math.max(now - random.nextInt(20), freeAt[client]);
      long effect = Math.max(now, invoked);
      long completed = effect + random.nextInt(20);
      freeAt[client] = completed + 1;
      int roll = random.nextInt(10);
      if (roll < 4) {
        ops.add(Op.read(i, client, "k", value, invoked, completed));
      } else if (roll < 8) {
        String v = "v" + i;
        Op.Outcome outcome = roll == 7 ? (random.nextBoolean() ? UNKNOWN : FAILED) : OK;
        if (outcome != FAILED) {
          value = v;
        }
        ops.add(Op.write(i, client, "k", v, outcome, invoked, completed));
        if (outcome == UNKNOWN) {
          freeAt[client] = Long.MAX_VALUE;
        }
      } else {
        String expected = random.nextBoolean() ? value : "v" + random.nextInt(Math.max(1, i));
        boolean matched = Objects.equals(expected, value);
        String v = "c" + i;
        if (matched) {
          value = v;
        }
        ops.add(Op.cas(i, client, "k", expected, v, OK, matched, invoked, completed));
      }
      now = effect;
    }
    return ops;
  }
}
