package raftkv.server;

import com.typesafe.config.Config;
import java.time.Duration;

/** The server main's settings, from {@code raftkv.server} (documented in its reference.conf). */
record ServerSettings(
    String cluster,
    String group,
    Duration leaderTimeout,
    Duration proposeTimeout,
    Duration askTimeout,
    Duration pollInterval) {

  static ServerSettings fromConfig(Config config) {
    Config c = config.getConfig("raftkv.server");
    return new ServerSettings(
        c.getString("cluster"),
        c.getString("group"),
        c.getDuration("leader-timeout"),
        c.getDuration("propose-timeout"),
        c.getDuration("ask-timeout"),
        c.getDuration("poll-interval"));
  }
}
