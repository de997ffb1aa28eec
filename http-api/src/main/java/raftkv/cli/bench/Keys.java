package raftkv.cli.bench;

import java.util.SplittableRandom;

/** Keys and values as etcd's benchmark makes them. */
public final class Keys {
  private Keys() {}

  /**
   * A key of {@code size} bytes holding {@code n} as Go's {@code binary.PutVarint} writes it (zig-zag
   * varint) and zeros after it, exactly as etcd's benchmark builds its keys; at least as long as the varint.
   */
  public static byte[] key(int size, long n) {
    byte[] varint = new byte[10];
    long zz = (n << 1) ^ (n >> 63);
    int len = 0;
    while ((zz & ~0x7FL) != 0) {
      varint[len++] = (byte) ((zz & 0x7F) | 0x80);
      zz >>>= 7;
    }
    varint[len++] = (byte) zz;
    byte[] key = new byte[Math.max(size, len)];
    System.arraycopy(varint, 0, key, 0, len);
    return key;
  }

  /** Random bytes (etcd's {@code mustRandBytes}): incompressible values. */
  public static byte[] value(int size, SplittableRandom random) {
    byte[] v = new byte[size];
    for (int i = 0; i < size; i++) {
      v[i] = (byte) random.nextInt(256);
    }
    return v;
  }
}
