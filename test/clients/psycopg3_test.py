#!/usr/bin/env python3
# Copyright 2026 The OmenDB Authors.
#
# psycopg 3 (server-side binding over the extended protocol) against `omendb serve`, run by
# harness.py: COPY FROM STDIN (text and binary) and COPY TO STDOUT with cursor.copy(),
# executemany in pipeline mode, parameterized time-range and time_bucket queries with text and
# binary parameters and results and the Python types they map to, prepared statements, an error
# then a good query (autocommit and in a transaction) and a 100,000-row result.

import datetime
import decimal

import psycopg
import psycopg.errors
import psycopg.pq

import clientlib as cl


class State:
    conn = None


S = State()


def connect(autocommit=True):
    return psycopg.connect("", autocommit=autocommit)  # PG* environment variables


def connect_scram():
    S.conn = connect()
    assert S.conn.info.server_version >= 150000, S.conn.info.server_version
    assert S.conn.info.parameter_status("TimeZone") == "UTC"


def create_tables():
    S.conn.execute(cl.CPU_DDL)
    S.conn.execute(cl.BIG_DDL)
    S.conn.execute(cl.CPU_DDL.replace("cpu", "cpu_many"))
    S.conn.execute(cl.CPU_DDL.replace("cpu", "cpu_bin"))


def copy_in():
    with S.conn.cursor() as cur:
        with cur.copy("COPY cpu (time, host, usage, n, ok) FROM STDIN") as copy:
            for r in cl.cpu_rows():
                copy.write_row(r)
        assert cur.rowcount == 12, f"rowcount {cur.rowcount}"
    assert S.conn.execute("SELECT count(*) FROM cpu").fetchone() == (12,)


def ensure_cpu():
    if S.conn.execute("SELECT count(*) FROM cpu").fetchone() == (12,):
        return
    S.conn.execute("DELETE FROM cpu WHERE time >= '2000-01-01'")
    with S.conn.cursor() as cur:
        cur.executemany("INSERT INTO cpu VALUES (%s, %s, %s, %s, %s)", cl.cpu_rows())
    print("note: loaded cpu with executemany (COPY did not)")
    assert S.conn.execute("SELECT count(*) FROM cpu").fetchone() == (12,)


def executemany_pipeline():
    # psycopg 3.1 sends executemany as one pipeline: Parse/Bind/Execute per row, one Sync.
    with S.conn.cursor() as cur:
        cur.executemany("INSERT INTO cpu_many (time, host, usage, n, ok) "
                        "VALUES (%s, %s, %s, %s, %s)", cl.cpu_rows())
    rows = S.conn.execute("SELECT * FROM cpu_many ORDER BY time").fetchall()
    assert rows == cl.cpu_rows(), f"got {rows}"


def range_text():
    with S.conn.cursor() as cur:
        cur.execute(cl.RANGE_SQL.format(lo="%s", hi="%s"), (cl.RANGE_LO, cl.RANGE_HI))
        cl.check_range_rows(cur)
        assert cur.pgresult.fformat(0) == 0


def range_binary():
    # %b: binary parameters (timestamptz, OID 1184); binary=True: binary results.
    with S.conn.cursor(binary=True) as cur:
        cur.execute(cl.RANGE_SQL.format(lo="%b", hi="%b"), (cl.RANGE_LO, cl.RANGE_HI))
        cl.check_range_rows(cur)
        assert cur.pgresult.fformat(0) == 1


def range_untyped_strings():
    # Strings are sent with OID 0 (unknown): the server must infer timestamptz from the column.
    with S.conn.cursor() as cur:
        cur.execute(cl.RANGE_SQL.format(lo="%s", hi="%s"),
                    ("2024-01-01 00:30:00+00", "2024-01-01 01:30:00+00"))
        cl.check_range_rows(cur)


def bucket_query():
    for binary in (False, True):
        with S.conn.cursor(binary=binary) as cur:
            cur.execute(cl.BUCKET_SQL.format(lo="%(lo)s", hi="%(hi)s"),
                        {"lo": cl.BASE, "hi": cl.DAY_END})
            rows = cur.fetchall()
            want = cl.expected_buckets()
            assert rows == want, f"binary={binary}: got {rows}, expected {want}"
            for r in rows:
                cl.assert_types(r, (datetime.datetime, str, float, int))
                cl.assert_aware_utc(r[0])


def aggregate_types():
    row = S.conn.execute("SELECT sum(n), max(n), min(time), bool_or(ok), "
                         "max(time) - min(time) FROM cpu").fetchone()
    s, mx, mn, any_ok, span = row
    assert s == decimal.Decimal(66_000_000_000_000) and type(s) is decimal.Decimal, repr(s)
    assert mx == 11_000_000_000_000 and type(mx) is int, repr(mx)
    assert mn == cl.BASE, repr(mn)
    assert any_ok is True, repr(any_ok)
    assert span == datetime.timedelta(minutes=165), repr(span)


