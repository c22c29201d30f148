#!/usr/bin/env python3
# Copyright 2026 The OmenDB Authors.
#
# A logging TCP proxy for the PostgreSQL protocol v3, for debugging the client tests where
# tshark is not installed: every connection to Tap.port is forwarded to the server and each
# message is written to the log, decoded ("F Parse stmt='' query='...' oids=[25]",
# "B ErrorResponse S=ERROR C=42P01 M=..."). Runs of DataRow and CopyData are shortened to the
# first few and a count. Used by harness.py when OMENDB_PGWIRE_TAP=FILE is set; standalone:
#
#   pgwire_tap.py LISTEN_PORT SERVER_PORT LOGFILE

import socket
import struct
import sys
import threading

FRONTEND = {"Q": "Query", "P": "Parse", "B": "Bind", "D": "Describe", "E": "Execute",
            "S": "Sync", "H": "Flush", "C": "Close", "X": "Terminate", "p": "Password",
            "d": "CopyData", "c": "CopyDone", "f": "CopyFail", "F": "FunctionCall"}
BACKEND = {"R": "Authentication", "S": "ParameterStatus", "K": "BackendKeyData",
           "Z": "ReadyForQuery", "T": "RowDescription", "D": "DataRow", "C": "CommandComplete",
           "E": "ErrorResponse", "N": "NoticeResponse", "1": "ParseComplete",
           "2": "BindComplete", "3": "CloseComplete", "t": "ParameterDescription",
           "n": "NoData", "s": "PortalSuspended", "I": "EmptyQueryResponse",
           "G": "CopyInResponse", "H": "CopyOutResponse", "W": "CopyBothResponse",
           "d": "CopyData", "c": "CopyDone", "A": "NotificationResponse",
           "V": "FunctionCallResponse"}
SHOWN_PER_RUN = 3


def cstrings(body):
    return body.split(b"\0")


def short(b, n=160):
    s = b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)
    return s if len(s) <= n else s[:n] + f"...({len(s)} chars)"


def describe_frontend(t, body):
    if t == "Q":
        return f"query={short(body.rstrip(bytes(1)), 400)!r}"
    if t == "P":
        name, rest = body.split(b"\0", 1)
        query, rest = rest.split(b"\0", 1)
        n = struct.unpack("!h", rest[:2])[0]
        oids = list(struct.unpack(f"!{n}i", rest[2:2 + 4 * n]))
        return f"stmt={name.decode()!r} query={short(query, 400)!r} oids={oids}"
    if t == "B":
        portal, rest = body.split(b"\0", 1)
        stmt, rest = rest.split(b"\0", 1)
        nf = struct.unpack("!h", rest[:2])[0]
        fmts = list(struct.unpack(f"!{nf}h", rest[2:2 + 2 * nf]))
        pos = 2 + 2 * nf
        n = struct.unpack("!h", rest[pos:pos + 2])[0]
        pos += 2
        values = []
        for _ in range(n):
            ln = struct.unpack("!i", rest[pos:pos + 4])[0]
            pos += 4
            values.append(None if ln < 0 else rest[pos:pos + ln])
            pos += max(ln, 0)
        nr = struct.unpack("!h", rest[pos:pos + 2])[0]
        rfmts = list(struct.unpack(f"!{nr}h", rest[pos + 2:pos + 2 + 2 * nr]))
        shown = [None if v is None else (v.hex() if 1 in fmts else short(v, 60)) for v in values]
        return (f"portal={portal.decode()!r} stmt={stmt.decode()!r} param_formats={fmts} "
                f"params={shown} result_formats={rfmts}")
    if t in ("D", "C"):
        return f"{chr(body[0])} {body[1:].rstrip(bytes(1)).decode()!r}"
    if t == "E":
        portal, rest = body.split(b"\0", 1)
        return f"portal={portal.decode()!r} max_rows={struct.unpack('!i', rest[:4])[0]}"
    if t == "d":
        return f"{len(body)} bytes {short(body, 80)!r}"
    if t == "f":
        return short(body)
    if t == "p":
        return f"{len(body)} bytes"
    return ""


def describe_backend(t, body):
    if t == "R":
        code = struct.unpack("!i", body[:4])[0]
        names = {0: "Ok", 3: "CleartextPassword", 5: "MD5Password", 10: "SASL",
                 11: "SASLContinue", 12: "SASLFinal"}
        extra = short(body[4:], 80) if code == 10 else ""
        return f"{names.get(code, code)} {extra}"
    if t in ("E", "N"):
        fields = []
        for f in cstrings(body):
            if f:
                fields.append(f"{chr(f[0])}={f[1:].decode('utf-8', 'replace')}")
        return " ".join(fields)
    if t == "S":
        parts = cstrings(body)
        return f"{parts[0].decode()}={parts[1].decode()}"
    if t == "T":
        n = struct.unpack("!h", body[:2])[0]
        pos, cols = 2, []
        for _ in range(n):
            end = body.index(b"\0", pos)
            name = body[pos:end].decode()
            table, attnum, oid, size, mod, fmt = struct.unpack("!ihihih", body[end + 1:end + 19])
            where = f":table={table}.{attnum}" if table else ""
            cols.append(f"{name}:oid={oid}:fmt={fmt}{where}")
            pos = end + 19
        return "[" + ", ".join(cols) + "]"
    if t == "D":
        n = struct.unpack("!h", body[:2])[0]
        pos, vals = 2, []
        for _ in range(n):
            ln = struct.unpack("!i", body[pos:pos + 4])[0]
            pos += 4
            vals.append(None if ln < 0 else short(body[pos:pos + ln], 40))
            pos += max(ln, 0)
        return str(vals)
    if t == "t":
        n = struct.unpack("!h", body[:2])[0]
        return f"oids={list(struct.unpack(f'!{n}i', body[2:2 + 4 * n]))}"
    if t in ("C",):
        return repr(body.rstrip(bytes(1)).decode())
    if t == "Z":
        return chr(body[0])
    if t in ("G", "H", "W"):
        fmt, n = struct.unpack("!bh", body[:3])
        return f"format={fmt} columns={list(struct.unpack(f'!{n}h', body[3:3 + 2 * n]))}"
    if t == "d":
        return f"{len(body)} bytes {short(body, 80)!r}"
    if t == "K":
        return "pid=%d secret=%d" % struct.unpack("!ii", body[:8])
    return ""


