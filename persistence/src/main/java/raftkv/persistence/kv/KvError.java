package raftkv.persistence.kv;

/**
 * The errors the store gives, with etcd 3.4's message and gRPC status code (checked against a
 * running etcd 3.4.23 through its JSON gateway), so the HTTP layer can answer as etcd does.
 */
public enum KvError {
  EMPTY_KEY("etcdserver: key is not provided", GrpcCode.INVALID_ARGUMENT),
  KEY_NOT_FOUND("etcdserver: key not found", GrpcCode.INVALID_ARGUMENT),
  VALUE_PROVIDED("etcdserver: value is provided", GrpcCode.INVALID_ARGUMENT),
  LEASE_PROVIDED("etcdserver: lease is provided", GrpcCode.INVALID_ARGUMENT),
  TOO_MANY_OPS("etcdserver: too many operations in txn request", GrpcCode.INVALID_ARGUMENT),
  DUPLICATE_KEY("etcdserver: duplicate key given in txn request", GrpcCode.INVALID_ARGUMENT),
  REQUEST_TOO_LARGE("etcdserver: request is too large", GrpcCode.INVALID_ARGUMENT),
  COMPACTED("etcdserver: mvcc: required revision has been compacted", GrpcCode.OUT_OF_RANGE),
  FUTURE_REVISION("etcdserver: mvcc: required revision is a future revision", GrpcCode.OUT_OF_RANGE),
  LEASE_NOT_FOUND("etcdserver: requested lease not found", GrpcCode.NOT_FOUND),
  LEASE_EXISTS("etcdserver: lease already exists", GrpcCode.FAILED_PRECONDITION),
  LEASE_TTL_TOO_LARGE("etcdserver: too large lease TTL", GrpcCode.OUT_OF_RANGE),
  /** Not an etcd error: a log entry whose data is no command this version knows. */
  MALFORMED_COMMAND("raftkv: malformed command in the log", GrpcCode.INTERNAL);

  /** The gRPC status codes used above (the gateway puts the number in {@code "code"}). */
  public static final class GrpcCode {
    public static final int INVALID_ARGUMENT = 3;
    public static final int NOT_FOUND = 5;
    public static final int FAILED_PRECONDITION = 9;
    public static final int OUT_OF_RANGE = 11;
    public static final int INTERNAL = 13;

    private GrpcCode() {}
  }

  private final String message;
  private final int grpcCode;

  KvError(String message, int grpcCode) {
    this.message = message;
    this.grpcCode = grpcCode;
  }

  public String message() {
    return message;
  }

  public int grpcCode() {
    return grpcCode;
  }
}
