package raftkv.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fusesource.hawtjni.runtime.Library;
import org.fusesource.leveldbjni.JniDBFactory;
import org.fusesource.leveldbjni.internal.NativeDB;

/**
 * The native LevelDB library behind the journal (leveldbjni-all, which bundles builds for linux32,
 * linux64, osx, windows32 and windows64). HawtJNI extracts the platform's library to {@code
 * java.io.tmpdir} on first use (or loads it from {@code -Dlibrary.leveldbjni.path=<dir>}) and
 * deletes the copy on exit; nothing falls back silently to the Java port.
 */
public final class NativeLevelDb {
  private NativeLevelDb() {}

  /**
   * Loads the native library if it is not loaded yet and says which one it is.
   *
   * @throws UnsatisfiedLinkError if there is no usable native library for this platform
   */
  public static String load() {
    NativeDB.LIBRARY.load();
    return "leveldbjni " + JniDBFactory.VERSION + " (" + Library.getPlatform() + ") loaded from "
        + mappedFile().orElse("an unknown location");
  }

  /** The library file mapped into this process, where the OS tells ({@code /proc/self/maps}). */
  static java.util.Optional<String> mappedFile() {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return java.util.Optional.empty();
    }
    try (Stream<String> lines = Files.lines(maps)) {
      return lines
          .filter(l -> l.contains("leveldbjni"))
          .map(l -> l.substring(l.indexOf('/')))
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
