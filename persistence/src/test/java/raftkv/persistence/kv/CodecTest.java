package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static raftkv.persistence.kv.KvHarness.b;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import raftkv.persistence.LogEntry;
import raftkv.persistence.kv.KvCommand.DeleteRange;
import raftkv.persistence.kv.KvCommand.Put;
import raftkv.persistence.kv.KvCommand.Txn;
import raftkv.persistence.kv.KvResult.OpResult;
import raftkv.persistence.kv.RangeRequest.SortOrder;
import raftkv.persistence.kv.RangeRequest.SortTarget;

/** Every command and result round-trips through its codec; bad data is refused, not guessed at. */
class CodecTest {

  private static final Bytes BINARY = Bytes.of(new byte[] {0, (byte) 0xff, (byte) 0x80, 1});

  static List<KvCommand> everyCommand() {
    var commands = new ArrayList<KvCommand>();
    commands.add(Put.of(b("k"), b("v")));
    commands.add(new Put(BINARY, Bytes.EMPTY, Long.MIN_VALUE, true, true, true));
    commands.add(new Put(b("k"), BINARY, Long.MAX_VALUE, false, true, false));
    commands.add(DeleteRange.of(b("k")));
    commands.add(new DeleteRange(b("a"), Bytes.ZERO, true));
    commands.add(new Txn(List.of(), List.of(), List.of()));
    var compares = new ArrayList<Compare>();
    for (Compare.Target target : Compare.Target.values()) {
      for (Compare.Result result : Compare.Result.values()) {
        compares.add(new Compare(b("c"), BINARY, target, result, -3, BINARY));
      }
    }
    var ranges = new ArrayList<RequestOp>();
    for (SortOrder order : SortOrder.values()) {
      for (SortTarget target : SortTarget.values()) {
        ranges.add(new RangeRequest(BINARY, b("z"), 10, 5, order, target, true, false, true, 1, 2, 3, 4));
      }
    }
    ranges.add(RangeRequest.of(b("x")).withKeysOnly(true).withSerializable(true));
    var nested = new Txn(List.of(Compare.value(b("n"), Compare.Result.LESS, b("v"))),
        List.of(Put.of(b("n"), b("1")).withPrevKv()), List.of(DeleteRange.of(b("n")).withPrevKv()));
    var ops = new ArrayList<RequestOp>(ranges);
    ops.add(nested);
    ops.add(new Txn(List.of(), List.of(nested), List.of(nested)));
    commands.add(new Txn(compares, ops, List.of(Put.of(b("f"), b("1")))));
    commands.add(new KvCommand.Compact(0));
    commands.add(new KvCommand.Compact(1L << 40));
    commands.add(new KvCommand.LeaseGrant(0, 60, 123_456_789));
    commands.add(new KvCommand.LeaseGrant(-7, 9_000_000_000L, -1));
    commands.add(new KvCommand.LeaseRevoke(Long.MAX_VALUE));
    commands.add(new KvCommand.LeaseKeepAlive(5, Long.MAX_VALUE));
    commands.add(new KvCommand.LeaseExpire(5, Long.MIN_VALUE));
    commands.add(new KvCommand.LeaseRenewAll(42));
    return commands;
  }

  @Test
  void everyCommandRoundTrips() {
    for (KvCommand command : everyCommand()) {
      byte[] data = KvCommandCodec.encode(command);
      assertEquals(command, KvCommandCodec.decode(data));
      assertArrayEquals(data, KvCommandCodec.encode(KvCommandCodec.decode(data)), "one encoding per command");
    }
  }

  @Test
  void encodingIsCompact() {
    // format, tag, key (length + 3), value (length + 1), lease, flags
    assertEquals(10, KvCommandCodec.encode(Put.of(b("key"), b("v"))).length);
  }

  @Test
  void everyResultRoundTrips() {
    KeyValue kv = new KeyValue(BINARY, 2, 3, 4, b("v"), 5);
    var range = new KvResult.RangeResult(9, List.of(kv, kv.withoutValue()), true, 17);
    var put = new KvResult.PutResult(9, Optional.of(kv));
    var delete = new KvResult.DeleteRangeResult(9, 2, List.of(kv));
    var nested = new KvResult.TxnResult(0, false, List.<OpResult>of(range));
    var results = new ArrayList<KvResult>(List.of(range, put, new KvResult.PutResult(3, Optional.empty()), delete,
        nested, new KvResult.TxnResult(9, true, List.of(range, put, delete, nested)),
        new KvResult.CompactResult(4), new KvResult.LeaseGrantResult(1, -7, 60),
        new KvResult.LeaseRevokeResult(3), new KvResult.LeaseKeepAliveResult(3, 7, 10),
        new KvResult.LeaseExpireResult(3, true), new KvResult.LeaseRenewAllResult(3, 12)));
    for (KvError error : KvError.values()) {
      results.add(new KvResult.Failed(error));
    }
    for (KvResult result : results) {
      assertEquals(result, KvResultCodec.decode(KvResultCodec.encode(result)));
    }
  }

  @Test
  void malformedDataIsRefused() {
    byte[] good = KvCommandCodec.encode(Put.of(b("key"), b("value")));
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThrows(IllegalArgumentException.class, () -> KvCommandCodec.decode(truncated), "cut at " + cut);
    }
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(IllegalArgumentException.class, () -> KvCommandCodec.decode(longer));
    assertThrows(IllegalArgumentException.class, () -> KvCommandCodec.decode(new byte[] {9, 1}), "format");
    assertThrows(IllegalArgumentException.class, () -> KvCommandCodec.decode(new byte[] {1, 99}), "tag");
    byte[] range = KvCommandCodec.encode(new Txn(List.of(), List.of(RangeRequest.of(b("a"))), List.of()));
    byte[] rangeAlone = new byte[range.length - 4];
    rangeAlone[0] = 1;
    // [format][TXN][0 compares][1 op][RANGE ...][0 ops]: keep the format byte and the range.
    System.arraycopy(range, 4, rangeAlone, 1, rangeAlone.length - 1);
    assertThrows(IllegalArgumentException.class, () -> KvCommandCodec.decode(rangeAlone), "a range is no command");
    assertThrows(IllegalArgumentException.class, () -> KvResultCodec.decode(new byte[] {1, 99}));
  }

  @Test
  void aMalformedEntryFailsAloneAndTheLogMovesOn() {
    var store = new KvStore();
    byte[] result = store.apply(LogEntry.command(1, 1, new byte[] {1, 99, 0}));
    assertEquals(new KvResult.Failed(KvError.MALFORMED_COMMAND), KvResultCodec.decode(result));
    assertEquals(1, store.appliedIndex());
    assertEquals(1, store.revision());
    store.apply(LogEntry.command(2, 1, KvCommandCodec.encode(Put.of(b("a"), b("1")))));
    assertEquals(2, store.revision());
  }

  @Test
  void aNoopAnswersNull() {
    assertEquals(null, new KvStore().apply(LogEntry.noop(1, 1)));
  }
}
