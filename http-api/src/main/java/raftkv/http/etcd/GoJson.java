package raftkv.http.etcd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read as Go's {@code encoding/json} reads it (Go 1.19, what etcd 3.4.23 is built with), so
 * that a malformed request gets etcd's very error text: {@code invalid character 'g' looking for
 * beginning of value}, {@code unexpected EOF}, and so on. Jackson parses a different language
 * (its own error texts, no raw number literals, no Go string unquoting), hence this small port of
 * Go's scanner states.
 *
 * <p>Two entry points, as Go has two: {@link #decodeNext} is {@code json.Decoder.Decode} (what the
 * gateway reads a request body with: one value, whatever follows is ignored, a value cut short is
 * {@code "unexpected EOF"}, nothing but blanks is {@code io.EOF}); {@link #unmarshal} is
 * {@code json.Unmarshal} (the whole input is one value, else {@code "unexpected end of JSON input"}
 * or {@code "... after top-level value"}). Iterative, so deep nesting cannot overflow the stack;
 * Go's depth limit (10,000) is kept. Pure and thread-safe.
 */
public final class GoJson {

  /** Go's {@code maxNestingDepth}. */
  static final int MAX_DEPTH = 10_000;

  private GoJson() {}

  // ---- the tree ----

  /** A JSON value as Go keeps it in a {@code json.RawMessage}: numbers and strings with their raw text. */
  public sealed interface Value permits Obj, Arr, Str, Num, Bool, Null {}

  /** An object; a repeated name keeps its last value, as a Go map does. */
  public record Obj(Map<String, Value> fields) implements Value {
    public Obj {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
  }

  public record Arr(List<Value> items) implements Value {
    public Arr {
      items = List.copyOf(items);
    }
  }

  /**
   * A string: {@code bytes} unquoted as Go does (escapes resolved, invalid UTF-8 and lone
   * surrogates as U+FFFD), {@code raw} the text between the quotes, as written.
   */
  public record Str(byte[] bytes, byte[] raw) implements Value {
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** A number, as its literal ({@code 1e2} stays {@code "1e2"}: Go's error texts quote it). */
  public record Num(String literal) implements Value {}

  public record Bool(boolean value) implements Value {}

  public record Null() implements Value {}

  /** A syntax error, with Go's message. */
  public static final class SyntaxException extends Exception {
    SyntaxException(String message) {
      super(message, null, false, false);
    }
  }

  /** The first value of the input from {@code from}, and the offset just after it. */
  public record Decoded(Value value, int end) {}

  // ---- entry points ----

  /**
   * {@code json.Decoder.Decode}: the first value at or after {@code from}; {@code null} if there
   * is nothing but blanks up to the end ({@code io.EOF}). A value that the end cuts short is
   * {@code "unexpected EOF"}; whatever follows a complete value is not looked at.
   */
  public static Decoded decodeNext(byte[] in, int from) throws SyntaxException {
    int p = skipSpace(in, from);
    if (p == in.length) {
      return null;
    }
    var parser = new Parser(in, p, "unexpected EOF");
    Value v = parser.parse();
    return new Decoded(v, parser.pos);
  }

  /**
   * Whether {@code in[from..]} holds a complete first value (or an error), i.e. whether
   * {@link #decodeNext} would answer without needing more input: for a stream read in chunks.
   * A top-level number or literal needs the byte after it (or the end) to be complete.
   */
  static boolean hasCompleteValue(byte[] in, int from) {
    int p = skipSpace(in, from);
    if (p == in.length) {
      return false;
    }
    var parser = new Parser(in, p, "unexpected EOF");
    try {
      parser.parse();
      byte first = in[p];
      boolean container = first == '{' || first == '[' || first == '"';
      return container || parser.pos < in.length;
    } catch (SyntaxException e) {
      return !parser.hitEnd;
    }
  }

  /** {@code json.Unmarshal}'s syntax check and parse: all of {@code in[from, to)} must be one value. */
  public static Value unmarshal(byte[] in, int from, int to) throws SyntaxException {
    byte[] slice = (from == 0 && to == in.length) ? in : java.util.Arrays.copyOfRange(in, from, to);
    int p = skipSpace(slice, 0);
    if (p == slice.length) {
      throw new SyntaxException("unexpected end of JSON input");
    }
    var parser = new Parser(slice, p, "unexpected end of JSON input");
    Value v = parser.parse();
    int q = skipSpace(slice, parser.pos);
    if (q < slice.length) {
      throw invalid(slice[q], "after top-level value");
    }
    return v;
  }

  /** Go's {@code isSpace}. */
  static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static int skipSpace(byte[] in, int p) {
    while (p < in.length && isSpace(in[p])) {
      p++;
    }
    return p;
  }

  private static SyntaxException invalid(byte c, String context) {
    return new SyntaxException("invalid character " + quoteChar(c) + " " + context);
  }

  /** Go's {@code quoteChar}: the byte as a rune U+0000..U+00FF, quoted as {@code strconv.Quote} does. */
  static String quoteChar(byte b) {
    int c = b & 0xff;
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    var out = new StringBuilder("'");
    appendQuotedRune(out, c, '"');
    return out.append('\'').toString();
  }

  /** {@code strconv.Quote}'s escaping of one rune, inside quotes {@code quote}. */
  static void appendQuotedRune(StringBuilder out, int r, char quote) {
    if (r == quote || r == '\\') {
      out.append('\\').appendCodePoint(r);
      return;
    }
    if (isGoPrintable(r)) {
      out.appendCodePoint(r);
      return;
    }
    switch (r) {
      case 0x07 -> out.append("\\a");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case 0x0b -> out.append("\\v");
      default -> {
        if (r < ' ' || r == 0x7f) {
          out.append(String.format("\\x%02x", r));
        } else if (r < 0x10000) {
          out.append(String.format("\\u%04x", r));
        } else {
          out.append(String.format("\\U%08x", r));
        }
      }
    }
  }

  /** Go's {@code %q} of a byte string: {@code strconv.Quote}, invalid UTF-8 bytes as {@code \xNN}. */
  static String goQuote(byte[] s) {
    var out = new StringBuilder("\"");
    int i = 0;
    while (i < s.length) {
      int[] rs = decodeRune(s, i);
      if (rs[0] < 0) {
        out.append(String.format("\\x%02x", s[i] & 0xff));
      } else {
        appendQuotedRune(out, rs[0], '"');
      }
      i += rs[1];
    }
    return out.append('"').toString();
  }

  /** Go's {@code unicode.IsPrint}, closely enough: graphic characters and the ASCII space. */
  static boolean isGoPrintable(int r) {
    if (r == ' ') {
      return true;
    }
    if (r < 0x20 || (r >= 0x7f && r < 0xa0)) {
      return false;
    }
    if (!Character.isDefined(r)) {
      return false;
    }
    return switch (Character.getType(r)) {
      case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.CONTROL -> false;
      default -> true;
    };
  }

  /**
   * Go's {@code utf8.DecodeRune}: {code point, size}; code point -1 (size 1) for an invalid or
   * overlong sequence, or a surrogate.
   */
  static int[] decodeRune(byte[] s, int i) {
    int b0 = s[i] & 0xff;
    if (b0 < 0x80) {
      return new int[] {b0, 1};
    }
    int need;
    int min;
    int cp;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b0 & 0x0f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b0 & 0x07;
    } else {
      return new int[] {-1, 1};
    }
    for (int k = 1; k <= need; k++) {
      if (i + k >= s.length) {
        return new int[] {-1, 1};
      }
      int b = s[i + k] & 0xff;
      if ((b & 0xc0) != 0x80) {
        return new int[] {-1, 1};
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return new int[] {-1, 1};
    }
    return new int[] {cp, need + 1};
  }

  // ---- the parser: Go's scanner states, without recursion ----

  private static final class Parser {
    final byte[] in;
    int pos;
    final String eofMessage;
    boolean hitEnd;

    /** Open containers: an Obj's map with the pending key, or an Arr's list. */
    private final Deque<Object[]> stack = new ArrayDeque<>();

    Parser(byte[] in, int pos, String eofMessage) {
      this.in = in;
      this.pos = pos;
      this.eofMessage = eofMessage;
    }

    private SyntaxException eof() {
      hitEnd = true;
      return new SyntaxException(eofMessage);
    }

    private byte peek() throws SyntaxException {
      if (pos >= in.length) {
        throw eof();
      }
      return in[pos];
    }

    private void skip() {
      pos = skipSpace(in, pos);
    }

    private void push(Object[] frame, byte c) throws SyntaxException {
      stack.push(frame);
      if (stack.size() > MAX_DEPTH) {
        throw invalid(c, "exceeded max depth");
      }
    }

    Value parse() throws SyntaxException {
      while (true) {
        // stateBeginValue
        skip();
        byte c = peek();
        Value done;
        switch (c) {
          case '{' -> {
            pos++;
            push(new Object[] {new LinkedHashMap<String, Value>(), null}, c);
            skip();
            if (peek() == '}') {
              pos++;
              done = closeTop();
            } else {
              readKey();
              continue;
            }
          }
          case '[' -> {
            pos++;
            push(new Object[] {new ArrayList<Value>()}, c);
            skip();
            if (peek() == ']') {
              pos++;
              done = closeTop();
            } else {
              continue;
            }
          }
          case '"' -> done = string();
          case 't' -> done = literal("true", new Bool(true));
          case 'f' -> done = literal("false", new Bool(false));
          case 'n' -> done = literal("null", new Null());
          default -> {
            if (c == '-' || (c >= '0' && c <= '9')) {
              done = number();
            } else {
              throw invalid(c, "looking for beginning of value");
            }
          }
        }
        // stateEndValue: hand the value to its container, closing as many as end here
        while (true) {
          if (stack.isEmpty()) {
            return done;
          }
          Object[] top = stack.peek();
          if (top.length == 2) {
            @SuppressWarnings("unchecked")
            var map = (Map<String, Value>) top[0];
            map.put((String) top[1], done);
            skip();
            byte e = peek();
            if (e == ',') {
              pos++;
              skip();
              readKey();
              break;
            } else if (e == '}') {
              pos++;
              done = closeTop();
            } else {
              throw invalid(e, "after object key:value pair");
            }
          } else {
            @SuppressWarnings("unchecked")
            var list = (List<Value>) top[0];
            list.add(done);
            skip();
            byte e = peek();
            if (e == ',') {
              pos++;
              break;
            } else if (e == ']') {
              pos++;
              done = closeTop();
            } else {
              throw invalid(e, "after array element");
            }
          }
        }
      }
    }

    @SuppressWarnings("unchecked")
    private Value closeTop() {
      Object[] top = stack.pop();
      return top.length == 2 ? new Obj((Map<String, Value>) top[0]) : new Arr((List<Value>) top[0]);
    }

    /** At an object key (blanks skipped): the key string, blanks, the colon. */
    private void readKey() throws SyntaxException {
      byte c = peek();
      if (c != '"') {
        throw invalid(c, "looking for beginning of object key string");
      }
      Str key = string();
      stack.peek()[1] = key.text();
      skip();
      byte e = peek();
      if (e != ':') {
        throw invalid(e, "after object key");
      }
      pos++;
    }

    private Value literal(String word, Value value) throws SyntaxException {
      pos++;
      for (int i = 1; i < word.length(); i++) {
        byte c = peek();
        if (c != word.charAt(i)) {
          throw invalid(c, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
        }
        pos++;
      }
      return value;
    }

    /** A number, ending at the first byte that cannot continue it (or at the end). */
    private Value number() throws SyntaxException {
      int start = pos;
      if (in[pos] == '-') {
        pos++;
        byte c = peek();
        if (c < '0' || c > '9') {
          throw invalid(c, "in numeric literal");
        }
      }
      if (in[pos] == '0') {
        pos++;
      } else {
        while (pos < in.length && isDigit(in[pos])) {
          pos++;
        }
      }
      if (pos < in.length && in[pos] == '.') {
        pos++;
        byte c = peek();
        if (!isDigit(c)) {
          throw invalid(c, "after decimal point in numeric literal");
        }
        while (pos < in.length && isDigit(in[pos])) {
          pos++;
        }
      }
      if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
        pos++;
        byte c = peek();
        if (c == '+' || c == '-') {
          pos++;
          c = peek();
        }
        if (!isDigit(c)) {
          throw invalid(c, "in exponent of numeric literal");
        }
        while (pos < in.length && isDigit(in[pos])) {
          pos++;
        }
      }
      return new Num(new String(in, start, pos - start, StandardCharsets.US_ASCII));
    }

    private static boolean isDigit(byte c) {
      return c >= '0' && c <= '9';
    }

    /** At the opening quote: scans to the closing one, then unquotes as Go's {@code unquoteBytes}. */
    private Str string() throws SyntaxException {
      pos++;
      int start = pos;
      boolean plain = true;
      while (true) {
        byte c = peek();
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          plain = false;
          pos++;
          byte e = peek();
          switch (e) {
            case 'b', 'f', 'n', 'r', 't', '\\', '/', '"' -> pos++;
            case 'u' -> {
              pos++;
              for (int k = 0; k < 4; k++) {
                byte h = peek();
                if (Character.digit(h, 16) < 0) {
                  throw invalid(h, "in \\u hexadecimal character escape");
                }
                pos++;
              }
            }
            default -> throw invalid(e, "in string escape code");
          }
          continue;
        }
        if ((c & 0xff) < 0x20) {
          throw invalid(c, "in string literal");
        }
        if ((c & 0xff) >= 0x80) {
          plain = false;
        }
        pos++;
      }
      byte[] raw = java.util.Arrays.copyOfRange(in, start, pos);
      pos++;
      return new Str(plain ? raw : unquote(raw), raw);
    }
  }

  /** Go's {@code unquoteBytes} on the (already checked) text between the quotes. */
  static byte[] unquote(byte[] s) {
    var out = new ByteArrayOutputStream(s.length);
    int r = 0;
    while (r < s.length) {
      int c = s[r] & 0xff;
      if (c == '\\') {
        byte e = s[r + 1];
        switch (e) {
          case 'b' -> out.write('\b');
          case 'f' -> out.write('\f');
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 't' -> out.write('\t');
          case 'u' -> {
            int rr = hex4(s, r + 2);
            r += 6;
            if (rr >= 0xd800 && rr < 0xe000) {
              int rr1 = (r + 6 <= s.length && s[r] == '\\' && s[r + 1] == 'u') ? hex4(s, r + 2) : -1;
              if (rr < 0xdc00 && rr1 >= 0xdc00 && rr1 < 0xe000) {
                writeUtf8(out, 0x10000 + ((rr - 0xd800) << 10) + (rr1 - 0xdc00));
                r += 6;
                continue;
              }
              rr = 0xfffd;
            }
            writeUtf8(out, rr);
            continue;
          }
          default -> out.write(e); // '\\', '/', '"'
        }
        r += 2;
      } else if (c < 0x80) {
        out.write(c);
        r++;
      } else {
        int[] rs = decodeRune(s, r);
        if (rs[0] < 0) {
          writeUtf8(out, 0xfffd);
        } else {
          out.write(s, r, rs[1]);
        }
        r += rs[1];
      }
    }
    return out.toByteArray();
  }

  private static int hex4(byte[] s, int i) {
    if (i + 4 > s.length) {
      return -1;
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(s[i + k], 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static void writeUtf8(ByteArrayOutputStream out, int cp) {
    byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
  }

  // ---- writing, as Go's encoding/json writes strings ----

  /**
   * Appends {@code s} as a JSON string the way Go's {@code json.Marshal} does (etcd's gateway
   * writes every string through it): {@code <}, {@code >}, {@code &}, U+2028 and U+2029 as
   * {@code \\uXXXX}, control characters other than {@code \\n \\r \\t} as {@code \\u00XX}, a
   * lone surrogate as {@code \\ufffd}.
   */
  public static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append("\\ufffd");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
