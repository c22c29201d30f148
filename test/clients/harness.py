#!/usr/bin/env python3
# Copyright 2026 The OmenDB Authors.
#
# Runs one PostgreSQL client test against a fresh `omendb serve`:
#
#   harness.py --omendb BIN [--require WHAT ...] [--prepare CMD] [--timeout S] -- CLIENT ARGS...
#
# 1. Checks that the client's runtime is present (--require cmd:NAME, file:PATH, py:MODULE,
#    node:DIR:MODULE, reason:TEXT); when one is absent it prints why and exits 77, which
#    CMake registers as SKIP_RETURN_CODE. Nothing else ever skips.
# 2. Runs the --prepare commands (compiling the client), before the server starts.
# 3. Starts `omendb serve` on a free loopback port with a fresh data directory, a non-default
#    user and a password (SCRAM-SHA-256), and waits until it accepts connections.
# 4. Runs the client with PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and
#    OMENDB_CLIENT_TMP, a scratch directory) in its environment.
# 5. Checks that the server is still alive, stops it with SIGTERM and checks that it exits 0.
#
# The server's stderr is printed at the end (ctest --output-on-failure shows it on failure).
# OMENDB_PGWIRE_TAP=FILE puts a logging proxy (pgwire_tap.py) between client and server and
# writes the decoded message exchange to FILE; OMENDB_CLIENT_KEEP=1 keeps the temp directory;
# OMENDB_CLIENT_SERVER=postgres runs the client against PostgreSQL 15 instead (the reference).

import argparse
import importlib.util
import os
import secrets
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
USER = "omen_client"


