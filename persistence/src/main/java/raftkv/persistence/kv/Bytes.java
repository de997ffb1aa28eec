package raftkv.persistence.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string: keys, values and range ends. etcd orders keys as unsigned bytes
 * (Go's {@code bytes.Compare}), so {@link #compareTo} does too; a signed {@code byte[]} order
 * would put {@code 0x80..0xff} before {@code 'a'} and break ranges and prefixes.
 *
 * <p>The array is copied on the way in and out, so a record holding a {@code Bytes} really is
 * immutable and has value equality (a record holding a {@code byte[]} has neither).
 */
public final class Bytes implements Comparable<Bytes> {

  public static final Bytes EMPTY = new Bytes(new byte[0]);

  /** {@code "\0"}: as a range end, "every key from the start key on". */
  public static final Bytes ZERO = new Bytes(new byte[] {0});

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  public static Bytes of(byte[] data) {
    return data.length == 0 ? EMPTY : new Bytes(data.clone());
  }

  /** UTF-8 bytes of {@code text}; for tests and for callers that think in strings. */
  public static Bytes of(String text) {
    return wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of {@code data} without copying: only for arrays nobody else holds. */
  static Bytes wrap(byte[] data) {
    return data.length == 0 ? EMPTY : new Bytes(data);
  }

  public byte[] toByteArray() {
    return data.clone();
  }

  public int size() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  public byte byteAt(int index) {
    return data[index];
  }

  /** For the codec, which writes the bytes out without keeping the array. */
  byte[] unsafeArray() {
    return data;
  }

  public String toStringUtf8() {
    return new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(data, other.data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  /** Printable ASCII as is, other bytes as {@code \xNN}: readable in test failures and logs. */
  @Override
  public String toString() {
    var out = new StringBuilder(data.length + 2).append('"');
    for (byte b : data) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        out.append((char) c);
      } else {
        out.append(String.format("\\x%02x", c));
      }
    }
    return out.append('"').toString();
  }
}
