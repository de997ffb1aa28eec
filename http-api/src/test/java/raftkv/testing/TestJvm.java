package raftkv.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How multi-process tests start member JVMs, and the loopback ports they give them. */
public final class TestJvm {
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
        "-Djava.io.tmpdir=" + mkdirs(tmp),
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
   * A loopback port that was free a moment ago, for a member that must be told its port before
   * it starts (peers need each other's); a collision fails the start, never a test silently.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
