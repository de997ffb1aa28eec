package raftkv.raft;

import akka.actor.testkit.typed.Effect;
import akka.actor.testkit.typed.javadsl.TestInbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import raftkv.persistence.HardState;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.JournalReply;
import raftkv.persistence.LogEntry;

/**
 * Runs a Raft group of {@link SimMember}s on one thread from a seed (DESIGN decision 2): a
 * priority queue of events on a logical clock delivers messages with loss, delay, reordering and
 * duplication through partitions, fires timers, acknowledges journal writes, proposes commands
 * and reads, crashes and restarts members (losing what was not on disk), and checks
 * {@link SimInvariants} after every step and on every read's answer. Everything random comes from the seed, so a seed replays exactly.
 */
final class Simulator {
  static final Duration HEARTBEAT = Duration.ofMillis(100);
  static final Duration ELECTION = Duration.ofMillis(1000);

  private final long seed;
  private final Random random;
  private final Map<String, SimMember> members = new LinkedHashMap<>();
  private final RaftSettings settings;
  final SimInvariants invariants = new SimInvariants();
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private final List<Proposal> open = new ArrayList<>();
  private final TestInbox<Status> statusInbox = TestInbox.create();
  /** Directed links that drop everything: "a>b". */
  private final Set<String> cut = new HashSet<>();
  /** How often each link was cut: a message on the way while its link was cut is lost. */
  private final Map<String, Integer> cuts = new HashMap<>();
  private double loss;
  private double duplication;
  private long now;
  private long sequence;
  private int proposalCount;
  private int acknowledged;
  private int crashes;
  private int snapshots;
  private int snapshotChunks;
  private final Map<Class<?>, Integer> deliveredByType = new HashMap<>();
  private final List<Read> openReads = new ArrayList<>();
  private int readCount;
  private int linearizableDone;
  private int serializableDone;
  private int readsUnavailable;
  /** Members whose events wait until they resume, as in a long GC pause. */
  private final Set<String> paused = new HashSet<>();
  private final List<MemberEvent> deferred = new ArrayList<>();
  /** Drops the messages it matches, given the recipient: a test's surgical fault. */
  private java.util.function.BiPredicate<String, RaftMessage> dropFilter;

  /** A client's proposal, waiting for its reply. */
  private record Proposal(String member, byte[] command, TestInbox<ProposeReply> replies) {}

  /**
   * A client's read, waiting for its reply. {@code floor} is what it must at least see if
   * linearizable: the state every write acknowledged, and every read completed, before it began.
   */
  private record Read(
      int id, String member, boolean linearizable, long invokedAt, long floor, TestInbox<ReadReply> replies,
      List<ReadReply> answers) {}

  private abstract static class Event implements Comparable<Event> {
    long time;
    long order;

    @Override
    public int compareTo(Event o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(order, o.order);
    }
  }

  /** An event for one incarnation of one member: void once that incarnation crashed. */
  private abstract static class MemberEvent extends Event {
    SimMember member;
    int incarnation;
  }

  private static final class Deliver extends MemberEvent {
    String from;
    int cutsAtSend;
    RaftMessage message;
  }

  private static final class Fire extends MemberEvent {
    Effect.TimerScheduled<?> timer;
    int generation;
  }

  private static final class Flush extends MemberEvent {}

  private static final class AnswerRecover extends MemberEvent {}

  private static final class Action extends Event {
    String name;
    Runnable run;
  }

  /** Never snapshots. */
  Simulator(long seed, int size) {
    this(seed, size, 16, Long.MAX_VALUE);
  }

  /**
   * @param maxBatchEntries entries per AppendEntries; 1 lets a test stop replication between entries
   * @param snapshotEvery   entries applied between snapshots; a quarter of that stays in memory
   *     after one, and snapshots travel in chunks of 64 bytes, so that small runs exercise both
   */
  Simulator(long seed, int size, int maxBatchEntries, long snapshotEvery) {
    this(seed, size, size, maxBatchEntries, snapshotEvery);
  }

