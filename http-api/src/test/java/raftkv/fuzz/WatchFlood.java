package raftkv.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many watches at once over real connections: {@code /v3/watch} streams each carrying many
 * create requests in one chunked body, opened together, every watch confirmed, then all dropped
 * without a word (the connection closed, as a client that crashes does).
 */
final class WatchFlood {
  private final InetSocketAddress member;

  WatchFlood(InetSocketAddress member) {
    this.member = member;
  }

  /** An open watch stream, its watches all created. */
  static final class Stream implements AutoCloseable {
    private final Socket socket;

    private Stream(Socket socket) {
      this.socket = socket;
    }

    /** Drops the connection: a reset, not a goodbye. */
    @Override
    public void close() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }
  }

  /**
   * Opens {@code streams} connections with {@code watchesEach} watches each on keys under
   * {@code prefix}, all at once, and returns them once the member confirmed every watch.
   */
  List<Stream> open(int streams, int watchesEach, String prefix) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(streams, 64));
    try {
      List<Future<Stream>> opening = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        String streamPrefix = prefix + s + "/";
        opening.add(pool.submit(() -> stream(watchesEach, streamPrefix)));
      }
      List<Stream> open = new ArrayList<>();
      for (Future<Stream> f : opening) {
        open.add(f.get(60, TimeUnit.SECONDS));
      }
      return open;
    } finally {
      pool.shutdownNow();
    }
  }

  private Stream stream(int watches, String prefix) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(member, (int) RawHttp.ANSWER_TIMEOUT.toMillis());
      socket.setSoTimeout((int) RawHttp.ANSWER_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v3/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      var body = new StringBuilder();
      for (int i = 0; i < watches; i++) {
        body.append("{\"create_request\":{\"key\":").append(JsonMutator.b64(prefix + i)).append("}}\n");
      }
      byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII)); // the body goes on: the stream stays open
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String status = line(in);
      assertEquals("HTTP/1.1 200 OK", status, "a watch stream of " + watches + " watches");
      while (!line(in).isEmpty()) {
        // the answer's headers
      }
      int created = 0;
      var pending = new StringBuilder();
      while (created < watches) {
        int size = Integer.parseInt(line(in).trim(), 16);
        assertTrue(size > 0, "the stream ended after " + created + " of " + watches + " watches were created");
        pending.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
        line(in);
        int end;
        while ((end = pending.indexOf("\n")) >= 0) {
          String message = pending.substring(0, end);
          pending.delete(0, end + 1);
          assertTrue(message.contains("\"created\":true"), "not a created watch: " + message);
          created++;
        }
      }
      return new Stream(socket);
    } catch (IOException | RuntimeException | Error e) {
      socket.close();
      throw e;
    }
  }

  private static String line(InputStream in) throws IOException {
    var s = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c == -1) {
        throw new IOException("the watch stream ended; so far: " + s);
      }
      if (c != '\r') {
        s.append((char) c);
      }
    }
    return s.toString();
  }
}
