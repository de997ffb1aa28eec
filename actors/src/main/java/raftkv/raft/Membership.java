package raftkv.raft;

import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import raftkv.persistence.Configuration;
import raftkv.persistence.Configuration.Member;
import raftkv.persistence.Configuration.Role;

/**
 * Checks one membership change against the configuration in force and computes the next one, as
 * data (thesis §4.1, single-server changes). The leader supplies what it knows of the members:
 * which answered recently ({@code active}; the leader itself always is) and how far each log
 * reaches ({@code match}).
 *
 * <p>The strict reconfiguration check is etcd's: a change is refused when the voters that are
 * active now would not be a majority of the voters after it, since the group would then have to
 * wait for a member that may never come (adding a voter that is not started, removing one of the
 * few that answer).
 */
final class Membership {
  private Membership() {}

  /** The outcome of a check: the next configuration, or why not. */
  sealed interface Outcome {}

  record Accepted(Configuration next) implements Outcome {}

  record Refused(String reason) implements Outcome {}

  /** Not now, for a passing reason (the previous change is not committed yet): try again. */
  record Deferred(String reason) implements Outcome {}

  static Outcome check(
      Configuration current,
      MembershipChange change,
      String leader,
      Predicate<String> active,
      ToLongFunction<String> match,
      long leaderLastIndex,
      long learnerMaxLag) {
    String id = change.member();
    if (id == null || id.isBlank()) {
      return new Refused("a member id is required");
    }
    Member existing = current.member(id);
    int voters = current.voters().size();
    long activeVoters = current.voters().stream().filter(v -> v.equals(leader) || active.test(v)).count();
    if (change instanceof MembershipChange.Add add) {
      if (existing != null) {
        return new Refused("member " + id + " is already in the group as a " + roleName(existing));
      }
      if (add.address() == null || add.address().isBlank()) {
        return new Refused("member " + id + " needs an address");
      }
      if (!add.learner() && !Quorum.isMajority((int) activeVoters, voters + 1)) {
        return new Refused(strict("adding voter " + id, activeVoters, voters, voters + 1));
      }
      return new Accepted(current.with(id, new Member(add.address(), add.learner() ? Role.LEARNER : Role.VOTER)));
    }
    if (existing == null) {
      return new Refused("member " + id + " is not in the group");
    }
    if (change instanceof MembershipChange.Promote) {
      if (existing.voting()) {
        return new Refused("member " + id + " is already a voter");
      }
      long behind = leaderLastIndex - match.applyAsLong(id);
      if (behind > learnerMaxLag) {
        return new Refused("learner " + id + " is not ready: its log is " + behind + " entries behind the leader's"
            + " (promotable within " + learnerMaxLag + ")");
      }
      long activeAfter = activeVoters + (active.test(id) ? 1 : 0);
      if (!Quorum.isMajority((int) activeAfter, voters + 1)) {
        return new Refused(strict("promoting " + id, activeAfter, voters, voters + 1));
      }
      return new Accepted(current.with(id, new Member(existing.address(), Role.VOTER)));
    }
    if (change instanceof MembershipChange.Remove) {
      if (existing.voting()) {
        if (voters == 1) {
          return new Refused("member " + id + " is the last voter; the group would have none");
        }
        long activeAfter = activeVoters - (id.equals(leader) || active.test(id) ? 1 : 0);
        if (!Quorum.isMajority((int) activeAfter, voters - 1)) {
          return new Refused(strict("removing voter " + id, activeAfter, voters, voters - 1));
        }
      }
      return new Accepted(current.without(id));
    }
    if (change instanceof MembershipChange.UpdateAddress update) {
      if (update.address() == null || update.address().isBlank()) {
        return new Refused("member " + id + " needs an address");
      }
      return new Accepted(current.with(id, new Member(update.address(), existing.role())));
    }
    return new Refused("unknown change " + change);
  }

  private static String roleName(Member m) {
    return m.voting() ? "voter" : "learner";
  }

  private static String strict(String what, long active, int votersNow, int votersAfter) {
    return "refusing " + what + ": only " + active + " active voters would remain of " + votersAfter
        + " (of " + votersNow + " now), not a majority; the group could not commit without members that do not"
        + " answer (strict reconfiguration check)";
  }
}
