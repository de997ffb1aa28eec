package raftkv.persistence.kv;

import java.util.List;
import java.util.Objects;

/**
 * Everything that changes the store, as it travels through the Raft log ({@link KvCommandCodec}
 * turns it into a log entry's data and back). Every command is applied on every member, so a
 * command carries every input its effect depends on: the store never reads a clock or a random
 * source. Where time matters (lease deadlines), the leader puts its own clock's reading
 * ({@code nowMillis}, any monotonic millisecond clock) into the command.
 */
public sealed interface KvCommand {

  /**
   * etcd's {@code PutRequest}.
   *
   * @param lease       attach the key to this lease (0: none; a put without a lease detaches it)
   * @param prevKv      answer with the key's previous version
   * @param ignoreValue keep the current value (the key must exist; {@code value} must be empty)
   * @param ignoreLease keep the current lease (the key must exist; {@code lease} must be 0)
   */
  record Put(Bytes key, Bytes value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
      implements KvCommand, RequestOp {

    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value (Bytes.EMPTY for none)");
    }

    public static Put of(Bytes key, Bytes value) {
      return new Put(key, value, 0, false, false, false);
    }

    public Put withLease(long id) {
      return new Put(key, value, id, prevKv, ignoreValue, ignoreLease);
    }

    public Put withPrevKv() {
      return new Put(key, value, lease, true, ignoreValue, ignoreLease);
    }

    public Put withIgnoreValue() {
      return new Put(key, value, lease, prevKv, true, ignoreLease);
    }

    public Put withIgnoreLease() {
      return new Put(key, value, lease, prevKv, ignoreValue, true);
    }
  }

  /** etcd's {@code DeleteRangeRequest}; {@link KeyRange} explains {@code rangeEnd}. */
  record DeleteRange(Bytes key, Bytes rangeEnd, boolean prevKv) implements KvCommand, RequestOp {

    public DeleteRange {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(rangeEnd, "rangeEnd (Bytes.EMPTY for none)");
    }

    public static DeleteRange of(Bytes key) {
      return new DeleteRange(key, Bytes.EMPTY, false);
    }

    public static DeleteRange of(KeyRange range) {
      return new DeleteRange(range.key(), range.rangeEnd(), false);
    }

    public DeleteRange withPrevKv() {
      return new DeleteRange(key, rangeEnd, true);
    }

    public KeyRange range() {
      return new KeyRange(key, rangeEnd);
    }
  }

  /**
   * etcd's {@code TxnRequest}: if every compare holds, run {@code success}, else {@code failure}.
   * All compares (nested txns' too) see the store as it was before the txn; the operations run in
   * order, later reads seeing earlier writes, and all writes form one revision.
   */
  record Txn(List<Compare> compare, List<RequestOp> success, List<RequestOp> failure)
      implements KvCommand, RequestOp {

    public Txn {
      compare = List.copyOf(compare);
      success = List.copyOf(success);
      failure = List.copyOf(failure);
    }
  }

  /** Drops history below {@code revision}; etcd's {@code physical} flag means nothing here. */
  record Compact(long revision) implements KvCommand {}

  /**
   * etcd's {@code LeaseGrantRequest}. The lease's deadline is {@code nowMillis + ttl} seconds.
   *
   * @param id  the lease id, or 0 to let the store pick one (derived from the log index, so every
   *            member picks the same)
   * @param ttl seconds; the proposer raises it to the minimum TTL first ({@link KvValidator#normalize})
   */
  record LeaseGrant(long id, long ttl, long nowMillis) implements KvCommand {}

  /** Revokes a lease and deletes its keys, all in one revision. */
  record LeaseRevoke(long id) implements KvCommand {}

  /** A keepalive: the lease's deadline becomes {@code nowMillis} plus its granted TTL. */
  record LeaseKeepAlive(long id, long nowMillis) implements KvCommand {}

  /**
   * The leader found the lease past its deadline at {@code nowMillis}. Applied, it revokes the
   * lease only if it is still expired then: a keepalive ordered before it in the log wins.
   */
  record LeaseExpire(long id, long nowMillis) implements KvCommand {}

  /**
   * A new leader's first lease command: every lease gets its full TTL again from
   * {@code nowMillis}, measured on the new leader's clock. So a leader change never expires a
   * lease early, and deadlines set on the old leader's clock are never compared with the new one.
   */
  record LeaseRenewAll(long nowMillis) implements KvCommand {}
}
