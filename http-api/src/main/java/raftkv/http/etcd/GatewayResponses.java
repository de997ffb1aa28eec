package raftkv.http.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import raftkv.persistence.kv.KeyValue;
import raftkv.persistence.kv.KvError;
import raftkv.persistence.kv.KvEvent;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.LeaseInfo;

/**
 * Writes the answers of etcd 3.4's gateway, byte for byte as etcd writes them: fields in proto
 * order, zero values left out, 64-bit integers as strings, bytes as base64, the proto names
 * ({@code create_revision}, {@code ID}, {@code grantedTTL}). Pure; the caller gives the
 * {@link Header} (whose revision is the one the answer reflects).
 *
 * <p>A unary answer is a {@link Reply} (HTTP status and body); stream messages (watch,
 * keepalive) are single lines {@code {"result":{...}}} without the newline grpc-gateway puts after
 * each ({@link #STREAM_DELIMITER}).
 */
public final class GatewayResponses {
  private GatewayResponses() {}

  /** What grpc-gateway writes after each stream message. */
  public static final String STREAM_DELIMITER = "\n";

  /** An HTTP answer: status and JSON body. */
  public record Reply(int status, String body) {
    public static Reply ok(String body) {
      return new Reply(200, body);
    }
  }

  // ---- errors ----

  /** etcd's unary error answer: {@code {"error":m,"message":m,"code":c}} with the mapped status. */
  public static Reply error(GatewayException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String body = new GoJsonObject().string("error", message).string("message", message)
        .int32("code", e.grpcCode()).build();
    return new Reply(e.httpStatus(), body);
  }

  public static Reply error(KvError error) {
    return error(GatewayError.of(error));
  }

  /**
   * An error after a stream has started answering (grpc-gateway v1's {@code StreamError}):
   * {@code {"error":{"grpc_code":..,"http_code":..,"message":..,"http_status":..}}}.
   */
  public static String streamError(GatewayException e) {
    String inner = new GoJsonObject().int32("grpc_code", e.grpcCode()).int32("http_code", e.httpStatus())
        .string("message", e.getMessage()).string("http_status", statusText(e.httpStatus())).build();
    return "{\"error\":" + inner + "}";
  }

