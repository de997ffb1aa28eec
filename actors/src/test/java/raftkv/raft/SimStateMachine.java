package raftkv.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    if (entry.kind() != LogEntry.Kind.COMMAND) {
      return null; // a no-op or a configuration entry
    }
    applied.add(entry);
    return entry.data();
  }

  /** The image: the last index applied, then every command applied (index, term, data). */
  @Override
  public byte[] snapshot() {
    var bytes = new ByteArrayOutputStream();
    try (var out = new DataOutputStream(bytes)) {
      out.writeLong(lastApplied);
      out.writeInt(applied.size());
      for (LogEntry e : applied) {
        out.writeLong(e.index());
        out.writeLong(e.term());
        out.writeInt(e.data().length);
        out.write(e.data());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void restore(byte[] image) {
    try (var in = new DataInputStream(new ByteArrayInputStream(image))) {
      lastApplied = in.readLong();
      applied.clear();
      for (int n = in.readInt(); n > 0; n--) {
        long index = in.readLong();
        long term = in.readLong();
        byte[] data = in.readNBytes(in.readInt());
        applied.add(LogEntry.command(index, term, data));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    invariants.onRestored(member, applied);
  }

  /** The index of the last entry applied, no-op or command: what the simulator's reads return. */
  long lastApplied() {
    return lastApplied;
  }

  List<LogEntry> applied() {
    return applied;
  }
}