  /**
   * A group whose initial configuration has {@code size} voters, m1..m{size}, in a pool of
   * {@code pool} members: the others run from the start as members joining an existing group
   * (they know no configuration, and take no part until the leader's log names them).
   */
  Simulator(long seed, int size, int pool, int maxBatchEntries, long snapshotEvery) {
    this.seed = seed;
    this.random = new Random(seed);
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      ids.add("m" + i);
    }
    settings = new RaftSettings(
        "g", "m1", ids, HEARTBEAT, ELECTION, 8, maxBatchEntries, 1 << 20, 1000, snapshotEvery, snapshotEvery / 4, 64,
        Duration.ofMillis(500), LEARNER_MAX_LAG);
    for (int i = 1; i <= pool; i++) {
      members.put("m" + i, new SimMember("m" + i));
    }
    members.values().forEach(this::start);
  }

  /** How far behind a learner may be to be promoted, in the simulation. */
  static final long LEARNER_MAX_LAG = 20;

  private RaftSettings settingsFor(String id) {
    return settings.voters().contains(id) ? settings.forMember(id) : settings.joining().forMember(id);
  }

  long now() {
    return now;
  }

  int acknowledged() {
    return acknowledged;
  }

  int crashes() {
    return crashes;
  }

  /** InstallSnapshot chunks delivered. */
  int snapshotChunks() {
    return snapshotChunks;
  }

  /** Linearizable reads answered Done (each checked against what was acknowledged before it). */
  int linearizableReads() {
    return linearizableDone;
  }

  int serializableReads() {
    return serializableDone;
  }

  int unavailableReads() {
    return readsUnavailable;
  }

  /** How many messages of {@code type} were delivered so far. */
  int delivered(Class<?> type) {
    return deliveredByType.getOrDefault(type, 0);
  }

  /** Snapshots that reached a disk, taken or installed. */
  int snapshots() {
    return snapshots;
  }

  Iterable<SimMember> members() {
    return members.values();
  }

  SimMember member(String id) {
    return members.get(id);
  }

  // ---- what tests and the chaos schedule use ----

  void setLoss(double loss, double duplication) {
    this.loss = loss;
    this.duplication = duplication;
  }

  /** Drops every message from {@code from} to {@code to}, one way. */
  void cut(String from, String to) {
    cut.add(from + ">" + to);
    cuts.merge(from + ">" + to, 1, Integer::sum);
  }

  /** Cuts every link between {@code side} and the rest, both ways. */
  void isolate(Set<String> side) {
    for (String a : members.keySet()) {
      for (String b : members.keySet()) {
        if (side.contains(a) != side.contains(b)) {
          cut(a, b);
        }
      }
    }
  }

  void heal() {
    cut.clear();
  }

  /** Undoes {@link #isolate} of {@code side}, leaving other cuts as they are. */
  void reconnect(Set<String> side) {
    cut.removeIf(link -> side.contains(link.substring(0, link.indexOf('>')))
        != side.contains(link.substring(link.indexOf('>') + 1)));
  }

  /** Drops every message that {@code filter} matches (given the recipient); null drops none. */
  void drop(java.util.function.BiPredicate<String, RaftMessage> filter) {
    dropFilter = filter;
  }

  /** Holds every event of member {@code id} (messages, timers, disk) until {@link #resume}. */
  void pause(String id) {
    note("pause " + id);
    paused.add(id);
  }

  /** Lets a paused member go on: what it missed happens now, in order, after what is due now. */
  void resume(String id) {
    note("resume " + id);
    paused.remove(id);
    Iterator<MemberEvent> it = deferred.iterator();
    while (it.hasNext()) {
      MemberEvent e = it.next();
      if (e.member.id.equals(id)) {
        schedule(e, 0);
        it.remove();
      }
    }
  }

  void crash(String id) {
    SimMember m = members.get(id);
    if (!m.up) {
      return;
    }
    // A write may have reached the disk without its acknowledgement reaching the member.
    int durable = random.nextInt(m.unflushed.size() + 1);
    for (int i = 0; i < durable; i++) {
      toDisk(m, m.unflushed.removeFirst());
    }
    crashes++;
    note("crash " + id + " (" + durable + " unacknowledged writes kept, " + m.unflushed.size() + " lost)");
    m.crash();
    openReads.removeIf(r -> r.member().equals(id)); // a crashed member answers nothing
  }

  void restart(String id) {
    SimMember m = members.get(id);
    if (!m.up) {
      note("restart " + id);
      start(m);
    }
  }

  /** A client proposes a fresh command at member {@code id}. */
  void propose(String id) {
    SimMember m = members.get(id);
    if (!m.up) {
      return;
    }
    byte[] command = ("c" + (++proposalCount)).getBytes(StandardCharsets.UTF_8);
    TestInbox<ProposeReply> replies = TestInbox.create();
    open.add(new Proposal(id, command, replies));
    run(m, new ClientRequest.Propose(command, replies.getRef()), "propose " + new String(command) + " at " + id);
  }

  /**
   * A client reads member {@code id}'s applied index through its state machine, linearizably or
   * not; the answer is checked when it comes (see {@link SimInvariants#onLinearizableRead}).
   * Returns the list the checked answer will be added to, or null if the member is down.
   */
  List<ReadReply> read(String id, boolean linearizable) {
    SimMember m = members.get(id);
    if (!m.up) {
      return null;
    }
    TestInbox<ReadReply> replies = TestInbox.create();
    Read r = new Read(++readCount, id, linearizable, now, invariants.readFloor(), replies, new ArrayList<>());
    openReads.add(r);
    SimStateMachine stateMachine = m.stateMachine;
    run(m, new ClientRequest.Read(stateMachine::lastApplied, linearizable, replies.getRef()),
        (linearizable ? "linearizable" : "serializable") + " read " + r.id() + " at " + id);
    return r.answers();
  }

  /** Hands member {@code id} any client request, as a test's client. */
  void tell(String id, ClientRequest request) {
    run(members.get(id), request, "client " + request + " at " + id);
  }

  /**
   * Reads linearizably at {@code id} until a read is answered Done within {@code limit} of
   * logical time (retrying after an Unavailable); returns the answer, or null.
   */
  ReadReply.Done readOne(String id, Duration limit) {
    long deadline = now + limit.toMillis();
    while (now <= deadline) {
      List<ReadReply> got = read(id, true);
      if (got == null) {
        return null;
      }
      runUntil(() -> !got.isEmpty(), Duration.ofMillis(300));
      if (!got.isEmpty() && got.get(0) instanceof ReadReply.Done d) {
        return d;
      }
      runUntil(() -> false, Duration.ofMillis(50)); // unavailable (or unanswered): retry a little later
    }
    return null;
  }

  /** Schedules {@code run} at {@code delay} from now. */
  void at(long delay, String name, Runnable run) {
    Action a = new Action();
    a.name = name;
    a.run = run;
    schedule(a, delay);
  }

  /** Processes the next event; false when none is left. */
  boolean step() {
    Event e = queue.poll();
    if (e == null) {
      return false;
    }
    now = e.time;
    if (e instanceof Action a) {
      note(a.name);
      a.run.run();
      return true;
    }
    MemberEvent me = (MemberEvent) e;
    SimMember m = me.member;
    if (!m.up || me.incarnation != m.incarnation) {
      return true;
    }
    if (!paused.isEmpty() && paused.contains(m.id)) {
      deferred.add(me);
      return true;
    }
    if (e instanceof Deliver d) {
      // a link cut while the message was on its way loses it too
      String link = d.from + ">" + m.id;
      if (!cut.contains(link) && cuts.getOrDefault(link, 0) == d.cutsAtSend) {
        if (d.message instanceof RaftRpc.InstallSnapshot) {
          snapshotChunks++;
        }
        deliveredByType.merge(d.message.getClass(), 1, Integer::sum);
        run(m, d.message, "deliver to " + m.id + ": " + d.message);
      }
    } else if (e instanceof Fire f) {
      onFire(m, f);
    } else if (e instanceof Flush) {
      JournalCommand.Write w = m.unflushed.removeFirst();
      toDisk(m, w);
      run(m, new Internal.JournalReplied(new JournalReply.Written(w.writeId())), "written " + w.writeId() + " at " + m.id);
    } else if (e instanceof AnswerRecover) {
      m.recovered = true;
      run(m, new Internal.JournalReplied(m.disk.recovered()), "recovered " + m.id);
    }
    return true;
  }

  /** Runs until {@code done} holds or {@code limit} of logical time passes; returns whether it held. */
  boolean runUntil(java.util.function.BooleanSupplier done, Duration limit) {
    long deadline = now + limit.toMillis();
    while (!done.getAsBoolean()) {
      if (now > deadline || !step()) {
        return false;
      }
    }
    return true;
  }

  /** The member leading the highest term, as far as the members report, or null. */
  String leader() {
    return leaderAmong(members.keySet());
  }

  /** The member of {@code ids} leading the highest term, or null. */
  String leaderAmong(java.util.Collection<String> ids) {
    Status best = null;
    for (String id : ids) {
      Status s = status(members.get(id));
      if (s != null && s.role() == Status.Role.LEADER && (best == null || s.term() > best.term())) {
        best = s;
      }
    }
    return best == null ? null : best.member();
  }

  Status status(SimMember m) {
    if (!m.up || !m.recovered) {
      return null;
    }
    m.kit.run(new ClientRequest.GetStatus(statusInbox.getRef()));
    List<Status> all = statusInbox.getAllReceived();
    return all.get(all.size() - 1);
  }

  /**
   * Proposes a fresh command at the current leader until one is acknowledged as committed, within
   * {@code limit} of logical time; returns whether it was.
   */
  boolean commitOne(Duration limit) {
    long deadline = now + limit.toMillis();
    int before = acknowledged;
    while (now <= deadline) {
      String leader = leader();
      if (leader != null) {
        propose(leader);
      }
      if (runUntil(() -> acknowledged > before, Duration.ofMillis(300))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every live member of the leader's configuration has applied everything the leader committed,
   * which is its whole log (members outside it are not sent anything).
   */
  boolean converged() {
    String leader = leader();
    if (leader == null) {
      return false;
    }
    Status ls = status(members.get(leader));
    if (ls.commitIndex() != ls.lastIndex()) {
      return false;
    }
    for (SimMember m : members.values()) {
      Status s = status(m);
      if (m.up && ls.configuration().contains(m.id) && (s == null || s.appliedIndex() != ls.commitIndex())) {
        return false;
      }
    }
    return true;
  }

  List<String> trace() {
    return List.copyOf(trace);
  }

  // ---- the machinery ----

  private void start(SimMember m) {
    List<String> others = members.keySet().stream().filter(id -> !id.equals(m.id)).toList();
    m.start(settingsFor(m.id), others, invariants, seed);
    drain(m);
  }

  private void run(SimMember m, RaftMessage message, String what) {
    note(what);
    m.kit.run(message);
    drain(m);
    Status s = status(m);
    if (s != null) {
      invariants.onStatus(s);
      checkCommitQuorum(s);
    }
  }

  private final List<TestInbox<MembershipReply>> openChanges = new ArrayList<>();
  private int changesApplied;
  private int changesRefused;

  /** Membership changes answered Changed (committed and applied where asked). */
  int changesApplied() {
    return changesApplied;
  }

  /** Membership changes refused as invalid or unsafe (not the retryable ones). */
  int changesRefused() {
    return changesRefused;
  }

  /** The highest commit index checked per leader and term. */
  private final Map<String, Long> checkedCommit = new HashMap<>();

  /**
   * Learners never count (thesis §4.2.1): whenever a leader's commit index rises, a majority of
   * the voters of its configuration (learners left out, itself only if a voter) must hold the
   * entry on disk.
   */
  private void checkCommitQuorum(Status s) {
    if (s.role() != Status.Role.LEADER) {
      return;
    }
    String key = s.member() + "@" + s.term();
    Long checked = checkedCommit.put(key, s.commitIndex());
    if (checked == null || s.commitIndex() <= checked) {
      return; // first seen leading: what it committed before it led was not its decision
    }
    long index = s.commitIndex();
    LogEntry entry = diskEntry(s.member(), index);
    if (entry == null) {
      return; // compacted into the leader's snapshot in the same step (it took one at the commit)
    }
    List<String> voters = s.configuration().voters();
    long holding = voters.stream().filter(v -> members.containsKey(v) && holds(v, entry)).count();
    if (!Quorum.isMajority((int) holding, voters.size())) {
      throw new AssertionError("leader " + s.member() + " of term " + s.term() + " committed " + entry + " held by "
          + holding + " of the voters " + voters + " only (learners " + s.configuration().learners() + " never count)");
    }
  }

  private static JournalReply.Recovered diskView(SimMember m) {
    if (m.diskView == null) {
      m.diskView = m.disk.recovered();
    }
    return m.diskView;
  }

  private LogEntry diskEntry(String id, long index) {
    var disk = diskView(members.get(id));
    long base = disk.snapshot() == null ? 0 : disk.snapshot().index();
    if (index <= base || index > base + disk.entries().size()) {
      return null;
    }
    return disk.entries().get((int) (index - base - 1));
  }

  private boolean holds(String id, LogEntry entry) {
    var disk = diskView(members.get(id));
    if (disk.snapshot() != null && disk.snapshot().index() >= entry.index()) {
      return true;
    }
    LogEntry e = diskEntry(id, entry.index());
    return e != null && e.term() == entry.term();
  }

  /** Asks member {@code id} for a membership change; the reply lands in the returned inbox. */
  TestInbox<MembershipReply> change(String id, MembershipChange change) {
    TestInbox<MembershipReply> replies = TestInbox.create();
    if (members.get(id).up) {
      run(members.get(id), new ClientRequest.ChangeMembership(change, replies.getRef()), "change " + change + " at " + id);
    }
    return replies;
  }

  /** As {@link #change}, for a client that never reads the answer: the simulator counts it. */
  void changeCounted(String id, MembershipChange change) {
    openChanges.add(change(id, change));
  }

  /** Asks member {@code id} to hand leadership to {@code target}. */
  TestInbox<TransferReply> transfer(String id, String target) {
    TestInbox<TransferReply> replies = TestInbox.create();
    if (members.get(id).up) {
      run(members.get(id), new ClientRequest.TransferLeadership(target, replies.getRef()),
          "transfer to " + target + " at " + id);
    }
    return replies;
  }

  /** The configuration member {@code id} uses, or null if it is down. */
  raftkv.persistence.Configuration configuration(String id) {
    Status s = status(members.get(id));
    return s == null ? null : s.configuration();
  }

  /** Collects what a member did in its last step: timers, sends, journal commands, replies. */
  private void drain(SimMember m) {
    for (Effect effect : m.kit.getAllEffects()) {
      if (effect instanceof Effect.TimerScheduled<?> t) {
        int generation = m.timerGenerations.merge(t.key(), 1, Integer::sum);
        Fire f = new Fire();
        f.timer = t;
        f.generation = generation;
        scheduleFor(m, f, t.duration().toMillis());
      } else if (effect instanceof Effect.TimerCancelled c) {
        m.timerGenerations.merge(c.key(), 1, Integer::sum);
      }
    }
    m.kit.clearLog();
    m.links.forEach((to, inbox) -> {
      for (RaftMessage msg : inbox.getAllReceived()) {
        send(m.id, to, msg);
      }
    });
    for (JournalCommand c : m.journal.getAllReceived()) {
      if (c instanceof JournalCommand.Recover) {
        scheduleFor(m, new AnswerRecover(), 1 + random.nextInt(5));
      } else {
        m.unflushed.addLast((JournalCommand.Write) c);
        // fsync takes 1-10 ms; writes complete in order
        m.lastAckTime = Math.max(now + 1 + random.nextInt(10), m.lastAckTime + 1);
        scheduleFor(m, new Flush(), m.lastAckTime - now);
      }
    }
    collectReplies();
  }

  private void onFire(SimMember m, Fire f) {
    Effect.TimerScheduled<?> t = f.timer;
    if (m.timerGenerations.getOrDefault(t.key(), 0) != f.generation) {
      return;
    }
    if (!t.mode().equals(Effect.TimerScheduled$.MODULE$.singleMode())) {
      Fire again = new Fire();
      again.timer = t;
      again.generation = f.generation;
      scheduleFor(m, again, t.duration().toMillis());
    }
    run(m, (RaftMessage) t.msg(), "timer " + t.msg().getClass().getSimpleName() + " at " + m.id);
  }

  private void send(String from, String to, RaftMessage msg) {
    if (cut.contains(from + ">" + to) || random.nextDouble() < loss) {
      return;
    }
    if (dropFilter != null && dropFilter.test(to, msg)) {
      return;
    }
    int copies = random.nextDouble() < duplication ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      Deliver d = new Deliver();
      d.from = from;
      d.cutsAtSend = cuts.getOrDefault(from + ">" + to, 0);
      d.message = msg;
      // 1-20 ms apart, so messages overtake one another
      scheduleFor(members.get(to), d, 1 + random.nextInt(20));
    }
  }

  private void toDisk(SimMember m, JournalCommand.Write w) {
    HardState before = m.disk.recovered().hardState();
    m.disk.apply(w);
    m.diskView = null;
    long changedFrom = w.snapshot() != null ? 0
        : w.truncateFrom() > 0 ? w.truncateFrom()
        : w.entries().isEmpty() ? Long.MAX_VALUE : w.entries().get(0).index();
    invariants.onDurable(m.id, m.disk.recovered(), changedFrom, before);
    if (w.snapshot() != null) {
      snapshots++;
    }
  }

  private void collectReplies() {
    Iterator<TestInbox<MembershipReply>> changes = openChanges.iterator();
    while (changes.hasNext()) {
      TestInbox<MembershipReply> inbox = changes.next();
      if (inbox.hasMessages()) {
        MembershipReply r = inbox.receiveMessage();
        changesApplied += r instanceof MembershipReply.Changed ? 1 : 0;
        changesRefused += r instanceof MembershipReply.Refused ? 1 : 0;
        changes.remove();
      }
    }
    Iterator<Proposal> it = open.iterator();
    while (it.hasNext()) {
      Proposal p = it.next();
      if (!p.replies().hasMessages()) {
        continue;
      }
      ProposeReply reply = p.replies().receiveMessage();
      if (reply instanceof ProposeReply.Committed c) {
        invariants.onCommittedReply(c.index(), p.command());
        acknowledged++;
      }
      it.remove();
    }
    collectReads();
  }

  /** Checks every read answered in the last step (Done: linearizable ones against their floor). */
  private void collectReads() {
    Iterator<Read> it = openReads.iterator();
    while (it.hasNext()) {
      Read r = it.next();
      if (!r.replies().hasMessages()) {
        continue;
      }
      it.remove();
      ReadReply reply = r.replies().receiveMessage();
      r.answers().add(reply);
      if (reply instanceof ReadReply.Done d) {
        long value = (Long) d.value();
        if (value != d.appliedIndex()) {
          throw new AssertionError("read " + r + " ran at applied " + value + " but reports " + d.appliedIndex());
        }
        if (r.linearizable()) {
          invariants.onLinearizableRead("read " + r.id() + " at " + r.member() + " invoked at " + r.invokedAt() + " ms",
              r.floor(), value);
          linearizableDone++;
        } else {
          invariants.onSerializableRead("read " + r.id() + " at " + r.member(), value);
          serializableDone++;
        }
      } else {
        readsUnavailable++;
      }
    }
  }

  private void scheduleFor(SimMember m, MemberEvent e, long delay) {
    e.member = m;
    e.incarnation = m.incarnation;
    schedule(e, delay);
  }

  private void schedule(Event e, long delay) {
    e.time = now + delay;
    e.order = sequence++;
    queue.add(e);
  }

  private void note(String line) {
    if (trace.size() == 60) {
      trace.removeFirst();
    }
    trace.addLast(now + "ms " + line);
  }

  /** Every live member's applied commands, for comparing members. */
  String appliedSummary() {
    return members.values().stream()
        .filter(m -> m.up)
        .map(m -> m.id + "=" + m.stateMachine.applied().size())
        .collect(Collectors.joining(" "));
  }

  /** The entries member {@code id} has on disk after its snapshot. */
  List<LogEntry> disk(String id) {
    return members.get(id).disk.recovered().entries();
  }

  /** The index of member {@code id}'s snapshot on disk, 0 without one. */
  long diskSnapshotIndex(String id) {
    var snapshot = members.get(id).disk.recovered().snapshot();
    return snapshot == null ? 0 : snapshot.index();
  }

  long diskTerm(String id) {
    return members.get(id).disk.recovered().hardState().term();
  }

  List<LogEntry> applied(String id) {
    return members.get(id).stateMachine.applied();
  }
}
