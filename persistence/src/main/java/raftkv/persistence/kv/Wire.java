package raftkv.persistence.kv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The primitives of raftkv's binary formats (commands, results, snapshots): zigzag varints for
 * numbers (small revisions and versions take a byte or two), length-prefixed bytes, one byte for
 * a tag or a set of flags. Hand-written rather than CBOR through Jackson because the bytes end up
 * in every log entry and every snapshot, and must be the same on every member and every run.
 */
final class Wire {

  private Wire() {}

  /** Thrown for data that is not a valid encoding: truncated, overlong or an unknown tag. */
  static final class MalformedException extends IllegalArgumentException {
    MalformedException(String message) {
      super(message);
    }
  }

  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    Writer tag(int tag) {
      out.write(tag);
      return this;
    }

    Writer bool(boolean value) {
      out.write(value ? 1 : 0);
      return this;
    }

    Writer number(long value) {
      long zigzag = (value << 1) ^ (value >> 63);
      while ((zigzag & ~0x7FL) != 0) {
        out.write((int) ((zigzag & 0x7F) | 0x80));
        zigzag >>>= 7;
      }
      out.write((int) zigzag);
      return this;
    }

    Writer bytes(Bytes value) {
      number(value.size());
      out.writeBytes(value.unsafeArray());
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  static final class Reader {
    private final byte[] data;
    private int position;

    Reader(byte[] data) {
      this.data = data;
    }

    int tag() {
      if (position >= data.length) {
        throw new MalformedException("truncated at " + position);
      }
      return data[position++] & 0xff;
    }

    boolean bool() {
      int b = tag();
      if (b > 1) {
        throw new MalformedException("not a boolean: " + b);
      }
      return b == 1;
    }

    long number() {
      long zigzag = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = tag();
        zigzag |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return (zigzag >>> 1) ^ -(zigzag & 1);
        }
      }
      throw new MalformedException("varint longer than 64 bits at " + position);
    }

    int count() {
      long n = number();
      if (n < 0 || n > data.length - position) {
        // Every element takes at least a byte, so a larger count cannot be honest.
        throw new MalformedException("bad length " + n + " at " + position);
      }
      return (int) n;
    }

    /** A copy: the entry's data array is shared and must stay untouched. */
    Bytes bytes() {
      int n = count();
      Bytes value = Bytes.wrap(Arrays.copyOfRange(data, position, position + n));
      position += n;
      return value;
    }

    void end() {
      if (position != data.length) {
        throw new MalformedException((data.length - position) + " bytes left over");
      }
    }
  }
}
