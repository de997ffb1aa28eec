package raftkv.server.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import raftkv.testing.MemberProcess;
import raftkv.testing.TestJvm;

/**
 * Runs every tested example of {@code docs/api.md} with the real {@code curl} against real
 * servers, and compares its output with the page.
 *
 * <p><b>Convention.</b> A tested example is a fenced block whose info string is {@code console}
 * (run on the page's server) or {@code console no-quorum} (run on a member without a quorum).
 * In it, each line starting with {@code $ } is a command for {@code bash -c}; the lines up to
 * the next command or the end of the block are its expected stdout (stderr and the exit status
 * are not compared: {@code curl --max-time} ends a stream with status 28 on purpose). Other
 * blocks ({@code ```}, {@code ```json}, ...) are not run.
 *
 * <p><b>Servers.</b> {@code console} blocks run in page order on one fresh one-member server
 * ({@code raftkv.server.Main} with only {@code --data-dir} and the two URLs, so its name is
 * {@code default}), so their revisions follow from one another. {@code console no-quorum}
 * blocks run, in page order, on member {@code n1} of a two-member cluster whose {@code n2} is
 * never started. The page writes both as {@code 127.0.0.1:2379} (client) and
 * {@code 127.0.0.1:2380} (peer); the test puts the real addresses into the commands and puts
 * them back into the actual output.
 *
 * <p><b>Masked</b> on both sides before comparing: the values of {@code cluster_id},
 * {@code member_id}, {@code raft_term}, {@code raftTerm}, {@code leader}, {@code raftIndex},
 * {@code raftAppliedIndex}, {@code dbSize}, {@code dbSizeInUse}, a member's {@code ID} in a
 * member list (they depend on the ports, on elections and on the disk), the remaining
 * {@code TTL} of a lease in a {@code timetolive} answer (the one before {@code grantedTTL}: it
 * depends on the clock), and the {@code Date:} header. CRLF is read as LF, and trailing newlines
 * are ignored (a GET of one key answers the value without one).
 *
 * <p><b>Streams</b> must end by themselves: {@code curl -N --max-time S}, or {@code | head -n K}
 * to stop at the K-th line. A command's output is read until its stdout closes (for a pipe into
 * {@code head}: when head exits), then the command and everything it started is killed, so a
 * {@code curl} left behind by {@code head} does not hold the test up. Each command has
 * {@link #COMMAND_TIMEOUT}.
 */
class ApiDocTest {
  private static final Path DOC = Path.of("..", "docs", "api.md");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(40);
  private static final String DOC_CLIENT = "127.0.0.1:2379";
  private static final String DOC_PEER = "127.0.0.1:2380";
  private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*(.*)$");
  private static final List<Pattern> MASKS = List.of(
      Pattern.compile("\"(cluster_id|member_id|raft_term|raftTerm|leader|raftIndex|raftAppliedIndex|dbSize|dbSizeInUse)\":\"\\d+\""),
      Pattern.compile("\"(ID)\":\"\\d+\",\"name\""),
      Pattern.compile("\"(TTL)\":\"-?\\d+\",\"grantedTTL\""),
      Pattern.compile("(?m)^(Date): .*$"));

  @TempDir
  static Path tmp;

  private static Server page;
  private static Server noQuorum;

  /** One server the examples run on: its process and its real addresses. */
  record Server(MemberProcess process, String client, String peer) {}

  /** One example: where it is on the page, its command and its expected output. */
  record Example(int line, String server, String command, String expected) {}

  @BeforeAll
  static void start() throws Exception {
    int client = TestJvm.freePort();
    int peer = TestJvm.freePort();
    page = server("page", List.of(
        "--data-dir", tmp.resolve("page/data").toString(),
        "--listen-client-urls", "http://127.0.0.1:" + client,
        "--listen-peer-urls", "http://127.0.0.1:" + peer), client, peer);
    int nqClient = TestJvm.freePort();
    int nqPeer = TestJvm.freePort();
    noQuorum = server("no-quorum", List.of(
        "--name", "n1",
        "--data-dir", tmp.resolve("no-quorum/data").toString(),
        "--listen-client-urls", "http://127.0.0.1:" + nqClient,
        "--listen-peer-urls", "http://127.0.0.1:" + nqPeer,
        "--initial-cluster", "n1=http://127.0.0.1:" + nqPeer + ",n2=http://127.0.0.1:" + TestJvm.freePort()),
        nqClient, nqPeer);
    page.process().start();
    noQuorum.process().start();
    page.process().awaitReady(READY_TIMEOUT);
    noQuorum.process().awaitReady(READY_TIMEOUT);
    awaitLeader(page);
  }

