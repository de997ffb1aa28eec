package raftkv.jepsen;

import java.util.Objects;

/**
 * One client operation on one key's register, as recorded: when it was invoked and when its
 * answer came, and what it was. Times are any one clock's nanoseconds (the test's
 * {@code System.nanoTime()}).
 *
 * @param id      unique within a history, for reports
 * @param client  the client (process) that ran it; a client runs one operation at a time
 * @param key     the register
 * @param kind    read, write or compare-and-set
 * @param value   a read's result (null: no value), a write's value, a cas's new value
 * @param expected a cas's expected value (null for the others)
 * @param outcome {@link Outcome#OK}: it happened as answered; {@link Outcome#FAILED}: it certainly
 *                did not happen (a cas that did not match is OK with {@code casMatched} false);
 *                {@link Outcome#UNKNOWN}: no answer (timeout, connection reset), so it may have
 *                taken effect at any time after its invocation, or never
 * @param casMatched for an OK cas: whether it matched and wrote
 * @param completedAt the answer's time; {@link Long#MAX_VALUE} when the outcome is unknown
 */
public record Op(
    long id,
    int client,
    String key,
    Kind kind,
    String value,
    String expected,
    Outcome outcome,
    boolean casMatched,
    long invokedAt,
    long completedAt) {

  public enum Kind { READ, WRITE, CAS }

  public enum Outcome { OK, FAILED, UNKNOWN }

  public Op {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.UNKNOWN) {
      completedAt = Long.MAX_VALUE;
    }
    if (completedAt < invokedAt) {
      throw new IllegalArgumentException("op " + id + " completed before it was invoked");
    }
  }

  public static Op read(long id, int client, String key, String seen, long invokedAt, long completedAt) {
    return new Op(id, client, key, Kind.READ, seen, null, Outcome.OK, false, invokedAt, completedAt);
  }

  public static Op write(long id, int client, String key, String value, Outcome outcome, long invokedAt, long completedAt) {
    return new Op(id, client, key, Kind.WRITE, value, null, outcome, false, invokedAt, completedAt);
  }

  public static Op cas(
      long id, int client, String key, String expected, String value, Outcome outcome, boolean matched,
      long invokedAt, long completedAt) {
    return new Op(id, client, key, Kind.CAS, value, expected, outcome, matched, invokedAt, completedAt);
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case READ -> "read " + key + " -> " + value;
      case WRITE -> "write " + key + " := " + value;
      case CAS -> "cas " + key + " " + expected + " -> " + value + (outcome == Outcome.OK ? (casMatched ? " (matched)" : " (no match)") : "");
    };
    String until = completedAt == Long.MAX_VALUE ? "?" : Long.toString(completedAt);
    return "#" + id + " client " + client + " [" + invokedAt + ", " + until + "] " + what
        + (outcome == Outcome.OK ? "" : " " + outcome);
  }
}
