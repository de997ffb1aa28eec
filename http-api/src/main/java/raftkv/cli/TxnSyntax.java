package raftkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The lines of etcdctl's {@code txn} input: a compare such as {@code mod("k1") > "0"}, and a
 * request such as {@code put k2 "two words"} (the words of a {@code get}, {@code put} or {@code del}
 * command line, with Go-quoted strings, and that command's flags).
 */
final class TxnSyntax {
  private static final Map<String, String> TARGETS = Map.of(
      "ver", "VERSION", "version", "VERSION", "c", "CREATE", "create", "CREATE",
      "m", "MOD", "mod", "MOD", "val", "VALUE", "value", "VALUE", "lease", "LEASE");
  private static final Map<String, String> RESULTS = Map.of("=", "EQUAL", "!=", "NOT_EQUAL", ">", "GREATER", "<", "LESS");
  private static final Map<String, Supplier<TxnOp>> REQUESTS = Map.of(
      "get", GetCommand::new, "put", PutCommand::new, "del", DelCommand::new);

  private TxnSyntax() {}

  /** {@code TARGET("KEY") OP "VALUE"} as a gateway compare; lease values in hex, as {@code put --lease} takes them. */
  static ObjectNode compare(String line) {
    int paren = line.indexOf('(');
    if (paren < 0) {
      throw new CtlException("malformed comparison: " + line);
    }
    String target = line.substring(0, paren);
    Words rest = new Words(line.substring(paren + 1));
    String key = rest.quoted();
    rest.expect(")");
    String op = rest.word();
    String value = rest.quoted();
    String targetName = TARGETS.get(target);
    String result = RESULTS.get(op);
    if (key == null || value == null || result == null || targetName == null || !rest.atEnd()) {
      throw new CtlException("malformed comparison: " + line + " (expected e.g. mod(\"KEY\") > \"0\": target version, create, "
          + "mod, value or lease; operator =, !=, < or >; key and value in double quotes)");
    }
    ObjectNode cmp = GatewayClient.body().put("key", GatewayClient.b64(key)).put("result", result).put("target", targetName);
    switch (targetName) {
      case "VALUE" -> cmp.put("value", GatewayClient.b64(value));
      case "LEASE" -> cmp.put("lease", Long.toUnsignedString(GatewayClient.parseHexId(value, "lease ID")));
      case "VERSION" -> cmp.put("version", Long.toString(GatewayClient.parseLong(value, "version in " + line)));
      case "CREATE" -> cmp.put("create_revision", Long.toString(GatewayClient.parseLong(value, "revision in " + line)));
      default -> cmp.put("mod_revision", Long.toString(GatewayClient.parseLong(value, "revision in " + line)));
    }
    return cmp;
  }

  /** A {@code get}, {@code put} or {@code del} line, parsed with that command's own options. */
  static TxnOp request(String line) {
    List<String> words = new ArrayList<>();
    Words w = new Words(line);
    while (!w.atEnd()) {
      words.add(w.peekQuote() ? w.quoted() : w.word());
    }
    Supplier<TxnOp> command = words.isEmpty() ? null : REQUESTS.get(words.get(0));
    if (command == null) {
      throw new CtlException("invalid txn request: " + line + " (expected get, put or del)");
    }
    TxnOp op = command.get();
    try {
      new CommandLine(op).parseArgs(words.subList(1, words.size()).toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new CtlException("invalid txn request: " + line + " (" + e.getMessage() + ")");
    }
    op.request(); // refuses bad flag combinations now, on its line, rather than when the txn is sent
    return op;
  }

  /** A cursor over one line: words separated by blanks, and Go's double-quoted strings. */
  private static final class Words {
    private final String text;
    private int at;

    Words(String text) {
      this.text = text;
    }

    private void skipBlanks() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    boolean atEnd() {
      skipBlanks();
      return at >= text.length();
    }

    boolean peekQuote() {
      skipBlanks();
      return at < text.length() && text.charAt(at) == '"';
    }

    String word() {
      skipBlanks();
      int start = at;
      while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
        at++;
      }
      return text.substring(start, at);
    }

    void expect(String literal) {
      skipBlanks();
      if (text.startsWith(literal, at)) {
        at += literal.length();
      } else {
        at = text.length() + 1; // marks the line malformed: quoted() answers null from here
      }
    }

    /** A Go double-quoted string with its escapes, or {@code null} if there is none here. */
    String quoted() {
      if (!peekQuote()) {
        return null;
      }
      StringBuilder b = new StringBuilder();
      for (at++; at < text.length(); at++) {
        char c = text.charAt(at);
        if (c == '"') {
          at++;
          return b.toString();
        }
        if (c == '\\' && at + 1 < text.length()) {
          char e = text.charAt(++at);
          b.append(switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case '0' -> '\0';
            default -> e;
          });
        } else {
          b.append(c);
        }
      }
      return null;
    }
  }
}
