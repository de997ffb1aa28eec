package raftkv.cli;

import picocli.CommandLine;

/** A command that only groups subcommands ({@code endpoint}, {@code lease}, {@code member}): alone it is a usage error. */
public abstract class CommandGroup implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), spec.name() + " needs a subcommand (try --help)");
  }
}
