package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * A command that can also be one request of a {@code txn} ({@code get}, {@code put}, {@code del}):
 * its flags make the request, and it prints its answer the same way in and out of a txn.
 */
interface TxnOp {
  /** The request's name in a txn ({@code request_put}) and in its answer ({@code response_put}), without the prefix. */
  String kind();

  /** The gateway request these arguments ask for. */
  ObjectNode request();

  /** Prints an answer as {@code -w simple} does. */
  void printSimple(PrintWriter out, JsonNode answer);
}