def missing_requirement(req):
    """Returns why `req` is not met, or None when it is."""
    kind, _, what = req.partition(":")
    if kind == "cmd":
        return None if shutil.which(what) else f"command '{what}' not found"
    if kind == "file":
        return None if os.path.exists(what) else f"'{what}' not found"
    if kind == "py":
        return None if importlib.util.find_spec(what) else f"Python module '{what}' not installed"
    if kind == "node":  # node:DIR:MODULE, the module installed under DIR/node_modules
        directory, _, module = what.rpartition(":")
        path = os.path.join(directory, "node_modules", module, "package.json")
        return None if os.path.exists(path) else f"'{path}' not found (run scripts/setup)"
    if kind == "reason":
        return what
    raise SystemExit(f"harness: unknown requirement '{req}'")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_accepting(proc, port, deadline):
    """True once 127.0.0.1:port accepts a connection; False when proc exits or time runs out."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def start_server(omendb, tmp, password, log):
    """Starts the server; returns (process, port). Retries when the chosen port was taken."""
    for attempt in range(3):
        port = free_port()
        cmd = [omendb, "serve", "--data", os.path.join(tmp, "data"), "--listen", "127.0.0.1",
               "--pg-port", str(port), "--http-port", "0", "--ilp-port", "0",  # 0: off
               "--user", USER, "--auth", "scram-sha-256"]
        env = dict(os.environ, OMENDB_PASSWORD=password)
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        if wait_accepting(proc, port, time.monotonic() + 30):
            return proc, port
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            raise RuntimeError("server did not accept connections within 30 s")
        print(f"harness: server exited with {proc.returncode} (attempt {attempt + 1})",
              flush=True)
    raise RuntimeError("server failed to start")


def offered_auth(port):
    """The first message the server answers a StartupMessage with, as (type, auth code, body)."""
    params = f"user\0{USER}\0database\0omendb\0\0".encode()
    packet = struct.pack("!ii", 8 + len(params), 196608) + params
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(packet)
        head = b""
        while len(head) < 5:
            chunk = s.recv(5 - len(head))
            if not chunk:
                return None
            head += chunk
        length = struct.unpack("!i", head[1:5])[0]
        body = b""
        while len(body) < length - 4:
            chunk = s.recv(length - 4 - len(body))
            if not chunk:
                break
            body += chunk
    code = struct.unpack("!i", body[:4])[0] if len(body) >= 4 else None
    return chr(head[0]), code, body[4:]


def stop_server(proc):
    """SIGTERM, then waits; returns a failure message or None."""
    if proc.poll() is not None:
        return f"server died during the test (exit status {proc.returncode})"
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return "server did not stop within 20 s of SIGTERM"
    return None if rc == 0 else f"server exited with status {rc} after SIGTERM"


class OmenServer:
    """`omendb serve` as a child process."""

    def __init__(self, omendb, tmp, password, log):
        self.proc, self.port = start_server(omendb, tmp, password, log)

    def stop(self):
        return stop_server(self.proc)


class PostgresServer:
    """A throwaway PostgreSQL 15 with the same user, password (SCRAM) and database, and the
    TimescaleDB shims of test/sql/pg_timescale.sql: OMENDB_CLIENT_SERVER=postgres runs a client
    test against it, to check the test's expectations against the reference."""

    BIN = "/usr/lib/postgresql/15/bin"

    def __init__(self, tmp, password, log):
        self.tmp, self.log = tmp, log
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            subprocess.run(["chown", "-R", "postgres", tmp], check=True)
        pwfile = os.path.join(tmp, "pwfile")
        with open(pwfile, "w") as f:
            f.write(password + "\n")
        self.data = os.path.join(tmp, "pg")
        self.run("initdb", "-D", self.data, "-U", USER, f"--pwfile={pwfile}", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync", "--auth-host=scram-sha-256",
                 "--auth-local=trust")
        self.port = free_port()
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off "
                f"-c unix_socket_directories={tmp} -c TimeZone=UTC")
        self.run("pg_ctl", "-D", self.data, "-o", opts, "-l", os.path.join(tmp, "pg.log"), "-w",
                 "start")
        psql = [os.path.join(self.BIN, "psql"), "-X", "-q", "-h", tmp, "-p", str(self.port),
                "-U", USER, "-v", "ON_ERROR_STOP=1"]
        subprocess.run(self.as_postgres + psql + ["-d", "postgres", "-c", "CREATE DATABASE omendb"],
                       check=True, stdout=log, stderr=log)
        shims = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sql",
                             "pg_timescale.sql")
        with open(shims) as f:
            subprocess.run(self.as_postgres + psql + ["-d", "omendb"], stdin=f, check=True,
                           stdout=log, stderr=log)

    def run(self, tool, *args):
        subprocess.run(self.as_postgres + [os.path.join(self.BIN, tool), *args], check=True,
                       stdout=self.log, stderr=self.log)

    def stop(self):
        try:
            self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError as e:
            return f"pg_ctl stop failed: {e}"
        return None


def print_log(path, max_lines=300):
    with open(path, errors="replace") as f:
        lines = f.readlines()
    shown = f", last {max_lines}" if len(lines) > max_lines else ""
    print(f"---- server stderr ({len(lines)} lines{shown}) ----")
    sys.stdout.writelines(lines[-max_lines:])
    print("---- end of server stderr ----", flush=True)


def known_gaps():
    """check name -> reason, from known_gaps.txt."""
    gaps = {}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_gaps.txt")
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                gaps[name] = reason.strip()
    return gaps


