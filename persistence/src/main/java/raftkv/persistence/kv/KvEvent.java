package raftkv.persistence.kv;

import java.util.Objects;
import java.util.Optional;

/**
 * One change of one key, as etcd's watch {@code Event}. For a DELETE, {@code kv} is the tombstone
 * (key and {@code mod_revision} only), as etcd sends it.
 *
 * @param prevKv the key's version just before this change, if it had one. A watch with
 *               {@code prev_kv} sends it; etcd never does for a create, and a create never has one.
 */
public record KvEvent(Type type, KeyValue kv, Optional<KeyValue> prevKv) {

  public KvEvent {
    Objects.requireNonNull(kv, "kv");
    Objects.requireNonNull(prevKv, "prevKv");
  }

  public enum Type { PUT, DELETE }

  public long revision() {
    return kv.modRevision();
  }
}
