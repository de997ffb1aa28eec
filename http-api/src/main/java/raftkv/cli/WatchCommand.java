package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code watch KEY [RANGE_END]}: etcdctl's watch (not its {@code -i}). Prints every event as it
 * arrives ({@code PUT} or {@code DELETE}, the previous pair with {@code --prev-kv}, then key and
 * value) until the stream ends or the process is stopped; {@code -w json} prints each message's
 * {@code result} on a line.
 */
@Command(name = "watch", description = "Watches events stream on keys or prefixes")
public final class WatchCommand extends CtlCommand {
  /** A watch runs until stopped; the request timeout only bounds the wait for the stream to start. */
  private static final Duration FOREVER = Duration.ofDays(365);

  @Mixin
  KeyRangeArgs range;

  @Option(names = "--rev", defaultValue = "0", description = "Revision to start watching")
  long rev;

  @Option(names = "--prev-kv", description = "get the previous key-value pair before the event happens")
  boolean prevKv;

  @Override
  protected int run(RaftkvCtl global) {
    ObjectNode create = range.putInto(GatewayClient.body());
    if (rev > 0) {
      create.put("start_revision", Long.toString(rev));
    }
    if (prevKv) {
      create.put("prev_kv", true);
    }
    ObjectNode body = GatewayClient.body();
    body.set("create_request", create);
    try (Stream<String> lines = client(global).stream("watch", body, FOREVER)) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        JsonNode result = GatewayClient.streamResult(line);
        if (result.path("canceled").asBoolean(false) || GatewayClient.int64(result, "compact_revision") > 0) {
          throw new CtlException("watch was canceled (" + cancelReason(result) + ")");
        }
        if (result.path("events").isEmpty()) {
          continue; // the creation message, progress notifications
        }
        if (global.writeOut() == WriteOut.json) {
          printJson(result);
        } else {
          result.path("events").forEach(this::printEvent);
        }
        out().flush();
      }
    }
    throw new CtlException("watch stream ended by the server");
  }

  private static String cancelReason(JsonNode result) {
    long compacted = GatewayClient.int64(result, "compact_revision");
    if (compacted > 0) {
      return "etcdserver: mvcc: required revision has been compacted; the oldest revision left is " + compacted;
    }
    return result.path("cancel_reason").asText("canceled by the server");
  }

  private void printEvent(JsonNode event) {
    out().println(event.path("type").asText("PUT"));
    if (event.has("prev_kv")) {
      out().println(GatewayClient.text(event.get("prev_kv"), "key"));
      out().println(GatewayClient.text(event.get("prev_kv"), "value"));
    }
    out().println(GatewayClient.text(event.path("kv"), "key"));
    out().println(GatewayClient.text(event.path("kv"), "value"));
  }
}
