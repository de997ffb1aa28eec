package raftkv.persistence;

import java.util.Arrays;

/**
 * A state machine image that stands for the log up to and including {@code index} (Raft §7).
 * Immutable; {@code image} is never modified after construction.
 *
 * @param index the last log index the image includes
 * @param term  the term of the entry at {@code index}
 * @param image the state machine's serialized state after applying {@code index}
 * @param configuration the group's configuration as of {@code index} (the last configuration entry
 *     it covers, or the initial one), so that a member installing it learns it (thesis §4);
 *     {@code null} in snapshots written before configurations were kept, meaning the initial one
 */
public record Snapshot(long index, long term, byte[] image, Configuration configuration) implements CborSerializable {

  /** A snapshot that leaves the configuration as initially given (tests, the journal's own checks). */
  public Snapshot(long index, long term, byte[] image) {
    this(index, term, image, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && s.index == index && s.term == term && Arrays.equals(s.image, image)
        && java.util.Objects.equals(s.configuration, configuration);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(index) + Arrays.hashCode(image);
  }

  @Override
  public String toString() {
    return "Snapshot[" + index + "@" + term + " " + (image == null ? "no image" : image.length + "B")
        + (configuration == null ? "" : " " + configuration) + "]";
  }
}
