package raftkv.http.etcd;

import java.util.ArrayList;
import java.util.List;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.Compare;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.RangeRequest;
import raftkv.persistence.kv.RequestOp;

/**
 * Reads the JSON bodies of etcd 3.4's gateway ({@code /v3/...}) into the store's commands and
 * requests, accepting exactly what etcd accepts and refusing the rest with etcd's answer
 * ({@link GatewayException}; nothing else is ever thrown). Pure: no I/O, no clock (the lease
 * commands that need the leader's clock come back as records with a {@code toCommand(nowMillis)}).
 *
 * <p>A unary body is read as grpc-gateway reads it: the first JSON value only (whatever follows is
 * ignored), an empty body as {@code {}}, and a decoding error is INVALID_ARGUMENT (400). The
 * streams ({@code /v3/watch}, {@code /v3/lease/keepalive}) are read message by message with
 * {@link GatewayStream}.
 *
 * <p>What the store checks (empty key, duplicate keys in a txn, too many ops, ...) is left to
 * {@code KvValidator}: these methods only decode.
 */
public final class GatewayRequests {
  private GatewayRequests() {}

  static final String SORT_ORDER = "etcdserverpb.RangeRequest_SortOrder";
  static final String SORT_TARGET = "etcdserverpb.RangeRequest_SortTarget";
  static final String COMPARE_RESULT = "etcdserverpb.Compare_CompareResult";
  static final String COMPARE_TARGET = "etcdserverpb.Compare_CompareTarget";
  static final String FILTER_TYPE = "etcdserverpb.WatchCreateRequest_FilterType";

  private static final List<String> SORT_ORDERS = List.of("NONE", "ASCEND", "DESCEND");
  private static final List<String> SORT_TARGETS = List.of("KEY", "VERSION", "CREATE", "MOD", "VALUE");
  private static final List<String> RESULTS = List.of("EQUAL", "GREATER", "LESS", "NOT_EQUAL");
  private static final List<String> TARGETS = List.of("VERSION", "CREATE", "MOD", "VALUE", "LEASE");
  private static final List<String> FILTERS = List.of("NOPUT", "NODELETE");

  // ---- requests that are not store commands ----

  /** {@code /v3/lease/grant}: {@code id} 0 lets the store pick; {@code ttl} as asked (normalize raises it). */
  public record LeaseGrant(long ttl, long id) {
    public KvCommand.LeaseGrant toCommand(long nowMillis) {
      return new KvCommand.LeaseGrant(id, ttl, nowMillis);
    }
  }

  /** {@code /v3/lease/timetolive}. */
  public record LeaseTimeToLive(long id, boolean keys) {}

  /** {@code /v3/lease/leases}: no fields. */
  public record LeaseLeases() {}

  /** One message of {@code /v3/lease/keepalive}. */
  public record LeaseKeepAlive(long id) {
    public KvCommand.LeaseKeepAlive toCommand(long nowMillis) {
      return new KvCommand.LeaseKeepAlive(id, nowMillis);
    }
  }

  /** {@code /v3/maintenance/status}: no fields. */
  public record Status() {}

  /** {@code /v3/cluster/member/list}. */
  public record MemberList(boolean linearizable) {}

  /** One message of {@code /v3/watch}: etcd's {@code WatchRequest} oneof. */
  public sealed interface WatchRequest permits WatchCreate, WatchCancel, WatchProgress, WatchNone {}

  /**
   * @param startRevision 0 or less: from the next revision
   * @param noPut         filter NOPUT given: do not send PUT events
   * @param noDelete      filter NODELETE given
   * @param watchId       0: the server picks (etcd: {@code AutoWatchID})
   */
  public record WatchCreate(
      Bytes key,
      Bytes rangeEnd,
      long startRevision,
      boolean progressNotify,
      boolean noPut,
      boolean noDelete,
      boolean prevKv,
      long watchId,
      boolean fragment)
      implements WatchRequest {
    public raftkv.persistence.kv.KeyRange range() {
      return new raftkv.persistence.kv.KeyRange(key, rangeEnd);
    }
  }

  public record WatchCancel(long watchId) implements WatchRequest {}

  public record WatchProgress() implements WatchRequest {}

  /** A message with none of the three: etcd ignores it. */
  public record WatchNone() implements WatchRequest {}

  // ---- unary endpoints ----

  public static KvCommand.Put put(byte[] body) throws GatewayException {
    return put(unary(body));
  }

  public static RangeRequest range(byte[] body) throws GatewayException {
    return range(unary(body));
  }

  public static KvCommand.DeleteRange deleteRange(byte[] body) throws GatewayException {
    return deleteRange(unary(body));
  }

  public static KvCommand.Txn txn(byte[] body) throws GatewayException {
    return txn(unary(body));
  }

  /** {@code /v3/kv/compaction}; {@code physical} is read (and type-checked) but means nothing here. */
  public static KvCommand.Compact compaction(byte[] body) throws GatewayException {
    JsonPbReader r = unary(body);
    long revision = r.int64("revision");
    r.bool("physical");
    return new KvCommand.Compact(revision);
  }

