package raftkv.http;

import java.io.ByteArrayOutputStream;

/**
 * The key of a REST path: everything after {@code /kv/}, slashes included, percent-decoded to the
 * key's bytes (so {@code /kv/a%2Fb} and {@code /kv/a/b} name the same key, and any byte can be
 * written as {@code %XX}). A {@code +} stays a plus: this is a path, not a form.
 */
final class KeyPath {
  private KeyPath() {}

  /** @throws IllegalArgumentException for a {@code %} not followed by two hex digits */
  static byte[] decode(String encoded) {
    var out = new ByteArrayOutputStream(encoded.length());
    byte[] utf8 = encoded.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] != '%') {
        out.write(utf8[i]);
        continue;
      }
      if (i + 2 >= utf8.length) {
        throw new IllegalArgumentException("a % in the key must be followed by two hex digits");
      }
      int hi = Character.digit(utf8[i + 1], 16);
      int lo = Character.digit(utf8[i + 2], 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("a % in the key must be followed by two hex digits");
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return out.toByteArray();
  }
}
