package dev.scalpel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code scalpel} command: gradient surgery experiments from the command line. */
@Command(name = "scalpel", mixinStandardHelpOptions = true, version = "scalpel 0.1.0",
    description = "Gradient surgery (Bloop, its baselines and the multi-task aggregators) on the JVM: train, sweep "
        + "λ × methods, draw Pareto fronts.",
    subcommands = {TrainCommand.class, SweepCommand.class, DemoCommand.class, TasksCommand.class, SweepJobCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Read from the arguments by the error handler: stack traces with every error. */
  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "print the stack trace of an error as well as its one-line message")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line with clean error reporting (message only, exit code 2 for bad usage, 1 for failures). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // bad usage: one line and where to read more, not the whole usage text
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      if (c.getCommandName().equals("train") && java.util.Arrays.asList(args).contains("--resume")) {
        c.getErr().println("scalpel: --resume DIR continues a run with the task, method and settings it recorded; "
            + "leave out --task, --method, --lambda and --out (only --checkpoint-every and --set diagnostics=... "
            + "may be given)");
        return 2;
      }
      c.getErr().println("scalpel: " + ex.getMessage().replace("\n", " ").strip() + " (see: scalpel "
          + c.getCommandName().replace("scalpel", "").strip() + (c.getCommandName().equals("scalpel") ? "" : " ")
          + "--help)");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (parsed.originalArgs().contains("--verbose")) {
        ex.printStackTrace(line.getErr());
      }
      if (ex instanceof dev.scalpel.experiments.RunLoop.InterruptedRunException) {
        return 130; // the run said where it saved itself (its listener's "interrupted: …" line)
      }
      if (ex instanceof dev.scalpel.cli.sweep.SweepRunner.SweepInterruptedException) {
        line.getErr().println("scalpel: " + ex.getMessage());
        return 130;
      }
      if (ex instanceof IllegalArgumentException) {
        line.getErr().println("scalpel: " + ex.getMessage());
        return 2;
      }
      if (ex instanceof dev.scalpel.train.checkpoint.CheckpointException || ex instanceof RunFailedException
          || ex instanceof ArithmeticException || ex instanceof dev.scalpel.train.data.DataException) {
        line.getErr().println("scalpel: " + ex.getMessage());
        return 1;
      }
      if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
        Throwable io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
        String what = io.getMessage();
        if (io instanceof java.nio.file.FileSystemException f) {
          what = f.getFile() + ": " + (f.getReason() != null ? f.getReason()
              : f.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                  .toLowerCase(java.util.Locale.ROOT));
        }
        line.getErr().println("scalpel: cannot write or read " + what);
        return 1;
      }
      line.getErr().println("scalpel: " + ex);
      if (!parsed.originalArgs().contains("--verbose")) {
        ex.printStackTrace(line.getErr()); // an unexpected error: always with its trace
      }
      return 1;
    });
    return cl;
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine().execute(args));
  }
}
