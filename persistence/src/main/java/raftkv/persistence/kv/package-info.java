/**
 * The key-value state machine: etcd v3's data model, applied from the Raft log.
 *
 * <h2>For the actor and HTTP layers</h2>
 * <ul>
 *   <li>A write: build a {@link raftkv.persistence.kv.KvCommand}, check it with
 *       {@link raftkv.persistence.kv.KvValidator#check} (answer the client with the
 *       {@link raftkv.persistence.kv.KvError} if any: nothing is proposed), propose
 *       {@code KvCommandCodec.encode(validator.normalize(command))}, and decode what
 *       {@code StateMachine.apply} returned for the entry with {@link raftkv.persistence.kv.KvResultCodec}.</li>
 *   <li>A read: {@link raftkv.persistence.kv.KvStore#range}, after the read index is applied
 *       (linearizable) or at once (serializable).</li>
 *   <li>Leases: the leader proposes {@code LeaseExpire} for each of
 *       {@link raftkv.persistence.kv.KvStore#expiredLeases} on its clock, {@code LeaseKeepAlive}
 *       for keepalives, and {@code LeaseRenewAll} once when it becomes leader, before any expiry.</li>
 *   <li>Watches: {@link raftkv.persistence.kv.KvStore#replay} from the start revision, then
 *       {@link raftkv.persistence.kv.KvWatchListener} events after {@code Events.currentRevision()}.</li>
 * </ul>
 *
 * <h2>Choices that are not obvious</h2>
 * <ul>
 *   <li>Apply never depends on member configuration: limits (sizes, txn ops, minimum lease TTL)
 *       are enforced by the proposer; apply repeats only the configuration-free request checks.
 *       etcd applies its minimum TTL when applying, from each member's own election timeout; here
 *       the TTL in the log is the one granted.</li>
 *   <li>No clock and no randomness: lease deadlines come from the leader's {@code nowMillis} in
 *       the command; a server-chosen lease id is mixed from the log index.</li>
 *   <li>etcd's quirks are kept where a client could see them (checked against etcd 3.4.23): a
 *       {@code "\0"} range end escapes the duplicate-key check, nested txn responses have an empty
 *       header (revision 0 here), range {@code count} ignores the revision filters, compacting at
 *       0 succeeds once, events at the compaction revision have no prev_kv.</li>
 * </ul>
 */
package raftkv.persistence.kv;
