package raftkv.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * HTTP/1.1 over a plain socket, for the abuse {@code java.net.http} refuses to send: any bytes as
 * the request, a body cut short, a body a byte at a time, headers no client would write. One
 * connection per exchange; the answer is parsed just enough to judge it.
 */
final class RawHttp {
  /** How long a member may take to answer anything before it counts as hung. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_HEAD = 64 * 1024;

  /** How much of an answer to read. */
  enum Read {
    /** Status, headers and body. */
    WHOLE,
    /** The head of a 200 (a stream: its body does not end), the whole of any other answer. */
    HEAD_OF_200,
    /** The head only: the answer to a HEAD request has no body. */
    HEAD
  }

  /** Writes the request (or what the case sends of it) to the connection. */
  @FunctionalInterface
  interface Sender {
    void send(Socket socket, OutputStream out) throws IOException, InterruptedException;
  }

  /**
   * What came back: a status, or 0 when the member closed the connection without one, or -1 when
   * nothing came within {@link #ANSWER_TIMEOUT} (a hang). Header names in lower case.
   */
  record Answer(int status, String statusLine, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      String b = text();
      return (statusLine.isEmpty() ? String.valueOf(status) : statusLine) + " " + headers + " "
          + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
    }
  }

  private final InetSocketAddress member;

  RawHttp(InetSocketAddress member) {
    this.member = member;
  }

  /**
   * Sends, then reads one answer. A failure to write is not an error: a member may answer and close
   * before it has read everything (a body too large), and the answer is what counts.
   */
  Answer exchange(Sender sender, Read what) throws InterruptedException {
    try (Socket socket = new Socket()) {
      socket.connect(member, (int) ANSWER_TIMEOUT.toMillis());
      socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      try {
        sender.send(socket, out);
        out.flush();
      } catch (IOException e) {
        // the member stopped reading; its answer, if any, is already on the way
      }
      return read(new BufferedInputStream(socket.getInputStream()), what);
    } catch (SocketTimeoutException e) {
      return new Answer(-1, "", Map.of(), ("no answer within " + ANSWER_TIMEOUT.toSeconds() + " s").getBytes());
    } catch (IOException e) {
      return new Answer(0, "", Map.of(), e.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A whole request as bytes: a request line, headers, and a body with its Content-Length. */
  static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
    var head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    var all = new ByteArrayOutputStream(h.length + (body == null ? 0 : body.length));
    all.writeBytes(h);
    if (body != null) {
      all.writeBytes(body);
    }
    return all.toByteArray();
  }

  private static Answer read(InputStream in, Read what) throws IOException {
    String statusLine = line(in);
    while (statusLine != null && statusLine.matches("HTTP/1\\.1 1[0-9][0-9]( .*)?")) {
      // an interim answer (100 Continue): its empty head, then the real answer
      while (!Objects.requireNonNullElse(line(in), "").isEmpty()) {
        // no headers expected, none needed
      }
      statusLine = line(in);
    }
    if (statusLine == null) {
      return new Answer(0, "", Map.of(), "closed without an answer".getBytes(StandardCharsets.UTF_8));
    }
    int status = statusOf(statusLine);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String line;
    while ((line = line(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      String name = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1).trim();
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
    }
    if (line == null || what == Read.HEAD || (what == Read.HEAD_OF_200 && status == 200)) {
      return new Answer(status, statusLine, headers, new byte[0]);
    }
    List<String> length = headers.get("content-length");
    byte[] body;
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length.get(0)));
    } else if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
      body = chunked(in);
    } else {
      body = in.readAllBytes();
    }
    return new Answer(status, statusLine, headers, body);
  }

  /** The status code of a well-formed status line, or 0 for a line that is not one. */
  private static int statusOf(String statusLine) {
    if (!statusLine.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
      return 0;
    }
    return Integer.parseInt(statusLine.substring(9, 12));
  }

  private static byte[] chunked(InputStream in) throws IOException {
    var body = new ByteArrayOutputStream();
    String size;
    while ((size = line(in)) != null) {
      int n = Integer.parseInt(size.split(";")[0].trim(), 16);
      if (n == 0) {
        break;
      }
      body.writeBytes(in.readNBytes(n));
      line(in);
    }
    return body.toByteArray();
  }

  /** One CRLF-terminated line (ISO-8859-1), or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    var s = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int end = s.length() > 0 && s.charAt(s.length() - 1) == '\r' ? s.length() - 1 : s.length();
        return s.substring(0, end);
      }
      if (s.length() > MAX_HEAD) {
        throw new IOException("a line of the answer's head is longer than " + MAX_HEAD + " bytes");
      }
      s.append((char) c);
    }
    return s.length() == 0 ? null : s.toString();
  }
}
