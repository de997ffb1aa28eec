package raftkv.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One member's setup, as {@link ServerFlags} read it (etcd's flags of the same names).
 *
 * @param initialCluster every member's name and peer URL, in the order given
 * @param existing       {@code --initial-cluster-state existing}: the member rejoins a running
 *                       cluster of the same members (its data directory holds its state)
 * @param token          {@code --initial-cluster-token}, mixed into the cluster and member ids
 */
record ServerConfig(
    String name,
    Path dataDir,
    List<URI> listenClientUrls,
    List<URI> advertiseClientUrls,
    URI listenPeerUrl,
    URI advertisePeerUrl,
    Map<String, URI> initialCluster,
    boolean existing,
    String token,
    long heartbeatMillis,
    long electionTimeoutMillis) {

  ServerConfig {
    listenClientUrls = List.copyOf(listenClientUrls);
    advertiseClientUrls = List.copyOf(advertiseClientUrls);
    initialCluster = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initialCluster));
  }
}
