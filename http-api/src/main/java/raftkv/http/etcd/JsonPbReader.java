package raftkv.http.etcd;

import java.util.ArrayList;
import java.util.List;
import raftkv.http.etcd.GoJson.Arr;
import raftkv.http.etcd.GoJson.Bool;
import raftkv.http.etcd.GoJson.Null;
import raftkv.http.etcd.GoJson.Num;
import raftkv.http.etcd.GoJson.Obj;
import raftkv.http.etcd.GoJson.Str;
import raftkv.http.etcd.GoJson.Value;
import raftkv.persistence.kv.Bytes;

/**
 * The fields of one message, read as golang/protobuf's {@code jsonpb.Unmarshaler} (with unknown
 * fields allowed, as etcd's gateway has it) reads them: a field under its proto name or its
 * lowerCamel name (the latter wins if both are there), {@code null} or missing as the zero value,
 * int64 as a number or a string (whose inside is parsed again, raw, by {@code json.Unmarshal}),
 * enums by name or by any int32, bytes as base64 or as an array of byte values. Read the fields
 * in proto order: the first error is the one etcd reports.
 */
final class JsonPbReader {
  private final Obj obj;
  private final int grpcCode;

  private JsonPbReader(Obj obj, int grpcCode) {
    this.obj = obj;
    this.grpcCode = grpcCode;
  }

  /** A message from a value: an object, or null (all zero); anything else fails as Go does. */
  static JsonPbReader of(Value value, int grpcCode) throws GatewayException {
    if (value == null || value instanceof Null) {
      return new JsonPbReader(new Obj(java.util.Map.of()), grpcCode);
    }
    if (value instanceof Obj o) {
      return new JsonPbReader(o, grpcCode);
    }
    throw typeError(grpcCode, value, "map[string]json.RawMessage");
  }

  private GatewayException fail(String message) {
    return GatewayException.of(grpcCode, message);
  }

  private static GatewayException typeError(int code, Value value, String goType) {
    return GatewayException.of(code, "json: cannot unmarshal " + kind(value) + " into Go value of type " + goType);
  }

  private GatewayException typeError(Value value, String goType) {
    return typeError(grpcCode, value, goType);
  }

  private static String kind(Value v) {
    if (v instanceof Obj) {
      return "object";
    } else if (v instanceof Arr) {
      return "array";
    } else if (v instanceof Str) {
      return "string";
    } else if (v instanceof Num) {
      return "number";
    } else if (v instanceof Bool) {
      return "bool";
    }
    return "null";
  }

