package raftkv.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One streaming answer of the etcd gateway ({@code /v3/watch}, {@code /v3/lease/keepalive}) read
 * line by line with deadlines: such an answer never ends by itself, so a reader thread puts its
 * lines in a queue and {@link #next} waits for one at most so long. {@link #close} cancels the
 * request (the client goes away, which ends the stream on the server).
 */
final class LineStream implements AutoCloseable {
  /** What {@link #next} returns once the server ended the answer. */
  static final String END = "<end of stream>";

  private final int status;
  private final InputStream body;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private LineStream(int status, InputStream body, String name) {
    this.status = status;
    this.body = body;
    Thread reader = new Thread(this::pump, "line-stream-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * POSTs {@code requestBody} (all of the stream's request messages) and waits up to
   * {@code timeout} for the answer's status line and headers.
   */
  static LineStream open(HttpClient http, URI uri, String requestBody, Duration timeout) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .POST(HttpRequest.BodyPublishers.ofString(requestBody, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json")
        .build();
    HttpResponse<InputStream> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return new LineStream(response.statusCode(), response.body(), uri.getAuthority());
  }

  int status() {
    return status;
  }

  /** The next line, {@link #END} if the answer ended, or null if none came within {@code timeout}. */
  String next(Duration timeout) throws InterruptedException {
    return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      // closed by us, or the connection broke: the end either way
    }
    lines.add(END);
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // the connection is gone already
    }
  }
}