def prepared():
    # prepare=True: a named statement (Parse once, then Bind/Execute) reused with new values.
    q = "SELECT count(*), avg(usage) FROM cpu WHERE time >= %s AND time < %s AND host = %s"
    for binary in (False, True):
        with S.conn.cursor(binary=binary) as cur:
            for h in range(3):
                lo = cl.BASE + datetime.timedelta(hours=h)
                row = cur.execute(q, (lo, lo + datetime.timedelta(hours=1), "h1"),
                                  prepare=True).fetchone()
                want = [b for b in cl.expected_buckets() if b[0] == lo and b[1] == "h1"][0]
                assert row == (want[3], want[2]), f"hour {h}: {row}, expected {want}"


def error_autocommit():
    try:
        S.conn.execute("SELECT * FROM missing_table WHERE time >= %s", (cl.BASE,))
        raise AssertionError("no error for a missing table")
    except psycopg.errors.UndefinedTable as e:
        assert e.sqlstate == "42P01", e.sqlstate
    rows = S.conn.execute("SELECT host FROM cpu WHERE time = %s", (cl.BASE,)).fetchall()
    assert rows == [("h0",)], rows


def error_in_transaction():
    with connect(autocommit=False) as conn:
        try:
            conn.execute("SELECT * FROM missing_table")
            raise AssertionError("no error for a missing table")
        except psycopg.errors.UndefinedTable:
            pass
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM cpu").fetchone() == (12,)


def copy_out():
    with S.conn.cursor() as cur:
        with cur.copy("COPY (SELECT * FROM cpu ORDER BY time) TO STDOUT") as copy:
            copy.set_types(["timestamptz", "text", "float8", "int8", "bool"])
            rows = list(copy.rows())
    assert rows == cl.cpu_rows(), f"COPY TO STDOUT rows {rows}"


def copy_binary():
    # Binary COPY both ways (what pgx's CopyFrom uses).
    types = ["timestamptz", "text", "float8", "int8", "bool"]
    with S.conn.cursor() as cur:
        with cur.copy("COPY cpu_bin FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for r in cl.cpu_rows():
                copy.write_row(r)
        out_sql = "COPY (SELECT * FROM cpu_bin ORDER BY time) TO STDOUT (FORMAT BINARY)"
        with cur.copy(out_sql) as copy:
            copy.set_types(types)
            rows = list(copy.rows())
    assert rows == cl.cpu_rows(), f"binary COPY round trip gave {rows}"


def big_copy_in():
    with S.conn.cursor() as cur:
        with cur.copy("COPY big FROM STDIN") as copy:
            for i in range(cl.BIG_ROWS):
                copy.write_row(cl.big_row(i))
        assert cur.rowcount == cl.BIG_ROWS, f"rowcount {cur.rowcount}"


def ensure_big():
    if S.conn.execute("SELECT count(*) FROM big").fetchone() == (cl.BIG_ROWS,):
        return
    S.conn.execute("DELETE FROM big WHERE time >= '2000-01-01'")
    for start in range(0, cl.BIG_ROWS, 5000):
        rows = [cl.big_row(i) for i in range(start, start + 5000)]
        values = ",".join(
            f"('{t.isoformat()}'::timestamptz, {v}, {x})" for t, v, x in rows)
        S.conn.execute("INSERT INTO big VALUES " + values)
    print("note: loaded big with multi-row INSERT (COPY did not)")


def big_select():
    for binary in (False, True):
        with S.conn.cursor(binary=binary) as cur:
            cur.execute("SELECT time, v, x FROM big WHERE time >= %s ORDER BY time", (cl.BASE,))
            cl.check_big(cur.fetchall())


def big_stream():
    # cursor.stream(): single-row mode.
    with S.conn.cursor() as cur:
        cl.check_big(cur.stream("SELECT time, v, x FROM big ORDER BY time"))


def register(c):
    if not c.run("connect_scram", connect_scram):
        return
    c.run("create_tables", create_tables)
    c.run("copy_from_stdin", copy_in)
    c.run("load_cpu", ensure_cpu)
    c.run("executemany_pipeline", executemany_pipeline)
    c.run("time_range_text_params", range_text)
    c.run("time_range_binary_params_and_results", range_binary)
    c.run("time_range_untyped_string_params", range_untyped_strings)
    c.run("time_bucket_query", bucket_query)
    c.run("aggregate_types", aggregate_types)
    c.run("prepared_statements", prepared)
    c.run("error_then_query_autocommit", error_autocommit)
    c.run("error_then_rollback_then_query", error_in_transaction)
    c.run("copy_to_stdout", copy_out)
    c.run("copy_binary_both_ways", copy_binary)
    c.run("copy_100k_from_stdin", big_copy_in)
    c.run("load_big", ensure_big)
    c.run("select_100k_text_and_binary", big_select)
    c.run("stream_100k", big_stream)
    S.conn.close()


if __name__ == "__main__":
    cl.main("psycopg3", register)
