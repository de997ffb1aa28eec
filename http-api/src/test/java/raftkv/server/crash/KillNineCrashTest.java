package raftkv.server.crash;

import raftkv.testing.MemberProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import raftkv.raft.ProposeReply;
import raftkv.raft.Status;
import raftkv.server.crash.AppliedLog.Applied;
import raftkv.server.crash.AppliedLog.Dump;

/**
 * Crash safety with real processes: three {@link CrashTestMember} JVMs, each with its LevelDB
 * journal (fsync on) in a data directory of its own, are killed with SIGKILL one at a time, often
 * the leader, and started again on the same port and data directory, while a client in this JVM
 * writes unique commands through any member. Afterwards every write acknowledged as committed is
 * applied, at the index it was acknowledged with, by every member, and the members applied one
 * and the same sequence (Raft §5.3 log matching, §5.4 leader completeness, §5.4.2 with restarts,
 * and §5.1's "persist before answering").
 *
 * <p>A second scenario: a member killed while the others write on and compact their logs (Raft
 * §7) catches up through InstallSnapshot when it returns.
 *
 * <p>The fault schedule (pauses, victims, down times) comes from a seeded {@link Random}; the seed
 * is printed, and {@code -Draftkv.crash.seed=N} replays the schedule (the timing of the processes
 * themselves is not replayable). {@code -Draftkv.crash.kills=N} changes the number of kills,
 * {@code -Draftkv.crash.snapshot-every=N} the first scenario's snapshot interval (default 1000 applied
 * entries, so that members are killed while they snapshot and compact, and recover from snapshots).
 * On failure the members' directories (outputs, member logs, journals) are kept and their paths
 * printed.
 */
class KillNineCrashTest {
  private static final long SEED = Long.getLong("raftkv.crash.seed", System.currentTimeMillis());
  private static final int KILLS = Integer.getInteger("raftkv.crash.kills", 7);
  private static final int CHAOS_SNAPSHOT_EVERY = Integer.getInteger("raftkv.crash.snapshot-every", 1000);
  private static final int CONCURRENCY = 8;
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration SETTLE = Duration.ofSeconds(30);
  /** Acknowledged writes required between two faults, so that every cycle writes. */
  private static final int PROGRESS = 20;
  private static final int SHOWN = 10;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  private CrashCluster cluster;
  private Writer writer;

  @AfterEach
  void stopCluster() throws InterruptedException {
    try {
      if (writer != null) {
        writer.stop();
      }
    } finally {
      if (cluster != null) {
        cluster.close(); // kills every member: destroyForcibly, then waitFor
      }
    }
  }

