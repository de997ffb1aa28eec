package raftkv.jepsen;

import java.util.List;
import java.util.Locale;

/**
 * Latency over time as SVG, written by hand: one point per operation (x: when it was invoked,
 * y: how long it took, log scale), colored by outcome; an operation without an answer is drawn at
 * the top, at its client's timeout. Fault periods are shaded bands, labelled with the fault.
 */
final class LatencyPlot {
  private static final int W = 1200;
  private static final int H = 520;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;
  private static final String[] BAND = {"#fde2e2", "#e2ecfd", "#e5f6df", "#f7ecd9"};

  private LatencyPlot() {}

  static String svg(JepsenRun.Result result) {
    History h = result.history();
    List<History.Entry> entries = h.entries();
    double tMax = 1;
    for (History.Entry e : entries) {
      tMax = Math.max(tMax, h.millis(e.op().invokedAt()) / 1000.0);
    }
    for (Nemesis.Period p : result.periods()) {
      tMax = Math.max(tMax, h.millis(p.end()) / 1000.0);
    }
    double timeoutMs = result.config().clientTimeout().toMillis();
    double yMin = 0.1;
    double yMax = Math.max(10_000, timeoutMs * 2);
    double plotW = W - LEFT - RIGHT;
    double plotH = H - TOP - BOTTOM;
    double tm = tMax;
    java.util.function.DoubleUnaryOperator x = t -> LEFT + t / tm * plotW;
    java.util.function.DoubleUnaryOperator y = ms -> TOP + plotH
        - (Math.log10(Math.max(yMin, Math.min(yMax, ms))) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) * plotH;

    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", W, H));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", LEFT,
        esc("raftkv jepsen: latency of each operation; " + result.config().members() + " members, seed "
            + result.config().seed() + ", verdict " + (result.valid() ? "VALID" : "INVALID"))));
    int band = 0;
    for (Nemesis.Period p : result.periods()) {
      double x0 = x.applyAsDouble(h.millis(p.start()) / 1000.0);
      double x1 = x.applyAsDouble(h.millis(p.end()) / 1000.0);
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"><title>%s</title></rect>%n",
          x0, TOP, Math.max(1, x1 - x0), plotH, BAND[band++ % BAND.length], esc(p.fault() + ": " + p.detail())));
      s.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" transform=\"rotate(90 %.1f %d)\" fill=\"#555\">%s</text>%n",
          x0 + 3, TOP + 4, x0 + 3, TOP + 4, esc(p.fault().name().toLowerCase() + " " + p.detail())));
    }
    // axes and ticks
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"black\"/>%n",
        LEFT, TOP + plotH, W - RIGHT, TOP + plotH));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.0f\" stroke=\"black\"/>%n",
        LEFT, TOP, LEFT, TOP + plotH));
    for (double ms = yMin; ms <= yMax * 1.001; ms *= 10) {
      double yy = y.applyAsDouble(ms);
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, yy, W - RIGHT, yy, LEFT - 5, yy + 4, ms < 1 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.0f ms", ms)));
    }
    double step = niceStep(tMax);
    for (double t = 0; t <= tMax + 1e-9; t += step) {
      double xx = x.applyAsDouble(t);
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"black\"/><text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.0f</text>%n",
          xx, TOP + plotH, xx, TOP + plotH + 5, xx, TOP + plotH + 18, t));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">time since start (s)</text>%n",
        LEFT + plotW / 2, H - 25));
    s.append(String.format(Locale.ROOT,
        "<text x=\"15\" y=\"%.0f\" transform=\"rotate(-90 15 %.0f)\" text-anchor=\"middle\">latency (ms, log scale)</text>%n",
        TOP + plotH / 2, TOP + plotH / 2));
    // points
    for (History.Entry e : entries) {
      Op op = e.op();
      double t = h.millis(op.invokedAt()) / 1000.0;
      double ms = op.completedAt() == Long.MAX_VALUE ? timeoutMs : (op.completedAt() - op.invokedAt()) / 1e6;
      String color = switch (op.outcome()) {
        case OK -> op.kind() == Op.Kind.READ ? "#1f77b4" : "#2ca02c";
        case FAILED -> "#ff7f0e";
        case UNKNOWN -> "#d62728";
      };
      s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\" fill-opacity=\"0.7\"/>%n",
          x.applyAsDouble(t), y.applyAsDouble(ms), color));
    }
    // legend
    String[][] legend = {{"#1f77b4", "read ok"}, {"#2ca02c", "write/cas ok"}, {"#ff7f0e", "failed"},
        {"#d62728", "unknown (no answer; read: dropped)"}, {BAND[0], "fault period"}};
    int lx = LEFT;
    for (String[] l : legend) {
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\" stroke=\"#999\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, H - 14, l[0], lx + 14, H - 5, esc(l[1])));
      lx += 40 + l[1].length() * 6;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static double niceStep(double span) {
    double raw = span / 10;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
