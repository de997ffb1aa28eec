package raftkv.http.etcd;

/**
 * A request etcd's gateway would refuse, with the answer it would give: the HTTP status, the gRPC
 * code and the message of its error body ({@link GatewayResponses#error(GatewayException)}). The
 * only exception the request parsers throw.
 */
public final class GatewayException extends Exception {
  private final int httpStatus;
  private final int grpcCode;

  public GatewayException(int httpStatus, int grpcCode, String message) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }

  /** The gateway's answer to a gRPC status: the HTTP status follows from the code. */
  public static GatewayException of(int grpcCode, String message) {
    return new GatewayException(GatewayError.httpStatus(grpcCode), grpcCode, message);
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int grpcCode() {
    return grpcCode;
  }

  @Override
  public String toString() {
    return "GatewayException(" + httpStatus + ", " + grpcCode + ", " + getMessage() + ")";
  }
}
