package raftkv.server;

import java.util.List;
import raftkv.raft.Status;

/** Renders the members' {@link Status} as a plain text table, one row per member. */
final class StatusTable {
  private static final String FORMAT = "%-8s %-14s %6s %-8s %8s %8s %8s%n";

  private StatusTable() {}

  static String render(List<Status> statuses) {
    var table = new StringBuilder(String.format(FORMAT, "MEMBER", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAST"));
    for (Status s : statuses) {
      table.append(String.format(
          FORMAT,
          s.member(),
          s.role(),
          s.term(),
          s.leader() == null ? "-" : s.leader(),
          s.commitIndex(),
          s.appliedIndex(),
          s.lastIndex()));
    }
    return table.toString();
  }
}
