package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's whole state as one image, and back. Written in a fixed order (ids, keys and
 * revisions ascending), so equal states give equal bytes: {@link KvStore#hash()} relies on it.
 *
 * <p>Layout after the format byte: applied index, revision, compaction revision; leases (id, TTL,
 * deadline); the versions below the compaction revision that are still kept; then every retained
 * revision with its changes in order. Lease attachments are not written: they follow from the
 * keys' live versions.
 */
final class KvSnapshotCodec {

  static final int FORMAT = 1;

  /** A decoded image. */
  record State(long appliedIndex, Mvcc mvcc, LeaseTable leases) {}

  private KvSnapshotCodec() {}

  static byte[] encode(long appliedIndex, Mvcc mvcc, LeaseTable leases) {
    var out = new Wire.Writer().tag(FORMAT);
    out.number(appliedIndex).number(mvcc.revision()).number(mvcc.compactRevision());
    out.number(leases.all().size());
    for (LeaseTable.Lease lease : leases.all()) {
      out.number(lease.id).number(lease.ttl).number(lease.deadlineMillis);
    }
    List<KeyValue> base = mvcc.compactedBase();
    out.number(base.size());
    for (KeyValue kv : base) {
      KvResultCodec.writeKv(out, kv);
    }
    out.number(mvcc.changes().size());
    for (var revision : mvcc.changes().entrySet()) {
      out.number(revision.getKey()).number(revision.getValue().size());
      for (KeyValue kv : revision.getValue()) {
        KvResultCodec.writeKv(out, kv);
      }
    }
    return out.toByteArray();
  }

  /** @throws IllegalArgumentException if {@code image} is not a snapshot of this format */
  static State decode(byte[] image) {
    var in = new Wire.Reader(image);
    int format = in.tag();
    if (format != FORMAT) {
      throw new Wire.MalformedException("unknown snapshot format " + format);
    }
    long appliedIndex = in.number();
    long revision = in.number();
    long compactRevision = in.number();
    var leases = new LeaseTable();
    for (int n = in.count(); n > 0; n--) {
      leases.grant(in.number(), in.number(), in.number());
    }
    var base = new ArrayList<KeyValue>();
    for (int n = in.count(); n > 0; n--) {
      base.add(KvResultCodec.readKv(in));
    }
    Map<Long, List<KeyValue>> changes = new TreeMap<>();
    for (int n = in.count(); n > 0; n--) {
      long rev = in.number();
      var kvs = new ArrayList<KeyValue>();
      for (int m = in.count(); m > 0; m--) {
        kvs.add(KvResultCodec.readKv(in));
      }
      changes.put(rev, kvs);
    }
    in.end();
    Mvcc mvcc = Mvcc.restore(revision, compactRevision, base, changes);
    for (KeyValue kv : mvcc.latestLive()) {
      if (kv.lease() != 0) {
        leases.attach(kv.lease(), kv.key());
      }
    }
    return new State(appliedIndex, mvcc, leases);
  }
}
