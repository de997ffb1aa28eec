package raftkv.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One member process of a multi-process test: started, killed with SIGKILL and started again,
 * always with the same command (so on the same ports and data directory). Its stdout and stderr
 * go, line by line, to {@code <home>/stdout.log} (kept across restarts); it is ready once it
 * prints a line starting with the ready marker.
 */
public final class MemberProcess {
  /** Exit status of a JVM killed by SIGKILL, as {@link Process#exitValue()} reports it: 128 + 9. */
  public static final int SIGKILL_STATUS = 137;

  private static final int TAIL_LINES = 15;
  private static final List<Process> everyProcess = new ArrayList<>();

  static {
    // A test that fails before its cleanup, or a test JVM that exits, must not leave members running.
    Runtime.getRuntime().addShutdownHook(new Thread(MemberProcess::destroyAll, "member-process-cleanup"));
  }

  public final String id;
  public final Path home;
  private final Path stdoutLog;
  private final List<String> command;
  private final String readyMarker;
  private final Path memberLog;

  private Process process;
  private CompletableFuture<String> ready;
  private boolean expectedAlive;
  private int starts;
  private final Deque<String> tail = new ArrayDeque<>();

  /**
   * @param home        the member's own directory (its stdout.log goes there)
   * @param command     the whole command line, JVM included
   * @param readyMarker the start of the line the member prints once it serves
   * @param memberLog   a log file of the member's own whose last lines a failure shows, or null
   */
  public MemberProcess(String id, Path home, List<String> command, String readyMarker, Path memberLog) {
    this.id = id;
    this.home = home;
    this.stdoutLog = home.resolve("stdout.log");
    this.command = List.copyOf(command);
    this.readyMarker = readyMarker;
    this.memberLog = memberLog;
  }

  /** Starts the process; {@link #awaitReady} waits for its ready line. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(id + " is running");
    }
    starts++;
    try {
      Files.createDirectories(home);
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + id, e);
    }
    synchronized (everyProcess) {
      everyProcess.add(process);
    }
    expectedAlive = true;
    CompletableFuture<String> readyLine = new CompletableFuture<>();
    ready = readyLine;
    Process p = process;
    int start = starts;
    Thread reader = new Thread(() -> pump(p, start, readyLine), "stdout-" + id + "-" + start);
    reader.setDaemon(true);
    reader.start();
  }

  /** Copies the process's output to {@code stdout.log}, watching for its ready line. */
  private void pump(Process p, int start, CompletableFuture<String> readyLine) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(
            stdoutLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write("==== start " + start + ", pid " + p.pid() + "\n");
      out.flush();
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line + "\n");
        out.flush();
        remember(line);
        if (line.startsWith(readyMarker)) {
          readyLine.complete(line);
        }
      }
    } catch (IOException e) {
      remember("(reading its output failed: " + e + ")");
    } finally {
      readyLine.completeExceptionally(new IllegalStateException(id + "'s output ended before it was ready"));
    }
  }

  private void remember(String line) {
    synchronized (tail) {
      tail.addLast(line);
      while (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
    }
  }

  /** Waits for the ready line of the current start; fails at once if the process exits. */
  public String awaitReady(Duration timeout) throws InterruptedException {
    CompletableFuture<String> r;
    synchronized (this) {
      r = ready;
    }
    try {
      return r.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(id + " did not become ready within " + timeout.toMillis() + " ms: " + e.getMessage()
          + "\n" + describe(), e);
    }
  }

  public boolean isReady() {
    CompletableFuture<String> r = ready;
    return r != null && r.isDone() && !r.isCompletedExceptionally() && isAlive();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process.pid();
  }

  /** Kills the process with SIGKILL and waits until it is gone; returns its exit status. */
  public int kill() throws InterruptedException {
    Process p;
    synchronized (this) {
      expectedAlive = false;
      p = process;
    }
    p.destroyForcibly(); // SIGKILL on Linux: the exit status tells
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(id + " (pid " + p.pid() + ") did not end within 30 s of SIGKILL");
    }
    return p.exitValue();
  }

  /** Throws if the process died while it should be running. */
  public synchronized void checkAlive() {
    if (expectedAlive && process != null && !process.isAlive()) {
      throw new AssertionError(id + " exited unexpectedly with status " + process.exitValue() + "\n" + describe());
    }
  }

  /** The last lines of the process's output and of its member log, for a failure message. */
  public String describe() {
    StringBuilder s = new StringBuilder("---- " + id + " (" + home + "), last output:\n");
    synchronized (tail) {
      tail.forEach(line -> s.append("  ").append(line).append('\n'));
    }
    Path log = memberLog;
    if (log != null && Files.exists(log)) {
      s.append("---- last lines of ").append(log).append(":\n");
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        // Dead letters follow a member that stopped; the lines before them tell why it stopped.
        List<String> telling = lines.stream().filter(line -> !line.contains("dead letters")).toList();
        telling.subList(Math.max(0, telling.size() - TAIL_LINES), telling.size())
            .forEach(line -> s.append("  ").append(line).append('\n'));
      } catch (IOException | UncheckedIOException e) {
        s.append("  (cannot read it: ").append(e).append(")\n");
      }
    }
    return s.toString();
  }

  /** Kills the process if it runs, and waits for it. */
  public void destroy() {
    Process p;
    synchronized (this) {
      expectedAlive = false;
      p = process;
    }
    destroy(p);
  }

  /** Kills every member process this JVM ever started that still runs. */
  public static void destroyAll() {
    List<Process> all;
    synchronized (everyProcess) {
      all = List.copyOf(everyProcess);
      everyProcess.clear();
    }
    all.forEach(MemberProcess::destroy);
  }

  private static void destroy(Process p) {
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return id;
  }
}
