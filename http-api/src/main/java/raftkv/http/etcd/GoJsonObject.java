package raftkv.http.etcd;

import java.util.Base64;
import java.util.List;
import raftkv.persistence.kv.Bytes;

/**
 * Writes one JSON object the way etcd's gateway ({@code jsonpb} with proto names, defaults
 * omitted) does: fields in the order written (callers write them in proto field order), zero
 * values left out, 64-bit integers as strings, bytes as standard base64, strings as Go escapes them.
 */
final class GoJsonObject {
  private final StringBuilder out = new StringBuilder().append('{');
  private boolean first = true;

  private GoJsonObject name(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    GoJson.appendString(out, name);
    return this.colon();
  }

  private GoJsonObject colon() {
    out.append(':');
    return this;
  }

  GoJsonObject int64(String name, long value) {
    if (value != 0) {
      name(name).out.append('"').append(value).append('"');
    }
    return this;
  }

  GoJsonObject uint64(String name, long value) {
    if (value != 0) {
      name(name).out.append('"').append(Long.toUnsignedString(value)).append('"');
    }
    return this;
  }

  GoJsonObject int32(String name, int value) {
    if (value != 0) {
      name(name).out.append(value);
    }
    return this;
  }

  GoJsonObject bool(String name, boolean value) {
    if (value) {
      name(name).out.append("true");
    }
    return this;
  }

  GoJsonObject string(String name, String value) {
    if (value != null && !value.isEmpty()) {
      GoJson.appendString(name(name).out, value);
    }
    return this;
  }

  GoJsonObject bytes(String name, Bytes value) {
    if (!value.isEmpty()) {
      name(name).out.append('"').append(Base64.getEncoder().encodeToString(value.toByteArray())).append('"');
    }
    return this;
  }

  /** A message field: written whenever present, even if empty ({@code {}}), as jsonpb does. */
  GoJsonObject object(String name, String json) {
    if (json != null) {
      name(name).out.append(json);
    }
    return this;
  }

  /** A repeated message field, left out if empty. */
  GoJsonObject objects(String name, List<String> jsons) {
    if (!jsons.isEmpty()) {
      name(name).out.append('[').append(String.join(",", jsons)).append(']');
    }
    return this;
  }

  GoJsonObject strings(String name, List<String> values) {
    if (!values.isEmpty()) {
      name(name).out.append('[');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        GoJson.appendString(out, values.get(i));
      }
      out.append(']');
    }
    return this;
  }

  GoJsonObject bytesList(String name, List<Bytes> values) {
    if (!values.isEmpty()) {
      name(name).out.append('[');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append('"').append(Base64.getEncoder().encodeToString(values.get(i).toByteArray())).append('"');
      }
      out.append(']');
    }
    return this;
  }

  /** A field written even at its zero value (the error body's {@code code}). */
  GoJsonObject rawNumber(String name, long value) {
    name(name).out.append(value);
    return this;
  }

  String build() {
    return out.append('}').toString();
  }
}
