package raftkv.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import raftkv.cli.bench.BenchmarkCommand;

/**
 * {@code raftkvctl}: etcdctl v3's command line for raftkv, spoken over HTTP to the etcd v3 JSON
 * gateway of any member (so it works against etcd too). The global flags are etcdctl's and may be
 * given before or after the command; each command is a class of its own ({@link CtlCommand}).
 *
 * <p>{@link #run} is the entry point for tests and embedders: it returns the exit code (0 done,
 * 1 the request failed, 2 a usage error) and never exits the JVM; {@link #main} does.
 */
@Command(name = "raftkvctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = RaftkvCtl.Version.class, sortOptions = false,
    description = "A command line client for raftkv (and etcd), talking to the etcd v3 JSON gateway.",
    subcommands = {
        GetCommand.class, PutCommand.class, DelCommand.class, TxnCommand.class, CompactionCommand.class,
        WatchCommand.class, LeaseCommand.class, MemberCommand.class, EndpointCommand.class, MoveLeaderCommand.class,
        BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class RaftkvCtl implements Runnable {
  public static final List<String> DEFAULT_ENDPOINTS = List.of("http://127.0.0.1:2379");
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

  // No defaultValue on these: an inherited option's default would be applied again when a
  // subcommand is parsed and overwrite what was given before the command. Defaults are below.
  @Option(names = "--endpoints", split = ",", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "gRPC-gateway endpoints, comma separated (default: http://127.0.0.1:2379); HOST:PORT means http://HOST:PORT")
  List<String> endpoints;

  @Option(names = "--dial-timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
      scope = ScopeType.INHERIT, description = "dial timeout for client connections (default: 2s)")
  Duration dialTimeout;

  @Option(names = "--command-timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
      scope = ScopeType.INHERIT, description = "timeout of each request (default: 5s)")
  Duration commandTimeout;

  @Option(names = {"-w", "--write-out"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT,
      description = "output format: simple, json or table (default: simple)")
  WriteOut writeOut;

  @Spec
  CommandSpec spec;

  /** Where {@code txn} reads its requests from. */
  private InputStream in = System.in;

  public InputStream in() {
    return in;
  }

  /** Whether the error stream is the JVM's own (so a progress bar may be drawn on a terminal). */
  private boolean ownStderr;

  public boolean ownStderr() {
    return ownStderr;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "raftkvctl needs a command (try --help)");
  }

  public List<String> endpoints() {
    return Endpoints.parse(endpoints == null || endpoints.isEmpty() ? DEFAULT_ENDPOINTS : endpoints);
  }

  public Duration dialTimeout() {
    return dialTimeout == null ? DEFAULT_DIAL_TIMEOUT : dialTimeout;
  }

  public Duration commandTimeout() {
    return commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
  }

  public WriteOut writeOut() {
    return writeOut == null ? WriteOut.simple : writeOut;
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line with the given output streams (and the JVM's stdin); returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return run(System.in, out, err, args);
  }

  /** Runs one command line with the given streams; returns the exit code. */
  public static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
    RaftkvCtl root = new RaftkvCtl();
    root.in = in;
    root.ownStderr = err == System.err;
    CommandLine cl = commandLine(root);
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    return code;
  }

  /** The whole command tree, with the error handling every command shares. */
  public static CommandLine commandLine(RaftkvCtl root) {
    CommandLine cl = new CommandLine(root);
    cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      if (e instanceof CtlException) {
        cmd.getErr().println("Error: " + e.getMessage());
      } else {
        cmd.getErr().println("Error: " + e);
        e.printStackTrace(cmd.getErr());
      }
      return 1;
    });
    return cl;
  }

  /** The version from the jar's manifest when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RaftkvCtl.class.getPackage().getImplementationVersion();
      return new String[] {"raftkvctl " + (v == null ? "(development build)" : v) + ", API 3.4"};
    }
  }
}
