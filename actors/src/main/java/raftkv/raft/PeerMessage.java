package raftkv.raft;

import raftkv.persistence.CborSerializable;

/**
 * Messages between members of one Raft group, sent over Akka Cluster. Each carries its group, so
 * that several groups can share the members' actor systems, and the sender's member id.
 */
public sealed interface PeerMessage extends RaftMessage, CborSerializable permits RaftRpc, Forwarding {
  String group();

  String from();
}
