package dev.scalpel.cli.sweep;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryConfig;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The grid of a sweep beyond λ and seeds: axes {@code --grid KEY=V1,V2,...}, each over a task setting (e.g.
 * {@code lr}, {@code epochs}) or a method spec key (e.g. {@code ema} for the EMA ablation). A key that is both is
 * written {@code task.KEY} or {@code method.KEY}. The grid is the Cartesian product of the axes; every method
 * is run at every point of the axes it has (a spec-key axis leaves methods without that key alone, e.g. {@code
 * ema} and the λ-free aggregators).
 *
 * <p>The spec key {@code lambda} is special: its values are λ <em>weight vectors</em> ({@code 1/0.1} for three
 * losses), multiplied by each value of {@code --lambdas}: the run at grid λ t has λ_j = t·w_j, so each vector is
 * one line of the Pareto plots traced over t.
 *
 * <p>Each point becomes a {@link Variant} with its own label (the method's label with every method key on the grid,
 * then {@code weights=w} and the task settings of the point), which names its line in the plots, its rows in the
 * statistics and its run directories. Two points that give the same run (the same number written twice, a key that
 * changes nothing for a method) and settings that do not change results are refused.
 */
public final class SweepGrid {
  /** One axis: a task setting or a method spec key, with its values as text, in the order given. */
  public record Axis(String key, boolean taskSetting, List<String> values) {
  }

