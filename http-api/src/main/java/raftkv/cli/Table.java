package raftkv.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** An ASCII table as etcdctl's {@code -w table} draws it (tablewriter: centered header, left-aligned cells). */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final boolean[] rightAligned;

  public Table(String... header) {
    this.header = List.of(header);
    this.rightAligned = new boolean[header.length];
  }

  /** Numbers read better right-aligned. */
  public Table alignRight(int... columns) {
    for (int c : columns) {
      rightAligned[c] = true;
    }
    return this;
  }

  public Table row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell == null ? "" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  public void print(PrintWriter out) {
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = header.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : width) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    out.println(line(header, width, true));
    out.println(rule);
    for (List<String> row : rows) {
      out.println(line(row, width, false));
    }
    out.println(rule);
  }

  private String line(List<String> cells, int[] width, boolean centered) {
    StringBuilder b = new StringBuilder("|");
    for (int c = 0; c < width.length; c++) {
      String cell = cells.get(c);
      int pad = width[c] - cell.length();
      int left = centered ? pad / 2 : rightAligned[c] ? pad : 0;
      b.append(' ').append(" ".repeat(left)).append(cell).append(" ".repeat(pad - left)).append(" |");
    }
    return b.toString();
  }
}
