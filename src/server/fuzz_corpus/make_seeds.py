#!/usr/bin/env python3
# Copyright 2026 The OmenDB Authors.
#
# Writes the seed corpus of pg_session_fuzz (src/server/pg_session_fuzz.cc) into this folder:
# small hand-made PostgreSQL protocol v3 conversations. Each seed is
#   [mode byte][n][n big-endian uint16 cut points][client bytes]
# where the mode byte's low 3 bits pick the authentication method (0-4 trust, 5 SCRAM, 6 md5,
# 7 cleartext password), bits 3-5 whether the harness sends a valid StartupMessage first
# (non-zero) or feeds the client bytes raw (zero), and bit 6 whether TLS is available; the
# client bytes are split into n + 1 Feed calls at the cut points.
# Run: python3 src/server/fuzz_corpus/make_seeds.py

import os
import struct

TRUST = 0x08  # startup sent by the harness, trust auth
RAW = 0x00  # no startup from the harness, trust auth
SCRAM = 0x0D
MD5 = 0x0E
PASSWORD = 0x0F
TLS = 0x40  # with RAW: an SSLRequest is answered 'S'

OID_BOOL, OID_BYTEA, OID_INT8, OID_INT2, OID_INT4, OID_TEXT = 16, 17, 20, 21, 23, 25
OID_FLOAT4, OID_FLOAT8, OID_DATE, OID_TIMESTAMPTZ, OID_INTERVAL = 700, 701, 1082, 1184, 1186


def cstr(s):
    return s.encode() + b"\0"


def msg(kind, body=b""):
    return kind.encode() + struct.pack(">i", len(body) + 4) + body


def startup(params, code=196608):
    body = struct.pack(">i", code) + b"".join(cstr(k) + cstr(v) for k, v in params) + b"\0"
    return struct.pack(">i", len(body) + 4) + body


def query(sql):
    return msg("Q", cstr(sql))


def parse(name, sql, oids=()):
    return msg("P", cstr(name) + cstr(sql) + struct.pack(">h", len(oids)) +
               b"".join(struct.pack(">i", o) for o in oids))


def bind(portal, stmt, values, formats=(), result_formats=()):
    body = cstr(portal) + cstr(stmt)
    body += struct.pack(">h", len(formats)) + b"".join(struct.pack(">h", f) for f in formats)
    body += struct.pack(">h", len(values))
    for v in values:
        body += struct.pack(">i", -1) if v is None else struct.pack(">i", len(v)) + v
    body += struct.pack(">h", len(result_formats))
    body += b"".join(struct.pack(">h", f) for f in result_formats)
    return msg("B", body)


def describe(kind, name):
    return msg("D", kind.encode() + cstr(name))


def execute(portal, max_rows=0):
    return msg("E", cstr(portal) + struct.pack(">i", max_rows))


def close(kind, name):
    return msg("C", kind.encode() + cstr(name))


SYNC, FLUSH, TERMINATE = msg("S"), msg("H"), msg("X")
COPY_DONE = msg("c")


def copy_data(data):
    return msg("d", data)


def copy_fail(reason):
    return msg("f", cstr(reason))


# 2024-01-01 00:00:00+00 in microseconds since 2000-01-01.
TS_2024 = (8766 * 86400) * 1000000

SCRAM_FIRST = msg("p", cstr("SCRAM-SHA-256") + struct.pack(">i", 32) +
                  b"n,,n=,r=rOprNGfwEbeRWgbNEkqO%hvY")

