package raftkv.kv;

import raftkv.persistence.kv.KeyRange;

/**
 * What one watch watches, as etcd's {@code WatchCreateRequest}.
 *
 * @param startRevision the first revision to deliver; 0 or less: the next one after now
 * @param prevKv        send each event's previous version of the key
 * @param noPut         leave out PUT events
 * @param noDelete      leave out DELETE events
 */
public record WatchSpec(KeyRange range, long startRevision, boolean prevKv, boolean noPut, boolean noDelete) {}
