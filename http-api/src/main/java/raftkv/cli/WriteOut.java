package raftkv.cli;

/** etcdctl's {@code -w/--write-out} formats. */
public enum WriteOut {
  /** etcdctl's plain text. */
  simple,
  /** The gateway's JSON answer (or, for commands that combine answers, a JSON document of their own). */
  json,
  /** An ASCII table. */
  table
}
