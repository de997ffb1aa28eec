package raftkv.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import java.util.Random;
import raftkv.persistence.Configuration;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.JournalReply;
import raftkv.persistence.Snapshot;
import raftkv.persistence.StateMachine;

/**
 * One member of one Raft group. It first recovers its durable state from the journal (keeping
 * what arrives meanwhile), then starts as a follower (Raft §5.2).
 */
public final class RaftNode {
  private RaftNode() {}

  /**
   * @param journal      where the member's term, vote and log are made durable
   * @param stateMachine receives committed commands in order
   * @param random       the only source of randomness (election timeouts); seed it to replay
   */
  public static Behavior<RaftMessage> create(
      RaftSettings settings,
      Peers peers,
      ActorRef<JournalCommand> journal,
      StateMachine stateMachine,
      Random random) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(
        settings.stashCapacity(),
        stash -> {
          ActorRef<JournalReply> journalReplies =
              context.messageAdapter(JournalReply.class, Internal.JournalReplied::new);
          journal.tell(new JournalCommand.Recover(journalReplies));
          timers.startTimerWithFixedDelay(Internal.RecoveryTick.INSTANCE, settings.recoveryRetry());
          var setup = new RaftSetup(context, timers, settings, peers, random);
          return Behaviors.receive(RaftMessage.class)
              .onMessage(
                  Internal.JournalReplied.class,
                  m -> m.reply() instanceof JournalReply.Recovered,
                  m -> start(setup, (JournalReply.Recovered) m.reply(), journal, journalReplies, stateMachine, stash))
              .onMessageEquals(Internal.RecoveryTick.INSTANCE, () -> {
                context.getLog().warn(
                    "member {} of group {}: the journal has not answered recovery within {}; asking again",
                    settings.self(), settings.group(), settings.recoveryRetry());
                journal.tell(new JournalCommand.Recover(journalReplies));
                return Behaviors.same();
              })
              .onAnyMessage(m -> keep(stash, m))
              .build();
        })));
  }

  /**
   * Tells the peers directory every configuration the member comes to use (so that it resolves
   * the addresses it names), and logs, once each time, that the member left the configuration.
   */
  private static final class ConfigurationWatch implements java.util.function.Consumer<Configuration> {
    private final RaftSetup setup;
    private boolean member;

    ConfigurationWatch(RaftSetup setup) {
      this.setup = setup;
    }

    @Override
    public void accept(Configuration configuration) {
      setup.peers().configure(configuration);
      boolean now = configuration.contains(setup.self());
      if (member && !now) {
        setup.context().getLog().info(
            "member {} of group {}: removed from the configuration {}; it takes no part any more",
            setup.self(), setup.group(), configuration);
      } else if (!member && now) {
        setup.context().getLog().info(
            "member {} of group {}: in the configuration {}", setup.self(), setup.group(), configuration);
      }
      member = now;
    }
  }

  private static Behavior<RaftMessage> keep(StashBuffer<RaftMessage> stash, RaftMessage m) {
    if (!stash.isFull()) {
      stash.stash(m);
    }
    return Behaviors.same();
  }

  private static Behavior<RaftMessage> start(
      RaftSetup setup,
      JournalReply.Recovered recovered,
      ActorRef<JournalCommand> journal,
      ActorRef<JournalReply> journalReplies,
      StateMachine stateMachine,
      StashBuffer<RaftMessage> stash) {
    setup.timers().cancel(Internal.RecoveryTick.INSTANCE);
    Snapshot snapshot = recovered.snapshot();
    RaftLog log = snapshot == null
        ? new RaftLog(0, 0, recovered.entries())
        : new RaftLog(snapshot.index(), snapshot.term(), recovered.entries());
    var writer = new JournalWriter(journal, journalReplies, recovered.hardState(), log.lastIndex());
    var state = new RaftState(log, writer, stateMachine, setup.settings(), recovered.hardState(), snapshot);
    state.onConfigurationChange(new ConfigurationWatch(setup));
    setup.context().getLog().info(
        "member {} of group {}: recovered term {}, snapshot at {} and entries up to {}, starting as follower",
        setup.self(), setup.group(), state.term(), log.snapshotIndex(), log.lastIndex());
    Behavior<RaftMessage> follower = new Follower(setup, state).enter();
    return stash.unstashAll(Behaviors.intercept(() -> new FlushJournal(state), follower));
  }
}
