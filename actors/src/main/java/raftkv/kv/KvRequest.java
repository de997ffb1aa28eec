package raftkv.kv;

import akka.actor.typed.ActorRef;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.RangeRequest;

/**
 * What a member's {@link KvService} takes from its clients (the HTTP facade, or Akka code in the
 * same actor system). Every request is answered exactly once, with a {@link KvReply}, within
 * {@code raftkv.kv.request-timeout}.
 */
public sealed interface KvRequest permits KvRequest.Write, KvRequest.Range, KvRequest.LeaseTimeToLive,
    KvRequest.LeaseList, KvRequest.GetStatus, KvRequest.WatchCreate, KvRequest.WatchCancel, KvInternal {

  /**
   * A change of the store: put, delete range, txn, compaction, lease grant, revoke or keepalive.
   * Lease commands' {@code nowMillis} is ignored: the service stamps its own clock. Answered
   * {@link KvReply.Done} once applied on this member; {@link KvReply.Unavailable} when no leader
   * committed it in time (a timeout after the leader took it is reported the same way, as etcd
   * does, although the write may still commit).
   */
  record Write(KvCommand command, ActorRef<KvReply> replyTo) implements KvRequest {}

  /**
   * A range read; {@code request.serializable()} picks the read mode: serializable from this
   * member's state at once, otherwise linearizable through ReadIndex.
   */
  record Range(RangeRequest request, ActorRef<KvReply> replyTo) implements KvRequest {}

  /** A lease's TTL and keys; linearizable. */
  record LeaseTimeToLive(long id, ActorRef<KvReply> replyTo) implements KvRequest {}

  /** Every lease; linearizable. */
  record LeaseList(ActorRef<KvReply> replyTo) implements KvRequest {}

  /** This member's Raft status and store revision, at once. */
  record GetStatus(ActorRef<KvReply> replyTo) implements KvRequest {}

  /**
   * Starts watch {@code watchId} of {@code sink}'s stream: {@code sink} gets
   * {@link WatchMessage.Created}, then every event from the start revision on, one revision per
   * message. A stream's watch ids are its own (etcd numbers them per stream).
   */
  record WatchCreate(long watchId, WatchSpec spec, ActorRef<WatchMessage> sink) implements KvRequest {}

  /** Ends one watch of a stream; the sink gets {@link WatchMessage.Canceled}. */
  record WatchCancel(long watchId, ActorRef<WatchMessage> sink) implements KvRequest {}
}
