package raftkv.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.IntSupplier;
import raftkv.kv.KvMetrics;
import raftkv.persistence.JournalMetrics;
import raftkv.raft.Status;

/**
 * One member's metrics, in Prometheus' text format at {@code /metrics}; the names follow etcd's
 * where etcd has the same measure, with the {@code raftkv_} prefix. docs/operations.md says what
 * each means. Fed by the key-value service (proposals), the journal (writes, snapshots), the HTTP
 * layer (requests) and the member's Raft status, which the server reads before every scrape and
 * every second ({@link #observe}).
 */
public final class ServerMetrics implements KvMetrics, JournalMetrics {
  private static final double[] DISK_SECONDS =
      {0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter proposalsCommitted = Counter.builder()
      .name("raftkv_server_proposals_committed_total")
      .help("Writes committed and applied on this member, as answered to its clients.")
      .register(registry);
  private final Counter proposalsFailed = Counter.builder()
      .name("raftkv_server_proposals_failed_total")
      .help("Writes this member's clients were told could not be done in time (no leader, no quorum, leader change).")
      .register(registry);
  private final Gauge proposalsPending = Gauge.builder()
      .name("raftkv_server_proposals_pending")
      .help("Writes this member took that are neither answered committed nor failed yet.")
      .register(registry);
  private final Histogram proposalSeconds = Histogram.builder()
      .name("raftkv_server_proposal_duration_seconds")
      .help("From a write's arrival at this member to its answer, for committed writes.")
      .unit(Unit.SECONDS).classicOnly().classicUpperBounds(DISK_SECONDS)
      .register(registry);
  private final Histogram journalWriteSeconds = Histogram.builder()
      .name("raftkv_disk_journal_write_duration_seconds")
      .help("One journal write (group commit: one event, one LevelDB synced write, fsync included).")
      .unit(Unit.SECONDS).classicOnly().classicUpperBounds(DISK_SECONDS)
      .register(registry);
  private final Counter journalEntries = Counter.builder()
      .name("raftkv_disk_journal_entries_total")
      .help("Log entries appended to the journal.")
      .register(registry);
  private final Histogram snapshotSeconds = Histogram.builder()
      .name("raftkv_disk_snapshot_save_duration_seconds")
      .help("Saving a Raft snapshot: its journal write to the saved state file; the count is the snapshots saved.")
      .unit(Unit.SECONDS).classicOnly().classicUpperBounds(DISK_SECONDS)
      .register(registry);
  private final Counter requests = Counter.builder()
      .name("raftkv_http_requests_total")
      .help("HTTP requests answered, by endpoint and status code.")
      .labelNames("endpoint", "code")
      .register(registry);
  private final Gauge hasLeader = Gauge.builder()
      .name("raftkv_server_has_leader")
      .help("1 if this member knows a leader, else 0.")
      .register(registry);
  private final Gauge isLeader = Gauge.builder()
      .name("raftkv_server_is_leader")
      .help("1 if this member is the leader, else 0.")
      .register(registry);
  private final Counter leaderChanges = Counter.builder()
      .name("raftkv_server_leader_changes_seen_total")
      .help("Leader changes this member saw, from its status read every second and at every scrape.")
      .register(registry);
  private final Gauge term = Gauge.builder()
      .name("raftkv_server_term")
      .help("This member's Raft term.")
      .register(registry);
  private final Gauge commitIndex = Gauge.builder()
      .name("raftkv_server_commit_index")
      .help("The highest log index this member knows to be committed.")
      .register(registry);
  private final Gauge appliedIndex = Gauge.builder()
      .name("raftkv_server_applied_index")
      .help("The highest log index this member has applied to its store.")
      .register(registry);
  private final Histogram peerRoundTrip = Histogram.builder()
      .name("raftkv_network_peer_round_trip_time_seconds")
      .help("Round-trip time of a ping to each other member's actor system, every 5 s.")
      .unit(Unit.SECONDS).classicOnly().classicUpperBounds(DISK_SECONDS)
      .labelNames("To")
      .register(registry);
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private String lastLeader;
  private long lastTerm;

  /** Reports the member's open watches, {@code watchCount} read at every scrape. */
  public void watchesFrom(IntSupplier watchCount) {
    GaugeWithCallback.builder()
        .name("raftkv_watch_streams_watchers")
        .help("Watches this member serves.")
        .callback(cb -> cb.call(watchCount.getAsInt()))
        .register(registry);
  }

  @Override
  public void proposalStarted() {
    proposalsPending.inc();
  }

  @Override
  public void proposalCommitted(long nanos) {
    proposalsPending.dec();
    proposalsCommitted.inc();
    proposalSeconds.observe(nanos / 1e9);
  }

  @Override
  public void proposalFailed() {
    proposalsPending.dec();
    proposalsFailed.inc();
  }

  @Override
  public void written(long nanos, int entries) {
    journalWriteSeconds.observe(nanos / 1e9);
    journalEntries.inc(entries);
  }

  @Override
  public void snapshotSaved(long nanos) {
    snapshotSeconds.observe(nanos / 1e9);
  }

  public void peerRoundTrip(String peer, long nanos) {
    peerRoundTrip.labelValues(peer).observe(nanos / 1e9);
  }

  /** One HTTP answer; {@code endpoint} is a path template (never a key, to keep labels few). */
  public void request(String endpoint, int code) {
    requests.labelValues(endpoint, Integer.toString(code)).inc();
  }

  /** What the member's Raft status says now. */
  public synchronized void observe(Status status) {
    hasLeader.set(status.leader() == null ? 0 : 1);
    isLeader.set(status.role() == Status.Role.LEADER ? 1 : 0);
    if (status.leader() != null && (!Objects.equals(status.leader(), lastLeader) || status.term() != lastTerm)) {
      leaderChanges.inc(); // the first leader seen counts too, as in etcd
      lastLeader = status.leader();
      lastTerm = status.term();
    }
    term.set(status.term());
    commitIndex.set(status.commitIndex());
    appliedIndex.set(status.appliedIndex());
  }

  /** Every metric in Prometheus' text format. */
  public String scrape() {
    var out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public String contentType() {
    return writer.getContentType();
  }
}
