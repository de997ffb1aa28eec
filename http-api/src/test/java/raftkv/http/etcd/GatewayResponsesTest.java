package raftkv.http.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.KeyValue;
import raftkv.persistence.kv.KvError;
import raftkv.persistence.kv.KvEvent;
import raftkv.persistence.kv.KvResult;
import raftkv.persistence.kv.LeaseInfo;

/** Rendering; every expected text is what etcd 3.4.23 wrote (ids from the etcd it was taken from). */
class GatewayResponsesTest {
  private static final Header H = new Header(324952591200643719L, 3319814642761637952L, 8, 2);
  private static final String HJ =
      "{\"cluster_id\":\"324952591200643719\",\"member_id\":\"3319814642761637952\",\"revision\":\"8\",\"raft_term\":\"2\"}";

  private static KeyValue kv(String key, long create, long mod, long version, String value) {
    return new KeyValue(Bytes.of(key), create, mod, version, Bytes.of(value), 0);
  }

  @Test
  void headerIsUnsigned() {
    assertEquals("{\"cluster_id\":\"18446744073709551615\",\"revision\":\"1\"}",
        GatewayResponses.header(new Header(-1, 0, 1, 0)));
  }

  @Test
  void errors() {
    assertEquals(new GatewayResponses.Reply(412, "{\"error\":\"etcdserver: lease already exists\","
        + "\"message\":\"etcdserver: lease already exists\",\"code\":9}"), GatewayResponses.error(KvError.LEASE_EXISTS));
    assertEquals(new GatewayResponses.Reply(503, "{\"error\":\"etcdserver: no leader\","
        + "\"message\":\"etcdserver: no leader\",\"code\":14}"), GatewayResponses.error(GatewayError.NO_LEADER));
    assertEquals(503, GatewayError.REQUEST_TIMED_OUT.httpStatus());
    assertEquals("etcdserver: request timed out", GatewayError.REQUEST_TIMED_OUT.getMessage());
    assertEquals(504, GatewayError.httpStatus(4));
    assertEquals(404, GatewayError.httpStatus(5));
    assertEquals(400, GatewayError.httpStatus(11));
    assertEquals(500, GatewayError.httpStatus(13));
    assertEquals("{\"error\":\"invalid character '\\u003c' looking for beginning of value\"",
        GatewayResponses.error(GatewayException.of(3, "invalid character '<' looking for beginning of value"))
            .body().split(",")[0]);
  }

  @Test
  void txnWithNestedAnswers() {
    var txn = new KvResult.TxnResult(4, true, List.of(
        new KvResult.RangeResult(3, List.of(kv("foo", 2, 3, 2, "bar")), false, 1),
        new KvResult.PutResult(4, Optional.of(kv("foo", 2, 3, 2, "bar"))),
        new KvResult.DeleteRangeResult(4, 0, List.of()),
        new KvResult.TxnResult(0, true, List.of(new KvResult.RangeResult(4, List.of(kv("foo", 2, 4, 3, "baz")), false, 1)))));
    assertEquals("{\"header\":" + HJ.replace("\"8\"", "\"4\"") + ",\"succeeded\":true,\"responses\":[{\"response_range\":"
        + "{\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"3\","
        + "\"version\":\"2\",\"value\":\"YmFy\"}],\"count\":\"1\"}},{\"response_put\":{\"header\":{\"revision\":\"4\"},"
        + "\"prev_kv\":{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"3\",\"version\":\"2\",\"value\":"
        + "\"YmFy\"}}},{\"response_delete_range\":{\"header\":{\"revision\":\"4\"}}},{\"response_txn\":{\"header\":{},"
        + "\"succeeded\":true,\"responses\":[{\"response_range\":{\"header\":{\"revision\":\"4\"},\"kvs\":[{\"key\":"
        + "\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"4\",\"version\":\"3\",\"value\":\"YmF6\"}],\"count\":"
        + "\"1\"}}]}}]}", GatewayResponses.txn(H.withRevision(4), txn));
  }

