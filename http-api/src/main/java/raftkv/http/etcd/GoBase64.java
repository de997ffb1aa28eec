package raftkv.http.etcd;

import java.util.Arrays;

/**
 * Go's {@code base64.StdEncoding.Decode} (padded, not strict), which is how etcd's gateway reads
 * every bytes field: same accepted inputs (CR and LF skipped anywhere, non-zero trailing bits
 * allowed) and same error offsets ({@code "illegal base64 data at input byte N"}).
 */
final class GoBase64 {
  private static final byte[] DECODE = new byte[256];

  static {
    Arrays.fill(DECODE, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      DECODE[alphabet.charAt(i)] = (byte) i;
    }
  }

  private GoBase64() {}

  /** Thrown with Go's message. */
  static final class CorruptInput extends Exception {
    CorruptInput(int offset) {
      super("illegal base64 data at input byte " + offset, null, false, false);
    }
  }

  static byte[] decode(byte[] src) throws CorruptInput {
    byte[] dst = new byte[src.length / 4 * 3 + 3];
    int n = 0;
    int si = 0;
    while (si < src.length) {
      // decodeQuantum
      int[] dbuf = new int[4];
      int dlen = 4;
      boolean end = false;
      for (int j = 0; j < 4; j++) {
        if (src.length == si) {
          if (j == 0) {
            return Arrays.copyOf(dst, n);
          }
          throw new CorruptInput(si - j);
        }
        int in = src[si] & 0xff;
        si++;
        int out = DECODE[in];
        if (out >= 0) {
          dbuf[j] = out;
          continue;
        }
        if (in == '\n' || in == '\r') {
          j--;
          continue;
        }
        if (in != '=') {
          throw new CorruptInput(si - 1);
        }
        switch (j) {
          case 0, 1 -> throw new CorruptInput(si - 1);
          case 2 -> {
            while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
              si++;
            }
            if (si == src.length) {
              throw new CorruptInput(src.length);
            }
            if (src[si] != '=') {
              throw new CorruptInput(si - 1);
            }
            si++;
          }
          default -> { }
        }
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
          si++;
        }
        if (si < src.length) {
          throw new CorruptInput(si);
        }
        dlen = j;
        end = true;
        break;
      }
      int val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
      byte b0 = (byte) (val >> 16);
      byte b1 = (byte) (val >> 8);
      byte b2 = (byte) val;
      switch (dlen) {
        case 4 -> {
          dst[n] = b0;
          dst[n + 1] = b1;
          dst[n + 2] = b2;
        }
        case 3 -> {
          dst[n] = b0;
          dst[n + 1] = b1;
        }
        case 2 -> dst[n] = b0;
        default -> { }
      }
      n += dlen - 1;
      if (end) {
        break;
      }
    }
    return Arrays.copyOf(dst, n);
  }
}
