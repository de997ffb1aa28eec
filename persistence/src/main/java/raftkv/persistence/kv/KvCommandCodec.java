package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place commands become log entry data and back. Layout: a format byte, a tag, then the
 * fields in declaration order ({@link Wire}). Enums are written as their position, which is
 * also etcd's protobuf number for each of them (SortOrder, SortTarget, Compare target and
 * result). Adding a command means a new tag; changing a layout means a new format byte, since
 * old entries stay in logs and snapshots.
 */
public final class KvCommandCodec {

  static final int FORMAT = 1;

  private static final int PUT = 1;
  private static final int DELETE_RANGE = 2;
  private static final int TXN = 3;
  private static final int COMPACT = 4;
  private static final int LEASE_GRANT = 5;
  private static final int LEASE_REVOKE = 6;
  private static final int LEASE_KEEP_ALIVE = 7;
  private static final int LEASE_EXPIRE = 8;
  private static final int LEASE_RENEW_ALL = 9;
  private static final int RANGE = 10;

  /** Deeper nesting than etcd's op budget allows (128) means corrupt data, not a request. */
  private static final int MAX_DEPTH = 1000;

  private KvCommandCodec() {}

  public static byte[] encode(KvCommand command) {
    var out = new Wire.Writer().tag(FORMAT);
    writeCommand(out, command);
    return out.toByteArray();
  }

  /** @throws IllegalArgumentException if {@code data} is not an encoded command */
  public static KvCommand decode(byte[] data) {
    var in = new Wire.Reader(data);
    int format = in.tag();
    if (format != FORMAT) {
      throw new Wire.MalformedException("unknown command format " + format);
    }
    KvCommand command = readCommand(in, in.tag(), 0);
    in.end();
    return command;
  }

  private static void writeCommand(Wire.Writer out, KvCommand command) {
    if (command instanceof RequestOp op) {
      writeOp(out, op);
    } else if (command instanceof KvCommand.Compact c) {
      out.tag(COMPACT).number(c.revision());
    } else if (command instanceof KvCommand.LeaseGrant g) {
      out.tag(LEASE_GRANT).number(g.id()).number(g.ttl()).number(g.nowMillis());
    } else if (command instanceof KvCommand.LeaseRevoke r) {
      out.tag(LEASE_REVOKE).number(r.id());
    } else if (command instanceof KvCommand.LeaseKeepAlive k) {
      out.tag(LEASE_KEEP_ALIVE).number(k.id()).number(k.nowMillis());
    } else if (command instanceof KvCommand.LeaseExpire e) {
      out.tag(LEASE_EXPIRE).number(e.id()).number(e.nowMillis());
    } else {
      out.tag(LEASE_RENEW_ALL).number(((KvCommand.LeaseRenewAll) command).nowMillis());
    }
  }

  private static void writeOp(Wire.Writer out, RequestOp op) {
    if (op instanceof RangeRequest r) {
      out.tag(RANGE).bytes(r.key()).bytes(r.rangeEnd()).number(r.limit()).number(r.revision())
          .tag(r.sortOrder().ordinal()).tag(r.sortTarget().ordinal())
          .tag(flags(r.serializable(), r.keysOnly(), r.countOnly()))
          .number(r.minModRevision()).number(r.maxModRevision())
          .number(r.minCreateRevision()).number(r.maxCreateRevision());
    } else if (op instanceof KvCommand.Put p) {
      out.tag(PUT).bytes(p.key()).bytes(p.value()).number(p.lease())
          .tag(flags(p.prevKv(), p.ignoreValue(), p.ignoreLease()));
    } else if (op instanceof KvCommand.DeleteRange d) {
      out.tag(DELETE_RANGE).bytes(d.key()).bytes(d.rangeEnd()).bool(d.prevKv());
    } else {
      var t = (KvCommand.Txn) op;
      out.tag(TXN).number(t.compare().size());
      for (Compare c : t.compare()) {
        out.bytes(c.key()).bytes(c.rangeEnd()).tag(c.target().ordinal()).tag(c.result().ordinal())
            .number(c.number()).bytes(c.value());
      }
      writeOps(out, t.success());
      writeOps(out, t.failure());
    }
  }

