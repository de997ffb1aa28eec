package raftkv.persistence;

import java.util.Arrays;

/**
 * A state machine image that stands for the log up to and including {@code index} (Raft §7).
 * Immutable; {@code image} is never modified after construction.
 *
 * @param index the last log index the image includes
 * @param term  the term of the entry at {@code index}
 * @param image the state machine's serialized state after applying {@code index}
 */
public record Snapshot(long index, long term, byte[] image) implements CborSerializable {

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && s.index == index && s.term == term && Arrays.equals(s.image, image);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(index) + Arrays.hashCode(image);
  }

  @Override
  public String toString() {
    return "Snapshot[" + index + "@" + term + " " + image.length + "B]";
  }
}
