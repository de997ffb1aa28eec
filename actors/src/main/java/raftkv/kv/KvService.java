package raftkv.kv;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.KvCommandCodec;
import raftkv.persistence.kv.KvError;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.KvResultCodec;
import raftkv.persistence.kv.KvStore;
import raftkv.persistence.kv.KvValidator;
import raftkv.persistence.kv.LeaseInfo;
import raftkv.raft.ClientRequest;
import raftkv.raft.ProposeReply;
import raftkv.raft.RaftMessage;
import raftkv.raft.ReadReply;
import raftkv.raft.Status;

/**
 * A member's key-value service: it turns client requests into Raft proposals and reads of its
 * member's {@link KvStore}, retries while no leader is known, and answers within the request
 * timeout. The store belongs to the Raft member's thread, so every read of it is a query that the
 * member runs ({@link ClientRequest.Read}); writes are checked here ({@link KvValidator}) so that
 * nothing etcd would refuse reaches the log.
 */
public final class KvService {
  /** etcd's answers when it cannot serve (gRPC Unavailable). */
  static final String NO_LEADER = "etcdserver: no leader";
  static final String TIMED_OUT = "etcdserver: request timed out";
  static final String LEADER_LOST = "etcdserver: request timed out, possibly due to previous leader failure";

  /** What an attempt sends to the member: a proposal or a read. */
  sealed interface Operation {}

  private record Proposal(byte[] command) implements Operation {}

  private record Query(Supplier<LongFunction<KvReply>> query, boolean linearizable) implements Operation {}

  private final ActorContext<KvRequest> context;
  private final TimerScheduler<KvRequest> timers;
  private final KvSettings settings;
  private final KvValidator validator;
  private final ActorRef<RaftMessage> node;
  private final KvStore store;
  private final WatchFanout watches;
  private final KvMetrics metrics;
  private final Set<ActorRef<WatchMessage>> sinks = new HashSet<>();
  /** The latest term the member told of: the header of answers that carry no term of their own. */
  private long term;

