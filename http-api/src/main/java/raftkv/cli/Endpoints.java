package raftkv.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The endpoint list as etcdctl takes it: {@code http://HOST:PORT} or plain {@code HOST:PORT}. */
public final class Endpoints {
  private Endpoints() {}

  /** Normalized endpoints (scheme added, trailing slash removed); a bad one is a {@link CtlException}. */
  public static List<String> parse(List<String> given) {
    List<String> out = new ArrayList<>();
    for (String raw : given) {
      String e = raw.trim();
      if (e.isEmpty()) {
        continue;
      }
      if (!e.contains("://")) {
        e = "http://" + e;
      }
      while (e.endsWith("/")) {
        e = e.substring(0, e.length() - 1);
      }
      URI uri;
      try {
        uri = URI.create(e);
      } catch (IllegalArgumentException bad) {
        throw new CtlException("bad endpoint '" + raw + "': " + bad.getMessage());
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
        throw new CtlException("bad endpoint '" + raw + "': expected http://HOST:PORT (https is not supported yet)");
      }
      out.add(e);
    }
    if (out.isEmpty()) {
      throw new CtlException("no endpoints given");
    }
    return List.copyOf(out);
  }
}