  private static Server server(String id, List<String> args, int client, int peer) {
    var process = new MemberProcess(id, tmp.resolve(id), TestJvm.java(tmp.resolve("jvm-tmp"), "raftkv.server.Main", args),
        "raftkv: member ", null);
    return new Server(process, "127.0.0.1:" + client, "127.0.0.1:" + peer);
  }

  /**
   * Until the one-member server has elected itself: a linearizable read of a key that does not
   * exist waits inside the server for a leader (up to its request timeout), then answers 404;
   * it changes no revision.
   */
  private static void awaitLeader(Server server) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    int status = 0;
    while (System.nanoTime() < deadline) {
      status = http.send(HttpRequest.newBuilder(URI.create("http://" + server.client() + "/kv/api-doc-test-ready"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 404) {
        return;
      }
    }
    fail("the page's server had no leader within " + READY_TIMEOUT + " (last status " + status + ")\n"
        + server.process().describe());
  }

  @AfterAll
  static void stop() {
    for (Server s : new Server[] {page, noQuorum}) {
      if (s != null) {
        s.process().destroy();
      }
    }
  }

  @Test
  void everyTestedExampleAnswersAsDocumented() throws Exception {
    List<Example> examples = parse(Files.readAllLines(DOC, StandardCharsets.UTF_8));
    assertTrue(examples.size() > 20, "expected the page's examples, found " + examples.size());
    assertTrue(examples.stream().anyMatch(e -> e.server().equals("no-quorum")), "no no-quorum example found");
    List<String> failures = new ArrayList<>();
    for (Example e : examples) {
      Server server = e.server().equals("no-quorum") ? noQuorum : page;
      String actual = run(e.command(), server);
      String want = normalize(e.expected());
      String got = normalize(actual);
      if (!want.equals(got)) {
        failures.add("docs/api.md:" + e.line() + " [" + (e.server().isEmpty() ? "page" : e.server()) + "]\n"
            + "$ " + e.command() + "\n--- expected:\n" + e.expected() + "\n--- actual:\n" + actual + "\n");
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + examples.size() + " examples differ from docs/api.md:\n\n"
          + String.join("\n", failures));
    }
  }

  /** The {@code $ } commands of the {@code console} blocks, with what follows each. */
  static List<Example> parse(List<String> lines) {
    List<Example> out = new ArrayList<>();
    String server = null; // inside a tested block: its server ("" or "no-quorum")
    boolean inFence = false;
    int commandLine = 0;
    String command = null;
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        if (!inFence) {
          inFence = true;
          server = fence.group(1).equals("console") ? fence.group(2).trim() : null;
        } else {
          if (command != null) {
            out.add(new Example(commandLine, server, command, expected.toString()));
          }
          inFence = false;
          server = null;
          command = null;
        }
        continue;
      }
      if (server == null) {
        continue;
      }
      if (line.startsWith("$ ")) {
        if (command != null) {
          out.add(new Example(commandLine, server, command, expected.toString()));
        }
        command = line.substring(2);
        commandLine = i + 1;
        expected.setLength(0);
      } else if (command != null) {
        expected.append(line).append('\n');
      }
    }
    return out;
  }

  /** Runs one command with the server's real addresses; its stdout, addresses put back as the page has them. */
  private static String run(String command, Server server) throws Exception {
    String real = command.replace(DOC_CLIENT, server.client()).replace(DOC_PEER, server.peer());
    Process p = new ProcessBuilder("bash", "-c", real)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    byte[] bytes;
    try {
      bytes = stdout.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      bytes = ("(no end of output within " + COMMAND_TIMEOUT.toSeconds() + " s)").getBytes(StandardCharsets.UTF_8);
    } finally {
      // A curl that head left behind (or a stream without --max-time) ends here.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    return new String(bytes, StandardCharsets.UTF_8)
        .replace(server.client(), DOC_CLIENT).replace(server.peer(), DOC_PEER);
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return ("(reading the output failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
    }
  }

  /** CRLF as LF, no trailing newlines, the masked values as {@code *}. */
  static String normalize(String output) {
    String s = output.replace("\r\n", "\n").replaceAll("\n+$", "");
    for (Pattern mask : MASKS) {
      s = mask.matcher(s).replaceAll(m -> Matcher.quoteReplacement(
          m.group().startsWith("Date") ? "Date: *" : maskedValue(m.group(), m.group(1))));
    }
    return s;
  }

  private static String maskedValue(String match, String field) {
    // "field":"123" and what follows the value (",\"name\"" etc.) kept as written.
    String prefix = "\"" + field + "\":\"";
    int end = match.indexOf('"', prefix.length());
    return prefix + "*" + match.substring(end);
  }
}