  private KvService(
      ActorContext<KvRequest> context,
      TimerScheduler<KvRequest> timers,
      KvSettings settings,
      ActorRef<RaftMessage> node,
      KvStore store,
      WatchFanout watches,
      KvMetrics metrics) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.validator = new KvValidator(settings.limits());
    this.node = node;
    this.store = store;
    this.watches = watches;
    this.metrics = metrics;
  }

  /**
   * @param node    the Raft member whose state machine is {@code store}
   * @param watches registered with {@code store} as its listener
   */
  static Behavior<KvRequest> create(
      KvSettings settings, ActorRef<RaftMessage> node, KvStore store, WatchFanout watches, KvMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.spawn(LeaseExpiry.create(settings, node, store), "lease-expiry");
      return new KvService(context, timers, settings, node, store, watches, metrics).behavior();
    }));
  }

  private Behavior<KvRequest> behavior() {
    return Behaviors.receive(KvRequest.class)
        .onMessage(KvRequest.Write.class, this::onWrite)
        .onMessage(KvRequest.Range.class, this::onRange)
        .onMessage(KvRequest.LeaseTimeToLive.class, this::onLeaseTimeToLive)
        .onMessage(KvRequest.LeaseList.class, this::onLeaseList)
        .onMessage(KvRequest.GetStatus.class, this::onGetStatus)
        .onMessage(KvRequest.WatchCreate.class, this::onWatchCreate)
        .onMessage(KvRequest.WatchCancel.class, this::onWatchCancel)
        .onMessage(KvInternal.Proposed.class, this::onProposed)
        .onMessage(KvInternal.Read.class, this::onRead)
        .onMessage(KvInternal.Retry.class, this::onRetry)
        .onMessage(KvInternal.StatusAnswered.class, this::onStatusAnswered)
        .onMessage(KvInternal.SinkStopped.class, this::onSinkStopped)
        .build();
  }

  // ---- writes ----

  private Behavior<KvRequest> onWrite(KvRequest.Write m) {
    KvCommand command = LeaseClock.stamp(m.command(), System.currentTimeMillis());
    Optional<KvError> refused = validator.check(command);
    if (refused.isPresent()) {
      m.replyTo().tell(new KvReply.Done(new KvResult.Failed(refused.get()), term));
    } else {
      metrics.proposalStarted();
      send(attempt(new Proposal(KvCommandCodec.encode(validator.normalize(command))), m.replyTo()));
    }
    return Behaviors.same();
  }

  private Behavior<KvRequest> onProposed(KvInternal.Proposed m) {
    if (m.reply() instanceof ProposeReply.Committed c) {
      learnTerm(c.term());
      metrics.proposalCommitted(System.nanoTime() - m.attempt().startedNanos());
      m.attempt().replyTo().tell(new KvReply.Done(KvResultCodec.decode(c.result()), c.term()));
    } else if (m.reply() instanceof ProposeReply.NotCommitted) {
      retryOrGiveUp(m.attempt()); // certainly not in the log: safe to send again
    } else if (m.reply() instanceof ProposeReply.Unknown) {
      fail(m.attempt(), LEADER_LOST);
    } else {
      fail(m.attempt(), TIMED_OUT);
    }
    return Behaviors.same();
  }

  // ---- reads ----

  private Behavior<KvRequest> onRange(KvRequest.Range m) {
    Optional<KvError> refused = validator.check(m.request());
    if (refused.isPresent()) {
      m.replyTo().tell(new KvReply.Done(new KvResult.Failed(refused.get()), term));
      return Behaviors.same();
    }
    read(() -> {
      KvResult result = store.range(m.request());
      return t -> new KvReply.Done(result, t);
    }, !m.request().serializable(), m.replyTo());
    return Behaviors.same();
  }

  private Behavior<KvRequest> onLeaseTimeToLive(KvRequest.LeaseTimeToLive m) {
    read(() -> {
      long revision = store.revision();
      Optional<LeaseInfo> lease = store.lease(m.id());
      long now = System.currentTimeMillis();
      return t -> new KvReply.LeaseTimeToLive(revision, m.id(), lease, now, t);
    }, true, m.replyTo());
    return Behaviors.same();
  }

  private Behavior<KvRequest> onLeaseList(KvRequest.LeaseList m) {
    read(() -> {
      long revision = store.revision();
      List<LeaseInfo> leases = store.leases();
      return t -> new KvReply.LeaseList(revision, leases, t);
    }, true, m.replyTo());
    return Behaviors.same();
  }

  private void read(Supplier<LongFunction<KvReply>> query, boolean linearizable, ActorRef<KvReply> replyTo) {
    send(attempt(new Query(query, linearizable), replyTo));
  }

  private Behavior<KvRequest> onRead(KvInternal.Read m) {
    if (m.reply() instanceof ReadReply.Done d) {
      learnTerm(d.term());
      @SuppressWarnings("unchecked")
      var answer = (LongFunction<KvReply>) d.value();
      m.attempt().replyTo().tell(answer.apply(d.term()));
    } else if (m.reply() instanceof ReadReply.Unavailable) {
      retryOrGiveUp(m.attempt());
    } else {
      fail(m.attempt(), TIMED_OUT);
    }
    return Behaviors.same();
  }

  private void learnTerm(long seen) {
    if (seen > term) {
      term = seen;
      watches.setTerm(seen);
    }
  }

  // ---- attempts ----

  private KvInternal.Attempt attempt(Operation operation, ActorRef<KvReply> replyTo) {
    long now = System.nanoTime();
    return new KvInternal.Attempt(operation, replyTo, now, now + settings.requestTimeout().toNanos());
  }

  private void send(KvInternal.Attempt a) {
    Duration left = Duration.ofNanos(Math.max(1, a.deadlineNanos() - System.nanoTime()));
    if (a.operation() instanceof Proposal p) {
      context.ask(ProposeReply.class, node, left, r -> new ClientRequest.Propose(p.command(), r),
          (reply, failure) -> new KvInternal.Proposed(a, reply, failure));
    } else {
      var q = (Query) a.operation();
      context.ask(ReadReply.class, node, left, r -> new ClientRequest.Read(q.query(), q.linearizable(), r),
          (reply, failure) -> new KvInternal.Read(a, reply, failure));
    }
  }

  private void retryOrGiveUp(KvInternal.Attempt a) {
    if (System.nanoTime() + settings.retryInterval().toNanos() < a.deadlineNanos()) {
      timers.startSingleTimer(a, new KvInternal.Retry(a), settings.retryInterval());
    } else {
      fail(a, NO_LEADER);
    }
  }

  private void fail(KvInternal.Attempt a, String message) {
    if (a.operation() instanceof Proposal) {
      metrics.proposalFailed();
    }
    a.replyTo().tell(new KvReply.Unavailable(message));
  }

  private Behavior<KvRequest> onRetry(KvInternal.Retry m) {
    send(m.attempt());
    return Behaviors.same();
  }

  // ---- status ----

  private Behavior<KvRequest> onGetStatus(KvRequest.GetStatus m) {
    context.ask(Status.class, node, settings.requestTimeout(), ClientRequest.GetStatus::new,
        (status, failure) -> new KvInternal.StatusAnswered(m.replyTo(), status, failure));
    return Behaviors.same();
  }

  private Behavior<KvRequest> onStatusAnswered(KvInternal.StatusAnswered m) {
    if (m.status() == null) {
      m.replyTo().tell(new KvReply.Unavailable(TIMED_OUT));
      return Behaviors.same();
    }
    learnTerm(m.status().term());
    Status status = m.status();
    read(() -> {
      long revision = store.revision();
      return t -> new KvReply.MemberStatus(status, revision);
    }, false, m.replyTo());
    return Behaviors.same();
  }

  // ---- watches ----

  private Behavior<KvRequest> onWatchCreate(KvRequest.WatchCreate m) {
    if (sinks.add(m.sink())) {
      context.watchWith(m.sink(), new KvInternal.SinkStopped(m.sink()));
    }
    onMemberThread(() -> watches.create(m.watchId(), m.spec(), m.sink()));
    return Behaviors.same();
  }

  private Behavior<KvRequest> onWatchCancel(KvRequest.WatchCancel m) {
    onMemberThread(() -> watches.cancel(m.watchId(), m.sink()));
    return Behaviors.same();
  }

  private Behavior<KvRequest> onSinkStopped(KvInternal.SinkStopped m) {
    sinks.remove(m.sink());
    onMemberThread(() -> watches.removeAll(m.sink()));
    return Behaviors.same();
  }

  /** Runs {@code action} where the store and its watches live; a serializable read never waits. */
  private void onMemberThread(Runnable action) {
    node.tell(new ClientRequest.Read(() -> {
      action.run();
      return null;
    }, false, context.getSystem().ignoreRef()));
  }
}
