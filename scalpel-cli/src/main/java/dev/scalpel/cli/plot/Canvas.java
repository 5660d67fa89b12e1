package dev.scalpel.cli.plot;

import java.awt.Color;

/** The few drawing operations a plot needs; one implementation per output format. */
interface Canvas {
  enum Anchor { START, MIDDLE, END }

  void line(double x1, double y1, double x2, double y2, Color color, double width, boolean dashed);

  void polyline(double[] xs, double[] ys, Color color, double width);

  void marker(double x, double y, Color color, boolean clipped);

  void rect(double x, double y, double w, double h, Color stroke);

  /** Text with its baseline at y; {@code vertical} rotates it by −90°. */
  void text(double x, double y, String text, double size, Anchor anchor, Color color, boolean vertical);
}
