package raftkv.persistence;

/**
 * Marker for every message and event that crosses a process boundary or reaches the journal.
 * Bound to Akka's {@code jackson-cbor} serializer in this module's {@code reference.conf}.
 */
public interface CborSerializable {}
