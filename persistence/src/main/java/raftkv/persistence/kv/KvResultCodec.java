package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.kv.KvResult.OpResult;

/**
 * The one place results become the bytes {@code StateMachine.apply} hands back to the proposer,
 * and back. Same conventions as {@link KvCommandCodec}; errors travel by name, so reordering
 * {@link KvError} cannot change their meaning.
 */
public final class KvResultCodec {

  static final int FORMAT = 1;

  private static final int RANGE = 1;
  private static final int PUT = 2;
  private static final int DELETE_RANGE = 3;
  private static final int TXN = 4;
  private static final int COMPACT = 5;
  private static final int LEASE_GRANT = 6;
  private static final int LEASE_REVOKE = 7;
  private static final int LEASE_KEEP_ALIVE = 8;
  private static final int LEASE_EXPIRE = 9;
  private static final int LEASE_RENEW_ALL = 10;
  private static final int FAILED = 11;

  private KvResultCodec() {}

  public static byte[] encode(KvResult result) {
    var out = new Wire.Writer().tag(FORMAT);
    write(out, result);
    return out.toByteArray();
  }

  /** @throws IllegalArgumentException if {@code data} is not an encoded result */
  public static KvResult decode(byte[] data) {
    var in = new Wire.Reader(data);
    int format = in.tag();
    if (format != FORMAT) {
      throw new Wire.MalformedException("unknown result format " + format);
    }
    KvResult result = read(in);
    in.end();
    return result;
  }

  private static void write(Wire.Writer out, KvResult result) {
    if (result instanceof KvResult.RangeResult r) {
      out.tag(RANGE).number(r.revision());
      writeKvs(out, r.kvs());
      out.bool(r.more()).number(r.count());
    } else if (result instanceof KvResult.PutResult p) {
      out.tag(PUT).number(p.revision());
      writeKvs(out, p.prevKv().stream().toList());
    } else if (result instanceof KvResult.DeleteRangeResult d) {
      out.tag(DELETE_RANGE).number(d.revision()).number(d.deleted());
      writeKvs(out, d.prevKvs());
    } else if (result instanceof KvResult.TxnResult t) {
      out.tag(TXN).number(t.revision()).bool(t.succeeded()).number(t.responses().size());
      for (OpResult response : t.responses()) {
        write(out, response);
      }
    } else if (result instanceof KvResult.CompactResult c) {
      out.tag(COMPACT).number(c.revision());
    } else if (result instanceof KvResult.LeaseGrantResult g) {
      out.tag(LEASE_GRANT).number(g.revision()).number(g.id()).number(g.ttl());
    } else if (result instanceof KvResult.LeaseRevokeResult r) {
      out.tag(LEASE_REVOKE).number(r.revision());
    } else if (result instanceof KvResult.LeaseKeepAliveResult k) {
      out.tag(LEASE_KEEP_ALIVE).number(k.revision()).number(k.id()).number(k.ttl());
    } else if (result instanceof KvResult.LeaseExpireResult e) {
      out.tag(LEASE_EXPIRE).number(e.revision()).bool(e.expired());
    } else if (result instanceof KvResult.LeaseRenewAllResult r) {
      out.tag(LEASE_RENEW_ALL).number(r.revision()).number(r.renewed());
    } else {
      out.tag(FAILED).bytes(Bytes.of(((KvResult.Failed) result).error().name()));
    }
  }

  private static KvResult read(Wire.Reader in) {
    int tag = in.tag();
    return switch (tag) {
      case RANGE -> new KvResult.RangeResult(in.number(), readKvs(in), in.bool(), in.number());
      case PUT -> new KvResult.PutResult(in.number(), readKvs(in).stream().findFirst());
      case DELETE_RANGE -> new KvResult.DeleteRangeResult(in.number(), in.number(), readKvs(in));
      case TXN -> {
        long revision = in.number();
        boolean succeeded = in.bool();
        int n = in.count();
        var responses = new ArrayList<OpResult>(n);
        for (int i = 0; i < n; i++) {
          if (!(read(in) instanceof OpResult op)) {
            throw new Wire.MalformedException("not a txn response");
          }
          responses.add(op);
        }
        yield new KvResult.TxnResult(revision, succeeded, responses);
      }
      case COMPACT -> new KvResult.CompactResult(in.number());
      case LEASE_GRANT -> new KvResult.LeaseGrantResult(in.number(), in.number(), in.number());
      case LEASE_REVOKE -> new KvResult.LeaseRevokeResult(in.number());
      case LEASE_KEEP_ALIVE -> new KvResult.LeaseKeepAliveResult(in.number(), in.number(), in.number());
      case LEASE_EXPIRE -> new KvResult.LeaseExpireResult(in.number(), in.bool());
      case LEASE_RENEW_ALL -> new KvResult.LeaseRenewAllResult(in.number(), Math.toIntExact(in.number()));
      case FAILED -> new KvResult.Failed(error(in.bytes().toStringUtf8()));
      default -> throw new Wire.MalformedException("unknown result tag " + tag);
    };
  }

  private static KvError error(String name) {
    try {
      return KvError.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new Wire.MalformedException("unknown error " + name);
    }
  }

  private static void writeKvs(Wire.Writer out, List<KeyValue> kvs) {
    out.number(kvs.size());
    for (KeyValue kv : kvs) {
      writeKv(out, kv);
    }
  }

  private static List<KeyValue> readKvs(Wire.Reader in) {
    int n = in.count();
    var kvs = new ArrayList<KeyValue>(n);
    for (int i = 0; i < n; i++) {
      kvs.add(readKv(in));
    }
    return kvs;
  }

  static void writeKv(Wire.Writer out, KeyValue kv) {
    out.bytes(kv.key()).number(kv.createRevision()).number(kv.modRevision()).number(kv.version())
        .bytes(kv.value()).number(kv.lease());
  }

  static KeyValue readKv(Wire.Reader in) {
    return new KeyValue(in.bytes(), in.number(), in.number(), in.number(), in.bytes(), in.number());
  }
}
