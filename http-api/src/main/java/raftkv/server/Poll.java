package raftkv.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Repeats an asynchronous attempt, pausing in between, until its result is good or time is up. */
final class Poll {
  private Poll() {}

  /**
   * @return the first result that {@code good} accepts, or a {@link TimeoutException} naming the
   *     last result once {@code timeout} has passed. A failed attempt counts as a bad result.
   */
  static <T> CompletableFuture<T> until(
      Supplier<? extends CompletionStage<T>> attempt, Predicate<T> good, Duration interval, Duration timeout) {
    return loop(attempt, good, interval, timeout, System.nanoTime() + timeout.toNanos());
  }

  private static <T> CompletableFuture<T> loop(
      Supplier<? extends CompletionStage<T>> attempt,
      Predicate<T> good,
      Duration interval,
      Duration timeout,
      long deadline) {
    return attempt.get().toCompletableFuture()
        .handle((result, failure) -> failure == null ? (Object) result : failure)
        .thenCompose(outcome -> {
          @SuppressWarnings("unchecked")
          T result = outcome instanceof Throwable ? null : (T) outcome;
          if (result != null && good.test(result)) {
            return CompletableFuture.completedFuture(result);
          }
          if (System.nanoTime() > deadline) {
            return CompletableFuture.failedFuture(
                new TimeoutException("gave up after " + timeout.toMillis() + " ms; last outcome: " + outcome));
          }
          var pause = CompletableFuture.delayedExecutor(interval.toMillis(), TimeUnit.MILLISECONDS);
          return CompletableFuture.runAsync(() -> {}, pause)
              .thenCompose(x -> loop(attempt, good, interval, timeout, deadline));
        });
  }
}
