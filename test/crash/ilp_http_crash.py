#!/usr/bin/env python3
# Kill -9 during HTTP line protocol ingestion: every batch that got 204 must survive.
#
#   ilp_http_crash.py OMENDB_BINARY [CYCLES]
#
# Each cycle starts `omendb serve` (sync=always) on free ports over one data directory, runs 3
# writer threads that POST batches of 200 lines to /api/v2/write (each line tagged with its
# batch id), kills the server with SIGKILL at a random moment, and records which batches were
# acknowledged with 204. After the last cycle a fresh server counts rows per batch over
# /query: every acknowledged batch must be there whole (no row lost); a batch whose request
# was cut by the kill may be absent or whole, never partial (one WAL record per table per
# request). Exit 0 on success, 1 with a reason otherwise.
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BATCH = 200
WRITERS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, data):
    pg, http = free_port(), free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--data", data, "--pg-port", str(pg), "--http-port", str(http),
         "--ilp-port", "0", "--auth", "trust"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http}/health", timeout=1) as r:
                if r.status == 200:
                    return proc, http
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.05)
        if proc.poll() is not None:
            raise SystemExit("server exited: " + proc.stderr.read().decode(errors="replace"))
    raise SystemExit("server did not start")


def writer(http, wid, acked, stop, counter):
    while not stop.is_set():
        with counter[1]:
            bid = counter[0]
            counter[0] += 1
        lines = "".join(
            f"crash,writer=w{wid},batch=b{bid} n={i}i {1700000000000000000 + bid * 1000000 + i * 1000}\n"
            for i in range(BATCH))
        req = urllib.request.Request(f"http://127.0.0.1:{http}/api/v2/write?bucket=x&org=y",
                                     data=lines.encode(), method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                if r.status == 204:
                    acked.add(bid)
        except Exception:  # the kill: this batch is unacknowledged
            return


def main():
    binary = sys.argv[1]
    cycles = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rng = random.Random(int(os.environ.get("OMENDB_CRASH_SEED", "7")))
    data = tempfile.mkdtemp(prefix="omen_ilp_crash_")
    acked = set()
    counter = [0, threading.Lock()]
    try:
        for _ in range(cycles):
            proc, http = start(binary, data)
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(http, w, acked, stop, counter))
                       for w in range(WRITERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.2, 0.8))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            for t in threads:
                t.join()
        proc, http = start(binary, data)
        q = urllib.parse.quote("SELECT batch, count(*) FROM crash GROUP BY batch")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http}/query?q={q}", timeout=60) as r:
                rows = json.loads(r.read())["rows"]
        except urllib.error.HTTPError as e:
            print("FAIL: the count query failed:", e.read().decode(errors="replace"))
            print("server log:", proc.stderr.read1().decode(errors="replace")[-3000:])
            return 1
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        counts = {int(b[1:]): n for b, n in rows}
        lost = sorted(b for b in acked if counts.get(b, 0) != BATCH)
        partial = sorted(b for b, n in counts.items() if n != BATCH)
        print(f"cycles={cycles} acknowledged={len(acked)} stored={len(counts)} "
              f"rows={sum(counts.values())} lost={len(lost)} partial={len(partial)}")
        if not acked:
            print("FAIL: no batch was acknowledged")
            return 1
        if lost or partial:
            print(f"FAIL: lost batches {lost[:10]}, partial batches {partial[:10]}")
            return 1
        return 0
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    import urllib.parse
    sys.exit(main())
