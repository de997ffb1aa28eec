package raftkv.kv;

import raftkv.persistence.kv.KvCommand;

/**
 * Puts the proposing member's wall clock into lease commands. The store keeps lease deadlines on
 * the clock of the commands that set them, and the leader compares them with its own when it
 * looks for expired leases: so members' clocks must agree to well within the shortest TTL (as
 * NTP keeps them). A new leader renews every lease from its own clock first
 * ({@link KvCommand.LeaseRenewAll}), so a leader change never expires a lease early.
 */
final class LeaseClock {
  private LeaseClock() {}

  static KvCommand stamp(KvCommand command, long nowMillis) {
    if (command instanceof KvCommand.LeaseGrant g) {
      return new KvCommand.LeaseGrant(g.id(), g.ttl(), nowMillis);
    }
    if (command instanceof KvCommand.LeaseKeepAlive k) {
      return new KvCommand.LeaseKeepAlive(k.id(), nowMillis);
    }
    return command;
  }
}
