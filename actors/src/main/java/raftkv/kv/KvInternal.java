package raftkv.kv;

import akka.actor.typed.ActorRef;
import raftkv.raft.ProposeReply;
import raftkv.raft.ReadReply;
import raftkv.raft.Status;

/** {@link KvService}'s messages to itself: answers of its member and timers. */
sealed interface KvInternal extends KvRequest {

  /** Where a write or read stands: what to send again, and until when. */
  record Attempt(KvService.Operation operation, ActorRef<KvReply> replyTo, long startedNanos, long deadlineNanos) {}

  record Proposed(Attempt attempt, ProposeReply reply, Throwable failure) implements KvInternal {}

  record Read(Attempt attempt, ReadReply reply, Throwable failure) implements KvInternal {}

  /** Time to send an attempt again (no leader was known). */
  record Retry(Attempt attempt) implements KvInternal {}

  record StatusAnswered(ActorRef<KvReply> replyTo, Status status, Throwable failure) implements KvInternal {}

  /** A watch stream's sink stopped: its watches go. */
  record SinkStopped(ActorRef<WatchMessage> sink) implements KvInternal {}
}