class Direction:
    """Splits one direction's byte stream into messages and logs them."""

    def __init__(self, tap, conn_id, frontend):
        self.tap, self.conn_id, self.frontend = tap, conn_id, frontend
        self.buf = b""
        self.startup = frontend  # the frontend opens with untyped startup packets
        self.expect_ssl_answer = False
        self.peer = None
        self.run_type, self.run_count = None, 0

    def log(self, t, text):
        side = "F" if self.frontend else "B"
        names = FRONTEND if self.frontend else BACKEND
        if t in ("D", "d") and t == self.run_type:
            self.run_count += 1
            if self.run_count > SHOWN_PER_RUN:
                return
        else:
            self.flush_run()
            self.run_type, self.run_count = t, 1
        self.tap.write(f"[{self.conn_id}] {side} {names.get(t, t)} {text}")

    def flush_run(self):
        if self.run_count > SHOWN_PER_RUN:
            names = FRONTEND if self.frontend else BACKEND
            side = "F" if self.frontend else "B"
            self.tap.write(f"[{self.conn_id}] {side} ... {self.run_count} {names[self.run_type]} "
                           "messages in all")
        self.run_type, self.run_count = None, 0

    def feed(self, data):
        self.buf += data
        pos = 0
        while True:
            if self.expect_ssl_answer:
                if pos >= len(self.buf):
                    break
                self.tap.write(f"[{self.conn_id}] B SSL/GSS answer {self.buf[pos:pos + 1]!r}")
                pos += 1
                self.expect_ssl_answer = False
                continue
            if self.startup:
                if len(self.buf) - pos < 8:
                    break
                ln, code = struct.unpack_from("!ii", self.buf, pos)
                if len(self.buf) - pos < ln:
                    break
                body = self.buf[pos + 8:pos + ln]
                pos += ln
                self.startup_packet(code, body)
                continue
            if len(self.buf) - pos < 5:
                break
            t = chr(self.buf[pos])
            ln = struct.unpack_from("!i", self.buf, pos + 1)[0]
            if len(self.buf) - pos < ln + 1:
                break
            body = self.buf[pos + 5:pos + ln + 1]
            pos += ln + 1
            try:
                text = (describe_frontend if self.frontend else describe_backend)(t, body)
            except (ValueError, struct.error, IndexError) as e:
                text = f"(undecodable: {e}) {short(body, 80)!r}"
            self.log(t, text)
        self.buf = self.buf[pos:]

    def startup_packet(self, code, body):
        if code in (80877103, 80877104):
            kind = "SSL" if code == 80877103 else "GSSENC"
            self.tap.write(f"[{self.conn_id}] F {kind}Request")
            self.peer.expect_ssl_answer = True
        elif code == 80877102:
            pid, secret = struct.unpack("!ii", body[:8])
            self.tap.write(f"[{self.conn_id}] F CancelRequest pid={pid} secret={secret}")
        else:
            params = [p.decode() for p in cstrings(body) if p]
            version = f"{code >> 16}.{code & 0xffff}"
            self.tap.write(f"[{self.conn_id}] F StartupMessage {version} {params}")
            self.startup = False


class Tap:
    def __init__(self, server, log_path, listen_port=0):
        self.server = server
        self.out = open(log_path, "a", buffering=1)
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", listen_port))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.next_id = 0
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def write(self, line):
        with self.lock:
            self.out.write(line + "\n")

    def accept_loop(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.next_id += 1
            try:
                upstream = socket.create_connection(self.server)
            except OSError as e:
                self.write(f"[{self.next_id}] cannot connect to the server: {e}")
                client.close()
                continue
            f = Direction(self, self.next_id, True)
            b = Direction(self, self.next_id, False)
            f.peer, b.peer = b, f
            for src, dst, d in ((client, upstream, f), (upstream, client, b)):
                threading.Thread(target=self.pump, args=(src, dst, d), daemon=True).start()

    def pump(self, src, dst, direction):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                direction.feed(data)
                dst.sendall(data)
        except OSError:
            pass
        direction.flush_run()
        self.write(f"[{direction.conn_id}] {'F' if direction.frontend else 'B'} closed")
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.sock.close()
        self.out.flush()


if __name__ == "__main__":
    tap = Tap(("127.0.0.1", int(sys.argv[2])), sys.argv[3], int(sys.argv[1]))
    print(f"pgwire_tap: 127.0.0.1:{tap.port} -> 127.0.0.1:{sys.argv[2]}, log {sys.argv[3]}")
    threading.Event().wait()
