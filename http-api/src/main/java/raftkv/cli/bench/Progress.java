package raftkv.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar on stderr, redrawn every 200 ms, only when there is a terminal to draw on
 * ({@link System#console()}: the JVM's standard streams are a terminal); never in tests or pipes.
 */
public final class Progress {
  private static final int WIDTH = 40;

  private final PrintWriter err;
  private final boolean enabled;
  private ScheduledExecutorService ticker;

  public Progress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** On a terminal, when the output goes to the JVM's own stderr. */
  public static Progress forTerminal(PrintWriter err, boolean ownStderr) {
    return new Progress(err, ownStderr && System.console() != null);
  }

  public static Progress none() {
    return new Progress(null, false);
  }

  void start(ClosedLoop.Budget budget, long startNanos, AtomicLong finished) {
    if (!enabled) {
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "benchmark-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> draw(budget, startNanos, finished.get()), 200, 200, TimeUnit.MILLISECONDS);
  }

  private void draw(ClosedLoop.Budget budget, long startNanos, long done) {
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    double fraction = budget.duration() == null
        ? (double) done / Math.max(1, budget.total())
        : elapsed / Math.max(1e-9, budget.duration().toNanos() / 1e9);
    fraction = Math.min(1, fraction);
    int filled = (int) Math.round(fraction * WIDTH);
    err.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  %d requests  %.1f s  %.0f req/s ", "=".repeat(filled), " ".repeat(WIDTH - filled),
        fraction * 100, done, elapsed, elapsed > 0 ? done / elapsed : 0);
    err.flush();
  }

  void stop() {
    if (ticker != null) {
      ticker.shutdownNow();
      err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
      err.flush();
    }
  }
}
