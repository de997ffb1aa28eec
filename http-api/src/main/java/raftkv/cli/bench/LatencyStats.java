package raftkv.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What a benchmark measured: a latency histogram (HdrHistogram, nanoseconds, 3 significant
 * digits) per operation and one over all of them, and the failed requests counted by kind (HTTP
 * status and gRPC code, or the exception) with one sample message each. Failed requests are not
 * in the latency histograms. Safe to record into from many threads.
 */
public final class LatencyStats {
  private static final long HIGHEST = TimeUnit.MINUTES.toNanos(10);

  private final Map<String, Histogram> byOp = new LinkedHashMap<>();
  private final Histogram all = histogram();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, String> errorSamples = new ConcurrentHashMap<>();

  /** @param ops the operations this benchmark issues, in the order the report lists them */
  public LatencyStats(List<String> ops) {
    for (String op : ops) {
      byOp.put(op, histogram());
    }
  }

  private static Histogram histogram() {
    return new ConcurrentHistogram(1, HIGHEST, 3);
  }

  public void record(String op, long nanos) {
    long v = Math.max(1, Math.min(nanos, HIGHEST));
    byOp.get(op).recordValue(v);
    all.recordValue(v);
  }

  public void error(String kind, String sample) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    errorSamples.putIfAbsent(kind, sample);
  }

  public long succeeded() {
    return all.getTotalCount();
  }

  public long failed() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Failures by kind, sorted by kind. */
  public Map<String, Long> errors() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public String errorSample(String kind) {
    return errorSamples.get(kind);
  }

  public Histogram all() {
    return all;
  }

  public Map<String, Histogram> byOp() {
    return byOp;
  }

  /** The figures a report prints, in milliseconds. */
  public record Summary(long count, double min, double mean, double p50, double p90, double p99, double p999, double max) {
    public static Summary of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return new Summary(0, 0, 0, 0, 0, 0, 0, 0);
      }
      return new Summary(h.getTotalCount(), ms(h.getMinValue()), h.getMean() / 1e6, ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
          ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }
  }

  /** One bar of the text histogram: latencies in [from, to] ms. */
  public record Bucket(double from, double to, long count) {}

  /**
   * The latencies in {@code n} buckets whose bounds grow geometrically from the fastest to the
   * slowest request (latency distributions have long tails; equal-width buckets would put nearly
   * everything in the first).
   */
  public static List<Bucket> buckets(Histogram h, int n) {
    List<Bucket> out = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return out;
    }
    long min = h.getMinValue();
    long max = h.getMaxValue();
    boolean spread = max > h.highestEquivalentValue(min); // else: one value, within the histogram's precision
    double ratio = spread ? Math.pow((double) max / min, 1.0 / n) : 1;
    int buckets = spread ? n : 1;
    long[] counts = new long[buckets];
    double[] upper = new double[buckets];
    for (int i = 0; i < buckets; i++) {
      upper[i] = i == buckets - 1 ? max : min * Math.pow(ratio, i + 1);
    }
    for (HistogramIterationValue v : h.recordedValues()) {
      long value = h.highestEquivalentValue(v.getValueIteratedTo());
      int i = 0;
      while (i < buckets - 1 && value > upper[i]) {
        i++;
      }
      counts[i] += v.getCountAtValueIteratedTo();
    }
    double from = min;
    for (int i = 0; i < buckets; i++) {
      out.add(new Bucket(from / 1e6, upper[i] / 1e6, counts[i]));
      from = upper[i];
    }
    return out;
  }
}
