"""`rollcall serve --snapshot-every N`: a background snapshot after every N
logged writes, counted from start-up (each POST /user is one); with 0, none."""

import os
import re
import time

from harness import ServerTestCase, main

SNAPSHOT_RE = re.compile(r"snapshot-(\d{20})\.snap$")
WAIT_SECONDS = 10


class SnapshotFiles:
    def snapshot_sequences(self):
        """The log sequences of the snapshot files in the data directory."""
        names = os.listdir(self.server.data_dir) if os.path.isdir(self.server.data_dir) else []
        return sorted(int(m.group(1)) for m in map(SNAPSHOT_RE.match, names) if m)

    def metric(self, name):
        body = self.request("GET", "/metrics").body
        return int(re.search(r"^%s (\d+)$" % name, body, re.M).group(1))

    def last_recovery(self):
        """The start-up line of the last start: what was loaded and replayed."""
        lines = [l for l in self.server.log_tail(100000).splitlines() if "replayed" in l]
        return lines[-1] if lines else ""

    def write(self, count):
        return [self.api.new_user("snap") for _ in range(count)]


class SnapshotEveryThreeTest(SnapshotFiles, ServerTestCase):
    server_args = ("--snapshot-every", "3")

    def test_a_snapshot_follows_every_third_write_since_start_up(self):
        self.write(2)
        self.assertEqual(self.server.restart(), 0)  # waits for any snapshot
        self.assertEqual(self.snapshot_sequences(), [])
        users = self.write(3)  # log sequences 3, 4, 5: the count starts over at start-up
        deadline = time.monotonic() + WAIT_SECONDS
        while self.metric("rollcall_snapshot_sequence") != 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.metric("rollcall_snapshot_sequence"), 5)
        self.assertEqual(self.snapshot_sequences(), [5])
        self.write(2)
        self.assertEqual(self.server.restart(), 0)
        self.assertEqual(self.snapshot_sequences(), [5])
        recovery = self.last_recovery()
        self.assertIn("(log sequence 5,", recovery)
        self.assertIn("replayed 2 log records", recovery)
        for user in users:
            self.assertStatus(self.request("GET", "/me", user.token), 200)


class SnapshotNeverTest(SnapshotFiles, ServerTestCase):
    server_args = ("--snapshot-every", "0")

    def test_no_snapshot_is_taken(self):
        self.write(20)
        self.assertEqual(self.server.stop(), 0)  # waits for any snapshot
        self.assertEqual(self.snapshot_sequences(), [])


if __name__ == "__main__":
    main()
