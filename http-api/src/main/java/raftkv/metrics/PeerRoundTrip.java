package raftkv.metrics;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import raftkv.persistence.CborSerializable;

/**
 * Measures the round-trip time to every other member: every few seconds a {@link Ping} to the
 * actor at the same fixed path in each peer's system, answered at once with a {@link Pong}; the
 * time between is what the network and both members' dispatchers add to every Raft message.
 * Separate from Raft, whose behaviors read no clock.
 */
public final class PeerRoundTrip {
  static final String NAME = "raftkv-peer-round-trip";
  static final Duration INTERVAL = Duration.ofSeconds(5);

  /** What the actor takes. */
  public sealed interface Message {}

  /** @param sentNanos the sender's clock, given back in the answer */
  public record Ping(String from, long sentNanos, ActorRef<Message> replyTo) implements Message, CborSerializable {}

  public record Pong(String from, long sentNanos) implements Message, CborSerializable {}

  private enum Tick implements Message { INSTANCE }

  private PeerRoundTrip() {}

  /** Starts this member's actor; {@code peers} are the others' Akka addresses by member name. */
  public static void start(ActorSystem<?> system, String self, Map<String, Address> peers, ServerMetrics metrics) {
    system.systemActorOf(behavior(system, self, peers, metrics), NAME, Props.empty());
  }

  private static Behavior<Message> behavior(
      ActorSystem<?> system, String self, Map<String, Address> peers, ServerMetrics metrics) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Map<String, ActorRef<Message>> refs = new LinkedHashMap<>();
    peers.forEach((name, address) -> {
      if (!name.equals(self)) {
        refs.put(name, resolver.resolveActorRef(address + "/system/" + NAME));
      }
    });
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, INTERVAL);
      return Behaviors.receive(Message.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            long now = System.nanoTime();
            refs.values().forEach(ref -> ref.tell(new Ping(self, now, context.getSelf())));
            return Behaviors.same();
          })
          .onMessage(Ping.class, ping -> {
            ping.replyTo().tell(new Pong(self, ping.sentNanos()));
            return Behaviors.same();
          })
          .onMessage(Pong.class, pong -> {
            metrics.peerRoundTrip(pong.from(), System.nanoTime() - pong.sentNanos());
            return Behaviors.same();
          })
          .build();
    }));
  }
}