def judge(output, rc, reference=False):
    """Echoes the client's output, marking known gaps (none against the PostgreSQL reference);
    returns the failures that count."""
    gaps = {} if reference else known_gaps()
    failures, failed, passed = [], [], []
    for line in output.splitlines():
        word, _, rest = line.partition(" ")
        name = rest.split(":")[0].split(" (")[0]
        if word == "FAIL" and name in gaps:
            line = f"XFAIL {rest}   [known gap: {gaps[name]}]"
        elif word == "PASS" and name in gaps:
            line = f"XPASS {rest}   [listed in known_gaps.txt: remove it]"
            failures.append(f"{name} passes but is listed as a known gap")
        if word == "FAIL":
            failed.append(name)
        elif word == "PASS":
            passed.append(name)
        print(line, flush=True)
    unexpected = [n for n in failed if n not in gaps]
    failures.extend(f"{n} failed" for n in unexpected)
    if rc != 0 and not failed:
        failures.append(f"client exited with status {rc} without a failed check")
    if rc == 0 and failed:
        failures.append("client reported failed checks but exited 0")
    if not passed and not failed:
        failures.append("client reported no checks")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--omendb", required=True)
    ap.add_argument("--require", action="append", default=[])
    ap.add_argument("--prepare", action="append", default=[], help="shell command, run first")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("client", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    client = args.client[1:] if args.client[:1] == ["--"] else args.client
    if not client:
        ap.error("no client command")

    for req in args.require:
        why = missing_requirement(req)
        if why:
            print(f"SKIP: {why}", flush=True)
            return SKIP
    reference = os.environ.get("OMENDB_CLIENT_SERVER") == "postgres"
    if not reference and not os.access(args.omendb, os.X_OK):
        print(f"harness: omendb binary '{args.omendb}' not found", flush=True)
        return 1

    for cmd in args.prepare:
        print(f"harness: prepare: {cmd}", flush=True)
        started = time.monotonic()
        if subprocess.run(cmd, shell=True).returncode != 0:
            print("harness: prepare step failed", flush=True)
            return 1
        print(f"harness: prepared in {time.monotonic() - started:.1f} s", flush=True)

    tmp = tempfile.mkdtemp(prefix="omendb-client-")
    password = "pw-" + secrets.token_hex(8) + "!:,'\""
    log_path = os.path.join(tmp, "server.log")
    failures = []
    tap = None
    with open(log_path, "wb") as log:
        try:
            if reference:
                server = PostgresServer(tmp, password, log)
            else:
                server = OmenServer(args.omendb, tmp, password, log)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            print(f"harness: {e}", flush=True)
            print_log(log_path)
            return 1
        port = server.port
        # Every client must get through SCRAM-SHA-256: check that it is what the server asks for.
        offer = offered_auth(port)
        if offer is None or offer[:2] != ("R", 10) or b"SCRAM-SHA-256\0" not in offer[2]:
            failures.append(f"server did not ask for SCRAM-SHA-256 authentication: {offer!r}")
        client_port = port
        tap_file = os.environ.get("OMENDB_PGWIRE_TAP")
        if tap_file:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import pgwire_tap
            tap = pgwire_tap.Tap(("127.0.0.1", port), tap_file)
            client_port = tap.port
        scratch = os.path.join(tmp, "client")
        os.mkdir(scratch)
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(client_port), PGUSER=USER,
                   PGPASSWORD=password, PGDATABASE="omendb", OMENDB_CLIENT_TMP=scratch,
                   PYTHONDONTWRITEBYTECODE="1")  # no __pycache__ in the source tree
        env.pop("PGSERVICE", None)
        env.pop("PGSSLMODE", None)
        print(f"harness: server on 127.0.0.1:{port}; running {shlex.join(client)}", flush=True)
        started = time.monotonic()
        try:
            run = subprocess.run(client, env=env, timeout=args.timeout, stdout=subprocess.PIPE,
                                 text=True, errors="replace")
            failures.extend(judge(run.stdout, run.returncode, reference))
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
            print(out or "", end="", flush=True)
            failures.append(f"client ran past {args.timeout:.0f} s and was killed")
        print(f"harness: client finished in {time.monotonic() - started:.1f} s", flush=True)
        why = server.stop()
        if why:
            failures.append(why)
        if tap:
            tap.close()
    print_log(log_path)
    if os.environ.get("OMENDB_CLIENT_KEEP"):
        print(f"harness: kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"harness: FAIL: {f}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
