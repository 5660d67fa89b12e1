package dev.scalpel.cli;

import dev.scalpel.experiments.Tasks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The registered task names, for picocli's {@code ${COMPLETION-CANDIDATES}} in help texts and shell completion. */
final class TaskNames implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    List<String> names = new ArrayList<>();
    Tasks.names().forEach(names::add);
    return names.iterator();
  }
}
