package raftkv.raft;

import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.Random;

/**
 * What a member is given and never changes: its context, timers, settings, peers and randomness.
 * The roles touch the world only through this (DESIGN decision 2), which keeps them deterministic.
 */
record RaftSetup(
    ActorContext<RaftMessage> context,
    TimerScheduler<RaftMessage> timers,
    RaftSettings settings,
    Peers peers,
    Random random) {

  String self() {
    return settings.self();
  }

  String group() {
    return settings.group();
  }

  void send(String member, RaftMessage message) {
    peers.ref(member).tell(message);
  }

  /** (Re)starts the election timer with a fresh random wait in [t, 2t). */
  void startElectionTimer() {
    long base = settings.electionTimeout().toMillis();
    Duration wait = Duration.ofMillis(base + random.nextInt((int) base));
    timers.startSingleTimer(Internal.ElectionTimeout.INSTANCE, Internal.ElectionTimeout.INSTANCE, wait);
  }

  void cancelLeaderTimers() {
    timers.cancel(Internal.HeartbeatTick.INSTANCE);
    timers.cancel(Internal.CheckQuorumTick.INSTANCE);
  }
}
