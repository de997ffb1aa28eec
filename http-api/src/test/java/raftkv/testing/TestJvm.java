package raftkv.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** How multi-process tests start member JVMs, and the loopback ports they give them. */
public final class TestJvm {
  private static final int FIRST_PORT = 10_000;
  private static final Random RANDOM = new Random();
  private static final Set<Integer> handedOut = new HashSet<>();

  private TestJvm() {}

  /**
   * A {@code java} command line with the test class path, small and quick to start, with its own
   * temporary directory below {@code tmp} (HawtJNI extracts the LevelDB library there at every
   * start; a killed JVM never removes it).
   */
  public static List<String> java(Path tmp, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Djava.io.tmpdir=" + mkdirs(tmp.toAbsolutePath()), // leveldbjni loads its library only by absolute path
        "-cp", classpath(),
        mainClass));
    cmd.addAll(args);
    return cmd;
  }

  /** The test class path, also when surefire runs the tests through a manifest-only jar. */
  public static String classpath() {
    String path = System.getProperty("java.class.path");
    String surefire = System.getProperty("surefire.test.class.path");
    return path.contains("surefirebooter") && surefire != null ? surefire : path;
  }

  /**
   * A loopback port that was free a moment ago, for a member that must be told its port before it
   * starts (peers need each other's). Not one the kernel picks for port 0: those come from the
   * ephemeral range, which is also where every outgoing connection's local port comes from, so
   * one of the many connections a cluster test opens can take it before the member binds it. So
   * the port is drawn from below that range (where only explicit binds go), and never handed out
   * twice by this JVM.
   */
  public static synchronized int freePort() {
    int low = ephemeralLow();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = FIRST_PORT + RANDOM.nextInt(Math.max(1, low - FIRST_PORT));
      if (handedOut.add(port) && bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port below " + low);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (Linux's default if it cannot be read). */
  private static int ephemeralLow() {
    try {
      // Not Files.readString: the JDK sizes its read by the file's size, which /proc reports wrongly.
      try (var in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        return Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  public static String mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
