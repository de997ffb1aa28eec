package raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server main, run in-process as {@code bin/raftkv} runs it. */
class MainTest {

  private record Run(int exitCode, String output) {}

  private static Run run(String... args) {
    var bytes = new ByteArrayOutputStream();
    int code;
    try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = Main.run(out, args);
    }
    return new Run(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @TempDir Path dataDir;

  @Test
  void startsAGroupCommitsAndPrintsEveryMembersStatus() {
    Run run = run("--members", "3", "--proposals", "4", "--data-dir", dataDir.toString());
    assertEquals(0, run.exitCode(), run.output());

    List<String> lines = run.output().lines().toList();
    assertEquals(4, lines.stream().filter(l -> l.startsWith("proposed demo-")).count(), run.output());
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("MEMBER")).findFirst().orElseThrow());
    List<String[]> rows = lines.subList(header + 1, header + 4).stream().map(l -> l.trim().split("\\s+")).toList();
    assertEquals(List.of("n1", "n2", "n3"), rows.stream().map(r -> r[0]).toList(), run.output());
    assertEquals(1, rows.stream().filter(r -> r[1].equals("LEADER")).count(), run.output());
    // Every member applied the same prefix: the noop and the four commands at least.
    long applied = Long.parseLong(rows.get(0)[5]);
    assertTrue(applied >= 5, run.output());
    assertTrue(rows.stream().allMatch(r -> Long.parseLong(r[5]) == applied), run.output());
  }

  @Test
  void aGroupStartedAgainOnItsDataDirectoryRecoversWhatItCommitted() {
    assertEquals(0, run("--members", "3", "--proposals", "2", "--data-dir", dataDir.toString()).exitCode());
    Run again = run("--members", "3", "--proposals", "1", "--data-dir", dataDir.toString());
    assertEquals(0, again.exitCode(), again.output());
    // Two no-ops (one per leader) and three commands, the first two recovered from disk: the
    // counter state machine numbers the one new command #3.
    assertTrue(again.output().contains("applied as command #3"), again.output());
  }

  @Test
  void refusesADataDirectoryThatIsNotADirectory() throws Exception {
    Path file = Files.writeString(dataDir.resolve("n1"), "not a directory");
    Run run = run("--members", "1", "--data-dir", dataDir.toString());
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains(file.toString()), run.output());
  }

  @Test
  void rejectsUnknownArgumentsWithUsage() {
    Run run = run("--bogus");
    assertEquals(2, run.exitCode());
    assertTrue(run.output().contains("unknown argument: --bogus"), run.output());
    assertTrue(run.output().contains("usage: raftkv"), run.output());
  }

  @Test
  void rejectsANonPositiveMemberCount() {
    Run run = run("--members", "0");
    assertEquals(2, run.exitCode());
    assertTrue(run.output().contains("--members needs a positive number"), run.output());
  }

  @Test
  void printsUsageOnHelp() {
    Run run = run("--help");
    assertEquals(0, run.exitCode());
    assertTrue(Arrays.asList(run.output().split("\n")).get(0).startsWith("usage: raftkv"), run.output());
  }
}
