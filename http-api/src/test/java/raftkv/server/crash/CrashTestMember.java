package raftkv.server.crash;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import raftkv.persistence.DataDirectory;
import raftkv.persistence.DataDirectoryException;
import raftkv.persistence.RaftJournal;
import raftkv.raft.ClientRequest;
import raftkv.raft.RaftMessage;
import raftkv.raft.Status;
import raftkv.raft.cluster.RaftMember;
import raftkv.raft.cluster.SeedNodes;

/**
 * One member of the crash test's 3-member Raft group, in a JVM of its own, so that the test can
 * kill it with SIGKILL and start it again on the same data directory and port:
 *
 * <pre>
 *   CrashTestMember --name n1 --data-dir DIR --peers n1=127.0.0.1:P1,n2=127.0.0.1:P2,n3=127.0.0.1:P3
 *                   [--snapshot-every N] [--catch-up-entries K]
 * </pre>
 *
 * <p>It checks its data directory with {@link DataDirectory#open} (and exits with status 2 and the
 * refusal on stderr if the directory must not be used), starts the actor system with the LevelDB
 * JNI journal (fsync on) in that directory, Artery TCP on its configured port, a {@link
 * RaftJournal} and a {@link RaftMember} whose state machine is an {@link AppliedLog}. Once the
 * member answers a status request (its journal recovered) it prints {@value #READY} and its status
 * on stdout. From then on it logs to {@value #LOG_FILE} in its data directory.
 *
 * <p>It exits by itself (status 1) if its member or journal actor stops (a failed journal write
 * stops the member), and (status 3) when its stdin reaches its end: the test keeps stdin open, so
 * a test JVM that dies takes its members with it rather than leaving them running.
 */
public final class CrashTestMember {
  static final String READY = "CRASH-MEMBER-READY";
  static final String STOPPED = "CRASH-MEMBER-STOPPED";
  static final String LOG_FILE = "member.log";
  static final String CLUSTER_ID = "crash-test";
  static final String GROUP = "g0";
  static final String SYSTEM_NAME = "raftkv";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String LOG_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

  private CrashTestMember() {}

  public static void main(String[] args) throws Exception {
    exitWhenStdinEnds();
    logTo(null);
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(64);
      return;
    }
    Config base = ConfigFactory.load();
    DataDirectory dataDir;
    try {
      dataDir = DataDirectory.open(options.dataDir(), CLUSTER_ID, options.name(), base);
    } catch (DataDirectoryException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    logTo(dataDir.path().resolve(LOG_FILE));
    Logger log = LoggerFactory.getLogger(CrashTestMember.class);

    Address self = options.peers().get(options.name());
    Config config = dataDir.akkaConfig()
        .withFallback(ConfigFactory.parseString("""
            akka.remote.artery.canonical.hostname = "%s"
            akka.remote.artery.canonical.port = %d
            raftkv.raft.heartbeat-interval = 100ms
            raftkv.raft.election-timeout = 1s
            raftkv.raft.snapshot-every = %d
            raftkv.raft.snapshot-catch-up-entries = %d
            """.formatted(
                self.host().get(), self.port().get(), options.snapshotEvery(), options.catchUpEntries())))
        .withFallback(base)
        .resolve();

    ActorSystem<Watch> system = ActorSystem.create(watcher(), SYSTEM_NAME, config);
    log.info("member {} starting at {} (pid {}), data directory {}, {}",
        options.name(), system.address(), ProcessHandle.current().pid(), dataDir.path(),
        dataDir.created() ? "created" : "existing, " + dataDir.journalRecords() + " journal records verified");
    SeedNodes.join(system, options.peers());
    ActorRef<raftkv.persistence.JournalCommand> journal =
        system.systemActorOf(RaftJournal.create(GROUP, options.name()), "journal-" + GROUP, Props.empty());
    ActorRef<RaftMessage> member =
        RaftMember.spawn(system, GROUP, options.name(), options.peers(), journal, new AppliedLog());
    system.tell(new Watch(journal, "journal"));
    system.tell(new Watch(member, "member"));

    Status status = AskPattern.<RaftMessage, Status>ask(
            member, ClientRequest.GetStatus::new, READY_TIMEOUT, system.scheduler())
        .toCompletableFuture()
        .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    log.info("member {} ready: {}", options.name(), status);
    System.out.println(READY + " " + options.name() + " pid=" + ProcessHandle.current().pid() + " " + status);
    System.out.flush();
  }

