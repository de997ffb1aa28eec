package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every raftkvctl command is: a picocli command whose {@link #run} gets the global flags
 * (from the root {@link RaftkvCtl}) and the streams to write to, and returns the exit code.
 * A command that fails throws {@link CtlException}; the root prints it as etcdctl does.
 *
 * <p>To add a command: a class {@code @Command(name = "...")} extending this one, its options and
 * parameters as fields, {@link #run} calling the {@link GatewayClient}; then list it in its
 * parent's {@code subcommands} ({@link RaftkvCtl}'s for a top-level command).
 */
public abstract class CtlCommand implements Callable<Integer> {
  @Spec
  protected CommandSpec spec;

  @Override
  public final Integer call() {
    return run((RaftkvCtl) spec.root().userObject());
  }

  protected abstract int run(RaftkvCtl global);

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected static GatewayClient client(RaftkvCtl global) {
    return new GatewayClient(global.endpoints(), global.dialTimeout(), global.commandTimeout());
  }

  /** Sends a command's one request to {@code /v3/<path>} and prints the answer: as JSON, or as the command's text. */
  protected int callAndPrint(RaftkvCtl global, String path, TxnOp op) {
    JsonNode answer = client(global).call(path, op.request());
    if (global.writeOut() == WriteOut.json) {
      printJson(answer);
    } else {
      op.printSimple(out(), answer);
    }
    return 0;
  }

  /** Prints a gateway answer as {@code -w json} does: the JSON as the server wrote it, on one line. */
  protected void printJson(Object answer) {
    try {
      out().println(GatewayClient.JSON.writeValueAsString(answer));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CtlException("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
