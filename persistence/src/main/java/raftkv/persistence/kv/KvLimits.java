package raftkv.persistence.kv;

/**
 * The limits the proposing member checks before a request goes into the log ({@link KvValidator}).
 * They are deliberately not used when applying: a member configured differently must still apply
 * the log exactly as the others do.
 *
 * @param maxRequestBytes  the largest encoded command (etcd: {@code --max-request-bytes}, 1.5 MiB)
 * @param maxKeyBytes      the largest key
 * @param maxValueBytes    the largest value
 * @param maxTxnOps        the most operations in one txn (etcd: {@code --max-txn-ops}, 128)
 * @param minLeaseTtl      seconds; shorter grants are raised to it (etcd derives 2 s from its
 *                         default 1 s election timeout: 3/2 of it, rounded up)
 */
public record KvLimits(long maxRequestBytes, long maxKeyBytes, long maxValueBytes, int maxTxnOps, long minLeaseTtl) {

  /** etcd's request limit: 1.5 MiB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1_572_864;

  /** etcd's defaults. Keys and values have no limit of their own there, only the request's. */
  public static final KvLimits DEFAULT =
      new KvLimits(DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES, 128, 2);

  /** etcd's largest lease TTL in seconds ({@code lease.MaxLeaseTTL}); checked when applying. */
  public static final long MAX_LEASE_TTL = 9_000_000_000L;

  public KvLimits {
    if (maxRequestBytes <= 0 || maxKeyBytes <= 0 || maxValueBytes <= 0 || maxTxnOps <= 0 || minLeaseTtl < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxRequestBytes + ", " + maxKeyBytes
          + ", " + maxValueBytes + ", " + maxTxnOps + ", " + minLeaseTtl);
    }
  }
}
