package raftkv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import raftkv.kv.KvReply;
import raftkv.kv.KvRequest;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.RangeRequest;

/**
 * The HTTP facade's way to its member's {@link raftkv.kv.KvService}: asks that always complete,
 * with {@link KvReply.Unavailable} if the service did not answer in time.
 */
public final class KvClient {
  private static final String TIMED_OUT = "etcdserver: request timed out";

  private final ActorRef<KvRequest> service;
  private final Scheduler scheduler;
  private final Executor executor;
  private final Duration timeout;

  /**
   * @param timeout a little more than {@code raftkv.kv.request-timeout}, within which the service
   *                answers every request itself
   * @param executor where the answers complete (the actor system's dispatcher)
   */
  public KvClient(ActorRef<KvRequest> service, Scheduler scheduler, Executor executor, Duration timeout) {
    this.service = service;
    this.scheduler = scheduler;
    this.executor = executor;
    this.timeout = timeout;
  }

  public ActorRef<KvRequest> service() {
    return service;
  }

  public CompletionStage<KvReply> write(KvCommand command) {
    return ask(r -> new KvRequest.Write(command, r));
  }

  public CompletionStage<KvReply> range(RangeRequest request) {
    return ask(r -> new KvRequest.Range(request, r));
  }

  /** A range that gives up after {@code within} (a health check's own deadline). */
  public CompletionStage<KvReply> range(RangeRequest request, Duration within) {
    return ask(r -> new KvRequest.Range(request, r), within);
  }

  public CompletionStage<KvReply> leaseTimeToLive(long id) {
    return ask(r -> new KvRequest.LeaseTimeToLive(id, r));
  }

  public CompletionStage<KvReply> leases() {
    return ask(KvRequest.LeaseList::new);
  }

  public CompletionStage<KvReply> status() {
    return ask(KvRequest.GetStatus::new);
  }

  private CompletionStage<KvReply> ask(Function<ActorRef<KvReply>, KvRequest> request) {
    return ask(request, timeout);
  }

  /**
   * The ask's answer, in a plain {@link CompletableFuture} completed on {@link #executor}. Akka's
   * own stage runs every callback given without an executor on the JDK's common pool, and with
   * 2 CPUs that pool has parallelism 1, where the JDK starts a new thread per callback.
   */
  private CompletionStage<KvReply> ask(Function<ActorRef<KvReply>, KvRequest> request, Duration within) {
    CompletableFuture<KvReply> answer = new CompletableFuture<>();
    AskPattern.ask(service, request::apply, within, scheduler).whenCompleteAsync(
        (reply, failure) -> answer.complete(failure == null ? reply : new KvReply.Unavailable(TIMED_OUT)),
        executor);
    return answer;
  }
}
