package raftkv.http;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import akka.stream.typed.javadsl.ActorSource;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import raftkv.http.etcd.GatewayError;
import raftkv.kv.KvReply;
import raftkv.kv.KvRequest;
import raftkv.kv.WatchMessage;
import raftkv.kv.WatchSpec;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.KeyRange;
import raftkv.persistence.kv.KeyValue;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.KvEvent;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.RangeRequest;

/**
 * The small REST API for people with curl (docs/api.md): {@code GET/PUT/DELETE /kv/<key>} with
 * plain values, {@code ?prefix=true} for every key under a prefix, {@code ?consistency=serializable}
 * for a local read, {@code ?watch=true} for server-sent events. Keys are the rest of the path,
 * percent-decoded; values travel as the raw body. Listings and results are JSON with keys and
 * values as UTF-8 text (binary data is for the {@code /v3} API, which uses base64).
 */
public final class RestRoutes extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WATCH_BUFFER = 10_000;

  private final KvClient kv;
  private final ActorSystem<?> system;

  public RestRoutes(KvClient kv, ActorSystem<?> system) {
    this.kv = kv;
    this.system = system;
  }

  public Route route() {
    return pathPrefix("kv", () -> handleRejections(JSON_REJECTIONS, () -> extractUnmatchedPath(rest -> {
      byte[] key;
      try {
        key = KeyPath.decode(rest.startsWith("/") ? rest.substring(1) : rest);
      } catch (IllegalArgumentException e) {
        return complete(error(StatusCodes.BAD_REQUEST, e.getMessage()));
      }
      return parameterOptional("prefix", p -> concat(
          get(() -> parameterOptional("consistency", c -> parameterOptional("watch", w ->
              parameterOptional("start_revision", s -> optionalHeaderValueByName("Last-Event-ID", last ->
                  read(Bytes.of(key), isTrue(p), c, isTrue(w), s.or(() -> resumeAfter(last)))))))),
          put(() -> key.length == 0
              ? complete(error(StatusCodes.BAD_REQUEST, "no key: use PUT /kv/<key>"))
              : parameterOptional("lease", lease ->
                  entity(Unmarshaller.entityToByteString(), body -> write(Bytes.of(key), body, lease)))),
          delete(() -> key.length == 0 && !isTrue(p)
              ? complete(error(StatusCodes.BAD_REQUEST, "no key: use /kv/<key>, or /kv/?prefix=true for every key"))
              : onSuccess(remove(Bytes.of(key), isTrue(p)), response -> complete(response)))));
    })));
  }

  /**
   * Akka's own rejections (405 for POST, 400 for a malformed query, ...) as this API's JSON
   * error, with Akka's message, instead of a text/plain body.
   */
  private static final RejectionHandler JSON_REJECTIONS = RejectionHandler.defaultHandler()
      .mapRejectionResponse(response -> response.entity() instanceof HttpEntity.Strict strict
          && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)
          ? response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
              JSON.createObjectNode().put("error", strict.getData().utf8String()).toString() + "\n"))
          : response);

  /**
   * An EventSource that reconnects sends the id of the last event it got (its revision) as
   * {@code Last-Event-ID}: the watch goes on from the revision after it, so nothing is missed.
   */
  private static Optional<String> resumeAfter(Optional<String> lastEventId) {
    return lastEventId.map(String::trim).flatMap(id -> {
      try {
        return Optional.of(Long.toString(Math.addExact(Long.parseLong(id), 1)));
      } catch (NumberFormatException | ArithmeticException e) {
        return Optional.of(id); // reported as a bad start_revision
      }
    });
  }

  private static boolean isTrue(Optional<String> flag) {
    return flag.map(v -> v.isEmpty() || v.equals("true") || v.equals("1")).orElse(false);
  }

  private Route read(Bytes key, boolean prefix, Optional<String> consistency, boolean watch, Optional<String> start) {
    if (key.isEmpty() && !prefix) {
      return complete(error(StatusCodes.BAD_REQUEST, "no key: use /kv/<key>, or /kv/?prefix=true for every key"));
    }
    KeyRange range = prefix ? (key.isEmpty() ? KeyRange.all() : KeyRange.prefix(key)) : KeyRange.single(key);
    if (watch) {
      return watch(range, start);
    }
    boolean serializable;
    if (consistency.isEmpty() || consistency.get().equals("linearizable") || consistency.get().equals("l")) {
      serializable = false;
    } else if (consistency.get().equals("serializable") || consistency.get().equals("s")) {
      serializable = true;
    } else {
      return complete(error(StatusCodes.BAD_REQUEST, "consistency must be linearizable or serializable"));
    }
    RangeRequest request = RangeRequest.of(range).withSerializable(serializable);
    return onSuccess(kv.range(request), reply -> complete(prefix ? listing(reply) : single(key, reply)));
  }

  private static HttpResponse single(Bytes key, KvReply reply) {
    if (!(reply instanceof KvReply.Done d) || !(d.result() instanceof KvResult.RangeResult r)) {
      return failure(reply);
    }
    if (r.kvs().isEmpty()) {
      return error(StatusCodes.NOT_FOUND, "key not found: " + key.toStringUtf8());
    }
    KeyValue kv = r.kvs().get(0);
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, kv.value().toByteArray()))
        .addHeaders(List.of(
            RawHeader.create("X-Raftkv-Revision", Long.toString(r.revision())),
            RawHeader.create("X-Raftkv-Create-Revision", Long.toString(kv.createRevision())),
            RawHeader.create("X-Raftkv-Mod-Revision", Long.toString(kv.modRevision())),
            RawHeader.create("X-Raftkv-Version", Long.toString(kv.version()))));
  }

  private static HttpResponse listing(KvReply reply) {
    if (!(reply instanceof KvReply.Done d) || !(d.result() instanceof KvResult.RangeResult r)) {
      return failure(reply);
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("revision", r.revision());
    body.put("count", r.count());
    var kvs = body.putArray("kvs");
    r.kvs().forEach(kv -> kvs.add(keyValue(kv)));
    return json(StatusCodes.OK, body);
  }

  private Route write(Bytes key, ByteString body, Optional<String> lease) {
    long leaseId;
    try {
      leaseId = lease.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      return complete(error(StatusCodes.BAD_REQUEST, "lease must be a lease ID (a number)"));
    }
    var put = KvCommand.Put.of(key, Bytes.of(body.toArray())).withLease(leaseId);
    return onSuccess(kv.write(put), reply -> complete(revisionOnly(reply, null)));
  }

  private CompletionStage<HttpResponse> remove(Bytes key, boolean prefix) {
    KeyRange range = prefix ? (key.isEmpty() ? KeyRange.all() : KeyRange.prefix(key)) : KeyRange.single(key);
    return kv.write(KvCommand.DeleteRange.of(range)).thenApply(reply -> revisionOnly(reply, "deleted"));
  }

  private static HttpResponse revisionOnly(KvReply reply, String deletedField) {
    if (!(reply instanceof KvReply.Done d) || d.result() instanceof KvResult.Failed) {
      return failure(reply);
    }
    ObjectNode body = JSON.createObjectNode();
    if (d.result() instanceof KvResult.PutResult p) {
      body.put("revision", p.revision());
    } else if (d.result() instanceof KvResult.DeleteRangeResult del) {
      body.put("revision", del.revision());
      body.put(deletedField, del.deleted());
    }
    return json(StatusCodes.OK, body);
  }

  // ---- watch: server-sent events ----

  private Route watch(KeyRange range, Optional<String> start) {
    long startRevision;
    try {
      startRevision = start.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      return complete(error(StatusCodes.BAD_REQUEST, "start_revision (or Last-Event-ID) must be a number"));
    }
    // The stream ends after the Canceled message, not at it: an ActorSource's completion matcher
    // drops the message it matches, and the client must see why its watch ended (compaction).
    var pair = ActorSource.<WatchMessage>actorRef(
            m -> false, m -> Optional.empty(), WATCH_BUFFER, OverflowStrategy.fail())
        .preMaterialize(system);
    ActorRef<WatchMessage> sink = pair.first();
    kv.service().tell(new KvRequest.WatchCreate(0, new WatchSpec(range, startRevision, false, false, false), sink));
    Source<ServerSentEvent, NotUsed> events = pair.second()
        .takeWhile(m -> !(m instanceof WatchMessage.Canceled), true)
        .mapConcat(RestRoutes::toEvents)
        .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat);
    return completeOK(events, EventStreamMarshalling.toEventStream());
  }

  /** One SSE per key change, its id the revision (a client resumes with {@code start_revision=id+1}). */
  private static List<ServerSentEvent> toEvents(WatchMessage m) {
    if (m instanceof WatchMessage.Created c) {
      return List.of(ServerSentEvent.create(
          "{\"revision\":" + c.revision() + "}", Optional.of("created"), Optional.empty(), OptionalInt.empty()));
    }
    if (m instanceof WatchMessage.Canceled c) {
      String why = c.compactRevision() > 0
          ? "{\"compact_revision\":" + c.compactRevision() + "}" : "{\"revision\":" + c.revision() + "}";
      return List.of(ServerSentEvent.create(why, Optional.of("canceled"), Optional.empty(), OptionalInt.empty()));
    }
    var events = (WatchMessage.Events) m;
    return events.events().stream().map(RestRoutes::toEvent).toList();
  }

  private static ServerSentEvent toEvent(KvEvent e) {
    ObjectNode data = keyValue(e.kv());
    if (e.type() == KvEvent.Type.DELETE) {
      data.remove("value");
    }
    String type = e.type() == KvEvent.Type.PUT ? "put" : "delete";
    return ServerSentEvent.create(
        data.toString(), Optional.of(type), Optional.of(Long.toString(e.revision())), OptionalInt.empty());
  }

  // ---- rendering ----

  private static ObjectNode keyValue(KeyValue kv) {
    ObjectNode node = JSON.createObjectNode();
    node.put("key", kv.key().toStringUtf8());
    node.put("value", kv.value().toStringUtf8());
    node.put("create_revision", kv.createRevision());
    node.put("mod_revision", kv.modRevision());
    node.put("version", kv.version());
    if (kv.lease() != 0) {
      node.put("lease", kv.lease());
    }
    return node;
  }

  /** Anything but a success: the store's error, or 503 with a retry hint. */
  static HttpResponse failure(KvReply reply) {
    if (reply instanceof KvReply.Unavailable u) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, u.message()).addHeader(RawHeader.create("Retry-After", "1"));
    }
    if (reply instanceof KvReply.Done d && d.result() instanceof KvResult.Failed f) {
      return error(StatusCodes.get(GatewayError.httpStatus(f.error().grpcCode())), f.error().message());
    }
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "unexpected answer: " + reply);
  }

  private static HttpResponse error(akka.http.javadsl.model.StatusCode status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    return json(status, body);
  }

  private static HttpResponse json(akka.http.javadsl.model.StatusCode status, ObjectNode body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString() + "\n"));
  }
}
