package raftkv.http.etcd;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the values of named fields in a JSON text, leaving every other byte as it is (so a
 * comparison stays byte for byte): {@code "member_id":"123"} becomes {@code "member_id":"*"}.
 * For answers that differ between servers only in ids the server picks.
 */
public final class JsonMask {
  /** What two servers never agree on. */
  public static final List<String> IDS = List.of("cluster_id", "member_id", "raft_term");

  private JsonMask() {}

  public static String mask(String json, Collection<String> fields) {
    String out = json;
    for (String field : fields) {
      Pattern p = Pattern.compile("\"" + Pattern.quote(field) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+)");
      out = p.matcher(out).replaceAll(Matcher.quoteReplacement("\"" + field + "\":\"*\""));
    }
    return out;
  }
}
