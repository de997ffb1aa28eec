package raftkv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
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
  private final Duration timeout;

  /**
   * @param timeout a little more than {@code raftkv.kv.request-timeout}, within which the service
   *                answers every request itself
   */
  public KvClient(ActorRef<KvRequest> service, Scheduler scheduler, Duration timeout) {
    this.service = service;
    this.scheduler = scheduler;
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

  private CompletionStage<KvReply> ask(Function<ActorRef<KvReply>, KvRequest> request, Duration within) {
    return AskPattern.ask(service, request::apply, within, scheduler)
        .exceptionally(failure -> new KvReply.Unavailable(TIMED_OUT));
  }
}
