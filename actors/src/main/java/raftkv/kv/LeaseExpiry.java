package raftkv.kv;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.KvCommandCodec;
import raftkv.persistence.kv.KvStore;
import raftkv.raft.ClientRequest;
import raftkv.raft.ProposeReply;
import raftkv.raft.RaftMessage;
import raftkv.raft.ReadReply;
import raftkv.raft.Status;

/**
 * Expires leases while its member leads: every {@code lease-check-interval} it asks the store for
 * leases past their deadline on this member's clock and proposes an expiry for each, so that
 * every member deletes their keys at the same revision. As a leader's first lease decision in a
 * term it renews every lease ({@link KvCommand.LeaseRenewAll}), so that time during which no
 * leader could take keepalives is not held against a lease.
 *
 * <p>Both go in as {@link ClientRequest.ProposeAsLeader} of the term in which they were decided:
 * such an entry never commits once a later leader has committed its renewal, so an old leader's
 * expiries can never overtake a newer leader's view of the leases.
 */
final class LeaseExpiry {
  sealed interface Message {}

  private enum Tick implements Message { INSTANCE }

  private record Seen(Status status) implements Message {}

  private record Expired(long term, List<Long> ids, long nowMillis) implements Message {}

  private record Renewed(long term, boolean committed) implements Message {}

  private record ExpiryAnswered(long id) implements Message {}

  private final ActorContext<Message> context;
  private final KvSettings settings;
  private final ActorRef<RaftMessage> node;
  private final KvStore store;
  /** The term whose renewal committed: expiries may be decided in it. */
  private long renewedTerm;
  private boolean renewing;
  /** Leases whose expiry is proposed and not answered yet. */
  private final Set<Long> expiring = new HashSet<>();

  private LeaseExpiry(ActorContext<Message> context, KvSettings settings, ActorRef<RaftMessage> node, KvStore store) {
    this.context = context;
    this.settings = settings;
    this.node = node;
    this.store = store;
  }

  static Behavior<Message> create(KvSettings settings, ActorRef<RaftMessage> node, KvStore store) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.leaseCheckInterval());
      return new LeaseExpiry(context, settings, node, store).behavior();
    }));
  }

  private Behavior<Message> behavior() {
    return Behaviors.receive(Message.class)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Seen.class, this::onSeen)
        .onMessage(Expired.class, this::onExpired)
        .onMessage(Renewed.class, this::onRenewed)
        .onMessage(ExpiryAnswered.class, this::onExpiryAnswered)
        .build();
  }

  private Behavior<Message> onTick() {
    context.ask(Status.class, node, settings.leaseCheckInterval(), ClientRequest.GetStatus::new,
        (status, failure) -> new Seen(status));
    return Behaviors.same();
  }

  private Behavior<Message> onSeen(Seen m) {
    Status status = m.status();
    if (status == null || status.role() != Status.Role.LEADER) {
      return Behaviors.same();
    }
    long term = status.term();
    if (renewedTerm != term) {
      renew(term);
    } else {
      context.ask(ReadReply.class, node, settings.leaseCheckInterval(),
          r -> new ClientRequest.Read(() -> {
            long now = System.currentTimeMillis();
            return new Expired(term, store.expiredLeases(now), now);
          }, false, r),
          (reply, failure) -> reply instanceof ReadReply.Done d ? (Expired) d.value() : new Expired(term, List.of(), 0));
    }
    return Behaviors.same();
  }

  private void renew(long term) {
    if (renewing) {
      return;
    }
    renewing = true;
    byte[] command = KvCommandCodec.encode(new KvCommand.LeaseRenewAll(System.currentTimeMillis()));
    context.ask(ProposeReply.class, node, settings.requestTimeout(),
        r -> new ClientRequest.ProposeAsLeader(command, term, r),
        (reply, failure) -> new Renewed(term, reply instanceof ProposeReply.Committed));
  }

  private Behavior<Message> onRenewed(Renewed m) {
    renewing = false;
    if (m.committed()) {
      renewedTerm = Math.max(renewedTerm, m.term());
    }
    return Behaviors.same();
  }

  private Behavior<Message> onExpired(Expired m) {
    for (long id : m.ids()) {
      if (expiring.add(id)) {
        byte[] command = KvCommandCodec.encode(new KvCommand.LeaseExpire(id, m.nowMillis()));
        context.ask(ProposeReply.class, node, settings.requestTimeout(),
            r -> new ClientRequest.ProposeAsLeader(command, m.term(), r),
            (reply, failure) -> new ExpiryAnswered(id));
      }
    }
    return Behaviors.same();
  }

  private Behavior<Message> onExpiryAnswered(ExpiryAnswered m) {
    expiring.remove(m.id());
    return Behaviors.same();
  }
}
