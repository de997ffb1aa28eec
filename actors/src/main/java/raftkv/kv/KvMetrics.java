package raftkv.kv;

/**
 * What a {@link KvService} reports about the writes it takes, for the server's metrics (etcd's
 * {@code etcd_server_proposals_*}). Called on the service's actor; implementations must be quick
 * and thread-safe. Every write that passed validation is started once and then either committed
 * or failed once, however often it was sent again meanwhile.
 */
public interface KvMetrics {
  /** Reports nothing. */
  KvMetrics NONE = new KvMetrics() {};

  default void proposalStarted() {}

  /** Applied here, {@code nanos} after the client's request arrived. */
  default void proposalCommitted(long nanos) {}

  /** Not applied here in time (no leader, no quorum, a leader change): the client was told. */
  default void proposalFailed() {}
}