  /**
   * One method at one grid point.
   *
   * @param method   the method with the point's spec keys set (λ still to be set from the λ grid)
   * @param weights  the λ weight vector of the point, or null: λ_j = t for every auxiliary loss
   * @param settings the task settings of the point (without the seed, set per run)
   * @param grid     the point's λ weights and task settings as text ({@code weights=1/0.1 lr=0.1}); empty without
   *                 them. Methods are compared (paired) only at the same grid text
   * @param label    the variant's label: unique in the sweep
   */
  public record Variant(GradientSurgery method, double[] weights, TaskSettings settings, String grid, String label) {
    /** The method at grid λ {@code t} (λ_j = t·w_j with weights), or the method itself when it takes no λ. */
    public GradientSurgery at(double t) {
      if (!method.method().hasLambda()) {
        return method;
      }
      if (weights == null) {
        return method.withLambda(t);
      }
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < weights.length; j++) {
        b.append(j == 0 ? "" : "/").append(new java.math.BigDecimal(t * weights[j])
            .round(new java.math.MathContext(12)).stripTrailingZeros().toString());
      }
      return GradientSurgery.of(method.config().with("lambda", b.toString()));
    }
  }

  private final List<Axis> axes;

  private SweepGrid(List<Axis> axes) {
    this.axes = List.copyOf(axes);
  }

  /** No axes: every method once, at the given settings. */
  public static SweepGrid none() {
    return new SweepGrid(List.of());
  }

  /**
   * Parses the {@code --grid} options against the task and the methods.
   *
   * @param texts   each {@code KEY=V1,V2,...}
   * @param given   the task settings given with {@code --set} and its shorthands (a key may not be in both)
   * @throws IllegalArgumentException one line naming the bad axis and what was expected
   */
  public static SweepGrid parse(List<String> texts, Task task, List<GradientSurgery> methods,
      Map<String, String> given) {
    return parse(texts, task, methods, given, List.of());
  }

  /**
   * {@link #parse(List, Task, List, Map)}, also refusing a method key on the grid that a method spec gives itself
   * ({@code --method bloop:ema=0.01 --grid ema=0.1,1} would silently drop 0.01).
   *
   * @param specTexts the {@code --method} texts as given
   */
  public static SweepGrid parse(List<String> texts, Task task, List<GradientSurgery> methods,
      Map<String, String> given, List<String> specTexts) {
    List<Axis> axes = new ArrayList<>();
    List<String> settingNames = new ArrayList<>();
    Map<String, Setting> settingByName = new LinkedHashMap<>();
    for (Setting s : task.fullSchema()) {
      settingNames.add(s.name());
      settingByName.put(s.name(), s);
    }
    for (String text : texts) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new IllegalArgumentException("--grid (" + text + ") must be KEY=V1,V2,..., e.g. ema=0.001,0.01,0.1 "
            + "or lr=0.01,0.1");
      }
      String raw = text.substring(0, eq).trim();
      String key = raw;
      Boolean taskSetting = null;
      if (raw.startsWith("task.")) {
        key = raw.substring(5);
        taskSetting = true;
      } else if (raw.startsWith("method.")) {
        key = raw.substring(7);
        taskSetting = false;
      }
      final String k = key.toLowerCase(Locale.ROOT);
      boolean isSetting = settingNames.contains(key);
      boolean isSpecKey = methods.stream().anyMatch(m -> m.config().has(k));
      if (taskSetting == null) {
        if (isSetting && isSpecKey) {
          throw new IllegalArgumentException("--grid " + raw + ": '" + raw + "' is both a setting of task "
              + task.name() + " and a method key; write task." + raw + " or method." + raw);
        }
        if (!isSetting && !isSpecKey) {
          throw new IllegalArgumentException("--grid " + raw + ": '" + raw + "' is neither a setting of task "
              + task.name() + " (" + String.join(", ", settingNames) + ") nor a key of the methods given (e.g. "
              + String.join(", ", methods.get(0).method().keys()) + ")");
        }
        taskSetting = isSetting;
      } else if (taskSetting && !isSetting) {
        throw new IllegalArgumentException("--grid " + raw + ": task " + task.name() + " has no setting '" + key
            + "'; its settings: " + String.join(", ", settingNames));
      } else if (!taskSetting && !isSpecKey) {
        throw new IllegalArgumentException("--grid " + raw + ": no method given has the key '" + key + "'");
      }
      if (taskSetting && key.equals("seed")) {
        throw new IllegalArgumentException("--grid seed=...: use --seeds (A:B or a list), which adds the "
            + "statistics over seeds");
      }
      if (taskSetting && !settingByName.get(key).affectsResults()) {
        throw new IllegalArgumentException("--grid " + raw + ": " + key + " does not change results (only how a run "
            + "is carried out); a grid over it would repeat the same runs");
      }
      if (!taskSetting) {
        for (String spec : specTexts) {
          int colon = spec.indexOf(':');
          for (String kv : colon < 0 ? new String[0] : spec.substring(colon + 1).split(",")) {
            int e = kv.indexOf('=');
            if (e > 0 && kv.substring(0, e).trim().toLowerCase(Locale.ROOT).equals(k)) {
              throw new IllegalArgumentException("--grid " + raw + ": --method " + spec + " gives " + k
                  + " itself; give it in one place (the grid's values replace the spec's)");
            }
          }
        }
      }
      if (taskSetting && given.containsKey(key)) {
        throw new IllegalArgumentException("--grid " + raw + ": " + key + " is also given with --set or a "
            + "shorthand (" + key + "=" + given.get(key) + "); give it in one place");
      }
      String axisKey = taskSetting ? key : k;
      if (axes.stream().anyMatch(a -> a.key().equals(axisKey))) {
        throw new IllegalArgumentException("--grid " + raw + " is given twice; list all values in one --grid");
      }
      List<String> values = new ArrayList<>();
      for (String v : text.substring(eq + 1).split(",", -1)) {
        String t = v.trim();
        if (t.isEmpty()) {
          throw new IllegalArgumentException("--grid (" + text + ") has an empty value");
        }
        if (values.contains(t)) {
          throw new IllegalArgumentException("--grid (" + text + ") lists " + t + " twice");
        }
        values.add(t);
      }
      axes.add(new Axis(axisKey, taskSetting, List.copyOf(values)));
    }
    return new SweepGrid(axes);
  }

  /** The axes, in the order given. */
  public List<Axis> axes() {
    return axes;
  }

  /** The names of the task settings this grid varies. */
  public List<String> taskKeys() {
    return axes.stream().filter(Axis::taskSetting).map(Axis::key).toList();
  }

  /**
   * Every method at every point of the axes it has, methods in the order given, the last axis varying fastest.
   * Every value is checked here, before any run.
   *
   * @throws IllegalArgumentException for a bad value (naming it and what was expected) or two variants with the
   *                                  same label
   */
  public List<Variant> expand(Task task, Map<String, String> given, List<GradientSurgery> methods, int losses) {
    List<Variant> out = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    Map<String, String> points = new LinkedHashMap<>(); // identity of a run's configuration → its grid point
    for (GradientSurgery base : methods) {
      List<Axis> mine = new ArrayList<>();
      for (Axis a : axes) {
        if (a.taskSetting() || base.config().has(a.key())) {
          mine.add(a);
        }
      }
      int[] index = new int[mine.size()];
      while (true) {
        SurgeryConfig config = base.config();
        double[] weights = null;
        Map<String, String> settingsGiven = new LinkedHashMap<>(given);
        StringBuilder grid = new StringBuilder();
        for (int i = 0; i < mine.size(); i++) {
          Axis a = mine.get(i);
          String v = a.values().get(index[i]);
          if (a.taskSetting()) {
            settingsGiven.put(a.key(), v);
            grid.append(grid.length() == 0 ? "" : " ").append(a.key()).append('=').append(v);
          } else if (a.key().equals("lambda")) {
            weights = weights(v, losses);
          } else {
            config = config.with(a.key(), v);
          }
        }
        TaskSettings settings;
        try {
          settings = task.settings(settingsGiven);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--grid: " + e.getMessage(), e);
        }
        GradientSurgery m = GradientSurgery.of(config);
        StringBuilder point = new StringBuilder();
        for (int i = 0; i < mine.size(); i++) {
          point.append(i == 0 ? "" : " ").append(mine.get(i).key()).append('=')
              .append(mine.get(i).values().get(index[i]));
        }
        String identity = config + "|" + (weights == null ? "" : java.util.Arrays.toString(weights)) + "|"
            + settings.values();
        if (!mine.isEmpty() && points.containsKey(identity)) {
          throw new IllegalArgumentException("--grid: " + points.get(identity) + " and " + point + " give the same "
              + "run of " + base.method().specName() + " (the same value written twice, or a key that changes "
              + "nothing for it here, like seed without init=random)");
        }
        points.put(identity, point.toString());
        // the label names every method key on the grid, its default value too (an ablation's lines all say ema=…)
        StringBuilder label = new StringBuilder(MethodLabel.of(config));
        for (Axis a : mine) {
          if (!a.taskSetting() && !a.key().equals("lambda") && !label.toString().contains(" " + a.key() + "=")) {
            label.append(' ').append(a.key()).append('=').append(config.get(a.key()));
          }
        }
        if (weights != null) {
          grid.insert(0, "weights=" + text(weights) + (grid.length() == 0 ? "" : " "));
        }
        if (grid.length() > 0) {
          label.append(' ').append(grid);
        }
        if (labels.contains(label.toString())) {
          throw new IllegalArgumentException("method '" + label + "' is given twice (λ in a spec is replaced by "
              + "the --lambdas grid)");
        }
        labels.add(label.toString());
        Variant variant = new Variant(m, weights, settings, grid.toString(), label.toString());
        // a method that cannot take the task's losses fails the command, not each run
        (m.method().hasLambda() ? variant.at(1) : m).config().checkLosses(losses);
        out.add(variant);
        int i = mine.size() - 1;
        while (i >= 0 && ++index[i] == mine.get(i).values().size()) {
          index[i] = 0;
          i--;
        }
        if (i < 0) {
          break;
        }
      }
    }
    return out;
  }

  private static double[] weights(String text, int losses) {
    String[] p = text.split("/", -1);
    if (p.length != 1 && p.length != losses - 1) {
      throw new IllegalArgumentException("--grid lambda=" + text + ": " + (losses == 2
          ? "the task has one auxiliary loss, so a weight is one number (like 0.1)"
          : "a λ weight vector has one value per auxiliary loss (" + (losses - 1) + ", like "
              + "1/".repeat(losses - 2) + "0.1), or one for all"));
    }
    double[] w = new double[losses - 1];
    for (int j = 0; j < w.length; j++) {
      String s = p[p.length == 1 ? 0 : j].trim();
      try {
        w[j] = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--grid lambda=" + text + ": '" + s + "' is not a number", e);
      }
      if (!(w[j] >= 0) || Double.isInfinite(w[j])) {
        throw new IllegalArgumentException("--grid lambda=" + text + ": weight (" + s + ") must be finite and "
            + ">= 0");
      }
    }
    if (java.util.Arrays.stream(w).allMatch(x -> x == 0)) {
      throw new IllegalArgumentException("--grid lambda=" + text + ": at least one weight must be > 0 (all zero "
          + "is the main loss alone)");
    }
    return w;
  }

  private static String text(double[] w) {
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < w.length; j++) {
      b.append(j == 0 ? "" : "/").append(dev.scalpel.cli.plot.ParetoPlot.fmtLambda(w[j]));
    }
    return b.toString();
  }
}