  private static void writeOps(Wire.Writer out, List<RequestOp> ops) {
    out.number(ops.size());
    for (RequestOp op : ops) {
      writeOp(out, op);
    }
  }

  private static int flags(boolean a, boolean b, boolean c) {
    return (a ? 1 : 0) | (b ? 2 : 0) | (c ? 4 : 0);
  }

  private static KvCommand readCommand(Wire.Reader in, int tag, int depth) {
    return switch (tag) {
      case COMPACT -> new KvCommand.Compact(in.number());
      case LEASE_GRANT -> new KvCommand.LeaseGrant(in.number(), in.number(), in.number());
      case LEASE_REVOKE -> new KvCommand.LeaseRevoke(in.number());
      case LEASE_KEEP_ALIVE -> new KvCommand.LeaseKeepAlive(in.number(), in.number());
      case LEASE_EXPIRE -> new KvCommand.LeaseExpire(in.number(), in.number());
      case LEASE_RENEW_ALL -> new KvCommand.LeaseRenewAll(in.number());
      case RANGE -> throw new Wire.MalformedException("a range is a read, not a command");
      default -> (KvCommand) readOp(in, tag, depth);
    };
  }

  private static RequestOp readOp(Wire.Reader in, int tag, int depth) {
    switch (tag) {
      case RANGE: {
        Bytes key = in.bytes();
        Bytes end = in.bytes();
        long limit = in.number();
        long revision = in.number();
        var order = enumAt(RangeRequest.SortOrder.values(), in.tag());
        var target = enumAt(RangeRequest.SortTarget.values(), in.tag());
        int flags = flagsIn(in);
        return new RangeRequest(key, end, limit, revision, order, target,
            (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
            in.number(), in.number(), in.number(), in.number());
      }
      case PUT: {
        Bytes key = in.bytes();
        Bytes value = in.bytes();
        long lease = in.number();
        int flags = flagsIn(in);
        return new KvCommand.Put(key, value, lease, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0);
      }
      case DELETE_RANGE:
        return new KvCommand.DeleteRange(in.bytes(), in.bytes(), in.bool());
      case TXN: {
        if (depth >= MAX_DEPTH) {
          throw new Wire.MalformedException("txns nested deeper than " + MAX_DEPTH);
        }
        int n = in.count();
        var compares = new ArrayList<Compare>(n);
        for (int i = 0; i < n; i++) {
          Bytes key = in.bytes();
          Bytes end = in.bytes();
          var target = enumAt(Compare.Target.values(), in.tag());
          var result = enumAt(Compare.Result.values(), in.tag());
          compares.add(new Compare(key, end, target, result, in.number(), in.bytes()));
        }
        List<RequestOp> success = readOps(in, depth + 1);
        List<RequestOp> failure = readOps(in, depth + 1);
        return new KvCommand.Txn(compares, success, failure);
      }
      default:
        throw new Wire.MalformedException("unknown command tag " + tag);
    }
  }

  private static List<RequestOp> readOps(Wire.Reader in, int depth) {
    int n = in.count();
    var ops = new ArrayList<RequestOp>(n);
    for (int i = 0; i < n; i++) {
      ops.add(readOp(in, in.tag(), depth));
    }
    return ops;
  }

  private static int flagsIn(Wire.Reader in) {
    int flags = in.tag();
    if (flags > 7) {
      throw new Wire.MalformedException("unknown flags " + flags);
    }
    return flags;
  }

  static <E extends Enum<E>> E enumAt(E[] values, int position) {
    if (position >= values.length) {
      throw new Wire.MalformedException("no " + values[0].getDeclaringClass().getSimpleName() + " " + position);
    }
    return values[position];
  }
}
