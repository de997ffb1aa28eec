package raftkv.kv;

import com.typesafe.config.Config;
import java.time.Duration;
import raftkv.persistence.kv.KvLimits;

/**
 * The {@code raftkv.kv} section of the configuration (documented in {@code reference.conf}).
 *
 * @param requestTimeout     how long a write or linearizable read may wait for a leader and a commit
 * @param retryInterval      pause before asking again when no leader is known
 * @param leaseCheckInterval how often the leader looks for expired leases
 * @param limits             what a request may hold
 */
public record KvSettings(Duration requestTimeout, Duration retryInterval, Duration leaseCheckInterval, KvLimits limits) {

  public static KvSettings fromConfig(Config config) {
    Config c = config.getConfig("raftkv.kv");
    return new KvSettings(
        c.getDuration("request-timeout"),
        c.getDuration("retry-interval"),
        c.getDuration("lease-check-interval"),
        new KvLimits(
            c.getBytes("max-request-bytes"),
            c.getBytes("max-key-bytes"),
            c.getBytes("max-value-bytes"),
            c.getInt("max-txn-ops"),
            c.getDuration("min-lease-ttl").toSeconds()));
  }
}
