package raftkv.raft;

import java.io.ByteArrayOutputStream;
import raftkv.persistence.Configuration;
import raftkv.persistence.Snapshot;

/**
 * Puts a leader's snapshot back together from its {@link RaftRpc.InstallSnapshot} chunks, which
 * must come in order; a chunk out of place is ignored and the wanted offset named again.
 */
final class SnapshotAssembly {
  private long index = -1;
  private long term;
  private ByteArrayOutputStream bytes;
  private Configuration configuration;

  /** Takes a chunk; returns whether it completed the snapshot (then {@link #take()} it). */
  boolean offer(RaftRpc.InstallSnapshot chunk) {
    if (chunk.offset() == 0) {
      index = chunk.lastIncludedIndex();
      term = chunk.lastIncludedTerm();
      bytes = new ByteArrayOutputStream();
      configuration = chunk.configuration();
    }
    boolean fits = bytes != null
        && chunk.lastIncludedIndex() == index
        && chunk.lastIncludedTerm() == term
        && chunk.offset() == bytes.size();
    if (!fits) {
      return false;
    }
    bytes.writeBytes(chunk.chunk());
    return chunk.done();
  }

  /**
   * Where the next chunk of {@code chunk}'s snapshot should start: after what is assembled of that
   * snapshot, or 0 when another one (or none) is being assembled.
   */
  long nextOffset(RaftRpc.InstallSnapshot chunk) {
    boolean same = bytes != null && chunk.lastIncludedIndex() == index && chunk.lastIncludedTerm() == term;
    return same ? bytes.size() : 0;
  }

  Snapshot take() {
    Snapshot snapshot = new Snapshot(index, term, bytes.toByteArray(), configuration);
    bytes = null;
    index = -1;
    return snapshot;
  }
}
