package raftkv.raft;

import java.util.Collection;

/** Majority arithmetic over the voting members. Learners never enter these counts. */
final class Quorum {
  private Quorum() {}

  /** How many of {@code voters} make a majority. */
  static int majority(int voters) {
    return voters / 2 + 1;
  }

  /** The highest index that a majority of voters hold, given each voter's match index. */
  static long committedIndex(Collection<Long> matchIndexes) {
    long[] sorted = matchIndexes.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return 0;
    }
    // In ascending order, the value at n - majority is held by at least a majority.
    return sorted[sorted.length - majority(sorted.length)];
  }

  static boolean isMajority(int count, int voters) {
    return count >= majority(voters);
  }
}
