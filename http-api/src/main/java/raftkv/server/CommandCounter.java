package raftkv.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import raftkv.persistence.LogEntry;
import raftkv.persistence.StateMachine;

/**
 * A stand-in state machine until the KV store exists: it counts the commands applied and answers
 * each with the count so far, as text. No-ops count for nothing.
 */
final class CommandCounter implements StateMachine {
  private long applied;

  @Override
  public byte[] apply(LogEntry entry) {
    if (entry.kind() != LogEntry.Kind.COMMAND) {
      return null;
    }
    applied++;
    return Long.toString(applied).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] snapshot() {
    return ByteBuffer.allocate(Long.BYTES).putLong(applied).array();
  }

  @Override
  public void restore(byte[] image) {
    applied = ByteBuffer.wrap(image).getLong();
  }
}
