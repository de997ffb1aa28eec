package raftkv.jepsen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Every operation a run's clients did, as they recorded it, thread-safe. */
final class History {
  /**
   * One recorded operation and what else its client saw.
   *
   * @param worker   the thread that ran it (a worker runs one operation at a time); its logical
   *                 client ({@link Op#client()}) changes after every unknown outcome
   * @param member   the member it went to
   * @param revision the response header's revision (0 without an answer)
   * @param error    why it was not OK, or null
   */
  record Entry(Op op, int worker, String member, long revision, boolean serializable, String error) {}

  final long origin = System.nanoTime();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger clients = new AtomicInteger();
  private final List<Entry> entries = new ArrayList<>();

  long nextId() {
    return ids.incrementAndGet();
  }

  int newClient() {
    return clients.getAndIncrement();
  }

  synchronized void add(Entry entry) {
    entries.add(entry);
  }

  synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  List<Op> ops() {
    return entries().stream().map(Entry::op).toList();
  }

  /** One JSON object per line; times in milliseconds since the run began. */
  void writeJsonLines(Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Entry e : entries()) {
        Op op = e.op();
        ObjectNode line = GatewayClient.JSON.createObjectNode()
            .put("id", op.id()).put("client", op.client()).put("worker", e.worker()).put("member", e.member())
            .put("key", op.key()).put("kind", op.kind().name().toLowerCase())
            .put("value", op.value()).put("expected", op.expected())
            .put("outcome", op.outcome().name().toLowerCase())
            .put("invoked_ms", millis(op.invokedAt()));
        if (op.kind() == Op.Kind.CAS && op.outcome() == Op.Outcome.OK) {
          line.put("matched", op.casMatched());
        }
        if (op.kind() == Op.Kind.READ) {
          line.put("serializable", e.serializable());
        }
        if (op.completedAt() != Long.MAX_VALUE) {
          line.put("completed_ms", millis(op.completedAt()));
        }
        if (e.revision() > 0) {
          line.put("revision", e.revision());
        }
        if (e.error() != null) {
          line.put("error", e.error());
        }
        out.write(line.toString());
        out.write('\n');
      }
    }
  }

  double millis(long nanos) {
    return Math.round((nanos - origin) / 1e4) / 100.0;
  }
}
