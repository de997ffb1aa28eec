package raftkv.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's command line, in etcd's words: the same flag names, written as etcd takes them
 * ({@code --name n1} or {@code --name=n1}), each also settable as an environment variable
 * {@code RAFTKV_<FLAG>} (upper case, dashes as underscores: {@code RAFTKV_INITIAL_CLUSTER}).
 * A flag beats its variable. Defaults are etcd's, with the data directory {@code <name>.raftkv}.
 */
final class ServerFlags {
  static final String USAGE = """
      usage: raftkv [flags]          (each flag also as RAFTKV_<FLAG>, e.g. RAFTKV_NAME=n1)
             raftkv local --help      (a cluster of several members on this machine, to try things)
        --name NAME                          member name (default: default)
        --data-dir DIR                       where the member keeps its log (default: ./<name>.raftkv)
        --listen-client-urls URLS            where clients connect (default: http://127.0.0.1:2379)
        --advertise-client-urls URLS         client URLs other members and clients are told (default: the listen URLs)
        --listen-peer-urls URL               where the other members connect (default: http://127.0.0.1:2380)
        --initial-advertise-peer-urls URL    this member's peer URL as the others know it (default: the listen URL)
        --initial-cluster NAME=URL,...       every member and its peer URL (default: <name>=<advertise peer URL>)
        --initial-cluster-state new|existing start a new cluster, or rejoin one with the same members (default: new)
        --initial-cluster-token TOKEN        tells clusters apart; part of the cluster and member ids (default: etcd-cluster)
        --heartbeat-interval MS              leader heartbeat (default: 100)
        --election-timeout MS                election timeout (default: 1000)
        --help                               this text
      URLs are comma separated lists of http://HOST:PORT; peers speak Akka Artery TCP on the peer port.""";

  private static final List<String> FLAGS = List.of(
      "name", "data-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls",
      "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-state", "initial-cluster-token",
      "heartbeat-interval", "election-timeout");

  private ServerFlags() {}

  /** Thrown for a flag or value the server cannot run with; the message says which and why. */
  static final class BadFlag extends Exception {
    BadFlag(String message) {
      super(message);
    }
  }

  /** {@code null} when the user asked for help. */
  static ServerConfig parse(String[] args, Map<String, String> env) throws BadFlag {
    Map<String, String> values = new LinkedHashMap<>();
    for (String flag : FLAGS) {
      String fromEnv = env.get("RAFTKV_" + flag.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (fromEnv != null) {
        values.put(flag, fromEnv);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      if (!arg.startsWith("-")) {
        throw new BadFlag("unexpected argument: " + arg);
      }
      String body = arg.replaceFirst("^--?", "");
      String name = body.contains("=") ? body.substring(0, body.indexOf('=')) : body;
      if (!FLAGS.contains(name)) {
        throw new BadFlag("unknown flag: --" + name);
      }
      if (body.contains("=")) {
        values.put(name, body.substring(body.indexOf('=') + 1));
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new BadFlag("--" + name + " needs a value");
      }
    }
    return build(values);
  }

  private static ServerConfig build(Map<String, String> v) throws BadFlag {
    String name = v.getOrDefault("name", "default");
    if (name.isBlank()) {
      throw new BadFlag("--name must not be empty");
    }
    List<URI> listenClient = urls("listen-client-urls", v.getOrDefault("listen-client-urls", "http://127.0.0.1:2379"));
    List<URI> advertiseClient = v.containsKey("advertise-client-urls")
        ? urls("advertise-client-urls", v.get("advertise-client-urls")) : listenClient;
    URI listenPeer = single("listen-peer-urls", v.getOrDefault("listen-peer-urls", "http://127.0.0.1:2380"));
    URI advertisePeer = v.containsKey("initial-advertise-peer-urls")
        ? single("initial-advertise-peer-urls", v.get("initial-advertise-peer-urls")) : listenPeer;
    Map<String, URI> cluster = v.containsKey("initial-cluster")
        ? cluster(v.get("initial-cluster")) : Map.of(name, advertisePeer);
    URI configured = cluster.get(name);
    if (configured == null) {
      throw new BadFlag("--initial-cluster has no member named " + name + " (it lists " + cluster.keySet() + ")");
    }
    if (!configured.equals(advertisePeer)) {
      throw new BadFlag("--initial-cluster gives " + name + "=" + configured
          + " but --initial-advertise-peer-urls is " + advertisePeer + ": they must match");
    }
    String state = v.getOrDefault("initial-cluster-state", "new");
    if (!state.equals("new") && !state.equals("existing")) {
      throw new BadFlag("--initial-cluster-state must be new or existing, not " + state);
    }
    Path dataDir = Path.of(v.getOrDefault("data-dir", name + ".raftkv"));
    return new ServerConfig(
        name, dataDir, listenClient, advertiseClient, listenPeer, advertisePeer, cluster,
        state.equals("existing"), v.getOrDefault("initial-cluster-token", "etcd-cluster"),
        millis("heartbeat-interval", v.getOrDefault("heartbeat-interval", "100")),
        millis("election-timeout", v.getOrDefault("election-timeout", "1000")));
  }

  private static Map<String, URI> cluster(String spec) throws BadFlag {
    Map<String, URI> members = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new BadFlag("--initial-cluster: expected NAME=URL, not '" + part + "'");
      }
      String member = part.substring(0, eq).trim();
      if (members.containsKey(member)) {
        // etcd lets a member list several peer URLs; raftkv members have exactly one.
        throw new BadFlag("--initial-cluster names " + member + " twice; give each member one peer URL");
      }
      members.put(member, url("initial-cluster", part.substring(eq + 1).trim()));
    }
    return members;
  }

  private static List<URI> urls(String flag, String spec) throws BadFlag {
    List<URI> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      out.add(url(flag, part.trim()));
    }
    return List.copyOf(out);
  }

  private static URI single(String flag, String spec) throws BadFlag {
    List<URI> all = urls(flag, spec);
    if (all.size() != 1) {
      throw new BadFlag("--" + flag + ": raftkv members have one peer URL, not " + all.size());
    }
    return all.get(0);
  }

  private static URI url(String flag, String text) throws BadFlag {
    try {
      URI uri = new URI(text);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65535) {
        throw new BadFlag("--" + flag + ": expected http://HOST:PORT, not '" + text + "'");
      }
      return new URI("http", null, uri.getHost(), uri.getPort(), null, null, null);
    } catch (java.net.URISyntaxException e) {
      throw new BadFlag("--" + flag + ": not a URL: '" + text + "'");
    }
  }

  private static long millis(String flag, String text) throws BadFlag {
    try {
      long ms = Long.parseLong(text.trim());
      if (ms > 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadFlag("--" + flag + " needs a positive number of milliseconds, not '" + text + "'");
  }
}
