package raftkv.raft;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import java.util.HashSet;
import java.util.Set;
import raftkv.persistence.HardState;

/**
 * Campaigns in two phases (thesis §9.6): a pre-vote asks whether a majority would vote for it in
 * the next term without changing any term; only then does it enter that term and ask for votes.
 */
final class Candidate extends Role {
  private final boolean preVote;
  private final boolean transfer;
  private final Set<String> granted = new HashSet<>();

  private Candidate(RaftSetup setup, RaftState state, boolean preVote, boolean transfer) {
    super(setup, state);
    this.preVote = preVote;
    this.transfer = transfer;
  }

  /** Starts a campaign with its pre-vote phase. */
  static Behavior<RaftMessage> campaign(RaftSetup setup, RaftState state) {
    return new Candidate(setup, state, true, false).start();
  }

  /** Campaigns at once in the next term, because the leader handed over (thesis §3.10). */
  static Behavior<RaftMessage> campaignNow(RaftSetup setup, RaftState state) {
    return new Candidate(setup, state, false, true).start();
  }

  @Override
  Status.Role name() {
    return preVote ? Status.Role.PRE_CANDIDATE : Status.Role.CANDIDATE;
  }

  private Behavior<RaftMessage> start() {
    setup.cancelLeaderTimers();
    setup.startElectionTimer();
    state.setLeader(null);
    long campaignTerm;
    if (preVote) {
      campaignTerm = state.term() + 1;
      granted.add(setup.self());
    } else {
      state.enterTerm(state.term() + 1);
      state.vote(setup.self());
      campaignTerm = state.term();
    }
    var request =
        new RaftRpc.RequestVote(
            setup.group(), campaignTerm, setup.self(), state.log.lastIndex(), state.log.lastTerm(), preVote, transfer);
    state.configuration().voters().stream()
        .filter(member -> !member.equals(setup.self()))
        .forEach(member -> setup.send(member, request));
    return tally(behavior());
  }

  @Override
  BehaviorBuilder<RaftMessage> handlers(BehaviorBuilder<RaftMessage> builder) {
    return builder
        .onMessage(RaftRpc.VoteResponse.class, this::onVoteResponse)
        .onMessage(RaftRpc.AppendEntries.class, this::followLeader)
        .onMessage(RaftRpc.InstallSnapshot.class, this::followLeader)
        .onMessage(RaftRpc.ReadIndexHeartbeat.class, this::followLeader)
        .onMessageEquals(Internal.ElectionTimeout.INSTANCE, () -> campaign(setup, state));
  }

  private Behavior<RaftMessage> onVoteResponse(RaftRpc.VoteResponse m) {
    long expectedTerm = preVote ? state.term() + 1 : state.term();
    if (m.preVote() == preVote && m.granted() && m.term() == expectedTerm) {
      granted.add(m.from());
    }
    return tally(Behaviors.same());
  }

  /** Someone won this term: follow it. */
  private Behavior<RaftMessage> followLeader(RaftRpc m) {
    return new Follower(setup, state).continueWith(m);
  }

  @Override
  Behavior<RaftMessage> onDurable() {
    return tally(Behaviors.same());
  }

  /**
   * Moves on when a majority of the voters of its configuration agreed; counts its own vote only
   * once it is on disk (§5.2), and nobody else's unless a voter (learners never count).
   */
  private Behavior<RaftMessage> tally(Behavior<RaftMessage> otherwise) {
    var voters = state.configuration().voters();
    int votes = (int) granted.stream().filter(voters::contains).count();
    if (!preVote && new HardState(state.term(), setup.self()).equals(state.journal.durableHardState())) {
      votes++;
    }
    if (!voters.contains(setup.self()) || !Quorum.isMajority(votes, voters.size())) {
      return otherwise;
    }
    return preVote ? new Candidate(setup, state, false, false).start() : new Leader(setup, state).enter();
  }
}
