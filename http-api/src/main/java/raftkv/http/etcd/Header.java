package raftkv.http.etcd;

/**
 * etcd's {@code ResponseHeader}, which every gateway answer carries. {@code clusterId},
 * {@code memberId} and {@code raftTerm} are uint64 (written unsigned); {@code revision} is the
 * store revision the answer reflects.
 */
public record Header(long clusterId, long memberId, long revision, long raftTerm) {

  public Header withRevision(long newRevision) {
    return new Header(clusterId, memberId, newRevision, raftTerm);
  }
}
