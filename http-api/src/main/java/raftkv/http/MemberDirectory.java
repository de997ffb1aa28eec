package raftkv.http;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members as {@code /v3/cluster/member/list} shows them: the configured members, each with
 * the client URLs it announced. A member announces its client URLs as an Akka Cluster role
 * ({@link #role}), so every member learns every other's as soon as it is in the cluster, without
 * a protocol of its own; a member not in the cluster (not started yet, or gone) is listed without
 * client URLs, as etcd lists a member that has not published them.
 */
public final class MemberDirectory {
  private static final String ROLE_PREFIX = "raftkv-client-urls=";

  private final ActorSystem<?> system;
  private final ClusterInfo configured;
  /** Each member's Akka address, by member name. */
  private final Map<String, Address> addresses;

  public MemberDirectory(ActorSystem<?> system, ClusterInfo configured, Map<String, Address> addresses) {
    this.system = system;
    this.configured = configured;
    this.addresses = Map.copyOf(addresses);
  }

  /** The Akka Cluster role that announces {@code clientUrls} (comma separated, no spaces). */
  public static String role(List<String> clientUrls) {
    return ROLE_PREFIX + String.join(",", clientUrls);
  }

  public ClusterInfo info() {
    return configured;
  }

  public List<ClusterInfo.Member> members() {
    Map<Address, List<String>> announced = new HashMap<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      for (String role : m.getRoles()) {
        if (role.startsWith(ROLE_PREFIX)) {
          announced.put(m.address(), Arrays.asList(role.substring(ROLE_PREFIX.length()).split(",")));
        }
      }
    }
    List<ClusterInfo.Member> out = new ArrayList<>();
    for (ClusterInfo.Member m : configured.members()) {
      List<String> urls = m.id() == configured.memberId()
          ? m.clientUrls() : announced.getOrDefault(addresses.get(m.name()), List.of());
      out.add(new ClusterInfo.Member(m.id(), m.name(), m.peerUrls(), urls, m.learner()));
    }
    return out;
  }
}
