package dev.scalpel.train.data;

import java.util.Objects;

/**
 * A translation pair: a source text and its translation, from a domain of a parallel corpus.
 *
 * @param domain where it comes from (for the LibreOffice help: the module, e.g. {@code smath})
 * @param id     its identifier within the corpus (page and paragraph id)
 * @param source the source text (English)
 * @param target its translation (German)
 */
public record TextPair(String domain, String id, String source, String target) {
  /** Checks that none is null. */
  public TextPair {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
  }
}
