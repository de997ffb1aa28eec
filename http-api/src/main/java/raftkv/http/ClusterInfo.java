package raftkv.http;

import java.util.List;

/**
 * What the HTTP facade says about the cluster: its id, this member's id, and every member as
 * {@code /v3/cluster/member/list} shows it.
 */
public record ClusterInfo(long clusterId, long memberId, String memberName, List<Member> members) {

  public ClusterInfo {
    members = List.copyOf(members);
  }

  /** One member as etcd lists it; {@code clientUrls} only where known. */
  public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public Member {
      peerUrls = List.copyOf(peerUrls);
      clientUrls = List.copyOf(clientUrls);
    }
  }

  /** The member with this Raft member name, if any. */
  public Member byName(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
  }
}
