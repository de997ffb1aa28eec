package raftkv.raft;

import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.LogEntry;
import raftkv.persistence.StateMachine;

/** A state machine that records what it applied and reports each entry to the invariants. */
final class SimStateMachine implements StateMachine {
  private final String member;
  private final SimInvariants invariants;
  /** The commands applied, in order (no-ops are checked, not kept). */
  private final List<LogEntry> applied = new ArrayList<>();
  private long lastApplied;

  SimStateMachine(String member, SimInvariants invariants) {
    this.member = member;
    this.invariants = invariants;
  }

  @Override
  public byte[] apply(LogEntry entry) {
    if (entry.index() != ++lastApplied) {
      throw new AssertionError(member + " applied " + entry.index() + " where " + lastApplied + " was due");
    }
    invariants.onApplied(member, entry);
    if (entry.kind() == LogEntry.Kind.NOOP) {
      return null;
    }
    applied.add(entry);
    return entry.data();
  }

  List<LogEntry> applied() {
    return applied;
  }
}