  public static LeaseGrant leaseGrant(byte[] body) throws GatewayException {
    JsonPbReader r = unary(body);
    long ttl = r.int64("TTL");
    long id = r.int64("ID");
    return new LeaseGrant(ttl, id);
  }

  public static KvCommand.LeaseRevoke leaseRevoke(byte[] body) throws GatewayException {
    return new KvCommand.LeaseRevoke(unary(body).int64("ID"));
  }

  public static LeaseTimeToLive leaseTimeToLive(byte[] body) throws GatewayException {
    JsonPbReader r = unary(body);
    long id = r.int64("ID");
    return new LeaseTimeToLive(id, r.bool("keys"));
  }

  public static LeaseLeases leaseLeases(byte[] body) throws GatewayException {
    unary(body);
    return new LeaseLeases();
  }

  public static Status status(byte[] body) throws GatewayException {
    unary(body);
    return new Status();
  }

  /** etcd 3.4's {@code MemberListRequest} has no fields; {@code linearizable} (3.5's) is read if given. */
  public static MemberList memberList(byte[] body) throws GatewayException {
    JsonPbReader r = unary(body);
    return new MemberList(r.has("linearizable") && r.raw("linearizable") instanceof GoJson.Bool b && b.value());
  }

  // ---- stream messages (the value already split off by GatewayStream) ----

  /** One keepalive message; {@code grpcCode} is what a decoding error answers with. */
  static LeaseKeepAlive leaseKeepAlive(GoJson.Value message, int grpcCode) throws GatewayException {
    return new LeaseKeepAlive(JsonPbReader.of(message, grpcCode).int64("ID"));
  }

  static WatchRequest watch(GoJson.Value message, int grpcCode) throws GatewayException {
    JsonPbReader r = JsonPbReader.of(message, grpcCode);
    WatchRequest out = new WatchNone();
    JsonPbReader create = r.message("create_request");
    if (create != null) {
      Bytes key = create.bytes("key");
      Bytes rangeEnd = create.bytes("range_end");
      long start = create.int64("start_revision");
      boolean progress = create.bool("progress_notify");
      List<Integer> filters = create.enums("filters", FILTER_TYPE, FILTERS);
      boolean prevKv = create.bool("prev_kv");
      long watchId = create.int64("watch_id");
      boolean fragment = create.bool("fragment");
      out = new WatchCreate(key, rangeEnd, start, progress, filters.contains(0), filters.contains(1), prevKv,
          watchId, fragment);
    }
    JsonPbReader cancel = r.message("cancel_request");
    if (cancel != null) {
      out = new WatchCancel(cancel.int64("watch_id"));
    }
    if (r.message("progress_request") != null) {
      out = new WatchProgress();
    }
    return out;
  }

  /** A single watch message as a unary body would be read (for tests and simple callers). */
  public static WatchRequest watch(byte[] body) throws GatewayException {
    return watch(decodeFirst(body, GatewayStream.UNREADABLE), GatewayStream.UNREADABLE);
  }

  /** A single keepalive message as the first message of the stream. */
  public static LeaseKeepAlive leaseKeepAlive(byte[] body) throws GatewayException {
    return leaseKeepAlive(decodeFirst(body, GatewayStream.UNREADABLE), GatewayStream.UNREADABLE);
  }

  // ---- the messages ----

  private static JsonPbReader unary(byte[] body) throws GatewayException {
    return JsonPbReader.of(decodeFirst(body, GatewayError.INVALID_ARGUMENT), GatewayError.INVALID_ARGUMENT);
  }

  /** The body's first JSON value, null if there is none (an empty body). */
  static GoJson.Value decodeFirst(byte[] body, int grpcCode) throws GatewayException {
    try {
      GoJson.Decoded d = GoJson.decodeNext(body == null ? new byte[0] : body, 0);
      return d == null ? null : d.value();
    } catch (GoJson.SyntaxException e) {
      throw GatewayException.of(grpcCode, e.getMessage());
    }
  }

  static KvCommand.Put put(JsonPbReader r) throws GatewayException {
    Bytes key = r.bytes("key");
    Bytes value = r.bytes("value");
    long lease = r.int64("lease");
    boolean prevKv = r.bool("prev_kv");
    boolean ignoreValue = r.bool("ignore_value");
    boolean ignoreLease = r.bool("ignore_lease");
    return new KvCommand.Put(key, value, lease, prevKv, ignoreValue, ignoreLease);
  }

