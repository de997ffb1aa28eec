package raftkv.persistence;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Raft group's configuration (thesis §4): every member's id, the address the cluster layer turns
 * into its transport address, and whether it votes. A member's current configuration is the last
 * one in its log ({@link LogEntry.Kind#CONFIG}, written whole, not as a delta), else its
 * snapshot's, else the initial one it was started with. Immutable; members are kept sorted by id,
 * so that every member iterates them in the same order.
 *
 * @param members member id to its address and role
 */
public record Configuration(Map<String, Member> members) implements CborSerializable {

  /** Whether a member votes (and counts in commit, election and read quorums) or only learns. */
  public enum Role { VOTER, LEARNER }

  /**
   * @param address where the member is reached; empty for "as the cluster layer was configured at
   *     start" (the initial members)
   */
  public record Member(String address, Role role) implements CborSerializable {
    public Member {
      address = address == null ? "" : address;
      Objects.requireNonNull(role, "role");
    }

    public boolean voting() {
      return role == Role.VOTER;
    }
  }

  /** No member at all: what a member joining an existing group knows before the leader tells it. */
  public static final Configuration NONE = new Configuration(Map.of());

  public Configuration {
    members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
  }

  /** The initial configuration of a group started with these voters at their configured addresses. */
  public static Configuration ofVoters(Collection<String> voters) {
    Map<String, Member> members = new TreeMap<>();
    voters.forEach(id -> members.put(id, new Member("", Role.VOTER)));
    return new Configuration(members);
  }

  /** The voting members, by id. */
  public List<String> voters() {
    return members.entrySet().stream().filter(e -> e.getValue().voting()).map(Map.Entry::getKey).toList();
  }

  /** The learners (non-voting members), by id. */
  public List<String> learners() {
    return members.entrySet().stream().filter(e -> !e.getValue().voting()).map(Map.Entry::getKey).toList();
  }

  public boolean contains(String id) {
    return members.containsKey(id);
  }

  public boolean isVoter(String id) {
    Member m = members.get(id);
    return m != null && m.voting();
  }

  public boolean isLearner(String id) {
    Member m = members.get(id);
    return m != null && !m.voting();
  }

  public Member member(String id) {
    return members.get(id);
  }

  /** This configuration with {@code id} set to {@code member} (added or replaced). */
  public Configuration with(String id, Member member) {
    Map<String, Member> changed = new TreeMap<>(members);
    changed.put(id, member);
    return new Configuration(changed);
  }

  public Configuration without(String id) {
    Map<String, Member> changed = new TreeMap<>(members);
    changed.remove(id);
    return new Configuration(changed);
  }

  /** The bytes of a {@link LogEntry.Kind#CONFIG} entry: deterministic, the same on every member. */
  public byte[] encode() {
    var bytes = new ByteArrayOutputStream();
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(1); // format version
      out.writeInt(members.size());
      for (var e : members.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue().address());
        out.writeByte(e.getValue().role().ordinal());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads what {@link #encode()} wrote; throws {@link IllegalArgumentException} on anything else. */
  public static Configuration decode(byte[] data) {
    try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readByte();
      if (version != 1) {
        throw new IllegalArgumentException("unknown configuration format " + version);
      }
      int n = in.readInt();
      Map<String, Member> members = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        String address = in.readUTF();
        int role = in.readByte();
        if (role < 0 || role >= Role.values().length) {
          throw new IllegalArgumentException("unknown member role " + role);
        }
        members.put(id, new Member(address, Role.values()[role]));
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("trailing bytes after a configuration");
      }
      return new Configuration(members);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a configuration: " + e, e);
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Configuration[");
    members.forEach((id, m) -> s.append(' ').append(id).append(m.voting() ? "" : "(learner)")
        .append(m.address().isEmpty() ? "" : "@" + m.address()));
    return s.append(" ]").toString();
  }
}
