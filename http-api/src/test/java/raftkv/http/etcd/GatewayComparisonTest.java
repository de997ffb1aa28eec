package raftkv.http.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays {@link EtcdSequences} against a real etcd 3.4 and against the codec's stand-in over a
 * fresh store, and requires the same HTTP status and the same bytes once ids are masked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayComparisonTest {
  private EtcdProcess etcd;

  @BeforeAll
  void startEtcd(@TempDir Path dir) throws Exception {
    etcd = EtcdProcess.start(dir);
  }

  @AfterAll
  void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void sameAnswersAsEtcd() throws Exception {
    var standIn = new StandInGateway();
    var differences = new ArrayList<String>();
    int steps = 0;
    int ok = 0;
    for (EtcdSequences.Sequence sequence : EtcdSequences.all()) {
      for (EtcdSequences.Step step : sequence.steps()) {
        steps++;
        EtcdProcess.Answer expected = etcd.post(step.path(), step.body());
        EtcdProcess.Answer actual = standIn.post(step.path(), step.body());
        List<String> fields = step.maskedFields();
        String want = expected.status() + " " + JsonMask.mask(expected.body(), fields);
        String got = actual.status() + " " + JsonMask.mask(actual.body(), fields);
        ok += expected.status() == 200 ? 1 : 0;
        if (!want.equals(got)) {
          differences.add(sequence.name() + " #" + steps + " " + step.path() + " " + step.body()
              + "\n   etcd: " + want + "\n  codec: " + got);
        }
      }
    }
    System.out.println("compared " + steps + " steps with etcd, " + ok + " answered 200");
    assertEquals(List.of(), differences, String.join("\n", differences));
    assertTrue(ok > 60 && steps - ok > 40, "the sequences should exercise answers and errors alike");
  }
}
