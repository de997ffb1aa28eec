package raftkv.persistence.kv;

import java.util.List;

/**
 * A lease as the store knows it. The store keeps a deadline on the leader's clock (the one given
 * in the last grant, keepalive or renew-all command); how much of it remains is for the caller to
 * work out against the same clock, with {@link #remainingSeconds}.
 *
 * @param grantedTtl     seconds, as granted
 * @param deadlineMillis when the lease runs out, on the clock of the commands' {@code nowMillis}
 * @param keys           the keys attached, in key order
 */
public record LeaseInfo(long id, long grantedTtl, long deadlineMillis, List<Bytes> keys) {

  public LeaseInfo {
    keys = List.copyOf(keys);
  }

  /**
   * Whole seconds left at {@code nowMillis}, truncated as etcd's {@code LeaseTimeToLive} does, and
   * never below 0 (a lease past its deadline lives until its expiry goes through the log).
   */
  public long remainingSeconds(long nowMillis) {
    return Math.max(0, (deadlineMillis - nowMillis) / 1000);
  }
}
