package raftkv.http;

import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;

/** How gRPC status codes map to HTTP statuses, as etcd's JSON gateway maps them. */
public final class HttpErrors {
  /** gRPC's Unavailable: no leader, no quorum, a leader change, a timeout. */
  public static final int UNAVAILABLE = 14;

  private HttpErrors() {}

  public static StatusCode status(int grpcCode) {
    return switch (grpcCode) {
      case 0 -> StatusCodes.OK;
      case 1 -> StatusCodes.custom(499, "Client Closed Request", "", false, true);
      case 3, 9, 11 -> StatusCodes.BAD_REQUEST;
      case 4 -> StatusCodes.GATEWAY_TIMEOUT;
      case 5 -> StatusCodes.NOT_FOUND;
      case 6, 10 -> StatusCodes.CONFLICT;
      case 7 -> StatusCodes.FORBIDDEN;
      case 8 -> StatusCodes.TOO_MANY_REQUESTS;
      case 12 -> StatusCodes.NOT_IMPLEMENTED;
      case 14 -> StatusCodes.SERVICE_UNAVAILABLE;
      case 16 -> StatusCodes.UNAUTHORIZED;
      default -> StatusCodes.INTERNAL_SERVER_ERROR;
    };
  }
}
