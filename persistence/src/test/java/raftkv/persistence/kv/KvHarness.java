package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import raftkv.persistence.LogEntry;

/**
 * A store fed the way the Raft layer feeds it: every command encoded into a log entry at the next
 * index and applied through {@code StateMachine.apply}, its result decoded. So every test also
 * exercises both codecs.
 */
final class KvHarness {
  final KvStore store;
  private long index;

  KvHarness() {
    this(new KvStore());
  }

  KvHarness(KvStore store) {
    this.store = store;
    this.index = store.appliedIndex();
  }

  static Bytes b(String text) {
    return Bytes.of(text);
  }

  long nextIndex() {
    return index + 1;
  }

  KvResult apply(KvCommand command) {
    LogEntry entry = LogEntry.command(++index, 1, KvCommandCodec.encode(command));
    return KvResultCodec.decode(store.apply(entry));
  }

  void noop() {
    store.apply(LogEntry.noop(++index, 1));
  }

  <T extends KvResult> T ok(KvCommand command, Class<T> type) {
    KvResult result = apply(command);
    return assertInstanceOf(type, result, () -> command + " gave " + result);
  }

  KvResult.PutResult put(String key, String value) {
    return ok(KvCommand.Put.of(b(key), b(value)), KvResult.PutResult.class);
  }

  KvResult.PutResult put(KvCommand.Put put) {
    return ok(put, KvResult.PutResult.class);
  }

  KvResult.DeleteRangeResult delete(String key) {
    return ok(KvCommand.DeleteRange.of(b(key)), KvResult.DeleteRangeResult.class);
  }

  KvResult.TxnResult txn(List<Compare> compare, List<RequestOp> success, List<RequestOp> failure) {
    return ok(new KvCommand.Txn(compare, success, failure), KvResult.TxnResult.class);
  }

  KvError fails(KvCommand command) {
    KvResult result = apply(command);
    return assertInstanceOf(KvResult.Failed.class, result, () -> command + " gave " + result).error();
  }

  KvResult.RangeResult range(RangeRequest request) {
    KvResult result = store.range(request);
    return assertInstanceOf(KvResult.RangeResult.class, result, () -> request + " gave " + result);
  }

  KvResult.RangeResult get(String key) {
    return range(RangeRequest.of(b(key)));
  }

  /** The keys a range returned, as strings, in order. */
  static List<String> keys(KvResult.RangeResult result) {
    return result.kvs().stream().map(kv -> kv.key().toStringUtf8()).toList();
  }

  /** The only version of {@code key} at the current revision. */
  KeyValue kv(String key) {
    KvResult.RangeResult result = get(key);
    assertEquals(1, result.kvs().size(), () -> key + " should exist: " + result);
    return result.kvs().get(0);
  }

  long leaseGrant(long id, long ttl, long nowMillis) {
    return ok(new KvCommand.LeaseGrant(id, ttl, nowMillis), KvResult.LeaseGrantResult.class).id();
  }
}
