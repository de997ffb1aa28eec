package raftkv.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bytes of every file below a directory: what a member's data takes on disk ("dbSize"). */
final class DirectorySize {
  private DirectorySize() {}

  static long of(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(DirectorySize::size).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // a file went away while we looked (LevelDB compacts): the next answer will tell
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
