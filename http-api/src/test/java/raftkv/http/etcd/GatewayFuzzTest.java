package raftkv.http.etcd;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bodies into every parser: nothing but {@link GatewayException} may come out.
 * Seeded; a failure prints the seed and the body ({@code -Draftkv.fuzz.seed=...} replays it).
 */
class GatewayFuzzTest {
  private static final int CASES = 20_000;

  private interface Parser {
    Object parse(byte[] body) throws GatewayException;
  }

  private static final List<Parser> PARSERS = List.of(
      GatewayRequests::put, GatewayRequests::range, GatewayRequests::deleteRange, GatewayRequests::txn,
      GatewayRequests::compaction, GatewayRequests::leaseGrant, GatewayRequests::leaseRevoke,
      GatewayRequests::leaseTimeToLive, GatewayRequests::leaseLeases, GatewayRequests::status,
      GatewayRequests::memberList, GatewayRequests::watch, GatewayRequests::leaseKeepAlive,
      body -> GatewayStream.watch().feed(body), body -> {
        var stream = GatewayStream.keepAlive();
        stream.feed(body);
        return stream.finish();
      });

  private static final List<String> SEEDS = List.of(
      "{\"key\":\"Zm9v\",\"value\":\"YmFy\",\"lease\":\"1\",\"prev_kv\":true}",
      "{\"key\":\"Zm9v\",\"range_end\":\"AA==\",\"limit\":2,\"sort_order\":\"DESCEND\",\"sort_target\":1,\"keys_only\":true}",
      "{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"VALUE\",\"value\":\"YmFy\",\"result\":2}],\"success\":"
          + "[{\"request_put\":{\"key\":\"Zm9v\"}},{\"request_txn\":{\"failure\":[{\"request_range\":{\"key\":\"eA==\"}}]}}]}",
      "{\"create_request\":{\"key\":\"Zm9v\",\"filters\":[\"NOPUT\",1],\"start_revision\":\"3\",\"watch_id\":7}}",
      "{\"ID\":\"123\",\"TTL\":60,\"keys\":true}\n{\"ID\":4}",
      "{\"revision\":\"-1\",\"physical\":false,\"x\":[1,2,{\"y\":null}],\"z\":\"\\ud83d\\ude00\\u00e9\"}");

  private static final String[] TOKENS = {
      "{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud800", "null", "true", "false", "-", "0", "1e9", ".5",
      "99999999999999999999", "\"key\"", "\"ID\"", "\"Zm9v\"", "=", "\u00e9", "\u0000", " ", "\n", "\"request_txn\":",
      "\"compare\":[", "\"filters\":", "\"create_request\":{"};

  @Test
  void onlyGatewayExceptionsComeOut() {
    String given = System.getProperty("raftkv.fuzz.seed", "");
    long seed = given.isBlank() ? new Random().nextLong() : Long.parseLong(given);
    var random = new Random(seed);
    for (int i = 0; i < CASES; i++) {
      byte[] body = body(random);
      for (Parser parser : PARSERS) {
        try {
          parser.parse(body);
        } catch (GatewayException expected) {
          // an answer etcd's gateway would give
        } catch (Throwable t) {
          fail("seed " + seed + " (-Draftkv.fuzz.seed=" + seed + "), case " + i + ", body "
              + new String(body, StandardCharsets.UTF_8) + ": " + t, t);
        }
      }
    }
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    byte[] deep = ("{\"compare\":" + "[".repeat(200_000)).getBytes(StandardCharsets.UTF_8);
    try {
      GatewayRequests.txn(deep);
      fail("accepted");
    } catch (GatewayException expected) {
      // Go's "exceeded max depth"
    }
  }

  private static byte[] body(Random random) {
    int kind = random.nextInt(4);
    if (kind == 0) {
      byte[] noise = new byte[random.nextInt(40)];
      random.nextBytes(noise);
      return noise;
    }
    var text = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
    int mutations = 1 + random.nextInt(kind == 3 ? 12 : 3);
    for (int m = 0; m < mutations && text.length() > 0; m++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(4)) {
        case 0 -> text.deleteCharAt(at);
        case 1 -> text.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> text.setCharAt(at, (char) (random.nextInt(128)));
        default -> text.setLength(at);
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(8) == 0 && bytes.length > 0) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return bytes;
  }
}
