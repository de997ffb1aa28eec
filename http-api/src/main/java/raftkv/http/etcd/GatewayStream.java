package raftkv.http.etcd;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits the request body of a streaming endpoint ({@code /v3/watch}, {@code /v3/lease/keepalive})
 * into messages as it arrives, the way grpc-gateway's stream handler does: one JSON value after
 * another (any blanks between). If the first message cannot be read, the whole request fails with
 * {@link #UNREADABLE} (before any answer is sent); a later message that cannot be read ends the
 * input silently ({@link #inputClosed()}), while answers for earlier messages go on. Not
 * thread-safe: one per connection.
 */
public final class GatewayStream<T> {
  /**
   * The gRPC code of a first message that cannot be read: INVALID_ARGUMENT (HTTP 400), as for every
   * unary request. etcd's gateway says UNKNOWN (HTTP 500) here, which tells a client that the
   * server failed and a retry may help, when the request is what is wrong.
   */
  public static final int UNREADABLE = GatewayError.INVALID_ARGUMENT;

  interface MessageReader<T> {
    T read(GoJson.Value message, int grpcCode) throws GatewayException;
  }

  private final MessageReader<T> reader;
  private byte[] buffer = new byte[0];
  private int offset;
  private int messages;
  private boolean closed;

  private GatewayStream(MessageReader<T> reader) {
    this.reader = reader;
  }

  public static GatewayStream<GatewayRequests.WatchRequest> watch() {
    return new GatewayStream<>(GatewayRequests::watch);
  }

  public static GatewayStream<GatewayRequests.LeaseKeepAlive> keepAlive() {
    return new GatewayStream<>(GatewayRequests::leaseKeepAlive);
  }

  /** The messages that {@code chunk} completes; throws only for a first message that cannot be read. */
  public List<T> feed(byte[] chunk) throws GatewayException {
    if (closed) {
      return List.of();
    }
    var joined = new ByteArrayOutputStream(buffer.length - offset + chunk.length);
    joined.write(buffer, offset, buffer.length - offset);
    joined.write(chunk, 0, chunk.length);
    buffer = joined.toByteArray();
    offset = 0;
    return drain(false);
  }

  /** The end of the request body: what is left must be whole messages (or blanks). */
  public List<T> finish() throws GatewayException {
    if (closed) {
      return List.of();
    }
    List<T> out = drain(true);
    closed = true;
    return out;
  }

  /** True once a message after the first could not be read, or after {@link #finish}. */
  public boolean inputClosed() {
    return closed;
  }

  private List<T> drain(boolean atEnd) throws GatewayException {
    var out = new ArrayList<T>();
    while (!closed && (atEnd || GoJson.hasCompleteValue(buffer, offset))) {
      try {
        GoJson.Decoded d = GoJson.decodeNext(buffer, offset);
        if (d == null) {
          break;
        }
        offset = d.end();
        out.add(reader.read(d.value(), UNREADABLE));
        messages++;
      } catch (GoJson.SyntaxException e) {
        failed(GatewayException.of(UNREADABLE, e.getMessage()));
      } catch (GatewayException e) {
        failed(e);
      }
    }
    if (offset > 0) {
      buffer = Arrays.copyOfRange(buffer, offset, buffer.length);
      offset = 0;
    }
    return out;
  }

  private void failed(GatewayException e) throws GatewayException {
    if (messages == 0) {
      closed = true;
      throw e;
    }
    closed = true;
  }
}
