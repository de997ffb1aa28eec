package raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code compaction REV}: etcdctl's compaction; forgets the history before revision REV. */
@Command(name = "compaction", description = "Compacts the event history in etcd")
public final class CompactionCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "REVISION")
  String revision;

  @Option(names = "--physical", description = "'true' to wait for compaction to physically remove all old revisions")
  boolean physical;

  @Override
  protected int run(RaftkvCtl global) {
    long rev = GatewayClient.parseLong(revision, "revision");
    ObjectNode body = GatewayClient.body().put("revision", Long.toString(rev));
    if (physical) {
      body.put("physical", true);
    }
    JsonNode answer = client(global).call("kv/compaction", body);
    if (global.writeOut() == WriteOut.json) {
      printJson(answer);
    } else {
      out().println("compacted revision " + rev);
    }
    return 0;
  }
}
