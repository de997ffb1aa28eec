package raftkv.cli.bench;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Option;
import raftkv.cli.CtlException;
import raftkv.cli.GatewayClient;

/** The key and value options of the writing benchmarks (etcd's names and defaults), and the keys they give. */
public final class KeyOptions {
  @Option(names = "--key-size", defaultValue = "8", description = "key size in bytes (default: ${DEFAULT-VALUE})")
  int keySize;

  @Option(names = "--val-size", defaultValue = "8", description = "value size in bytes (default: ${DEFAULT-VALUE})")
  int valSize;

  @Option(names = "--key-space-size", defaultValue = "1", description = "number of distinct keys (default: ${DEFAULT-VALUE})")
  int keySpaceSize;

  @Option(names = "--sequential-keys", description = "use sequential keys (request i writes key i mod key-space-size) instead of random ones")
  boolean sequentialKeys;

  private final AtomicLong sequence = new AtomicLong();
  private String value;

  void check() {
    if (keySize < 1 || valSize < 0 || keySpaceSize < 1) {
      throw new CtlException("--key-size and --key-space-size must be at least 1, --val-size at least 0");
    }
  }

  /** The next key's index in the key space. */
  long nextIndex(SplittableRandom random) {
    return sequentialKeys ? sequence.getAndIncrement() % keySpaceSize : random.nextInt(keySpaceSize);
  }

  String key(long index) {
    return GatewayClient.b64(Keys.key(keySize, index));
  }

  /** The value every request writes, base64 (random bytes, made once, as etcd's benchmark does). */
  synchronized String value() {
    if (value == null) {
      value = GatewayClient.b64(Keys.value(valSize, new SplittableRandom(42)));
    }
    return value;
  }

  void describe(java.util.Map<String, Object> facts) {
    facts.put("keySize", keySize);
    facts.put("valSize", valSize);
    facts.put("keySpaceSize", keySpaceSize);
    facts.put("sequentialKeys", sequentialKeys);
  }
}
