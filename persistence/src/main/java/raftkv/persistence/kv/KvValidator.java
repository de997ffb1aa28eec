package raftkv.persistence.kv;

import java.util.List;
import java.util.Optional;

/**
 * What the member that takes a client request checks before proposing it, so that a request etcd
 * would refuse never reaches the log: etcd's request checks with this member's op limit, then the
 * key, value and request sizes, then the lease TTL. The store itself needs no state for any of
 * these; the checks that do (missing key or lease, compacted revision) happen when applying.
 */
public final class KvValidator {
  private final KvLimits limits;

  public KvValidator(KvLimits limits) {
    this.limits = limits;
  }

  public KvLimits limits() {
    return limits;
  }

  public Optional<KvError> check(KvCommand command) {
    Optional<KvError> error = RequestChecks.check(command, limits.maxTxnOps());
    if (error.isPresent()) {
      return error;
    }
    if (command instanceof RequestOp op && !withinSizes(op)) {
      return Optional.of(KvError.REQUEST_TOO_LARGE);
    }
    if (KvCommandCodec.encode(command).length > limits.maxRequestBytes()) {
      return Optional.of(KvError.REQUEST_TOO_LARGE);
    }
    if (command instanceof KvCommand.LeaseGrant grant && grant.ttl() > KvLimits.MAX_LEASE_TTL) {
      return Optional.of(KvError.LEASE_TTL_TOO_LARGE);
    }
    return Optional.empty();
  }

  /** A read served without the log gets the same request check as one inside a txn. */
  public Optional<KvError> check(RangeRequest range) {
    Optional<KvError> error = RequestChecks.checkRange(range);
    if (error.isPresent()) {
      return error;
    }
    return withinSizes(range) ? Optional.empty() : Optional.of(KvError.REQUEST_TOO_LARGE);
  }

  /**
   * The command as it should be proposed: a lease grant shorter than the minimum TTL is raised to
   * it, as etcd's lessor does. Done here, not when applying, so that the TTL in the log is the
   * one every member grants whatever its own configuration.
   */
  public KvCommand normalize(KvCommand command) {
    if (command instanceof KvCommand.LeaseGrant grant && grant.ttl() < limits.minLeaseTtl()) {
      return new KvCommand.LeaseGrant(grant.id(), limits.minLeaseTtl(), grant.nowMillis());
    }
    return command;
  }

  private boolean withinSizes(RequestOp op) {
    if (op instanceof RangeRequest r) {
      return keyFits(r.key()) && keyFits(r.rangeEnd());
    }
    if (op instanceof KvCommand.Put p) {
      return keyFits(p.key()) && p.value().size() <= limits.maxValueBytes();
    }
    if (op instanceof KvCommand.DeleteRange d) {
      return keyFits(d.key()) && keyFits(d.rangeEnd());
    }
    var txn = (KvCommand.Txn) op;
    for (Compare c : txn.compare()) {
      if (!keyFits(c.key()) || !keyFits(c.rangeEnd()) || c.value().size() > limits.maxValueBytes()) {
        return false;
      }
    }
    for (List<RequestOp> branch : List.of(txn.success(), txn.failure())) {
      for (RequestOp inner : branch) {
        if (!withinSizes(inner)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean keyFits(Bytes key) {
    return key.size() <= limits.maxKeyBytes();
  }
}
