package raftkv.jepsen;

import java.util.ArrayList;
import java.util.List;
import raftkv.testing.TestJvm;

/**
 * Where a test cluster's members live and how their links can be cut: every member has a host
 * address and two ports, and a command prefix that places its JVM (nothing on loopback; {@code ip
 * netns exec NS} in {@link NetNamespaces}). Members are numbered from 0.
 */
interface Network extends AutoCloseable {
  String host(int member);

  int clientPort(int member);

  int peerPort(int member);

  /** The command that runs {@code command} as member {@code member}. */
  List<String> wrap(int member, List<String> command);

  /** Whether {@link #cut} works here. */
  boolean partitionable();

  /** Drops every packet from {@code from} to {@code to} (one way). */
  void cut(int from, int to);

  /** Removes every cut. */
  void healAll();

  @Override
  void close();

  /** Every member on 127.0.0.1 with ports of its own; no partitions. */
  static Network loopback(int size) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 2 * size; i++) {
      ports.add(TestJvm.freePort());
    }
    return new Network() {
      @Override
      public String host(int member) {
        return "127.0.0.1";
      }

      @Override
      public int clientPort(int member) {
        return ports.get(2 * member);
      }

      @Override
      public int peerPort(int member) {
        return ports.get(2 * member + 1);
      }

      @Override
      public List<String> wrap(int member, List<String> command) {
        return command;
      }

      @Override
      public boolean partitionable() {
        return false;
      }

      @Override
      public void cut(int from, int to) {
        throw new UnsupportedOperationException("no partitions on loopback");
      }

      @Override
      public void healAll() {}

      @Override
      public void close() {}

      @Override
      public String toString() {
        return "loopback";
      }
    };
  }
}
