package raftkv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import raftkv.http.etcd.GatewayException;
import raftkv.http.etcd.GatewayResponses;
import raftkv.http.etcd.GatewayStream;

/**
 * One streaming request of the etcd gateway ({@code /v3/watch}, {@code /v3/lease/keepalive}) as an
 * actor: it reads the request body's messages as they arrive, hands each to its {@link Handler},
 * and writes what the handler emits to the response stream, one JSON message per line. As etcd's
 * gateway, it answers only once the first message has arrived: a first message that cannot be
 * read is a plain error answer; from then on the answer is the stream, and it lasts until the
 * client goes away, also after the request body has ended (unless the handler ends it, as a
 * keepalive stream does). The session stops when the response stream ends, and its handler with it.
 */
final class GatewaySession {
  sealed interface Message {}

  /** A piece of the request body. */
  record Chunk(ByteString bytes) implements Message {}

  /** The request body has ended. */
  enum BodyEnded implements Message { INSTANCE }

  /** The request body broke off: the connection closed inside it, or its framing was wrong. */
  enum BodyFailed implements Message { INSTANCE }

  /** One message for the client; {@code null} is nothing to send. */
  record Emit(String json) implements Message {}

  /** Ends the response stream (after what was emitted before). */
  enum EndStream implements Message { INSTANCE }

  /** What a session does with each request message, on the session's actor. */
  interface Handler<T> {
    void onRequest(T request, Outlet outlet);

    /**
     * No more requests will come: the request body ended, or a message after the first could not
     * be read. The answer stream goes on until the handler sends {@link EndStream}, or the client
     * goes away.
     */
    default void onInputClosed(Outlet outlet) {}
  }

  /** Where a handler's answers go. */
  interface Outlet {
    /** Sends one message now. */
    void emit(String json);

    /** A ref that turns what it gets into messages for the client, on the session's actor. */
    <M> ActorRef<M> adapter(Class<M> type, Function<M, String> render);

    /** Sends from any thread: for answers that complete elsewhere. */
    ActorRef<Message> self();
  }

  private final ActorContext<Message> context;
  private final GatewayStream<?> requests;
  private final ActorRef<ByteString> out;
  private final Source<ByteString, ?> outSource;
  private final CompletableFuture<HttpResponse> response;
  private boolean inputClosed;

  private GatewaySession(
      ActorContext<Message> context,
      GatewayStream<?> requests,
      ActorRef<ByteString> out,
      Source<ByteString, ?> outSource,
      CompletableFuture<HttpResponse> response) {
    this.context = context;
    this.requests = requests;
    this.out = out;
    this.outSource = outSource;
    this.response = response;
  }

  /**
   * @param out       feeds {@code outSource}; the session stops when that actor does (the stream ended)
   * @param response  completed with the answer once the first message is in
   */
  static <T> Behavior<Message> create(
      GatewayStream<T> requests,
      Handler<T> handler,
      ActorRef<ByteString> out,
      Source<ByteString, ?> outSource,
      CompletableFuture<HttpResponse> response) {
    return Behaviors.setup(context -> {
      context.watch(out);
      return new GatewaySession(context, requests, out, outSource, response).behavior(requests, handler);
    });
  }

  private <T> Behavior<Message> behavior(GatewayStream<T> typed, Handler<T> handler) {
    Outlet outlet = new Outlet() {
      @Override
      public void emit(String json) {
        send(json);
      }

      @Override
      public <M> ActorRef<M> adapter(Class<M> type, Function<M, String> render) {
        return context.messageAdapter(type, m -> new Emit(render.apply(m)));
      }

      @Override
      public ActorRef<Message> self() {
        return context.getSelf();
      }
    };
    return Behaviors.receive(Message.class)
        .onMessage(Chunk.class, c -> take(() -> typed.feed(c.bytes().toArray()), handler, outlet))
        .onMessageEquals(BodyEnded.INSTANCE, () -> take(typed::finish, handler, outlet))
        .onMessageEquals(BodyFailed.INSTANCE, () -> take(() -> brokenOff(typed), handler, outlet))
        .onMessage(Emit.class, e -> {
          send(e.json());
          return Behaviors.same();
        })
        .onMessageEquals(EndStream.INSTANCE, () -> {
          out.tell(END);
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }

  /**
   * Hands on the messages that arrived. The first one opens the answer stream; one that cannot be
   * read before it is the whole answer, and ends the session. An empty body opens the stream too:
   * etcd keeps such a request open, answering nothing.
   */
  private <T> Behavior<Message> take(Arrived<T> arrived, Handler<T> handler, Outlet outlet) {
    List<T> messages;
    try {
      messages = arrived.get();
    } catch (GatewayException e) {
      response.complete(EtcdRoutes.response(GatewayResponses.error(e)));
      out.tell(END);
      return Behaviors.stopped();
    }
    if (!response.isDone() && (!messages.isEmpty() || requests.inputClosed())) {
      response.complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, outSource)));
    }
    messages.forEach(m -> handler.onRequest(m, outlet));
    if (requests.inputClosed() && !inputClosed) {
      inputClosed = true;
      handler.onInputClosed(outlet);
    }
    return Behaviors.same();
  }

  /**
   * The whole messages that came before the body broke off. With none, and no answer yet, the
   * request is refused as etcd's decoder refuses a body cut short: a stream opened for it would
   * wait for requests that can never come.
   */
  private <T> List<T> brokenOff(GatewayStream<T> typed) throws GatewayException {
    List<T> last = typed.finish();
    if (last.isEmpty() && !response.isDone()) {
      throw GatewayException.of(GatewayStream.UNREADABLE, "unexpected EOF");
    }
    return last;
  }

  /** Tells the response stream to complete (see {@link #isEnd}). */
  static final ByteString END = ByteString.fromString("\u0000end");

  /** The response stream's completion marker, compared by identity: no client data can be it. */
  static boolean isEnd(ByteString bytes) {
    return bytes == END;
  }

  @FunctionalInterface
  private interface Arrived<T> {
    List<T> get() throws GatewayException;
  }

  private void send(String json) {
    if (json != null) {
      out.tell(ByteString.fromString(json + GatewayResponses.STREAM_DELIMITER));
    }
  }
}
