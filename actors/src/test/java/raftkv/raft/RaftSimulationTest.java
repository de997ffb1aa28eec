package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import raftkv.persistence.LogEntry;

/**
 * Raft safety and liveness under faults, by deterministic simulation (DESIGN decision 2). Each seed
 * runs a group through message loss, delay, reordering, duplication, symmetric and one-way
 * partitions, and crashes that lose unacknowledged writes, with clients proposing and reading
 * (linearizably or not, at any member) all along; the invariants are checked after every step and
 * every linearizable read's answer is checked against what completed before it began (thesis
 * §6.4). Membership changes (thesis §4) happen among the faults: pool members are added as
 * learners or voters, promoted, removed and re-addressed, at random members. Then the faults stop, and a leader must be elected and commit within a bounded time,
 * every member must apply the same sequence, and a linearizable read at every member must succeed.
 *
 * <p>{@code -Draftkv.sim.seeds=N -Draftkv.sim.steps=M} change the size of the run (a soak);
 * {@code -Draftkv.sim.seed=S} replays one seed, as a failure's message says.
 */
class RaftSimulationTest {
  private static final int SEEDS = intProperty("raftkv.sim.seeds", 1000);
  private static final int STEPS = intProperty("raftkv.sim.steps", 4000);
  private static final String ONE_SEED = System.getProperty("raftkv.sim.seed", "");

  @Test
  void threeMembersKeepRaftSafetyUnderFaults() {
    runSeeds(3);
  }

  @Test
  void fiveMembersKeepRaftSafetyUnderFaults() {
    runSeeds(5);
  }

  private void runSeeds(int size) {
    if (!ONE_SEED.isBlank()) {
      long seed = Long.parseLong(ONE_SEED.trim());
      if (seed / 1_000_000 == size) {
        runSeed(seed, size);
      }
      return;
    }
    long started = System.nanoTime();
    long[] totals = new long[10];
    for (int i = 0; i < SEEDS; i++) {
      Simulator sim = runSeed(size * 1_000_000L + i, size);
      totals[0] += sim.acknowledged();
      totals[1] += sim.invariants.leaderTerms();
      totals[2] += sim.crashes();
      totals[3] += sim.snapshots();
      totals[4] += sim.snapshotChunks();
      totals[5] += sim.linearizableReads();
      totals[6] += sim.serializableReads();
      totals[7] += sim.unavailableReads();
      totals[8] += sim.changesApplied();
      totals[9] += sim.changesRefused();
    }
    System.out.printf(
        "simulation: %d members, %d seeds x %d steps: %d acknowledged proposals, %d terms with a leader,"
            + " %d crashes, %d snapshots saved, %d snapshot chunks sent, %d linearizable reads checked,"
            + " %d serializable reads, %d reads unavailable, %d membership changes applied, %d refused, %.1f s%n",
        size, SEEDS, STEPS, totals[0], totals[1], totals[2], totals[3], totals[4], totals[5], totals[6], totals[7],
        totals[8], totals[9],
        (System.nanoTime() - started) / 1e9);
  }

