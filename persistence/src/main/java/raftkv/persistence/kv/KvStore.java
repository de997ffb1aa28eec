package raftkv.persistence.kv;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import raftkv.persistence.LogEntry;
import raftkv.persistence.StateMachine;

/**
 * The key-value state machine: etcd v3's MVCC store (revisions, key history, ranges, txns,
 * compaction) and its leases, applied from the Raft log. Deterministic and free of I/O: the same
 * entries give the same state, byte for byte, on every member ({@link #hash()}).
 *
 * <p>Writes arrive only through the log ({@link #apply(LogEntry)}, or {@link #apply(long,
 * KvCommand)} for callers that hold the command already); reads ({@link #range}, leases,
 * {@link #replay}) are answered from the applied state directly. Not thread-safe: one member's
 * Raft actor owns it.
 */
public final class KvStore implements StateMachine {
  private Mvcc mvcc = new Mvcc();
  private LeaseTable leases = new LeaseTable();
  private KvApplier applier = new KvApplier(mvcc, leases);
  private long appliedIndex;
  private final List<KvWatchListener> listeners = new CopyOnWriteArrayList<>();

  // ---- the log ----

  /**
   * Applies a committed entry: a no-op or a configuration entry only moves the applied index; a command's result comes
   * back encoded ({@link KvResultCodec#decode}). Data that is no command fails the same way on
   * every member ({@link KvError#MALFORMED_COMMAND}) instead of stopping the apply loop.
   */
  @Override
  public byte[] apply(LogEntry entry) {
    if (entry.kind() != LogEntry.Kind.COMMAND) {
      advanceTo(entry.index()); // a no-op, or a configuration entry (the Raft layer's business)
      return null;
    }
    KvCommand command;
    try {
      command = KvCommandCodec.decode(entry.data());
    } catch (IllegalArgumentException malformed) {
      advanceTo(entry.index());
      return KvResultCodec.encode(new KvResult.Failed(KvError.MALFORMED_COMMAND));
    }
    return KvResultCodec.encode(apply(entry.index(), command));
  }

  /**
   * Applies a command committed at log index {@code index} (a server-chosen lease id derives from
   * it). Tells the listeners about the revision it made, if any, once the state is complete.
   */
  public KvResult apply(long index, KvCommand command) {
    advanceTo(index);
    Applied applied = applier.apply(index, command);
    if (!applied.changes().isEmpty() && !listeners.isEmpty()) {
      List<KvEvent> events = mvcc.events(applied.changes());
      for (KvWatchListener listener : listeners) {
        listener.onRevision(mvcc.revision(), events);
      }
    }
    if (applied.result() instanceof KvResult.CompactResult) {
      for (KvWatchListener listener : listeners) {
        listener.onCompacted(mvcc.compactRevision());
      }
    }
    return applied.result();
  }

  private void advanceTo(long index) {
    if (index <= appliedIndex) {
      throw new IllegalStateException("entry " + index + " applied after " + appliedIndex);
    }
    appliedIndex = index;
  }

  // ---- reads ----

  /** A range at the current or a past revision: {@link KvResult.RangeResult} or {@link KvResult.Failed}. */
  public KvResult range(RangeRequest request) {
    Optional<KvError> error = RequestChecks.checkRange(request)
        .or(() -> RangeQuery.check(mvcc, request, mvcc.revision()));
    if (error.isPresent()) {
      return new KvResult.Failed(error.get());
    }
    return RangeQuery.run(mvcc, request, mvcc.revision());
  }

  /** The current store revision: 1 when empty, one more for every request that changed keys. */
  public long revision() {
    return mvcc.revision();
  }

  /** The last compaction's revision; -1 before the first (so compacting at 0 succeeds once, as in etcd). */
  public long compactRevision() {
    return mvcc.compactRevision();
  }

  /** The index of the last log entry applied (or restored). */
  public long appliedIndex() {
    return appliedIndex;
  }

  /** A lease's TTL, deadline and keys; empty if there is no such lease (etcd answers TTL -1). */
  public Optional<LeaseInfo> lease(long id) {
    LeaseTable.Lease lease = leases.get(id);
    return lease == null ? Optional.empty() : Optional.of(lease.info());
  }

  /** Every lease, soonest deadline first, as etcd lists them. */
  public List<LeaseInfo> leases() {
    return leases.byDeadline().stream().map(LeaseTable.Lease::info).toList();
  }

  /**
   * The leases past their deadline at {@code nowMillis} (the leader's clock), soonest first: the
   * leader proposes a {@link KvCommand.LeaseExpire} for each.
   */
  public List<Long> expiredLeases(long nowMillis) {
    return leases.expired(nowMillis);
  }

  // ---- watch ----

  public void addListener(KvWatchListener listener) {
    listeners.add(listener);
  }

  public void removeListener(KvWatchListener listener) {
    listeners.remove(listener);
  }

  /**
   * The events on keys in {@code range} from revision {@code fromRevision} on, for a watch that
   * starts in the past; {@link KvReplay.Compacted} if history from there is gone. A watch at the
   * compaction revision itself still gets every event of that revision, without prev_kv (as
   * etcd 3.4, which cannot read the revision before).
   */
  public KvReplay replay(long fromRevision, KeyRange range) {
    return mvcc.replay(fromRevision, range);
  }

  // ---- snapshot ----

  @Override
  public byte[] snapshot() {
    return KvSnapshotCodec.encode(appliedIndex, mvcc, leases);
  }

  /** Replaces the state; listeners stay registered and are told, since they may have missed revisions. */
  @Override
  public void restore(byte[] image) {
    KvSnapshotCodec.State state = KvSnapshotCodec.decode(image);
    mvcc = state.mvcc();
    leases = state.leases();
    applier = new KvApplier(mvcc, leases);
    appliedIndex = state.appliedIndex();
    for (KvWatchListener listener : listeners) {
      listener.onRestored(mvcc.revision());
    }
  }

  /**
   * A digest of the whole state (applied index, revisions, every retained version, leases): two
   * members that applied the same entries have the same hash. The first 8 bytes of a SHA-256 of
   * the snapshot image, which is written in a fixed order.
   */
  public long hash() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(snapshot());
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
