package dev.scalpel.experiments.io;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV through Apache Commons CSV (RFC 4180, {@code \n} line ends): a field with a comma, quote, {@code \r} or
 * {@code \n} is quoted, and reads back as written; doubles use Java's shortest round-trip form.
 */
public final class Csv {
  private static final CSVFormat WRITE = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();
  private static final CSVFormat READ = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

  private Csv() {
  }

  /** One CSV line (with its trailing newline) of the given fields. */
  public static String line(List<String> fields) {
    StringWriter w = new StringWriter();
    try (CSVPrinter p = new CSVPrinter(w, WRITE)) {
      p.printRecord(fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** A double as CSV text: shortest round-trip form, {@code NaN}/{@code Infinity} as Java writes them. */
  public static String num(double v) {
    return Double.toString(v);
  }

  /**
   * Reads a CSV file with a header line into rows keyed by column name.
   *
   * @throws IOException naming the file and line when a row's field count differs from the header's
   */
  public static List<Map<String, String>> read(Path file) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = READ.parse(r)) {
      List<String> header = p.getHeaderNames();
      for (CSVRecord rec : p) {
        if (rec.size() != header.size()) {
          throw new IOException(file + " line " + (rec.getParser().getCurrentLineNumber()) + " has " + rec.size()
              + " fields, the header has " + header.size());
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
          row.put(header.get(c), rec.get(c));
        }
        rows.add(row);
      }
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      throw new IOException(file + " is not a well-formed CSV file: " + e.getMessage(), e);
    }
    return rows;
  }
}
