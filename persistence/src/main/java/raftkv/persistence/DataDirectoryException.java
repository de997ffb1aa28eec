package raftkv.persistence;

import java.nio.file.Path;

/**
 * A member's data directory cannot be used: the member must not start. The message names the path,
 * what is wrong and what to do; {@link #path()} is the file or directory at fault.
 */
public final class DataDirectoryException extends Exception {
  private final transient Path path;

  public DataDirectoryException(Path path, String message) {
    super(message);
    this.path = path;
  }

  public DataDirectoryException(Path path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  public Path path() {
    return path;
  }
}
