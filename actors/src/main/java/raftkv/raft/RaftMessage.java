package raftkv.raft;

/**
 * Everything a Raft member's behavior receives: messages from other members ({@link PeerMessage}),
 * requests from its clients ({@link ClientRequest}) and its own timers and journal replies
 * ({@link Internal}).
 */
public sealed interface RaftMessage permits PeerMessage, ClientRequest, Internal {}
