package raftkv.persistence.kv;

/** One operation of a txn's success or failure branch: etcd's {@code RequestOp} oneof. */
public sealed interface RequestOp permits RangeRequest, KvCommand.Put, KvCommand.DeleteRange, KvCommand.Txn {}