  /** Seeds encode the group size (size x 1,000,000 + n), so a replay knows which test it is. */
  private static Simulator runSeed(long seed, int size) {
    // Snapshots every 10-49 applied entries, so that compaction and InstallSnapshot happen often.
    // Two more members than voters: the pool that membership changes add, promote and remove.
    Simulator sim = new Simulator(seed, size, size + 2, 16, 10 + seed % 40);
    try {
      Chaos chaos = new Chaos(sim, new Random(~seed), size);
      chaos.start();
      for (int i = 0; i < STEPS && sim.step(); i++) {
        // each step checks the invariants
      }
      chaos.stop();
      assertTrue(sim.commitOne(Duration.ofSeconds(60)), "no commit within 60 s after the faults stopped");
      assertTrue(
          sim.runUntil(sim::converged, Duration.ofSeconds(30)),
          "members did not converge: " + sim.appliedSummary());
      String leader = sim.leader();
      var configuration = sim.configuration(leader);
      List<LogEntry> reference = sim.applied(leader);
      for (SimMember m : sim.members()) {
        List<LogEntry> applied = m.stateMachine.applied();
        if (configuration.contains(m.id)) {
          assertEquals(reference, applied, m.id + " applied another sequence");
        } else {
          assertEquals(reference.subList(0, Math.min(applied.size(), reference.size())), applied,
              m.id + " (not a member) applied what is not a prefix");
        }
      }
      List<LogEntry> committedCommands = sim.invariants.committed().values().stream()
          .filter(e -> e.kind() == LogEntry.Kind.COMMAND).toList();
      assertEquals(committedCommands, reference, "a committed entry was lost");
      long committedIndex = sim.status(sim.member(leader)).commitIndex();
      for (SimMember m : sim.members()) {
        if (!configuration.contains(m.id)) {
          continue;
        }
        ReadReply.Done read = sim.readOne(m.id, Duration.ofSeconds(10));
        assertTrue(read != null, "no linearizable read succeeded at " + m.id);
        assertTrue(read.appliedIndex() >= committedIndex, "a read after the faults missed committed entries");
      }
      return sim;
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed " + seed + " failed at " + sim.now() + " ms: " + e.getMessage()
              + "\nreplay: mvn -B -pl actors -am test -Dtest=RaftSimulationTest -Draftkv.sim.seed=" + seed
              + " -Dsurefire.failIfNoSpecifiedTests=false\nlast events:\n  "
              + String.join("\n  ", sim.trace()),
          e);
    }
  }

  private static int intProperty(String name, int fallback) {
    String value = System.getProperty(name, "");
    return value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  /** The fault schedule: clients propose all along; every so often a new fault begins or ends. */
  private static final class Chaos {
    private final Simulator sim;
    private final Random random;
    private final List<String> ids = new ArrayList<>();
    private boolean calm;

    Chaos(Simulator sim, Random random, int size) {
      this.sim = sim;
      this.random = random;
      for (int i = 1; i <= size + 2; i++) {
        ids.add("m" + i);
      }
    }

    void start() {
      sim.at(1 + random.nextInt(50), "client", this::client);
      sim.at(1 + random.nextInt(50), "reader", this::reader);
      sim.at(500 + random.nextInt(500), "fault", this::fault);
    }

    void stop() {
      calm = true;
      sim.heal();
      sim.setLoss(0, 0);
      ids.forEach(sim::restart);
    }

    private String any() {
      return ids.get(random.nextInt(ids.size()));
    }

    private void client() {
      if (calm) {
        return;
      }
      sim.propose(any());
      sim.at(5 + random.nextInt(60), "client", this::client);
    }

    /** Reads at any member, four in five of them linearizable. */
    private void reader() {
      if (calm) {
        return;
      }
      sim.read(any(), random.nextInt(5) != 0);
      sim.at(5 + random.nextInt(60), "reader", this::reader);
    }

    private void fault() {
      if (calm) {
        return;
      }
      long duration = 100 + random.nextInt(3000);
      switch (random.nextInt(10)) {
        case 0, 1 -> {
          String victim = random.nextBoolean() || sim.leader() == null ? any() : sim.leader();
          sim.crash(victim);
          sim.at(duration, "restart " + victim, () -> { if (!calm) sim.restart(victim); });
        }
        case 2 -> {
          String alone = random.nextBoolean() || sim.leader() == null ? any() : sim.leader();
          sim.isolate(Set.of(alone));
          sim.at(duration, "heal", this::heal);
        }
        case 3 -> {
          List<String> shuffled = new ArrayList<>(ids);
          java.util.Collections.shuffle(shuffled, random);
          sim.isolate(Set.copyOf(shuffled.subList(0, ids.size() / 2)));
          sim.at(duration, "heal", this::heal);
        }
        case 4 -> {
          sim.cut(any(), any());
          sim.at(duration, "heal", this::heal);
        }
        case 7 -> {
          // Cut the leader off for longer than an election takes: for a while two members
          // believe they lead, and a linearizable read at the old one must not be served.
          String leader = sim.leader();
          if (leader != null) {
            sim.isolate(Set.of(leader));
            sim.at(1500 + random.nextInt(1500), "reconnect " + leader, () -> sim.reconnect(Set.of(leader)));
          }
        }
        case 5 -> sim.setLoss(random.nextDouble() * 0.2, random.nextDouble() * 0.1);
        case 8, 9 -> membership();
        default -> sim.setLoss(0, 0);
      }
      sim.at(100 + random.nextInt(700), "fault", this::fault);
    }

    /**
     * A random membership change (thesis §4) at a random member (a follower forwards it): add a
     * member of the pool as learner (or, now and then, as voter), promote a learner, remove a
     * member, re-address one. The leader's checks keep the group valid (one change at a time, the
     * strict check, promotion only once caught up); what they refuse is refused.
     */
    private void membership() {
      String leader = sim.leader();
      var configuration = leader == null ? null : sim.configuration(leader);
      if (configuration == null) {
        return;
      }
      List<String> outside = ids.stream().filter(id -> !configuration.contains(id)).toList();
      List<String> inside = new ArrayList<>(configuration.members().keySet());
      MembershipChange change;
      int kind = random.nextInt(6);
      if (kind <= 1 && !outside.isEmpty()) {
        String id = outside.get(random.nextInt(outside.size()));
        change = new MembershipChange.Add(id, "sim://" + id, kind == 0 || random.nextInt(4) != 0);
      } else if (kind == 2 && !configuration.learners().isEmpty()) {
        change = new MembershipChange.Promote(configuration.learners().get(random.nextInt(configuration.learners().size())));
      } else if (kind == 3 || kind == 4) {
        if (configuration.voters().size() <= 3 && configuration.learners().isEmpty()) {
          return; // keep at least three voters, so that the faults above stay survivable
        }
        List<String> removable = configuration.voters().size() <= 3 ? configuration.learners() : inside;
        change = new MembershipChange.Remove(removable.get(random.nextInt(removable.size())));
      } else {
        String id = inside.get(random.nextInt(inside.size()));
        change = new MembershipChange.UpdateAddress(id, "sim://" + id + "/" + random.nextInt(100));
      }
      sim.changeCounted(random.nextBoolean() ? leader : any(), change);
    }

    private void heal() {
      if (!calm) {
        sim.heal();
      }
    }
  }
}
