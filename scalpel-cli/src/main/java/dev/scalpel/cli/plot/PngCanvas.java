package dev.scalpel.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** Draws into a PNG image with Java2D (headless). */
final class PngCanvas implements Canvas {
  private final BufferedImage image;
  private final Graphics2D g;

  PngCanvas(int width, int height) {
    image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, Color color, double width, boolean dashed) {
    g.setColor(color);
    g.setStroke(dashed ? new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {3f, 3f}, 0f) : new BasicStroke((float) width));
    g.draw(new Line2D.Double(x1, y1, x2, y2));
  }

  @Override
  public void polyline(double[] xs, double[] ys, Color color, double width) {
    if (xs.length == 0) {
      return;
    }
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      p.lineTo(xs[i], ys[i]);
    }
    g.setColor(color);
    g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(p);
  }

  @Override
  public void marker(double x, double y, Color color, boolean clipped) {
    if (clipped) {
      Path2D.Double p = new Path2D.Double();
      p.moveTo(x - 5, y - 4);
      p.lineTo(x + 5, y - 4);
      p.lineTo(x, y + 5);
      p.closePath();
      g.setColor(Color.WHITE);
      g.fill(p);
      g.setColor(color);
      g.setStroke(new BasicStroke(1.5f));
      g.draw(p);
    } else {
      g.setColor(color);
      g.fill(new Ellipse2D.Double(x - 3.5, y - 3.5, 7, 7));
    }
  }

  @Override
  public void rect(double x, double y, double w, double h, Color stroke) {
    g.setColor(stroke);
    g.setStroke(new BasicStroke(1f));
    g.draw(new Rectangle2D.Double(x, y, w, h));
  }

  @Override
  public void text(double x, double y, String text, double size, Anchor anchor, Color color, boolean vertical) {
    g.setColor(color);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, (int) Math.round(size)));
    double w = g.getFontMetrics().getStringBounds(text, g).getWidth();
    double dx = switch (anchor) {
      case START -> 0;
      case MIDDLE -> -w / 2;
      case END -> -w;
    };
    AffineTransform saved = g.getTransform();
    g.translate(x, y);
    if (vertical) {
      g.rotate(-Math.PI / 2);
    }
    g.drawString(text, (float) dx, 0f);
    g.setTransform(saved);
  }

  BufferedImage finish() {
    g.dispose();
    return image;
  }
}
