package raftkv.raft;

import raftkv.persistence.JournalReply;

/** A member's messages to itself: journal replies (through a message adapter) and timers. */
sealed interface Internal extends RaftMessage {

  record JournalReplied(JournalReply reply) implements Internal {}

  /** The journal has not answered a recovery request yet: ask again. */
  enum RecoveryTick implements Internal { INSTANCE }

  /** No leader heard from for an election timeout: time to (pre-)campaign. */
  enum ElectionTimeout implements Internal { INSTANCE }

  /** A leader's periodic heartbeat and retransmission round. */
  enum HeartbeatTick implements Internal { INSTANCE }

  /** A leader's check that a quorum answered during the last election timeout. */
  enum CheckQuorumTick implements Internal { INSTANCE }

  /** A leadership transfer did not happen within an election timeout: give it up. */
  enum TransferTimeout implements Internal { INSTANCE }
}
