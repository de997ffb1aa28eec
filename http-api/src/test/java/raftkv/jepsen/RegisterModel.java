package raftkv.jepsen;

import java.util.Objects;

/**
 * The sequential specification of one register: the value after each operation, and whether an
 * operation with its recorded answer is possible in a given state. A state is the current value
 * ({@code null}: never written).
 */
final class RegisterModel {
  private RegisterModel() {}

  /** Whether {@code op}, answered as recorded, can happen in {@code state}. */
  static boolean possible(String state, Op op) {
    return switch (op.kind()) {
      case READ -> Objects.equals(state, op.value());
      case WRITE -> true;
      // An unknown cas is only ever linearized as one that matched: one that did not changed nothing.
      case CAS -> op.outcome() == Op.Outcome.UNKNOWN || op.casMatched()
          ? Objects.equals(state, op.expected())
          : !Objects.equals(state, op.expected());
    };
  }

  /** The state after {@code op} (which must be {@link #possible}). */
  static String next(String state, Op op) {
    return switch (op.kind()) {
      case READ -> state;
      case WRITE -> op.value();
      case CAS -> op.outcome() == Op.Outcome.OK && !op.casMatched() ? state : op.value();
    };
  }
}