  @Test
  void leases() {
    var info = new LeaseInfo(1000, 60, 60_000, List.of(Bytes.of("lk")));
    assertEquals("{\"header\":" + HJ + ",\"ID\":\"1000\",\"TTL\":\"59\",\"grantedTTL\":\"60\",\"keys\":[\"bGs=\"]}",
        GatewayResponses.leaseTimeToLive(H, 1000, Optional.of(info), true, 500));
    assertEquals("{\"header\":" + HJ + ",\"ID\":\"4444\",\"TTL\":\"-1\"}",
        GatewayResponses.leaseTimeToLive(H, 4444, Optional.empty(), true, 0));
    assertEquals("{\"result\":{\"header\":" + HJ + ",\"ID\":\"4444\"}}",
        GatewayResponses.leaseKeepAlive(H, 4444, new KvResult.Failed(KvError.LEASE_NOT_FOUND)));
    assertEquals("{\"result\":{\"header\":" + HJ + ",\"ID\":\"7\",\"TTL\":\"60\"}}",
        GatewayResponses.leaseKeepAlive(H, 7, new KvResult.LeaseKeepAliveResult(8, 7, 60)));
  }

  @Test
  void watch() {
    assertEquals("{\"result\":{\"header\":" + HJ + ",\"watch_id\":\"5\",\"created\":true}}",
        GatewayResponses.watch(H, GatewayResponses.WatchResponse.created(5)));
    var put = new KvEvent(KvEvent.Type.PUT, kv("foo", 2, 2, 1, "bar"), Optional.empty());
    var del = new KvEvent(KvEvent.Type.DELETE, new KeyValue(Bytes.of("foo"), 0, 3, 0, Bytes.EMPTY, 0),
        Optional.of(kv("foo", 2, 2, 1, "bar")));
    assertEquals("{\"result\":{\"header\":" + HJ + ",\"events\":[{\"kv\":{\"key\":\"Zm9v\",\"create_revision\":\"2\","
        + "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}},{\"type\":\"DELETE\",\"kv\":{\"key\":\"Zm9v\","
        + "\"mod_revision\":\"3\"},\"prev_kv\":{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
        + "\"version\":\"1\",\"value\":\"YmFy\"}}]}}",
        GatewayResponses.watch(H, GatewayResponses.WatchResponse.events(0, List.of(put, del), true)));
    assertEquals("{\"result\":{\"header\":" + HJ + ",\"canceled\":true,\"compact_revision\":\"3\"}}",
        GatewayResponses.watch(H, GatewayResponses.WatchResponse.compacted(0, 3)));
  }

  @Test
  void statusAndMembers() {
    assertEquals("{\"header\":" + HJ + ",\"version\":\"3.4.23\",\"dbSize\":\"20480\",\"leader\":\"3319814642761637952\","
        + "\"raftIndex\":\"25\",\"raftTerm\":\"2\",\"raftAppliedIndex\":\"25\",\"dbSizeInUse\":\"16384\"}",
        GatewayResponses.status(H, new GatewayResponses.Status("3.4.23", 20480, 3319814642761637952L, 25, 2, 25,
            List.of(), 16384, false)));
    assertEquals("{\"header\":{\"cluster_id\":\"324952591200643719\",\"member_id\":\"3319814642761637952\","
        + "\"raft_term\":\"2\"},\"members\":[{\"ID\":\"3319814642761637952\",\"name\":\"default\",\"peerURLs\":"
        + "[\"http://127.0.0.1:23800\"],\"clientURLs\":[\"http://127.0.0.1:23790\"]}]}",
        GatewayResponses.memberList(H, List.of(new GatewayResponses.Member(3319814642761637952L, "default",
            List.of("http://127.0.0.1:23800"), List.of("http://127.0.0.1:23790"), false))));
  }
}
