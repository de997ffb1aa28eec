package raftkv.persistence.kv;

import java.util.List;

/**
 * What one command did: its answer, and the changes of the revision it made (empty if it made
 * none), from which the store tells its watch listeners.
 */
record Applied(KvResult result, List<KeyValue> changes) {

  static Applied failed(KvError error) {
    return new Applied(new KvResult.Failed(error), List.of());
  }

  static Applied unchanged(KvResult result) {
    return new Applied(result, List.of());
  }
}
