package raftkv.server.crash;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.LogEntry;
import raftkv.persistence.StateMachine;

/**
 * The crash test's state machine: it records every command it applies, with its log index, in
 * order. The command {@value #DUMP} is recorded too, and answered with everything recorded so far
 * (itself included) and the indexes of the snapshots this state machine was restored from: so a
 * client reads a member's applied sequence through the log, from the member that took the
 * proposal (DESIGN decision 8: it answers once it applied the entry itself). Any other command is
 * answered with its index as text.
 *
 * <p>The snapshot image is the whole record and the index of the last entry applied (no-ops
 * included); {@link #restore} replaces the record with the image's. Used by the member's actor
 * only, so it needs no locking.
 */
final class AppliedLog implements StateMachine {
  static final String DUMP = "dump";

  /** One applied command. */
  record Applied(long index, String command) {}

  /** What a {@value #DUMP} is answered with. */
  record Dump(List<Long> restoredFrom, List<Applied> applied) {
    static Dump parse(byte[] bytes) {
      try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        int restores = in.readInt();
        List<Long> restoredFrom = new ArrayList<>(restores);
        for (int i = 0; i < restores; i++) {
          restoredFrom.add(in.readLong());
        }
        return new Dump(List.copyOf(restoredFrom), readApplied(in));
      } catch (IOException e) {
        throw new UncheckedIOException("not a dump", e);
      }
    }
  }

  private final List<Applied> applied = new ArrayList<>();
  /** The index of every snapshot restored, in order (on recovery and on InstallSnapshot). */
  private final List<Long> restoredFrom = new ArrayList<>();
  private long lastApplied;

  @Override
  public byte[] apply(LogEntry entry) {
    lastApplied = entry.index();
    if (entry.kind() != LogEntry.Kind.COMMAND) {
      return null;
    }
    String command = new String(entry.data(), StandardCharsets.UTF_8);
    applied.add(new Applied(entry.index(), command));
    if (!command.equals(DUMP)) {
      return Long.toString(entry.index()).getBytes(StandardCharsets.UTF_8);
    }
    return write(out -> {
      out.writeInt(restoredFrom.size());
      for (long index : restoredFrom) {
        out.writeLong(index);
      }
      writeApplied(out, applied);
    });
  }

  @Override
  public byte[] snapshot() {
    return write(out -> {
      out.writeLong(lastApplied);
      writeApplied(out, applied);
    });
  }

  @Override
  public void restore(byte[] image) {
    try (var in = new DataInputStream(new ByteArrayInputStream(image))) {
      lastApplied = in.readLong();
      List<Applied> restored = readApplied(in);
      applied.clear();
      applied.addAll(restored);
      restoredFrom.add(lastApplied);
    } catch (IOException e) {
      throw new UncheckedIOException("not an image of " + AppliedLog.class.getSimpleName(), e);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) {
    var bytes = new ByteArrayOutputStream();
    try (var out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeApplied(DataOutputStream out, List<Applied> applied) throws IOException {
    out.writeInt(applied.size());
    for (Applied a : applied) {
      out.writeLong(a.index());
      out.writeUTF(a.command());
    }
  }

  private static List<Applied> readApplied(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<Applied> applied = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      applied.add(new Applied(in.readLong(), in.readUTF()));
    }
    return applied;
  }
}
