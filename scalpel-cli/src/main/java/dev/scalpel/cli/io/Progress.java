package dev.scalpel.cli.io;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a sweep and of the run inside it. On a terminal (a console, and {@code CI} not set) it redraws
 * one bar line in place at most 10 times a second; otherwise it prints a plain line at most every
 * {@code plainIntervalSeconds} and at the end of each run. ETAs extrapolate the elapsed time linearly.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final long plainIntervalNanos;
  private final boolean silent;
  private String prefix = "";
  private long runStart = System.nanoTime();
  private long lastPrint;
  private int lastWidth;
  private int sweepDone;
  private int sweepTotal = 1;
  private long sweepStart = System.nanoTime();

  private Progress(PrintStream out, boolean terminal, double plainIntervalSeconds, boolean silent) {
    this.out = out;
    this.terminal = terminal;
    this.plainIntervalNanos = (long) (plainIntervalSeconds * 1e9);
    this.silent = silent;
  }

  /** Progress on standard error: a bar on a terminal, plain lines every 10 s otherwise or when CI is set. */
  public static Progress stderr() {
    String ci = System.getenv("CI");
    boolean ciSet = ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    return new Progress(System.err, System.console() != null && !ciSet, 10, false);
  }

  /** Plain lines on {@code out}, at most every {@code seconds}. */
  public static Progress plain(PrintStream out, double seconds) {
    return new Progress(out, false, seconds, false);
  }

  /** Prints nothing. */
  public static Progress silent() {
    return new Progress(System.err, false, 1e9, true);
  }

  /** Starts the sweep: {@code total} runs, of which {@code done} are already finished (resumed). */
  public void startSweep(int done, int total) {
    sweepDone = done;
    sweepTotal = Math.max(1, total);
    sweepStart = System.nanoTime();
    sweepBase = done;
  }

  private int sweepBase;

  /** Starts a run; {@code label} prefixes its progress lines. */
  public void startRun(String label) {
    prefix = label;
    runStart = System.nanoTime();
    lastPrint = terminal ? 0 : runStart;
  }

  /** The current run's label. */
  public String label() {
    return prefix;
  }

  /** The current run finished. */
  public void endRun(String summary) {
    sweepDone++;
    message(prefix + " done: " + summary);
  }

  /** Reports {@code done} of {@code total} units of the current run, with a short detail such as losses. */
  public void update(long done, long total, String detail) {
    if (silent) {
      return;
    }
    long now = System.nanoTime();
    boolean last = done >= total;
    if (terminal) {
      if (!last && now - lastPrint < 100_000_000L) {
        return;
      }
    } else if (last || now - lastPrint < plainIntervalNanos) {
      return;
    }
    lastPrint = now;
    double frac = total > 0 ? Math.min(1, (double) done / total) : 0;
    double runElapsed = (now - runStart) / 1e9;
    String runEta = frac > 0 ? duration(runElapsed * (1 - frac) / frac) : "?";
    double sweepFrac = (sweepDone - sweepBase + frac) / Math.max(1, sweepTotal - sweepBase);
    double sweepElapsed = (now - sweepStart) / 1e9;
    String sweepEta = sweepFrac > 0 ? duration(sweepElapsed * (1 - sweepFrac) / sweepFrac) : "?";
    String head = String.format(Locale.ROOT, "[%d/%d] %s", Math.min(sweepDone + 1, sweepTotal), sweepTotal,
        prefix);
    if (terminal) {
      int width = 24;
      int filled = (int) Math.round(frac * width);
      String bar = "#".repeat(filled) + "-".repeat(width - filled);
      String line = String.format(Locale.ROOT, "%s |%s| %3.0f%% %s  ETA run %s, sweep %s", head, bar, 100 * frac,
          detail, runEta, sweepEta);
      String pad = line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : "";
      out.print("\r" + line + pad);
      out.flush();
      lastWidth = line.length();
    } else {
      out.printf(Locale.ROOT, "%s %.0f%% (%d/%d) %s  ETA run %s, sweep %s%n", head, 100 * frac, done, total,
          detail, runEta, sweepEta);
      out.flush();
    }
  }

  /** Prints a full line (clearing a bar on a terminal). */
  public void message(String line) {
    if (silent) {
      return;
    }
    if (terminal && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
    out.println(line);
    out.flush();
  }

  /** A duration such as {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
  public static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
