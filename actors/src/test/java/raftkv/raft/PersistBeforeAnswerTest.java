package raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import raftkv.persistence.HardState;
import raftkv.persistence.JournalCommand;
import raftkv.persistence.JournalReply;
import raftkv.persistence.LogEntry;

/**
 * Raft §5.1 / Figure 2: a member updates stable storage before responding to RPCs. Here the
 * journal is an inbox that answers only when the test says so.
 */
class PersistBeforeAnswerTest {
  private final TestInbox<JournalCommand> journal = TestInbox.create();
  private final Map<String, TestInbox<RaftMessage>> peers = Map.of("m2", TestInbox.create(), "m3", TestInbox.create());
  private final BehaviorTestKit<RaftMessage> member = BehaviorTestKit.create(RaftNode.create(
      new RaftSettings("g", "m1", List.of("m1", "m2", "m3"), Duration.ofMillis(100), Duration.ofMillis(1000), 8, 16, 1 << 20, 100, 1000, 10, 1024,
          Duration.ofSeconds(5), 100),
      id -> peers.get(id).getRef(),
      journal.getRef(),
      new SimStateMachine("m1", new SimInvariants()),
      new Random(1)));

  private JournalCommand.Write recoverEmptyAndAwaitWrite(RaftMessage request) {
    assertTrue(journal.receiveMessage() instanceof JournalCommand.Recover);
    member.run(new Internal.JournalReplied(new JournalReply.Recovered(HardState.INITIAL, null, List.of())));
    member.run(request);
    return (JournalCommand.Write) journal.receiveMessage();
  }

  @Test
  void section5_1_aVoteIsSentOnlyOnceItIsOnDisk() {
    var write = recoverEmptyAndAwaitWrite(new RaftRpc.RequestVote("g", 1, "m2", 0, 0, false, false));
    assertEquals(new HardState(1, "m2"), write.hardState());
    assertFalse(peers.get("m2").hasMessages(), "vote sent before the journal confirmed it");
    member.run(new Internal.JournalReplied(new JournalReply.Written(write.writeId())));
    assertEquals(new RaftRpc.VoteResponse("g", 1, "m1", true, false), peers.get("m2").receiveMessage());
  }

  @Test
  void section5_1_appendedEntriesAreAcknowledgedOnlyOnceOnDisk() {
    var entries = List.of(LogEntry.noop(1, 1), LogEntry.command(2, 1, new byte[] {7}));
    var write = recoverEmptyAndAwaitWrite(new RaftRpc.AppendEntries("g", 1, "m2", 0, 0, entries, 0));
    assertEquals(entries, write.entries());
    assertFalse(peers.get("m2").hasMessages(), "acknowledged before the journal confirmed it");
    member.run(new Internal.JournalReplied(new JournalReply.Written(write.writeId())));
    assertEquals(RaftRpc.AppendResponse.accepted("g", 1, "m1", 2), peers.get("m2").receiveMessage());
  }

  @Test
  void groupCommit_whatArrivesDuringAWriteGoesIntoTheNextOne() {
    var first = recoverEmptyAndAwaitWrite(
        new RaftRpc.AppendEntries("g", 1, "m2", 0, 0, List.of(LogEntry.noop(1, 1)), 0));
    for (int i = 2; i <= 5; i++) {
      member.run(new RaftRpc.AppendEntries("g", 1, "m2", i - 1, 1, List.of(LogEntry.command(i, 1, new byte[] {1})), 0));
    }
    assertFalse(journal.hasMessages(), "a second write started while one was in flight");
    member.run(new Internal.JournalReplied(new JournalReply.Written(first.writeId())));
    var second = (JournalCommand.Write) journal.receiveMessage();
    assertEquals(4, second.entries().size());
    assertEquals(2, second.entries().get(0).index());
  }

  @Test
  void aJournalThatDoesNotAnswerRecoveryIsAskedAgain() {
    assertTrue(journal.receiveMessage() instanceof JournalCommand.Recover);
    member.run(Internal.RecoveryTick.INSTANCE); // the retry timer fired: no answer yet
    assertTrue(journal.receiveMessage() instanceof JournalCommand.Recover);
    member.run(new Internal.JournalReplied(new JournalReply.Recovered(new HardState(3, null), null, List.of())));
    TestInbox<Status> status = TestInbox.create();
    member.run(new ClientRequest.GetStatus(status.getRef()));
    assertEquals(3, status.receiveMessage().term(), "started from the recovered state");
  }
}