  /** protoc's JSON name: underscores dropped, the letter after each one upper-cased. */
  static String camel(String protoName) {
    var out = new StringBuilder();
    boolean upper = false;
    for (char c : protoName.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /** The field's value, or null if absent (a JSON null is returned as {@link Null}). */
  Value raw(String protoName) {
    Value camelValue = obj.fields().get(camel(protoName));
    return camelValue != null ? camelValue : obj.fields().get(protoName);
  }

  boolean has(String protoName) {
    return raw(protoName) != null;
  }

  Bytes bytes(String name) throws GatewayException {
    Value v = raw(name);
    if (v == null || v instanceof Null) {
      return Bytes.EMPTY;
    }
    if (v instanceof Str s) {
      try {
        return Bytes.of(GoBase64.decode(s.bytes()));
      } catch (GoBase64.CorruptInput e) {
        throw fail(e.getMessage());
      }
    }
    if (v instanceof Arr a) {
      byte[] out = new byte[a.items().size()];
      GatewayException first = null;
      for (int i = 0; i < out.length; i++) {
        Value item = a.items().get(i);
        if (item instanceof Num n) {
          long b = parseUnsigned(n.literal());
          if (b >= 0 && b <= 255) {
            out[i] = (byte) b;
          } else if (first == null) {
            first = fail("json: cannot unmarshal number " + n.literal() + " into Go value of type uint8");
          }
        } else if (!(item instanceof Null) && first == null) {
          first = typeError(item, "uint8");
        }
      }
      if (first != null) {
        throw first;
      }
      return Bytes.of(out);
    }
    throw typeError(v, "[]uint8");
  }

  boolean bool(String name) throws GatewayException {
    Value v = raw(name);
    if (v == null || v instanceof Null) {
      return false;
    }
    if (v instanceof Bool b) {
      return b.value();
    }
    throw typeError(v, "bool");
  }

  long int64(String name) throws GatewayException {
    Value v = raw(name);
    if (v == null || v instanceof Null) {
      return 0;
    }
    if (v instanceof Str s) {
      try {
        v = GoJson.unmarshal(s.raw(), 0, s.raw().length);
      } catch (GoJson.SyntaxException e) {
        throw fail(e.getMessage());
      }
      if (v instanceof Null) {
        return 0;
      }
    }
    if (v instanceof Num n) {
      Long parsed = parseSigned(n.literal());
      if (parsed == null) {
        throw fail("json: cannot unmarshal number " + n.literal() + " into Go value of type int64");
      }
      return parsed;
    }
    throw typeError(v, "int64");
  }

  /**
   * An enum: a name in {@code names} (index = number) or any int32. {@code goType} is the Go type
   * name that etcd's errors quote, e.g. {@code etcdserverpb.RangeRequest_SortOrder}.
   */
  int enumValue(String name, String goType, List<String> names) throws GatewayException {
    return enumOf(raw(name), goType, names);
  }

  private int enumOf(Value v, String goType, List<String> names) throws GatewayException {
    if (v == null || v instanceof Null) {
      return 0;
    }
    if (v instanceof Str s) {
      int index = names.indexOf(new String(s.raw(), java.nio.charset.StandardCharsets.UTF_8));
      if (index < 0) {
        throw fail("unknown value " + GoJson.goQuote(s.raw()) + " for enum " + goType);
      }
      return index;
    }
    if (v instanceof Num n) {
      Long parsed = parseSigned(n.literal());
      if (parsed == null || parsed != (int) (long) parsed) {
        throw fail("json: cannot unmarshal number " + n.literal() + " into Go value of type " + goType);
      }
      return (int) (long) parsed;
    }
    throw typeError(v, goType);
  }

  /** A repeated enum: a list of names or numbers; a string alone fails as jsonpb's enum branch does. */
  List<Integer> enums(String name, String goType, List<String> names) throws GatewayException {
    Value v = raw(name);
    if (v == null || v instanceof Null) {
      return List.of();
    }
    if (v instanceof Str) {
      throw fail("invalid target \"slice\" for enum " + goType);
    }
    if (!(v instanceof Arr a)) {
      throw typeError(v, "[]json.RawMessage");
    }
    var out = new ArrayList<Integer>();
    for (Value item : a.items()) {
      out.add(enumOf(item, goType, names));
    }
    return out;
  }

  /** A nested message, or null if absent or JSON null (jsonpb leaves the pointer nil). */
  JsonPbReader message(String name) throws GatewayException {
    Value v = raw(name);
    if (v == null || v instanceof Null) {
      return null;
    }
    return of(v, grpcCode);
  }

  /** A repeated message. A null element (a nil pointer etcd would crash on) is refused. */
  List<JsonPbReader> messages(String name, String type) throws GatewayException {
    Value v = raw(name);
    if (v == null || v instanceof Null) {
      return List.of();
    }
    if (!(v instanceof Arr a)) {
      throw typeError(v, "[]json.RawMessage");
    }
    var out = new ArrayList<JsonPbReader>();
    for (Value item : a.items()) {
      if (item instanceof Null) {
        throw GatewayError.nullMessage(type);
      }
      out.add(of(item, grpcCode));
    }
    return out;
  }

  /** Go's {@code strconv.ParseInt(s, 10, 64)} on a JSON number literal; null if it fails. */
  static Long parseSigned(String literal) {
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-')) {
        return null;
      }
    }
    try {
      return Long.parseLong(literal);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Go's {@code strconv.ParseUint(s, 10, 64)} as far as a byte needs: -1 if it fails or is huge. */
  private static long parseUnsigned(String literal) {
    if (literal.isEmpty() || literal.length() > 18) {
      return -1;
    }
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(literal);
  }
}
