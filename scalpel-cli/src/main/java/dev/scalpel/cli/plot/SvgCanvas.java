package dev.scalpel.cli.plot;

import java.awt.Color;
import java.util.Locale;

/** Draws into SVG text. */
final class SvgCanvas implements Canvas {
  private final StringBuilder b = new StringBuilder();

  SvgCanvas(int width, int height) {
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"DejaVu Sans, Arial, sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" "
            + "fill=\"white\"/>\n", width, height, width, height));
  }

  private static String rgb(Color c) {
    return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, Color color, double width, boolean dashed) {
    b.append(String.format(Locale.ROOT,
        "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.2f\"%s/>\n",
        x1, y1, x2, y2, rgb(color), width, dashed ? " stroke-dasharray=\"3,3\"" : ""));
  }

  @Override
  public void polyline(double[] xs, double[] ys, Color color, double width) {
    b.append("<polyline fill=\"none\" stroke=\"").append(rgb(color)).append("\" stroke-width=\"")
        .append(String.format(Locale.ROOT, "%.2f", width)).append("\" points=\"");
    for (int i = 0; i < xs.length; i++) {
      b.append(String.format(Locale.ROOT, "%.2f,%.2f ", xs[i], ys[i]));
    }
    b.append("\"/>\n");
  }

  @Override
  public void marker(double x, double y, Color color, boolean clipped) {
    if (clipped) {
      b.append(String.format(Locale.ROOT,
          "<polygon points=\"%.2f,%.2f %.2f,%.2f %.2f,%.2f\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
          x - 5, y - 4, x + 5, y - 4, x, y + 5, rgb(color)));
    } else {
      b.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3.5\" fill=\"%s\"/>\n", x, y,
          rgb(color)));
    }
  }

  @Override
  public void rect(double x, double y, double w, double h, Color stroke) {
    b.append(String.format(Locale.ROOT,
        "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"%s\"/>\n", x, y, w, h,
        rgb(stroke)));
  }

  @Override
  public void text(double x, double y, String text, double size, Anchor anchor, Color color, boolean vertical) {
    String a = switch (anchor) {
      case START -> "start";
      case MIDDLE -> "middle";
      case END -> "end";
    };
    String rot = vertical ? String.format(Locale.ROOT, " transform=\"rotate(-90 %.2f %.2f)\"", x, y) : "";
    b.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\" "
        + "fill=\"%s\"%s>%s</text>\n", x, y, size, a, rgb(color), rot, escape(text)));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  String finish() {
    return b + "</svg>\n";
  }
}