  @AfterAll
  static void killEveryMember() {
    MemberProcess.destroyAll();
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyAcknowledgedWriteSurvivesKillNineOfAnyMemberInIndexOrderOnEveryMember() throws Exception {
    long started = System.nanoTime();
    Random random = new Random(SEED);
    System.out.printf("KillNineCrashTest: seed %d (replay the fault schedule with -Draftkv.crash.seed=%d), %d kills,"
        + " snapshot every %d entries, data in %s%n", SEED, SEED, KILLS, CHAOS_SNAPSHOT_EVERY, tmp);
    cluster = new CrashCluster(tmp, List.of("--snapshot-every", Integer.toString(CHAOS_SNAPSHOT_EVERY)));
    cluster.start();
    cluster.awaitAllUpWithLeader(SETTLE);
    System.out.printf("KillNineCrashTest: 3 members ready and a leader elected after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    writer = new Writer(cluster, CONCURRENCY, WRITE_TIMEOUT);
    writer.targets(CrashCluster.IDS);
    writer.start();

    int leaderKills = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      awaitProgress();
      pause(1000 + random.nextInt(1000)); // the fault schedule: writes go on meanwhile
      boolean aimAtLeader = random.nextInt(10) < 6;
      String anyMember = CrashCluster.IDS.get(random.nextInt(CrashCluster.IDS.size()));
      int downMillis = random.nextInt(600);
      Optional<Status> leader = cluster.leader(CrashCluster.IDS);
      String victim = aimAtLeader && leader.isPresent() ? leader.get().member() : anyMember;
      boolean isLeader = leader.isPresent() && leader.get().member().equals(victim);
      leaderKills += isLeader ? 1 : 0;

      MemberProcess member = cluster.member(victim);
      writer.targets(others(victim));
      long pid = member.pid();
      int exit = member.kill();
      assertEquals(MemberProcess.SIGKILL_STATUS, exit, victim + " was not killed by SIGKILL");
      long killedAt = System.nanoTime();
      int acknowledged = writer.acknowledged.size();
      pause(downMillis);
      member.start();
      member.awaitReady(CrashCluster.READY_TIMEOUT);
      writer.targets(CrashCluster.IDS);
      System.out.printf(
          "KillNineCrashTest: %5.1f s: kill %d: kill -9 %s (pid %d%s) with %d writes acknowledged; restarted after %d ms, ready after %d ms%n",
          (killedAt - started) / 1e9, kill, victim, pid, isLeader ? ", leader of term " + leader.get().term() : "",
          acknowledged, downMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    }
    awaitProgress();
    writer.stop();

    Settled settled = settleAndDump();
    verify(settled);
    System.out.printf(
        "KillNineCrashTest: %s; %d kills (%d of the leader); every member applied the same %d commands up to index %d; %d ms%n",
        writer.summary(), KILLS, leaderKills, settled.commandsUpToSettled(), settled.index(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aMemberRestartedAfterTheOthersCompactedTheirLogsCatchesUpThroughASnapshot() throws Exception {
    long started = System.nanoTime();
    Random random = new Random(SEED);
    System.out.printf("KillNineCrashTest (snapshot catch-up): seed %d, data in %s%n", SEED, tmp);
    // The leader keeps only 50 entries before its latest snapshot: a member more than that behind
    // can only get the snapshot.
    cluster = new CrashCluster(tmp, List.of("--snapshot-every", "200", "--catch-up-entries", "50"));
    cluster.start();
    writer = new Writer(cluster, CONCURRENCY, WRITE_TIMEOUT);
    writer.targets(CrashCluster.IDS);
    writer.start();
    awaitAcknowledged(300); // every member snapshots its own state machine by then

    Map<String, Status> before = cluster.awaitAllUpWithLeader(SETTLE);
    List<String> followers = before.values().stream()
        .filter(s -> s.role() != Status.Role.LEADER).map(Status::member).sorted().toList();
    String victim = followers.get(random.nextInt(followers.size()));
    List<String> survivors = others(victim);
    writer.targets(survivors);
    int exit = cluster.member(victim).kill();
    assertEquals(MemberProcess.SIGKILL_STATUS, exit, victim + " was not killed by SIGKILL");
    // The killed member's log ends at or before the survivors' logs end now.
    long victimLastBound = cluster.statuses(survivors).values().stream().mapToLong(Status::lastIndex).max()
        .orElseThrow(() -> new AssertionError("no survivor answers"));
    System.out.printf("KillNineCrashTest (snapshot catch-up): killed follower %s; its log ends at or before %d%n",
        victim, victimLastBound);

    // Write on until both survivors dropped the entry after the killed member's log from memory.
    Map<String, Status> compacted = cluster.await(SETTLE, "both survivors compacted their logs beyond " + victimLastBound,
        () -> {
          Map<String, Status> s = cluster.statuses(survivors);
          return s.size() == survivors.size() && s.values().stream().allMatch(st -> compactedTo(st) > victimLastBound)
              ? s : null;
        });
    for (String id : survivors) {
      assertTrue(snapshotFiles(cluster.member(id)) > 0, id + " keeps no snapshot in its snapshot store");
    }

    cluster.member(victim).start();
    cluster.member(victim).awaitReady(CrashCluster.READY_TIMEOUT);
    writer.targets(CrashCluster.IDS);
    awaitAcknowledged(writer.acknowledged.size() + 100);
    writer.stop();

    Settled settled = settleAndDump();
    verify(settled);
    Dump caughtUp = settled.dumps().get(victim);
    long installed = caughtUp.restoredFrom().stream().mapToLong(Long::longValue).max().orElse(0);
    assertTrue(installed > victimLastBound,
        victim + " did not catch up through a snapshot: it restored its state machine from snapshots at "
            + caughtUp.restoredFrom() + ", none beyond its own log's end (at most " + victimLastBound
            + "); the survivors had compacted to " + compacted.values().stream().map(s -> s.member() + ":" + compactedTo(s)).toList());
    Status victimNow = cluster.status(victim).join();
    assertTrue(victimNow != null && compactedTo(victimNow) > victimLastBound,
        victim + "'s log does not start after the installed snapshot: " + victimNow);
    assertTrue(snapshotFiles(cluster.member(victim)) > 0, victim + " keeps no snapshot in its snapshot store");
    System.out.printf(
        "KillNineCrashTest (snapshot catch-up): %s; %s caught up through the snapshot at index %d (restores %s); %d ms%n",
        writer.summary(), victim, installed, caughtUp.restoredFrom(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  // ---- settling and checking

  /** The members' applied sequences, read once they all applied a write made after the faults. */
  private record Settled(long index, Map<String, Dump> dumps) {
    long commandsUpToSettled() {
      return dumps.values().iterator().next().applied().stream().filter(a -> a.index() <= index).count();
    }
  }

  private Settled settleAndDump() throws InterruptedException {
    Map<String, Status> up = cluster.awaitAllUpWithLeader(SETTLE);
    String leader = up.values().iterator().next().leader();
    ProposeReply.Committed fresh = cluster.proposeUntilCommitted(leader, "settled", SETTLE);
    cluster.await(SETTLE, "every member applied index " + fresh.index(), () -> {
      Map<String, Status> all = cluster.statuses(CrashCluster.IDS);
      return all.size() == CrashCluster.IDS.size()
          && all.values().stream().allMatch(s -> s.appliedIndex() >= fresh.index()) ? all : null;
    });
    Map<String, Dump> dumps = new LinkedHashMap<>();
    for (String id : CrashCluster.IDS) {
      // Answered by the member itself once it applied the dump: its applied sequence up to there.
      ProposeReply.Committed dump = cluster.proposeUntilCommitted(id, AppliedLog.DUMP, SETTLE);
      dumps.put(id, Dump.parse(dump.result()));
    }
    return new Settled(fresh.index(), dumps);
  }

  private void verify(Settled settled) {
    // One sequence: each member's dump is a prefix of the longest (they differ only in the dumps
    // applied after each was taken), in strictly increasing index order, covering the settling write.
    Map.Entry<String, Dump> longest = settled.dumps().entrySet().stream()
        .max(Comparator.comparingInt(e -> e.getValue().applied().size())).orElseThrow();
    List<Applied> reference = longest.getValue().applied();
    settled.dumps().forEach((id, dump) -> {
      List<Applied> applied = dump.applied();
      long previous = 0;
      for (Applied a : applied) {
        assertTrue(a.index() > previous, id + " applied index " + a.index() + " after " + previous);
        previous = a.index();
      }
      assertTrue(previous >= settled.index(), id + " answered the dump before applying " + settled.index());
      int differs = firstDifference(applied, reference);
      assertEquals(applied.size(), differs, () -> id + " and " + longest.getKey() + " applied different sequences from "
          + "position " + differs + ": " + around(applied, differs) + " vs " + around(reference, differs));
    });

    // Every acknowledged write, at its acknowledged index, exactly once; none refused as not committed.
    Map<Long, String> byIndex = new HashMap<>();
    Map<String, Integer> times = new HashMap<>();
    for (Applied a : reference) {
      byIndex.put(a.index(), a.command());
      times.merge(a.command(), 1, Integer::sum);
    }
    List<String> missing = new ArrayList<>();
    writer.acknowledged.forEach((command, index) -> {
      if (!command.equals(byIndex.get(index))) {
        missing.add(command + "@" + index + " (found " + byIndex.get(index) + ")");
      }
    });
    assertTrue(missing.isEmpty(), missing.size() + " of " + writer.acknowledged.size()
        + " acknowledged writes are not applied at their index, e.g. " + first(missing));
    List<String> twice = times.entrySet().stream()
        .filter(e -> e.getKey().startsWith("w-") && e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
    assertTrue(twice.isEmpty(), "writes proposed once but applied more than once: " + first(twice));
    List<String> refused = writer.notCommitted.stream().filter(times::containsKey).toList();
    assertTrue(refused.isEmpty(), refused.size() + " writes answered NotCommitted were applied, e.g. " + first(refused));
    assertTrue(writer.wrongResults().isEmpty(), "wrong results: " + first(writer.wrongResults()));

    // Acknowledged writes appear in the order of their indexes (implied by the above; checked
    // directly on the sequence all members share).
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < reference.size(); i++) {
      position.put(reference.get(i).command(), i);
    }
    List<Map.Entry<String, Long>> byAckIndex = writer.acknowledged.entrySet().stream()
        .sorted(Map.Entry.comparingByValue()).toList();
    int last = -1;
    for (Map.Entry<String, Long> ack : byAckIndex) {
      int at = position.get(ack.getKey());
      assertTrue(at > last, ack.getKey() + "@" + ack.getValue() + " is applied before a write acknowledged at a lower index");
      last = at;
    }
    assertTrue(writer.acknowledged.size() >= PROGRESS, "too few writes acknowledged: " + writer.summary());
  }

  private static int firstDifference(List<Applied> a, List<Applied> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      if (!a.get(i).equals(b.get(i))) {
        return i;
      }
    }
    return n;
  }

  private static List<Applied> around(List<Applied> applied, int position) {
    return applied.subList(Math.max(0, position - 2), Math.min(applied.size(), position + 3));
  }

  private static List<String> first(List<String> items) {
    return items.subList(0, Math.min(SHOWN, items.size()));
  }

  // ---- the fault schedule

  /** Waits until a leader is known and {@link #PROGRESS} more writes were acknowledged. */
  private void awaitProgress() throws InterruptedException {
    int target = writer.acknowledged.size() + PROGRESS;
    cluster.await(SETTLE, "a leader and " + PROGRESS + " more acknowledged writes (" + writer.summary() + ")",
        () -> writer.acknowledged.size() >= target ? cluster.leader(CrashCluster.IDS).orElse(null) : null);
  }

  private void awaitAcknowledged(int count) throws InterruptedException {
    cluster.await(SETTLE, count + " acknowledged writes (" + writer.summary() + ")",
        () -> writer.acknowledged.size() >= count ? Boolean.TRUE : null);
  }

  /** A pause of the fault schedule (not a synchronization: writes and members go on meanwhile). */
  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private static List<String> others(String id) {
    return CrashCluster.IDS.stream().filter(m -> !m.equals(id)).toList();
  }

  /** The index up to which a member's log is compacted: entries up to it are no longer held. */
  private static long compactedTo(Status s) {
    return s.lastIndex() - s.logSize();
  }

  private static long snapshotFiles(MemberProcess member) throws IOException {
    Path store = member.home.resolve("data").resolve("snapshots");
    try (Stream<Path> files = Files.list(store)) {
      return files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).count();
    }
  }
}
