package raftkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code KEY [RANGE_END] [--prefix | --from-key]}, as etcdctl's get and del take them: one key, a
 * range {@code [KEY, RANGE_END)}, every key under a prefix, or every key from KEY on (an empty
 * KEY with either flag: every key).
 */
final class KeyRangeArgs {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END", description = "end of the range [KEY, RANGE_END)")
  String rangeEnd;

  @Option(names = "--prefix", description = "keys with KEY as their prefix")
  boolean prefix;

  @Option(names = "--from-key", description = "keys greater than or equal to KEY")
  boolean fromKey;

  /** Puts {@code key} and {@code range_end} into a gateway request; refuses what etcdctl refuses. */
  ObjectNode putInto(ObjectNode body) {
    if ((prefix || fromKey) && rangeEnd != null) {
      throw new CtlException("too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
    }
    if (prefix && fromKey) {
      throw new CtlException("`--prefix` and `--from-key` cannot be set at the same time, choose one");
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] zero = {0};
    body.put("key", GatewayClient.b64(k.length == 0 && (prefix || fromKey) ? zero : k));
    if (prefix) {
      body.put("range_end", GatewayClient.b64(k.length == 0 ? zero : GatewayClient.prefixEnd(k)));
    } else if (fromKey) {
      body.put("range_end", GatewayClient.b64(zero));
    } else if (rangeEnd != null) {
      body.put("range_end", GatewayClient.b64(rangeEnd));
    }
    return body;
  }
}
