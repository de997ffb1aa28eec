package raftkv.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations written as Go writes them ({@code 2s}, {@code 500ms}, {@code 1m30s}, {@code 1.5s}), as etcdctl takes them. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    String t = text.trim();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(t);
    double nanos = 0;
    int at = 0;
    while (at < t.length() && m.find(at) && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    if (at != t.length() || at == 0) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (expected e.g. 500ms, 2s, 1m30s)");
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /** A duration as Go prints one ({@code 1.802658ms}, {@code 2.5s}, {@code 812µs}), as etcdctl shows what took how long. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 1_000) {
      return nanos + "ns";
    }
    int scale = nanos < 1_000_000 ? 3 : nanos < 1_000_000_000 ? 6 : 9;
    String unit = scale == 3 ? "µs" : scale == 6 ? "ms" : "s";
    return java.math.BigDecimal.valueOf(nanos, scale).stripTrailingZeros().toPlainString() + unit;
  }

  /** The picocli converter. */
  public static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
