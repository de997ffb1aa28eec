package raftkv.cli;

/** A command failed for a reason the user should read: printed as {@code Error: <message>}, exit code 1. */
public class CtlException extends RuntimeException {
  public CtlException(String message) {
    super(message);
  }

  public CtlException(String message, Throwable cause) {
    super(message, cause);
  }
}
