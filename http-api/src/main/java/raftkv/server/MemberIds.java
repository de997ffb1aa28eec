package raftkv.server;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * etcd-style 64-bit ids, derived (as etcd derives them) from what the operator configured, so that
 * every member computes the same ids without talking: a member's from its peer URL and the cluster
 * token, the cluster's from all member ids. Shown as unsigned decimals in the JSON API.
 */
final class MemberIds {
  private MemberIds() {}

  static long memberId(URI peerUrl, String token) {
    return digest(peerUrl.toString() + "\n" + token);
  }

  static long clusterId(Collection<Long> memberIds, String token) {
    StringBuilder all = new StringBuilder(token);
    memberIds.stream().sorted(Long::compareUnsigned).forEach(id -> all.append('\n').append(Long.toUnsignedString(id)));
    return digest(all.toString());
  }

  private static long digest(String text) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long id = ByteBuffer.wrap(sha).getLong();
      return id == 0 ? 1 : id; // etcd reserves 0 for "none"
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