  /** Asks the guardian to watch an actor whose end ends this process. */
  private record Watch(ActorRef<?> ref, String what) {}

  private static Behavior<Watch> watcher() {
    return Behaviors.setup(context -> {
      Map<ActorRef<?>, String> watched = new LinkedHashMap<>();
      return Behaviors.receive(Watch.class)
          .onMessage(Watch.class, w -> {
            watched.put(w.ref(), w.what());
            context.watch(w.ref());
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            String what = watched.get(t.getRef());
            context.getLog().error("the {} actor stopped (see the errors above); exiting", what);
            System.out.println(STOPPED + " " + what);
            System.out.flush();
            // A crash, not a shutdown: nothing may be written any more.
            Runtime.getRuntime().halt(1);
            return Behaviors.same();
          })
          .build();
    });
  }

  private static void exitWhenStdinEnds() {
    Thread t = new Thread(() -> {
      try {
        byte[] buffer = new byte[256];
        while (System.in.read(buffer) >= 0) {
          // the test writes nothing; we only wait for the end
        }
      } catch (IOException e) {
        // the pipe broke: the test JVM is gone
      }
      Runtime.getRuntime().halt(3);
    }, "stdin-watch");
    t.setDaemon(true);
    t.start();
  }

  /** INFO and above to {@code file} (appending), or to stderr until the data directory is open. */
  private static void logTo(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(LOG_PATTERN);
    encoder.start();
    Appender<ILoggingEvent> appender;
    if (file == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      console.setEncoder(encoder);
      appender = console;
    } else {
      FileAppender<ILoggingEvent> f = new FileAppender<>();
      f.setFile(file.toString());
      f.setAppend(true);
      f.setEncoder(encoder);
      appender = f;
    }
    appender.setContext(context);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    // Artery reports every connection a killed peer aborted as a failed stream: expected here.
    context.getLogger("akka.stream.Materializer").setLevel(Level.ERROR);
  }

  /** The command line. */
  record Options(String name, Path dataDir, Map<String, Address> peers, int snapshotEvery, int catchUpEntries) {
    static Options parse(String... args) {
      String name = null;
      Path dataDir = null;
      Map<String, Address> peers = null;
      int snapshotEvery = 1_000_000;
      int catchUpEntries = 5000;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        if (value == null) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i++]) {
          case "--name" -> name = value;
          case "--data-dir" -> dataDir = Path.of(value);
          case "--peers" -> peers = peers(value);
          case "--snapshot-every" -> snapshotEvery = Integer.parseInt(value);
          case "--catch-up-entries" -> catchUpEntries = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown argument " + args[i - 1]);
        }
      }
      if (name == null || dataDir == null || peers == null) {
        throw new IllegalArgumentException("usage: CrashTestMember --name ID --data-dir DIR"
            + " --peers ID=HOST:PORT,... [--snapshot-every N] [--catch-up-entries K]");
      }
      if (!peers.containsKey(name)) {
        throw new IllegalArgumentException("--peers has no address for " + name + ": " + peers);
      }
      return new Options(name, dataDir, peers, snapshotEvery, catchUpEntries);
    }

    /** {@code n1=127.0.0.1:2551,n2=...} as member id → Akka address. */
    static Map<String, Address> peers(String spec) {
      Map<String, Address> peers = new LinkedHashMap<>();
      for (String peer : spec.split(",")) {
        int eq = peer.indexOf('=');
        int colon = peer.lastIndexOf(':');
        if (eq <= 0 || colon < eq) {
          throw new IllegalArgumentException("not ID=HOST:PORT: " + peer);
        }
        peers.put(peer.substring(0, eq), new Address(
            "akka", SYSTEM_NAME, peer.substring(eq + 1, colon), Integer.parseInt(peer.substring(colon + 1))));
      }
      return Map.copyOf(peers);
    }
  }
}
