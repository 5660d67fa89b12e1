package dev.scalpel.train.data;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One document of a text corpus: its name (the file it came from) and its text as UTF-8 bytes, line ends {@code \n}.
 * The array is the record's own: do not modify it.
 *
 * @param name the document's name, e.g. {@code austen-emma.txt} or {@code ca01}
 * @param text its bytes (UTF-8)
 */
public record TextDocument(String name, byte[] text) {
  /** Checks that neither is null. */
  public TextDocument {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }

  /** Number of bytes. */
  public int length() {
    return text.length;
  }

  /** The text as a string. */
  public String string() {
    return new String(text, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TextDocument[" + name + ", " + text.length + " bytes]";
  }
}
