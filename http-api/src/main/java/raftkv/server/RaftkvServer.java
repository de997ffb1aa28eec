package raftkv.server;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import raftkv.http.ClusterInfo;
import raftkv.http.EtcdRoutes;
import raftkv.http.HealthRoutes;
import raftkv.http.HttpMetrics;
import raftkv.http.KvClient;
import raftkv.http.MemberDirectory;
import raftkv.http.RestRoutes;
import raftkv.kv.KvMember;
import raftkv.kv.KvReply;
import raftkv.metrics.PeerRoundTrip;
import raftkv.metrics.ServerMetrics;
import raftkv.persistence.DataDirectory;
import raftkv.persistence.DataDirectoryException;
import raftkv.persistence.RaftJournal;
import raftkv.raft.cluster.SeedNodes;

/**
 * One running raftkv member: its actor system on the peer URL (Artery TCP, joined into the
 * members' Akka Cluster), its Raft log in a {@link RaftJournal} under the data directory, its
 * {@link KvMember}, and the HTTP API on every client URL. Stopped through the actor system's
 * {@code CoordinatedShutdown} (which the JVM's shutdown hook runs on SIGTERM and Ctrl-C): the HTTP
 * ports stop taking requests first, then the member stops.
 */
public final class RaftkvServer implements AutoCloseable {
  static final String SYSTEM_NAME = "raftkv";
  static final String GROUP = "g0";
  private static final Logger log = LoggerFactory.getLogger(RaftkvServer.class);

  private final ActorSystem<Void> system;
  private final ClusterInfo cluster;
  private final List<ServerBinding> bindings;

  private RaftkvServer(ActorSystem<Void> system, ClusterInfo cluster, List<ServerBinding> bindings) {
    this.system = system;
    this.cluster = cluster;
    this.bindings = bindings;
  }

  /**
   * Starts the member and waits until every client URL is bound.
   *
   * @param base the configuration below the member's own settings (normally {@code ConfigFactory.load()})
   * @throws DataDirectoryException if the data directory is not this member's or is damaged
   */
  static RaftkvServer start(ServerConfig config, Config base) throws DataDirectoryException {
    ClusterInfo cluster = clusterInfo(config);
    DataDirectory dataDir = DataDirectory.open(
        config.dataDir(), Long.toHexString(cluster.clusterId()), config.name(), base);
    Config akka = dataDir.akkaConfig()
        .withFallback(ConfigFactory.parseMap(Map.of(
            "akka.remote.artery.canonical.hostname", config.advertisePeerUrl().getHost(),
            "akka.remote.artery.canonical.port", config.advertisePeerUrl().getPort(),
            "akka.remote.artery.bind.hostname", config.listenPeerUrl().getHost(),
            "akka.remote.artery.bind.port", config.listenPeerUrl().getPort(),
            "raftkv.raft.heartbeat-interval", config.heartbeatMillis() + "ms",
            "raftkv.raft.election-timeout", config.electionTimeoutMillis() + "ms",
            "akka.cluster.roles", List.of(MemberDirectory.role(
                config.advertiseClientUrls().stream().map(URI::toString).toList())))))
        .withFallback(base)
        .resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, akka);
    try {
      Map<String, Address> members = addresses(config);
      SeedNodes.join(system, members);
      var metrics = new ServerMetrics();
      var journal = system.systemActorOf(
          RaftJournal.create(GROUP, config.name(), metrics), "journal-" + GROUP, Props.empty());
      KvMember member = KvMember.spawn(system, GROUP, config.name(), members, journal, metrics);
      metrics.watchesFrom(member.watchCount());
      PeerRoundTrip.start(system, config.name(), members, metrics);
      Duration timeout = akka.getDuration("raftkv.kv.request-timeout").plusSeconds(1);
      var kv = new KvClient(member.service(), system.scheduler(), system.executionContext(), timeout);
      var directory = new MemberDirectory(system, cluster, members);
      Route routes = new HttpMetrics(metrics).instrument(
          new EtcdRoutes(kv, directory, () -> DirectorySize.of(dataDir.path()), system).route()
              .orElse(new RestRoutes(kv, system).route())
              .orElse(new HealthRoutes(kv, metrics).route()));
      system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(1),
          () -> kv.status().thenAccept(r -> {
            if (r instanceof KvReply.MemberStatus s) {
              metrics.observe(s.raft());
            }
          }),
          system.executionContext());
      List<ServerBinding> bindings = new ArrayList<>();
      for (URI url : config.listenClientUrls()) {
        ServerBinding binding = Http.get(system).newServerAt(url.getHost(), url.getPort()).bind(routes)
            .toCompletableFuture().join();
        binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
        bindings.add(binding);
      }
      log.info("member {} ({}) of cluster {}: clients on {}, peers on {}, data in {}",
          config.name(), Long.toUnsignedString(cluster.memberId(), 16), Long.toUnsignedString(cluster.clusterId(), 16),
          config.listenClientUrls(), config.listenPeerUrl(), dataDir.path());
      return new RaftkvServer(system, cluster, List.copyOf(bindings));
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /** The ids and members the configuration names (ids as etcd derives them: {@link MemberIds}). */
  static ClusterInfo clusterInfo(ServerConfig config) {
    List<ClusterInfo.Member> members = new ArrayList<>();
    config.initialCluster().forEach((name, peer) -> members.add(new ClusterInfo.Member(
        MemberIds.memberId(peer, config.token()), name, List.of(peer.toString()),
        name.equals(config.name()) ? config.advertiseClientUrls().stream().map(URI::toString).toList() : List.of(),
        false)));
    long clusterId = MemberIds.clusterId(members.stream().map(ClusterInfo.Member::id).toList(), config.token());
    long self = MemberIds.memberId(config.advertisePeerUrl(), config.token());
    return new ClusterInfo(clusterId, self, config.name(), members);
  }

  private static Map<String, Address> addresses(ServerConfig config) {
    Map<String, Address> out = new LinkedHashMap<>();
    config.initialCluster().forEach((name, peer) ->
        out.put(name, new Address("akka", SYSTEM_NAME, peer.getHost(), peer.getPort())));
    return out;
  }

  ClusterInfo cluster() {
    return cluster;
  }

  /** Where clients reach this member: the bound addresses (ports as bound, for port 0). */
  List<URI> clientUrls() {
    return bindings.stream()
        .map(b -> URI.create("http://" + b.localAddress().getHostString() + ":" + b.localAddress().getPort()))
        .toList();
  }

  CompletableFuture<Void> whenTerminated() {
    return system.getWhenTerminated().toCompletableFuture().thenApply(done -> null);
  }

  @Override
  public void close() {
    system.terminate();
    whenTerminated().join();
  }
}
