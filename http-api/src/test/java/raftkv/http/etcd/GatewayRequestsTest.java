package raftkv.http.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import raftkv.persistence.kv.Bytes;
import raftkv.persistence.kv.Compare;
import raftkv.persistence.kv.KvCommand;
import raftkv.persistence.kv.RangeRequest;

/** Request parsing; every expected error text below is what etcd 3.4.23 answered to the same body. */
class GatewayRequestsTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String rangeError(String body) {
    GatewayException e = assertThrows(GatewayException.class, () -> GatewayRequests.range(b(body)));
    assertEquals(3, e.grpcCode());
    assertEquals(400, e.httpStatus());
    return e.getMessage();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "`{\"key\":\"Zm9v\"`| unexpected EOF",
      "`{\"key\":`| unexpected EOF",
      "garbage| invalid character 'g' looking for beginning of value",
      "[]| json: cannot unmarshal array into Go value of type map[string]json.RawMessage",
      "`\"x\"`| json: cannot unmarshal string into Go value of type map[string]json.RawMessage",
      "1x| json: cannot unmarshal number into Go value of type map[string]json.RawMessage",
      "`{\"key\":\"!!!\"}`| illegal base64 data at input byte 0",
      "`{\"key\":\"Zm9\"}`| illegal base64 data at input byte 0",
      "`{\"key\":\"Zg=\"}`| illegal base64 data at input byte 3",
      "`{\"key\":\"Zm9v=\"}`| illegal base64 data at input byte 4",
      "`{\"key\":\"-_8=\"}`| illegal base64 data at input byte 0",
      "`{\"key\":[102,300]}`| json: cannot unmarshal number 300 into Go value of type uint8",
      "`{\"key\":[\"a\"]}`| json: cannot unmarshal string into Go value of type uint8",
      "`{\"key\":true}`| json: cannot unmarshal bool into Go value of type []uint8",
      "`{\"key\":{}}`| json: cannot unmarshal object into Go value of type []uint8",
      "`{\"key\":1}`| json: cannot unmarshal number into Go value of type []uint8",
      "`{\"key\":\"Zm9v\",\"keys_only\":\"true\"}`| json: cannot unmarshal string into Go value of type bool",
      "`{\"key\":\"Zm9v\",\"keys_only\":1}`| json: cannot unmarshal number into Go value of type bool",
      "`{\"key\":\"Zm9v\",\"limit\":\"abc\"}`| invalid character 'a' looking for beginning of value",
      "`{\"key\":\"Zm9v\",\"limit\":99999999999999999999}`| json: cannot unmarshal number 99999999999999999999 into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"limit\":1.5}`| json: cannot unmarshal number 1.5 into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"limit\":1e2}`| json: cannot unmarshal number 1e2 into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"limit\":\"\"}`| unexpected end of JSON input",
      "`{\"key\":\"Zm9v\",\"limit\":\"1 2\"}`| invalid character '2' after top-level value",
      "`{\"key\":\"Zm9v\",\"limit\":\"true\"}`| json: cannot unmarshal bool into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"limit\":{}}`| json: cannot unmarshal object into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"limit\":[]}`| json: cannot unmarshal array into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"limit\":\"\\u0031\"}`| invalid character '\\\\' looking for beginning of value",
      "`{\"key\":\"Zm9v\",\"limit\":\"1.0\"}`| json: cannot unmarshal number 1.0 into Go value of type int64",
      "`{\"key\":\"Zm9v\",\"keys_only\":\"true\",\"limit\":true}`| json: cannot unmarshal bool into Go value of type int64",
      "`{\"limit\":true,\"key\":\"!!\"}`| illegal base64 data at input byte 0",
      "`{\"key\":\"Zm9v\",\"sort_order\":\"BOGUS\"}`| unknown value \"BOGUS\" for enum etcdserverpb.RangeRequest_SortOrder",
      "`{\"key\":\"Zm9v\",\"sort_order\":\"1\"}`| unknown value \"1\" for enum etcdserverpb.RangeRequest_SortOrder",
      "`{\"key\":\"Zm9v\",\"sort_order\":99999999999}`| json: cannot unmarshal number 99999999999 into Go value of type etcdserverpb.RangeRequest_SortOrder",
      "`{\"key\":\"Zm9v\",\"sort_order\":true}`| json: cannot unmarshal bool into Go value of type etcdserverpb.RangeRequest_SortOrder",
      "`{\"key\":\"Zm9v\",\"sort_order\":{}}`| json: cannot unmarshal object into Go value of type etcdserverpb.RangeRequest_SortOrder",
      "`{\"key\":\"Zm9v\",}`| invalid character '}' looking for beginning of object key string",
      "`{\"key\" \"Zm9v\"}`| invalid character '\"' after object key",
      "`{\"key\":\"Zm9v\" \"a\":1}`| invalid character '\"' after object key:value pair",
      "`{key:1}`| invalid character 'k' looking for beginning of object key string",
      "`{\"key\":\"a\nb\"}`| invalid character '\\n' in string literal",
      "`{\"key\":\"\\x\"}`| invalid character 'x' in string escape code",
      "`{\"key\":tru}`| invalid character '}' in literal true (expecting 'e')",
      "`{\"key\":-}`| invalid character '}' in numeric literal",
      "`{\"key\":01}`| invalid character '1' after object key:value pair",
      "`{\"key\":1.}`| invalid character '}' after decimal point in numeric literal",
      "`[1,]`| invalid character ']' looking for beginning of value",
  })
  void refusesAsEtcdDoes(String body, String message) {
    assertEquals(message, rangeError(body));
  }

  @Test
  void acceptsWhatEtcdAccepts() throws GatewayException {
    RangeRequest foo = RangeRequest.of(Bytes.of("foo"));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":\"Zm9v\"} garbage")));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":\"Zm9v\"}{")));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":\"Zm9v\",\"foo\":1}")));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":\"Zm9v\\n\"}")));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":[102,111,111]}")));
    assertEquals(foo.withLimit(1), GatewayRequests.range(b("{\"key\":\"Zm9v\",\"limit\":\" 1 \"}")));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":\"Zm9v\",\"limit\":\"null\"}")));
    assertEquals(foo.withLimit(-1), GatewayRequests.range(b("{\"key\":\"Zm9v\",\"limit\":\"-1\"}")));
    assertEquals(foo.withKeysOnly(true),
        GatewayRequests.range(b("{\"key\":\"Zm9v\", \"keysOnly\":true, \"keys_only\":false}")));
    assertEquals(foo.withSort(RangeRequest.SortTarget.KEY, RangeRequest.SortOrder.DESCEND),
        GatewayRequests.range(b("{\"key\":\"Zm9v\",\"sortOrder\":2}")));
    assertEquals(foo, GatewayRequests.range(b("{\"key\":\"Zm9v\",\"sort_order\":7}")));
    assertEquals(RangeRequest.of(Bytes.EMPTY), GatewayRequests.range(b("")));
    assertEquals(RangeRequest.of(Bytes.EMPTY), GatewayRequests.range(b("  \n")));
    assertEquals(RangeRequest.of(Bytes.EMPTY), GatewayRequests.range(b("null")));
    assertEquals(RangeRequest.of(Bytes.of("foob")), GatewayRequests.range(b("{\"key\":\"Zm9vYh==\"}")));
  }

  @Test
  void putAndDelete() throws GatewayException {
    assertEquals(KvCommand.Put.of(Bytes.of("foo"), Bytes.of("bar")).withLease(123).withPrevKv(),
        GatewayRequests.put(b("{\"key\":\"Zm9v\",\"value\":\"YmFy\",\"lease\":\"123\",\"prevKv\":true}")));
    assertEquals(KvCommand.DeleteRange.of(Bytes.of("foo")).withPrevKv(),
        GatewayRequests.deleteRange(b("{\"key\":\"Zm9v\",\"prev_kv\":true}")));
  }

  @Test
  void txnWithEveryKindOfOp() throws GatewayException {
    KvCommand.Txn txn = GatewayRequests.txn(b("{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"VALUE\",\"value\":\"YmFy\"},"
        + "{\"key\":\"Zm9v\",\"target\":2,\"result\":\"GREATER\",\"modRevision\":\"3\",\"version\":9}],"
        + "\"success\":[{\"request_range\":{\"key\":\"Zm9v\"}},{\"requestPut\":{\"key\":\"Zm9v\"}}],"
        + "\"failure\":[{\"request_delete_range\":{\"key\":\"Zm9v\"}},{\"request_txn\":{}}]}"));
    assertEquals(List.of(Compare.value(Bytes.of("foo"), Compare.Result.EQUAL, Bytes.of("bar")),
        Compare.modRevision(Bytes.of("foo"), Compare.Result.GREATER, 3)), txn.compare());
    assertEquals(List.of(RangeRequest.of(Bytes.of("foo")), KvCommand.Put.of(Bytes.of("foo"), Bytes.EMPTY)), txn.success());
    assertEquals(List.of(KvCommand.DeleteRange.of(Bytes.of("foo")), new KvCommand.Txn(List.of(), List.of(), List.of())),
        txn.failure());
  }

  @Test
  void txnErrors() {
    assertMessage("json: cannot unmarshal object into Go value of type []json.RawMessage", "{\"compare\":{}}");
    assertMessage("json: cannot unmarshal number into Go value of type map[string]json.RawMessage", "{\"compare\":[1]}");
    assertMessage("etcdserver: key not found", "{\"success\":[{}]}");
    assertMessage("unknown value \"BOGUS\" for enum etcdserverpb.Compare_CompareTarget",
        "{\"compare\":[{\"key\":\"Zm9v\",\"target\":\"BOGUS\"}]}");
    assertMessage("raftkv: null is not a valid Compare", "{\"compare\":[null]}");
  }

  private static void assertMessage(String message, String txnBody) {
    GatewayException e = assertThrows(GatewayException.class, () -> GatewayRequests.txn(b(txnBody)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void leasesAndCompaction() throws GatewayException {
    assertEquals(new GatewayRequests.LeaseGrant(60, 1000), GatewayRequests.leaseGrant(b("{\"TTL\":\"60\",\"ID\":\"1000\"}")));
    assertEquals(new GatewayRequests.LeaseGrant(0, 0), GatewayRequests.leaseGrant(b("{\"ttl\":\"60\",\"id\":\"1000\"}")));
    assertEquals(new KvCommand.LeaseRevoke(-7), GatewayRequests.leaseRevoke(b("{\"ID\":-7}")));
    assertEquals(new GatewayRequests.LeaseTimeToLive(5, true), GatewayRequests.leaseTimeToLive(b("{\"ID\":5,\"keys\":true}")));
    assertEquals(new KvCommand.Compact(2), GatewayRequests.compaction(b("{\"revision\":\"2\",\"physical\":true}")));
    assertEquals(new GatewayRequests.LeaseLeases(), GatewayRequests.leaseLeases(b("{}")));
  }

  @Test
  void watchMessages() throws GatewayException {
    assertEquals(new GatewayRequests.WatchCreate(Bytes.of("foo"), Bytes.EMPTY, 7, false, true, false, true, 5, false),
        GatewayRequests.watch(b("{\"create_request\":{\"key\":\"Zm9v\",\"start_revision\":\"7\",\"prev_kv\":true,"
            + "\"filters\":[\"NOPUT\"],\"watch_id\":5}}")));
    assertEquals(new GatewayRequests.WatchCancel(5), GatewayRequests.watch(b("{\"cancel_request\":{\"watch_id\":\"5\"}}")));
    assertEquals(new GatewayRequests.WatchNone(), GatewayRequests.watch(b("{}")));
    GatewayException e = assertThrows(GatewayException.class,
        () -> GatewayRequests.watch(b("{\"create_request\":{\"key\":\"Zm9v\",\"filters\":\"NOPUT\"}}")));
    assertEquals("invalid target \"slice\" for enum etcdserverpb.WatchCreateRequest_FilterType", e.getMessage());
    assertEquals(3, e.grpcCode()); // etcd: UNKNOWN (2, HTTP 500); see GatewayStream.UNREADABLE
    assertEquals(400, e.httpStatus());
  }

  @Test
  void keepAliveStream() throws GatewayException {
    GatewayStream<GatewayRequests.LeaseKeepAlive> stream = GatewayStream.keepAlive();
    assertEquals(List.of(), stream.feed(b("{\"ID\":\"10")));
    assertEquals(List.of(new GatewayRequests.LeaseKeepAlive(1001)), stream.feed(b("01\"}\n{\"ID\":")));
    assertEquals(List.of(new GatewayRequests.LeaseKeepAlive(7)), stream.feed(b("7}  xx")));
    assertEquals(true, stream.inputClosed());
    GatewayStream<GatewayRequests.LeaseKeepAlive> bad = GatewayStream.keepAlive();
    GatewayException e = assertThrows(GatewayException.class, () -> bad.feed(b("{\"ID\":\"abc\"}")));
    assertEquals(GatewayResponses.error(e).body(),
        "{\"error\":\"invalid character 'a' looking for beginning of value\","
            + "\"message\":\"invalid character 'a' looking for beginning of value\",\"code\":3}");
    assertEquals(400, e.httpStatus());
    assertEquals(List.of(), GatewayStream.keepAlive().finish());
  }
}
