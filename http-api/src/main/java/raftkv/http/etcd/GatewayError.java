package raftkv.http.etcd;

import raftkv.persistence.kv.KvError;

/**
 * etcd 3.4's errors that do not come from the store, in one place: the texts and codes of its
 * {@code rpctypes} (for the HTTP layer: no quorum, timeouts), and the gateway's mapping of a gRPC
 * code to an HTTP status (grpc-gateway v1 as vendored by etcd 3.4: note FAILED_PRECONDITION is
 * 412, as a running etcd answers a duplicate lease grant, not 400).
 */
public final class GatewayError {
  private GatewayError() {}

  /** gRPC status codes. */
  public static final int OK = 0;
  public static final int CANCELED = 1;
  public static final int UNKNOWN = 2;
  public static final int INVALID_ARGUMENT = 3;
  public static final int DEADLINE_EXCEEDED = 4;
  public static final int NOT_FOUND = 5;
  public static final int ALREADY_EXISTS = 6;
  public static final int PERMISSION_DENIED = 7;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int FAILED_PRECONDITION = 9;
  public static final int ABORTED = 10;
  public static final int OUT_OF_RANGE = 11;
  public static final int UNIMPLEMENTED = 12;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;
  public static final int DATA_LOSS = 15;
  public static final int UNAUTHENTICATED = 16;

  /** No leader known (etcd's {@code ErrGRPCNoLeader}): 503. */
  public static final GatewayException NO_LEADER = GatewayException.of(UNAVAILABLE, "etcdserver: no leader");

  /** A proposal or read index not answered in time ({@code ErrGRPCTimeout}): 503. */
  public static final GatewayException REQUEST_TIMED_OUT =
      GatewayException.of(UNAVAILABLE, "etcdserver: request timed out");

  /** {@code ErrGRPCTimeoutDueToLeaderFail}: 503. */
  public static final GatewayException TIMED_OUT_LEADER_FAIL =
      GatewayException.of(UNAVAILABLE, "etcdserver: request timed out, possibly due to previous leader failure");

  /** {@code ErrGRPCTimeoutDueToConnectionLost}: 503. */
  public static final GatewayException TIMED_OUT_CONNECTION_LOST =
      GatewayException.of(UNAVAILABLE, "etcdserver: request timed out, possibly due to connection lost");

  /** {@code ErrGRPCLeaderChanged}: 503. */
  public static final GatewayException LEADER_CHANGED = GatewayException.of(UNAVAILABLE, "etcdserver: leader changed");

  /** {@code ErrGRPCStopped}: 503. */
  public static final GatewayException STOPPED = GatewayException.of(UNAVAILABLE, "etcdserver: server stopped");

  /** {@code ErrGRPCUnhealthy}: 503. */
  public static final GatewayException UNHEALTHY = GatewayException.of(UNAVAILABLE, "etcdserver: unhealthy cluster");

  /** {@code ErrGRPCRequestTooManyRequests}: 429. */
  public static final GatewayException TOO_MANY_REQUESTS =
      GatewayException.of(RESOURCE_EXHAUSTED, "etcdserver: too many requests");

  /** The client's deadline passed (gRPC's own text): 504. */
  public static final GatewayException DEADLINE = GatewayException.of(DEADLINE_EXCEEDED, "context deadline exceeded");

  /** The client went away (gRPC's own text): 408. */
  public static final GatewayException CONTEXT_CANCELED = GatewayException.of(CANCELED, "context canceled");

  /**
   * A txn operation with no request in it ({@code {}}): etcd 3.4 answers this (its nil request
   * fails the put check), so do we, before proposing.
   */
  public static final GatewayException EMPTY_REQUEST_OP =
      GatewayException.of(INVALID_ARGUMENT, KvError.KEY_NOT_FOUND.message());

  /**
   * Not etcd's: a {@code null} where a message belongs in a list or a txn operation
   * ({@code "compare":[null]}). etcd 3.4 crashes the request's goroutine (the connection drops
   * with no answer); we answer 400 instead.
   */
  public static GatewayException nullMessage(String type) {
    return GatewayException.of(INVALID_ARGUMENT, "raftkv: null is not a valid " + type);
  }

  /** A store error as etcd answers it. */
  public static GatewayException of(KvError error) {
    return GatewayException.of(error.grpcCode(), error.message());
  }

  /** grpc-gateway v1's {@code HTTPStatusFromCode}, as in etcd 3.4. */
  public static int httpStatus(int grpcCode) {
    return switch (grpcCode) {
      case OK -> 200;
      case CANCELED -> 408;
      case UNKNOWN -> 500;
      case INVALID_ARGUMENT -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      case FAILED_PRECONDITION -> 412;
      case ABORTED -> 409;
      case OUT_OF_RANGE -> 400;
      case UNIMPLEMENTED -> 501;
      case INTERNAL -> 500;
      case UNAVAILABLE -> 503;
      case DATA_LOSS -> 500;
      default -> 500;
    };
  }
}
