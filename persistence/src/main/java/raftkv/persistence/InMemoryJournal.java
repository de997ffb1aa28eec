package raftkv.persistence;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;

/**
 * A journal that keeps its data in an {@link InMemoryLogStore}: for tests and simulations where
 * durability across JVMs is not the point. Acknowledges each write as soon as it is applied.
 */
public final class InMemoryJournal {
  private InMemoryJournal() {}

  public static Behavior<JournalCommand> create(InMemoryLogStore store) {
    return Behaviors.receive(JournalCommand.class)
        .onMessage(JournalCommand.Recover.class, r -> {
          r.replyTo().tell(store.recovered());
          return Behaviors.same();
        })
        .onMessage(JournalCommand.Write.class, w -> {
          store.apply(w);
          w.replyTo().tell(new JournalReply.Written(w.writeId()));
          return Behaviors.same();
        })
        .build();
  }
}