  /**
   * A sort order number etcd does not know sorts nothing there (neither ASCEND nor DESCEND):
   * read as NONE. An unknown sort target would make etcd 3.4 panic; it is refused here.
   */
  static RangeRequest range(JsonPbReader r) throws GatewayException {
    Bytes key = r.bytes("key");
    Bytes rangeEnd = r.bytes("range_end");
    long limit = r.int64("limit");
    long revision = r.int64("revision");
    int order = r.enumValue("sort_order", SORT_ORDER, SORT_ORDERS);
    int target = r.enumValue("sort_target", SORT_TARGET, SORT_TARGETS);
    boolean serializable = r.bool("serializable");
    boolean keysOnly = r.bool("keys_only");
    boolean countOnly = r.bool("count_only");
    long minMod = r.int64("min_mod_revision");
    long maxMod = r.int64("max_mod_revision");
    long minCreate = r.int64("min_create_revision");
    long maxCreate = r.int64("max_create_revision");
    if (target < 0 || target >= SORT_TARGETS.size()) {
      throw GatewayException.of(GatewayError.INVALID_ARGUMENT, "unknown value " + target + " for enum " + SORT_TARGET);
    }
    RangeRequest.SortOrder sortOrder =
        order >= 0 && order < SORT_ORDERS.size() ? RangeRequest.SortOrder.values()[order] : RangeRequest.SortOrder.NONE;
    return new RangeRequest(key, rangeEnd, limit, revision, sortOrder, RangeRequest.SortTarget.values()[target],
        serializable, keysOnly, countOnly, minMod, maxMod, minCreate, maxCreate);
  }

  static KvCommand.DeleteRange deleteRange(JsonPbReader r) throws GatewayException {
    Bytes key = r.bytes("key");
    Bytes rangeEnd = r.bytes("range_end");
    boolean prevKv = r.bool("prev_kv");
    return new KvCommand.DeleteRange(key, rangeEnd, prevKv);
  }

  static KvCommand.Txn txn(JsonPbReader r) throws GatewayException {
    var compares = new ArrayList<Compare>();
    for (JsonPbReader c : r.messages("compare", "Compare")) {
      compares.add(compare(c));
    }
    List<RequestOp> success = ops(r.messages("success", "RequestOp"));
    List<RequestOp> failure = ops(r.messages("failure", "RequestOp"));
    return new KvCommand.Txn(compares, success, failure);
  }

  private static List<RequestOp> ops(List<JsonPbReader> readers) throws GatewayException {
    var out = new ArrayList<RequestOp>();
    for (JsonPbReader op : readers) {
      out.add(op(op));
    }
    return out;
  }

  private static final List<String> OP_FIELDS =
      List.of("request_range", "request_put", "request_delete_range", "request_txn");

  /** {@code RequestOp}: a oneof. If several are given the last in proto order wins (etcd: any of them). */
  private static RequestOp op(JsonPbReader r) throws GatewayException {
    RequestOp out = null;
    boolean present = false;
    for (String field : OP_FIELDS) {
      if (!r.has(field)) {
        continue;
      }
      present = true;
      JsonPbReader inner = r.message(field);
      if (inner == null) {
        throw GatewayError.nullMessage(field);
      }
      out = switch (field) {
        case "request_range" -> range(inner);
        case "request_put" -> put(inner);
        case "request_delete_range" -> deleteRange(inner);
        default -> txn(inner);
      };
    }
    if (!present) {
      throw GatewayError.EMPTY_REQUEST_OP;
    }
    return out;
  }

  private static final List<String> UNION_FIELDS =
      List.of("version", "create_revision", "mod_revision", "value", "lease");

  /**
   * {@code Compare}: result, target, key, range_end, then the target_union oneof. etcd compares
   * with the union's value only if it is the field of the target (else with 0 or empty): so here,
   * the field of the target if given, else zero. A result or target number etcd does not know
   * (etcd: the compare always holds / compares 0) is refused.
   */
  private static Compare compare(JsonPbReader r) throws GatewayException {
    int result = r.enumValue("result", COMPARE_RESULT, RESULTS);
    int target = r.enumValue("target", COMPARE_TARGET, TARGETS);
    Bytes key = r.bytes("key");
    Bytes rangeEnd = r.bytes("range_end");
    long number = 0;
    Bytes value = Bytes.EMPTY;
    for (String field : UNION_FIELDS) {
      if (!r.has(field)) {
        continue;
      }
      if (field.equals("value")) {
        Bytes v = r.bytes(field);
        if (target == 3) {
          value = v;
        }
      } else {
        long n = r.int64(field);
        if (UNION_FIELDS.indexOf(field) == target) { // the union's fields are in the targets' order
          number = n;
        }
      }
    }
    if (result < 0 || result >= RESULTS.size()) {
      throw GatewayException.of(GatewayError.INVALID_ARGUMENT, "unknown value " + result + " for enum " + COMPARE_RESULT);
    }
    if (target < 0 || target >= TARGETS.size()) {
      throw GatewayException.of(GatewayError.INVALID_ARGUMENT, "unknown value " + target + " for enum " + COMPARE_TARGET);
    }
    return new Compare(key, rangeEnd, Compare.Target.values()[target], Compare.Result.values()[result], number, value);
  }
}