  private static String statusText(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 412 -> "Precondition Failed";
      case 429 -> "Too Many Requests";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Internal Server Error";
    };
  }

  // ---- the KV and lease answers ----

  /**
   * The answer to a store result of a unary request: a {@link KvResult.Failed} as etcd's error,
   * anything else as its response. For the lease and compaction results, see the methods below.
   */
  public static Reply reply(Header header, KvResult result) {
    if (result instanceof KvResult.Failed f) {
      return error(f.error());
    } else if (result instanceof KvResult.RangeResult r) {
      return Reply.ok(range(header, r));
    } else if (result instanceof KvResult.PutResult p) {
      return Reply.ok(put(header, p));
    } else if (result instanceof KvResult.DeleteRangeResult d) {
      return Reply.ok(deleteRange(header, d));
    } else if (result instanceof KvResult.TxnResult t) {
      return Reply.ok(txn(header, t));
    } else if (result instanceof KvResult.LeaseGrantResult g) {
      return Reply.ok(leaseGrant(header, g));
    }
    return Reply.ok(headerOnly(header)); // compaction, revoke; the others are not client answers
  }

  public static String header(Header h) {
    return new GoJsonObject().uint64("cluster_id", h.clusterId()).uint64("member_id", h.memberId())
        .int64("revision", h.revision()).uint64("raft_term", h.raftTerm()).build();
  }

  private static String headerOnly(Header h) {
    return new GoJsonObject().object("header", header(h)).build();
  }

  /** The header of an answer nested in a txn: only the revision (nothing at all for a nested txn's 0). */
  private static String innerHeader(long revision) {
    return new GoJsonObject().int64("revision", revision).build();
  }

  public static String keyValue(KeyValue kv) {
    return new GoJsonObject().bytes("key", kv.key()).int64("create_revision", kv.createRevision())
        .int64("mod_revision", kv.modRevision()).int64("version", kv.version()).bytes("value", kv.value())
        .int64("lease", kv.lease()).build();
  }

  private static List<String> keyValues(List<KeyValue> kvs) {
    return kvs.stream().map(GatewayResponses::keyValue).toList();
  }

  public static String range(Header h, KvResult.RangeResult r) {
    return range(header(h), r);
  }

  private static String range(String header, KvResult.RangeResult r) {
    return new GoJsonObject().object("header", header).objects("kvs", keyValues(r.kvs())).bool("more", r.more())
        .int64("count", r.count()).build();
  }

  public static String put(Header h, KvResult.PutResult p) {
    return put(header(h), p);
  }

  private static String put(String header, KvResult.PutResult p) {
    return new GoJsonObject().object("header", header).object("prev_kv", p.prevKv().map(GatewayResponses::keyValue)
        .orElse(null)).build();
  }

  public static String deleteRange(Header h, KvResult.DeleteRangeResult d) {
    return deleteRange(header(h), d);
  }

  private static String deleteRange(String header, KvResult.DeleteRangeResult d) {
    return new GoJsonObject().object("header", header).int64("deleted", d.deleted())
        .objects("prev_kvs", keyValues(d.prevKvs())).build();
  }

  /**
   * A txn: each answer inside has a header with only its revision (a range: the revision read at;
   * a write: the txn's new revision) and a nested txn an empty header, as etcd 3.4 answers.
   */
  public static String txn(Header h, KvResult.TxnResult t) {
    return txn(header(h), t);
  }

  private static String txn(String header, KvResult.TxnResult t) {
    var responses = new ArrayList<String>();
    for (KvResult.OpResult op : t.responses()) {
      String inner = innerHeader(op instanceof KvResult.TxnResult ? 0 : revisionOf(op));
      if (op instanceof KvResult.RangeResult r) {
        responses.add("{\"response_range\":" + range(inner, r) + "}");
      } else if (op instanceof KvResult.PutResult p) {
        responses.add("{\"response_put\":" + put(inner, p) + "}");
      } else if (op instanceof KvResult.DeleteRangeResult d) {
        responses.add("{\"response_delete_range\":" + deleteRange(inner, d) + "}");
      } else {
        responses.add("{\"response_txn\":" + txn(inner, (KvResult.TxnResult) op) + "}");
      }
    }
    return new GoJsonObject().object("header", header).bool("succeeded", t.succeeded()).objects("responses", responses)
        .build();
  }

  private static long revisionOf(KvResult.OpResult op) {
    if (op instanceof KvResult.RangeResult r) {
      return r.revision();
    } else if (op instanceof KvResult.PutResult p) {
      return p.revision();
    } else if (op instanceof KvResult.DeleteRangeResult d) {
      return d.revision();
    }
    return ((KvResult.TxnResult) op).revision();
  }

  public static String compaction(Header h) {
    return headerOnly(h);
  }

  public static String leaseGrant(Header h, KvResult.LeaseGrantResult g) {
    return new GoJsonObject().object("header", header(h)).int64("ID", g.id()).int64("TTL", g.ttl()).build();
  }

  public static String leaseRevoke(Header h) {
    return headerOnly(h);
  }

  /**
   * {@code /v3/lease/timetolive}: an unknown lease is TTL -1 (and no error), as etcd answers.
   *
   * @param nowMillis the clock of the lease deadlines (the leader's), for the remaining TTL
   */
  public static String leaseTimeToLive(Header h, long id, Optional<LeaseInfo> lease, boolean keys, long nowMillis) {
    var out = new GoJsonObject().object("header", header(h)).int64("ID", id);
    if (lease.isEmpty()) {
      return out.int64("TTL", -1).build();
    }
    LeaseInfo info = lease.get();
    out.int64("TTL", info.remainingSeconds(nowMillis)).int64("grantedTTL", info.grantedTtl());
    if (keys) {
      out.bytesList("keys", info.keys());
    }
    return out.build();
  }

  /** {@code /v3/lease/leases}, in the order given (the store's: soonest deadline first). */
  public static String leaseLeases(Header h, List<LeaseInfo> leases) {
    List<String> items = leases.stream().map(l -> new GoJsonObject().int64("ID", l.id()).build()).toList();
    return new GoJsonObject().object("header", header(h)).objects("leases", items).build();
  }

  /**
   * One keepalive answer, {@code {"result":{header, ID, TTL}}}: for a lease that is gone etcd
   * answers TTL 0 (left out), not an error.
   */
  public static String leaseKeepAlive(Header h, long id, KvResult result) {
    long ttl = result instanceof KvResult.LeaseKeepAliveResult k ? k.ttl() : 0;
    return result(new GoJsonObject().object("header", header(h)).int64("ID", id).int64("TTL", ttl).build());
  }

  private static String result(String message) {
    return "{\"result\":" + message + "}";
  }

  // ---- watch ----

  /**
   * One watch answer, etcd's {@code WatchResponse}. {@code events} are written with their
   * {@code prev_kv} only if {@code withPrevKv} (the watch asked for it).
   */
  public record WatchResponse(
      long watchId,
      boolean created,
      boolean canceled,
      long compactRevision,
      String cancelReason,
      List<KvEvent> events,
      boolean withPrevKv) {
    public WatchResponse {
      events = List.copyOf(events);
      cancelReason = cancelReason == null ? "" : cancelReason;
    }

    public static WatchResponse created(long watchId) {
      return new WatchResponse(watchId, true, false, 0, "", List.of(), false);
    }

    public static WatchResponse canceled(long watchId) {
      return new WatchResponse(watchId, false, true, 0, "", List.of(), false);
    }

    /** The start revision is compacted: etcd cancels the watch and says where history begins. */
    public static WatchResponse compacted(long watchId, long compactRevision) {
      return new WatchResponse(watchId, false, true, compactRevision, "", List.of(), false);
    }

    public static WatchResponse events(long watchId, List<KvEvent> events, boolean withPrevKv) {
      return new WatchResponse(watchId, false, false, 0, "", events, withPrevKv);
    }
  }

  /** {@code {"result":{header, watch_id, created, canceled, compact_revision, cancel_reason, events}}}. */
  public static String watch(Header h, WatchResponse w) {
    List<String> events = w.events().stream().map(e -> event(e, w.withPrevKv())).toList();
    return result(new GoJsonObject().object("header", header(h)).int64("watch_id", w.watchId())
        .bool("created", w.created()).bool("canceled", w.canceled()).int64("compact_revision", w.compactRevision())
        .string("cancel_reason", w.cancelReason()).objects("events", events).build());
  }

  /** An event: {@code type} left out for PUT (enum 0), {@code "DELETE"} otherwise. */
  public static String event(KvEvent e, boolean withPrevKv) {
    var out = new GoJsonObject();
    if (e.type() == KvEvent.Type.DELETE) {
      out.string("type", "DELETE");
    }
    out.object("kv", keyValue(e.kv()));
    if (withPrevKv) {
      out.object("prev_kv", e.prevKv().map(GatewayResponses::keyValue).orElse(null));
    }
    return out.build();
  }

  // ---- maintenance and cluster ----

  /** etcd's {@code StatusResponse} fields after the header. */
  public record Status(
      String version,
      long dbSize,
      long leader,
      long raftIndex,
      long raftTerm,
      long raftAppliedIndex,
      List<String> errors,
      long dbSizeInUse,
      boolean isLearner) {
    public Status {
      errors = List.copyOf(errors);
    }
  }

  public static String status(Header h, Status s) {
    return new GoJsonObject().object("header", header(h)).string("version", s.version()).int64("dbSize", s.dbSize())
        .uint64("leader", s.leader()).uint64("raftIndex", s.raftIndex()).uint64("raftTerm", s.raftTerm())
        .uint64("raftAppliedIndex", s.raftAppliedIndex()).strings("errors", s.errors())
        .int64("dbSizeInUse", s.dbSizeInUse()).bool("isLearner", s.isLearner()).build();
  }

  /** etcd's {@code Member}. */
  public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean isLearner) {
    public Member {
      peerUrls = List.copyOf(peerUrls);
      clientUrls = List.copyOf(clientUrls);
    }
  }

  /**
   * {@code /v3/cluster/member/list}. etcd 3.4's header here has no revision (the cluster
   * membership is not in the MVCC store): whatever revision {@code h} has is left out.
   */
  public static String memberList(Header h, List<Member> members) {
    List<String> items = members.stream().map(m -> new GoJsonObject().uint64("ID", m.id()).string("name", m.name())
        .strings("peerURLs", m.peerUrls()).strings("clientURLs", m.clientUrls()).bool("isLearner", m.isLearner())
        .build()).toList();
    return new GoJsonObject().object("header", header(h.withRevision(0))).objects("members", items).build();
  }
}
