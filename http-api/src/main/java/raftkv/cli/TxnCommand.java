package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txn}: etcdctl's txn. Reads three sections from stdin, each ended by an empty line: the
 * compares, the requests if they all hold, the requests otherwise ({@link TxnSyntax}); with
 * {@code -i} it prompts for each. Prints {@code SUCCESS} or {@code FAILURE}, then each answer
 * after an empty line, as the request's own command prints it.
 */
@Command(name = "txn", description = "Txn processes all the requests in one transaction")
public final class TxnCommand extends CtlCommand {
  @Option(names = {"-i", "--interactive"}, description = "Input transaction in interactive mode")
  boolean interactive;

  @Override
  protected int run(RaftkvCtl global) {
    BufferedReader in = new BufferedReader(new InputStreamReader(global.in(), StandardCharsets.UTF_8));
    ObjectNode body = GatewayClient.body();
    prompt("compares:");
    addAll(body.putArray("compare"), section(in, TxnSyntax::compare));
    prompt("success requests (get, put, del):");
    List<TxnOp> success = section(in, TxnSyntax::request);
    prompt("failure requests (get, put, del):");
    List<TxnOp> failure = section(in, TxnSyntax::request);
    addRequests(body.putArray("success"), success);
    addRequests(body.putArray("failure"), failure);

    JsonNode answer = client(global).call("kv/txn", body);
    if (global.writeOut() == WriteOut.json) {
      printJson(answer);
      return 0;
    }
    boolean succeeded = answer.path("succeeded").asBoolean(false);
    out().println(succeeded ? "SUCCESS" : "FAILURE");
    List<TxnOp> ran = succeeded ? success : failure;
    JsonNode responses = answer.path("responses");
    for (int i = 0; i < ran.size(); i++) {
      out().println();
      TxnOp op = ran.get(i);
      op.printSimple(out(), responses.path(i).path("response_" + op.kind()));
    }
    return 0;
  }

  private void prompt(String text) {
    if (interactive) {
      out().println(text);
    }
  }

  /** The lines up to the next empty one, each parsed. */
  private static <T> List<T> section(BufferedReader in, Function<String, T> parse) {
    List<T> parsed = new ArrayList<>();
    while (true) {
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        throw new CtlException("cannot read the transaction: " + e.getMessage(), e);
      }
      if (line == null) {
        throw new CtlException("EOF: the input ended before its three sections (compares, success requests, "
            + "failure requests) were each ended by an empty line");
      }
      if (line.isBlank()) {
        return parsed;
      }
      parsed.add(parse.apply(line.trim()));
    }
  }

  private static void addAll(ArrayNode into, List<ObjectNode> nodes) {
    nodes.forEach(into::add);
  }

  private static void addRequests(ArrayNode into, List<TxnOp> ops) {
    for (TxnOp op : ops) {
      into.addObject().set("request_" + op.kind(), op.request());
    }
  }
}
