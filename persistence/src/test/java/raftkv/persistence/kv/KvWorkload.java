package raftkv.persistence.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import raftkv.persistence.LogEntry;

/**
 * A seeded stream of log entries that exercises everything the store does: puts with every flag,
 * deletes over every kind of range, nested txns, compactions (valid or not), every lease command,
 * no-ops and the odd malformed entry. Small key and lease spaces, so that requests collide.
 */
final class KvWorkload {
  private static final String[] KEYS = {"a", "b", "c", "d", "k1", "k2", "k3", "z"};
  private static final long[] LEASES = {0, 0, 0, 11, 12, 13};

  private final Random random;
  private long index;
  private long clock;
  /** The revision the store is probably at, to aim compactions and past reads near it. */
  private long revisionGuess = 1;

  KvWorkload(long seed) {
    this.random = new Random(seed);
  }

  List<LogEntry> entries(int n) {
    var out = new ArrayList<LogEntry>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  LogEntry next() {
    index++;
    clock += random.nextInt(2_000);
    int roll = random.nextInt(100);
    if (roll < 3) {
      return LogEntry.noop(index, 1);
    }
    if (roll < 4) {
      return LogEntry.command(index, 1, new byte[] {1, (byte) 200});
    }
    return LogEntry.command(index, 1, KvCommandCodec.encode(command(roll)));
  }

  private KvCommand command(int roll) {
    if (roll < 35) {
      revisionGuess++;
      return put();
    }
    if (roll < 45) {
      return delete();
    }
    if (roll < 65) {
      revisionGuess++;
      return txn(0);
    }
    if (roll < 70) {
      // About half the guessed writes really make a revision (failures, empty txns): aim there,
      // so that some compactions succeed and some are refused.
      return new KvCommand.Compact(Math.max(0, revisionGuess / 2 + 4 - random.nextInt(12)));
    }
    if (roll < 78) {
      long id = random.nextInt(4) == 0 ? 0 : LEASES[3 + random.nextInt(3)];
      return new KvCommand.LeaseGrant(id, 1 + random.nextInt(20), clock);
    }
    if (roll < 82) {
      return new KvCommand.LeaseRevoke(LEASES[3 + random.nextInt(3)]);
    }
    if (roll < 90) {
      return new KvCommand.LeaseKeepAlive(LEASES[3 + random.nextInt(3)], clock);
    }
    if (roll < 98) {
      return new KvCommand.LeaseExpire(LEASES[3 + random.nextInt(3)], clock);
    }
    return new KvCommand.LeaseRenewAll(clock);
  }

  private Bytes key() {
    return Bytes.of(KEYS[random.nextInt(KEYS.length)]);
  }

  private KeyRange range() {
    return switch (random.nextInt(5)) {
      case 0 -> KeyRange.prefix(Bytes.of("k"));
      case 1 -> new KeyRange(key(), Bytes.ZERO);
      case 2 -> new KeyRange(key(), key());
      case 3 -> KeyRange.all();
      default -> KeyRange.single(key());
    };
  }

  private KvCommand.Put put() {
    boolean ignoreValue = random.nextInt(10) == 0;
    boolean ignoreLease = random.nextInt(10) == 0;
    Bytes value = ignoreValue ? Bytes.EMPTY : Bytes.of("v" + random.nextInt(1000));
    long lease = ignoreLease ? 0 : LEASES[random.nextInt(LEASES.length)];
    return new KvCommand.Put(key(), value, lease, random.nextBoolean(), ignoreValue, ignoreLease);
  }

  private KvCommand.DeleteRange delete() {
    KeyRange range = range();
    return new KvCommand.DeleteRange(range.key(), range.rangeEnd(), random.nextBoolean());
  }

  private RangeRequest read() {
    var sortOrder = RangeRequest.SortOrder.values()[random.nextInt(3)];
    var sortTarget = RangeRequest.SortTarget.values()[random.nextInt(5)];
    long revision = random.nextInt(3) == 0 ? Math.max(0, revisionGuess / 2 + 4 - random.nextInt(12)) : 0;
    return RangeRequest.of(range()).withLimit(random.nextInt(4)).withRevision(revision)
        .withSort(sortTarget, sortOrder).withKeysOnly(random.nextInt(4) == 0).withCountOnly(random.nextInt(8) == 0);
  }

  private KvCommand.Txn txn(int depth) {
    var compares = new ArrayList<Compare>();
    for (int i = random.nextInt(3); i > 0; i--) {
      var target = Compare.Target.values()[random.nextInt(5)];
      var result = Compare.Result.values()[random.nextInt(4)];
      Compare c = new Compare(key(), Bytes.EMPTY, target, result, random.nextInt(6), Bytes.of("v" + random.nextInt(1000)));
      compares.add(random.nextInt(4) == 0 ? c.withRangeEnd(Bytes.ZERO) : c);
    }
    return new KvCommand.Txn(compares, ops(depth), ops(depth));
  }

  private List<RequestOp> ops(int depth) {
    var ops = new ArrayList<RequestOp>();
    for (int i = random.nextInt(4); i > 0; i--) {
      int kind = random.nextInt(depth < 2 ? 4 : 3);
      ops.add(switch (kind) {
        case 0 -> read();
        case 1 -> put();
        case 2 -> delete();
        default -> txn(depth + 1);
      });
    }
    return ops;
  }
}
