package raftkv.persistence.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static raftkv.persistence.kv.KvHarness.b;

import org.junit.jupiter.api.Test;

class BytesAndKeyRangeTest {

  private static Bytes raw(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return Bytes.of(out);
  }

  @Test
  void bytesOrderUnsignedLikeGo() {
    assertTrue(raw(0x80).compareTo(b("a")) > 0, "0x80 sorts after 'a', as unsigned bytes");
    assertTrue(raw(0xff).compareTo(raw(0x7f)) > 0);
    assertTrue(b("a").compareTo(b("ab")) < 0, "a prefix sorts first");
    assertTrue(Bytes.EMPTY.compareTo(Bytes.ZERO) < 0);
  }

  @Test
  void bytesAreImmutableValues() {
    byte[] source = {1, 2, 3};
    Bytes bytes = Bytes.of(source);
    source[0] = 9;
    bytes.toByteArray()[1] = 9;
    assertEquals(raw(1, 2, 3), bytes);
    assertEquals(raw(1, 2, 3).hashCode(), bytes.hashCode());
    assertNotEquals(raw(1, 2), bytes);
    assertEquals("\"a\\x00\\xff\"", raw('a', 0, 0xff).toString());
  }

  @Test
  void prefixEndAddsOneToTheLastByte() {
    assertEquals(b("ab"), KeyRange.prefixEnd(b("aa")));
    assertEquals(b("b"), KeyRange.prefixEnd(b("a")));
  }

  @Test
  void prefixEndDropsTrailing0xff() {
    assertEquals(raw('a' + 1), KeyRange.prefixEnd(raw('a', 0xff)));
    assertEquals(raw('a', 0x01), KeyRange.prefixEnd(raw('a', 0x00, 0xff, 0xff)));
    assertEquals(raw(0x00, 0x80), KeyRange.prefixEnd(raw(0x00, 0x7f, 0xff)));
  }

  @Test
  void prefixOfOnly0xffOrNothingRunsToTheEnd() {
    assertEquals(Bytes.ZERO, KeyRange.prefixEnd(raw(0xff)));
    assertEquals(Bytes.ZERO, KeyRange.prefixEnd(raw(0xff, 0xff, 0xff)));
    assertEquals(Bytes.ZERO, KeyRange.prefixEnd(Bytes.EMPTY));
    // etcdctl get "" --prefix sends key "\0", range_end "\0": everything.
    assertEquals(KeyRange.all(), KeyRange.prefix(Bytes.EMPTY));
  }

  @Test
  void containsFollowsEtcdRangeEncoding() {
    KeyRange single = KeyRange.single(b("a"));
    assertTrue(single.contains(b("a")));
    assertFalse(single.contains(b("ab")));

    KeyRange interval = new KeyRange(b("b"), b("d"));
    assertFalse(interval.contains(b("a")));
    assertTrue(interval.contains(b("b")));
    assertTrue(interval.contains(b("cz")));
    assertFalse(interval.contains(b("d")));

    KeyRange fromKey = new KeyRange(b("b"), Bytes.ZERO);
    assertFalse(fromKey.contains(b("a")));
    assertTrue(fromKey.contains(raw(0xff, 0xff)));

    assertTrue(KeyRange.all().contains(Bytes.ZERO));
    assertTrue(KeyRange.all().contains(b("anything")));

    KeyRange inverted = new KeyRange(b("d"), b("b"));
    assertFalse(inverted.contains(b("c")));

    KeyRange prefix = KeyRange.prefix(raw('a', 0xff));
    assertTrue(prefix.contains(raw('a', 0xff, 0xff, 0x01)));
    assertFalse(prefix.contains(raw('b')));
    assertFalse(prefix.contains(raw('a', 0xfe)));
  }
}
