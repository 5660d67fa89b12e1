package dev.scalpel.experiments.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal RFC 4180 CSV: fields with commas, quotes or newlines are quoted; doubles use Java's shortest form. */
public final class Csv {
  private Csv() {
  }

  /** One CSV line (with trailing newline) of the given fields. */
  public static String line(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(quote(fields.get(i)));
    }
    return b.append('\n').toString();
  }

  public static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  /** A double as CSV text: shortest round-trip form, {@code NaN}/{@code Infinity} as Java writes them. */
  public static String num(double v) {
    return Double.toString(v);
  }

  /** Reads a CSV file with a header line into rows keyed by column name. */
  public static List<Map<String, String>> read(Path file) throws IOException {
    List<List<String>> lines = parse(Files.readString(file, StandardCharsets.UTF_8));
    List<Map<String, String>> rows = new ArrayList<>();
    if (lines.isEmpty()) {
      return rows;
    }
    List<String> header = lines.get(0);
    for (int r = 1; r < lines.size(); r++) {
      List<String> fields = lines.get(r);
      if (fields.size() != header.size()) {
        throw new IOException(file + " line " + (r + 1) + " has " + fields.size() + " fields, the header has "
            + header.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), fields.get(c));
      }
      rows.add(row);
    }
    return rows;
  }

  static List<List<String>> parse(String text) {
    List<List<String>> lines = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || f.length() > 0) {
          fields.add(f.toString());
          lines.add(fields);
        }
        fields = new ArrayList<>();
        f.setLength(0);
        any = false;
      } else {
        f.append(c);
        any = true;
      }
    }
    if (any || f.length() > 0) {
      fields.add(f.toString());
      lines.add(fields);
    }
    return lines;
  }
}
