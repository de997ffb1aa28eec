package raftkv.persistence.kv;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}. A deletion is kept in the history as a
 * tombstone: only {@code key} and {@code modRevision} set, {@code createRevision} zero — exactly
 * the {@code kv} etcd puts in a DELETE watch event.
 *
 * @param createRevision the revision of the put that created the key (since its last deletion)
 * @param modRevision    the revision of this change
 * @param version        puts since creation, from 1; back to 1 after a delete and a new put
 * @param lease          the lease the key is attached to, 0 for none
 */
public record KeyValue(Bytes key, long createRevision, long modRevision, long version, Bytes value, long lease) {

  static KeyValue tombstone(Bytes key, long revision) {
    return new KeyValue(key, 0, revision, 0, Bytes.EMPTY, 0);
  }

  public boolean isTombstone() {
    return createRevision == 0;
  }

  /** This version without its value: what {@code keys_only} ranges return. */
  public KeyValue withoutValue() {
    return value.isEmpty() ? this : new KeyValue(key, createRevision, modRevision, version, Bytes.EMPTY, lease);
  }
}