SEEDS = {
    "simple_query": (TRUST, [], query(
        "SELECT * FROM t ORDER BY time; SELECT count(*), avg(v) FROM t WHERE host = 'a'") +
        query("") + query("SELEC 1") + TERMINATE),
    "simple_query_split": (TRUST, [3, 9, 40], query("SELECT host, v FROM t WHERE v > 0") +
                           query("SHOW statement_timeout") + TERMINATE),
    "extended_text": (TRUST, [], parse("s1", "SELECT host, v FROM t WHERE time >= $1 AND host = $2") +
                      bind("", "s1", [b"2024-01-01 00:00:00+00", b"a"]) + describe("P", "") +
                      execute("") + SYNC),
    "extended_binary": (TRUST, [],
                        parse("", "SELECT v, time FROM t WHERE v > $1 AND time < $2",
                              [OID_FLOAT8, OID_TIMESTAMPTZ]) +
                        bind("", "", [struct.pack(">d", -5.0), struct.pack(">q", TS_2024 + 10**8)],
                             [1], [1]) + describe("P", "") + execute("") + SYNC),
    "extended_binary_types": (TRUST, [],
                              parse("types", "SELECT $1::smallint, $2::integer, $3::bigint, "
                                    "$4::boolean, $5::real, $6::date, $7::interval, $8, $9::text",
                                    [OID_INT2, OID_INT4, OID_INT8, OID_BOOL, OID_FLOAT4, OID_DATE,
                                     OID_INTERVAL, OID_BYTEA, OID_TEXT]) +
                              bind("p", "types",
                                   [struct.pack(">h", -2), struct.pack(">i", 7),
                                    struct.pack(">q", 1 << 40), b"\x01", struct.pack(">f", 1.5),
                                    struct.pack(">i", 8766), struct.pack(">qii", 5000000, 3, 14),
                                    b"\x00\xff", None],
                                   [1], [1]) +
                              execute("p") + SYNC),
    "extended_describe_statement": (TRUST, [],
                                    parse("q", "SELECT host, v FROM t WHERE v > $1 ORDER BY time") +
                                    describe("S", "q") + SYNC +
                                    bind("cur", "q", [b"-10"]) + execute("cur", 1) +
                                    execute("cur", 1) + execute("cur", 0) + close("P", "cur") +
                                    close("S", "q") + SYNC + TERMINATE),
    "extended_errors": (TRUST, [], bind("", "missing", []) + execute("") + SYNC +
                        parse("", "SELECT $1 + 1", [OID_INT4]) +
                        bind("", "", [b"\x00\x01"], [1]) + SYNC + msg("F", b"\0\0\0\0") +
                        query("BEGIN; SELECT 1/0; COMMIT") + FLUSH + SYNC),
    "deallocate": (TRUST, [], parse("a", "SELECT 1") + parse("b", "SELECT 2") + SYNC +
                   query("DEALLOCATE a") + parse("", "DEALLOCATE b") + bind("", "", []) +
                   execute("") + execute("") + SYNC + query("DEALLOCATE ALL")),
    "copy_in_text": (TRUST, [], query("COPY t FROM STDIN") +
                     copy_data(b"2024-01-02 00:00:00Z\tc\t3\n2024-01-02 00:00:01Z\t\\N\t4\n") +
                     COPY_DONE + query("SELECT count(*) FROM t")),
    "copy_in_csv": (TRUST, [30, 60], query("COPY t (time, v) FROM STDIN (FORMAT csv, HEADER true)") +
                    copy_data(b"time,v\n2024-01-03 00:00:00Z,") + copy_data(b"1.25\n") +
                    FLUSH + SYNC + COPY_DONE),
    "copy_fail": (TRUST, [], query("COPY t FROM STDIN") + copy_data(b"2024-01-02 00:00:00Z\tx") +
                  copy_fail("client gave up") + query("SELECT 1")),
    "copy_extended": (TRUST, [], parse("", "COPY t FROM STDIN") + bind("", "", []) +
                      execute("") + copy_data(b"2024-01-04 00:00:00Z\tz\t9\n\\.\n") + COPY_DONE +
                      SYNC),
    "copy_out": (TRUST, [], query(
        "COPY (SELECT host, v FROM t ORDER BY time) TO STDOUT (FORMAT csv, HEADER)")),
    "cancel_request": (RAW, [], struct.pack(">iiii", 16, 80877102, 1000, 12345)),
    "ssl_then_startup": (RAW, [8], struct.pack(">ii", 8, 80877103) +
                         startup([("user", "omendb"), ("application_name", "psql"),
                                  ("DateStyle", "ISO, MDY")]) +
                         query("SELECT 1") + TERMINATE),
    "gss_then_bad_startup": (RAW, [], struct.pack(">ii", 8, 80877104) +
                             startup([("user", "omendb")], code=0x00020000)),
    "tls_then_startup": (RAW | TLS, [8], struct.pack(">ii", 8, 80877103) +
                         startup([("user", "omendb")]) + query("SELECT count(*) FROM t")),
    "tls_plaintext_injected": (RAW | TLS, [], struct.pack(">ii", 8, 80877103) +
                               startup([("user", "omendb")])),
    # The harness overwrites the 24 X's with the server's nonce (they come in a later Feed).
    "scram_client_first": (SCRAM, [len(SCRAM_FIRST)], SCRAM_FIRST + msg(
        "p", b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvY" + b"X" * 24 +
        b",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")),
    "md5_password": (MD5, [], msg("p", cstr("md5" + "0123456789abcdef" * 2)) + query("SELECT 1")),
    "cleartext_password": (PASSWORD, [], msg("p", cstr("pencil")) + query("SELECT v FROM t")),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, (mode, cuts, data) in sorted(SEEDS.items()):
        with open(os.path.join(here, name + ".bin"), "wb") as f:
            f.write(bytes([mode, len(cuts)]) + b"".join(struct.pack(">H", c) for c in cuts) + data)


if __name__ == "__main__":
    main()
