package dev.scalpel.cli.io;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Progress of a sweep and of the runs inside it (one at a time, or several with {@code --jobs}). On a terminal
 * (a console, and {@code CI} not set) it redraws one bar line in place at most 10 times a second per run;
 * otherwise it prints a plain line per run at most every {@code plainIntervalSeconds} and at the end of each run.
 * ETAs extrapolate the elapsed time linearly; the sweep's counts every run in flight by its fraction done. Safe
 * to use from several threads: each run reports through its own {@link Run}.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final long plainIntervalNanos;
  private final boolean silent;
  private final Set<Run> running = new LinkedHashSet<>();
  private int lastWidth;
  private int sweepDone;
  private int sweepBase;
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

  /** Plain lines on {@code out}, at most every {@code seconds} per run. */
  public static Progress plain(PrintStream out, double seconds) {
    return new Progress(out, false, seconds, false);
  }

  /** Prints nothing. */
  public static Progress silent() {
    return new Progress(System.err, false, 1e9, true);
  }

  /** Starts the sweep: {@code total} runs, of which {@code done} are already finished (resumed). */
  public synchronized void startSweep(int done, int total) {
    sweepDone = done;
    sweepBase = done;
    sweepTotal = Math.max(1, total);
    sweepStart = System.nanoTime();
  }

  /** Starts a run; {@code label} prefixes its progress lines. */
  public synchronized Run startRun(String label) {
    Run r = new Run(label);
    running.add(r);
    return r;
  }

  /** One run's progress; its methods may be called from the thread that runs it. */
  public final class Run implements RunProgress {
    private final String label;
    private final long start = System.nanoTime();
    private long lastPrint;
    private double fraction;

    private Run(String label) {
      this.label = label;
      this.lastPrint = terminal ? 0 : start;
    }

    /** The run's label. */
    public String label() {
      return label;
    }

    /** The run finished: one line with {@code summary}. */
    public void end(String summary) {
      synchronized (Progress.this) {
        running.remove(this);
        sweepDone++;
        line(label + " done: " + summary);
      }
    }

    /** A full line about this run (prefixed with its label while other runs go on at the same time). */
    @Override
    public void message(String text) {
      synchronized (Progress.this) {
        line(running.size() > 1 ? "[" + label + "] " + text.strip() : text);
      }
    }

    /** Reports {@code done} of {@code total} units of this run, with a short detail such as losses. */
    @Override
    public void update(long done, long total, String detail) {
      if (silent) {
        return;
      }
      synchronized (Progress.this) {
        long now = System.nanoTime();
        boolean last = done >= total;
        fraction = total > 0 ? Math.min(1, (double) done / total) : 0;
        if (terminal) {
          if (!last && now - lastPrint < 100_000_000L) {
            return;
          }
        } else if (last || now - lastPrint < plainIntervalNanos) {
          return;
        }
        lastPrint = now;
        double runElapsed = (now - start) / 1e9;
        String runEta = fraction > 0 ? duration(runElapsed * (1 - fraction) / fraction) : "?";
        double inFlight = 0;
        for (Run r : running) {
          inFlight += r.fraction;
        }
        double sweepFrac = (sweepDone - sweepBase + inFlight) / Math.max(1, sweepTotal - sweepBase);
        double sweepElapsed = (now - sweepStart) / 1e9;
        String sweepEta = sweepFrac > 0 ? duration(sweepElapsed * (1 - sweepFrac) / sweepFrac) : "?";
        String head = String.format(Locale.ROOT, "[%d/%d] %s", Math.min(sweepDone + running.size(), sweepTotal),
            sweepTotal, label);
        if (terminal) {
          int width = 24;
          int filled = (int) Math.round(fraction * width);
          String bar = "#".repeat(filled) + "-".repeat(width - filled);
          String text = String.format(Locale.ROOT, "%s |%s| %3.0f%% %s  ETA run %s, sweep %s", head, bar,
              100 * fraction, detail, runEta, sweepEta);
          String pad = text.length() < lastWidth ? " ".repeat(lastWidth - text.length()) : "";
          out.print("\r" + text + pad);
          out.flush();
          lastWidth = text.length();
        } else {
          out.printf(Locale.ROOT, "%s %.0f%% (%d/%d) %s  ETA run %s, sweep %s%n", head, 100 * fraction, done, total,
              detail, runEta, sweepEta);
          out.flush();
        }
      }
    }
  }

  /** Prints a full line (clearing a bar on a terminal). */
  public synchronized void message(String text) {
    line(text);
  }

  private void line(String text) {
    if (silent) {
      return;
    }
    if (terminal && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
    out.println(text);
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
