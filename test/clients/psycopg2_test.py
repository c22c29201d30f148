#!/usr/bin/env python3
# Copyright 2026 The OmenDB Authors.
#
# psycopg2 (libpq, parameters interpolated client-side, simple query protocol) against
# `omendb serve`, run by harness.py: COPY FROM STDIN / TO STDOUT with copy_expert, executemany,
# parameterized time-range and time_bucket queries with the Python types psycopg2 maps the
# columns to, an error inside psycopg2's implicit transaction then rollback and a good query,
# the error in autocommit mode, server-side (named) cursors and a 100,000-row result.

import datetime
import io
import os

import psycopg2
import psycopg2.errors
import psycopg2.extensions

import clientlib as cl


def connect(autocommit=True):
    conn = psycopg2.connect("")  # everything from PG* environment variables
    conn.autocommit = autocommit
    return conn


class State:
    conn = None


S = State()


def connect_scram():
    S.conn = connect()
    # libpq reports the SCRAM exchange only as success; the harness starts the server with
    # --auth scram-sha-256, so reaching here means SCRAM-SHA-256 worked with this password.
    assert S.conn.info.server_version >= 150000, S.conn.info.server_version


def session_functions():
    # What SQLAlchemy, Django and GUI tools ask right after connecting.
    want = {"version()": lambda v: "PostgreSQL 15" in v,
            "current_schema()": lambda v: v == "public",
            "current_database()": lambda v: v == "omendb",
            "current_user": lambda v: v == os.environ["PGUSER"],
            "current_setting('server_version')": lambda v: v.startswith("15")}
    problems = []
    with S.conn.cursor() as cur:
        for expr, ok in want.items():
            try:
                cur.execute(f"SELECT {expr}")
                v = cur.fetchone()[0]
                if not ok(v):
                    problems.append(f"{expr} = {v!r}")
            except psycopg2.Error as e:
                problems.append(f"{expr}: {e.pgcode} {e.diag.message_primary}")
    assert not problems, "; ".join(problems)


def create_tables():
    with S.conn.cursor() as cur:
        cur.execute(cl.CPU_DDL)
        cur.execute(cl.BIG_DDL)


def copy_in():
    with S.conn.cursor() as cur:
        cur.copy_expert("COPY cpu FROM STDIN WITH (FORMAT csv)", io.StringIO(cl.cpu_csv()))
        assert cur.rowcount == 12, f"rowcount {cur.rowcount}"
        cur.execute("SELECT count(*) FROM cpu")
        assert cur.fetchone() == (12,)


def ensure_cpu():
    with S.conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM cpu")
        if cur.fetchone() == (12,):
            return
        cur.execute("DELETE FROM cpu WHERE time >= '2000-01-01'")
        cur.executemany("INSERT INTO cpu VALUES (%s, %s, %s, %s, %s)", cl.cpu_rows())
        print("note: loaded cpu with executemany (COPY did not)")
        cur.execute("SELECT count(*) FROM cpu")
        assert cur.fetchone() == (12,)


def range_query():
    with S.conn.cursor() as cur:
        cur.execute(cl.RANGE_SQL.format(lo="%s", hi="%s"), (cl.RANGE_LO, cl.RANGE_HI))
        cl.check_range_rows(cur)


def bucket_query():
    with S.conn.cursor() as cur:
        cur.execute(cl.BUCKET_SQL.format(lo="%(lo)s", hi="%(hi)s"),
                    {"lo": cl.BASE, "hi": cl.DAY_END})
        rows = cur.fetchall()
        want = cl.expected_buckets()
        assert rows == want, f"got {rows}, expected {want}"
        for r in rows:
            cl.assert_types(r, (datetime.datetime, str, float, int))
            cl.assert_aware_utc(r[0])


def sum_numeric():
    # sum(bigint) is numeric in PostgreSQL, which psycopg2 maps to Decimal.
    import decimal
    with S.conn.cursor() as cur:
        cur.execute("SELECT sum(n), max(n), min(time), bool_or(ok) FROM cpu")
        s, mx, mn, any_ok = cur.fetchone()
        assert s == decimal.Decimal(66_000_000_000_000) and type(s) is decimal.Decimal, repr(s)
        assert mx == 11_000_000_000_000 and type(mx) is int, repr(mx)
        assert mn == cl.BASE, repr(mn)
        assert any_ok is True, repr(any_ok)


def error_in_transaction():
    conn = connect(autocommit=False)
    try:
        cur = conn.cursor()
        try:
            cur.execute("SELECT * FROM missing_table")
            raise AssertionError("no error for a missing table")
        except psycopg2.errors.UndefinedTable as e:
            assert e.pgcode == "42P01", e.pgcode
        st = conn.info.transaction_status
        assert st == psycopg2.extensions.TRANSACTION_STATUS_INERROR, f"transaction status {st}"
        try:
            cur.execute("SELECT 1")
            raise AssertionError("a query in a failed transaction succeeded")
        except psycopg2.errors.InFailedSqlTransaction as e:
            assert e.pgcode == "25P02", e.pgcode
        conn.rollback()
        cur.execute("SELECT count(*) FROM cpu")
        assert cur.fetchone() == (12,)
        conn.commit()
    finally:
        conn.close()


def error_autocommit():
    with S.conn.cursor() as cur:
        try:
            cur.execute("SELECT * FROM missing_table WHERE time >= %s", (cl.BASE,))
            raise AssertionError("no error for a missing table")
        except psycopg2.Error as e:
            assert e.pgcode == "42P01", f"SQLSTATE {e.pgcode}: {e}"
            assert "missing_table" in e.diag.message_primary, e.diag.message_primary
        cur.execute("SELECT host FROM cpu WHERE time = %s", (cl.BASE,))
        assert cur.fetchall() == [("h0",)]


def copy_out():
    with S.conn.cursor() as cur:
        buf = io.StringIO()
        cur.copy_expert("COPY (SELECT * FROM cpu ORDER BY time) TO STDOUT WITH (FORMAT csv)", buf)
        assert buf.getvalue() == cl.cpu_csv(), f"COPY TO STDOUT gave {buf.getvalue()!r}"


def big_copy_in():
    with S.conn.cursor() as cur:
        cur.copy_expert("COPY big FROM STDIN WITH (FORMAT csv)", io.StringIO(cl.big_csv()))
        assert cur.rowcount == cl.BIG_ROWS, f"rowcount {cur.rowcount}"


def ensure_big():
    with S.conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM big")
        if cur.fetchone() == (cl.BIG_ROWS,):
            return
        cur.execute("DELETE FROM big WHERE time >= '2000-01-01'")
        for start in range(0, cl.BIG_ROWS, 5000):
            rows = [cl.big_row(i) for i in range(start, start + 5000)]
            args = ",".join(cur.mogrify("(%s,%s,%s)", r).decode() for r in rows)
            cur.execute("INSERT INTO big VALUES " + args)
        print("note: loaded big with multi-row INSERT (COPY did not)")


def big_select():
    with S.conn.cursor() as cur:
        cur.execute("SELECT time, v, x FROM big ORDER BY time")
        cl.check_big(cur.fetchall())


def big_named_cursor():
    # A server-side cursor: DECLARE ... CURSOR, then FETCH FORWARD 20000 at a time.
    conn = connect(autocommit=False)
    try:
        cur = conn.cursor(name="big_cursor")
        cur.itersize = 20000
        cur.execute("SELECT time, v, x FROM big ORDER BY time")
        cl.check_big(cur)
        cur.close()
        conn.commit()
    finally:
        conn.close()


def register(c):
    if not c.run("connect_scram", connect_scram):
        return
    c.run("session_functions", session_functions)
    c.run("create_tables", create_tables)
    c.run("copy_from_stdin", copy_in)
    c.run("load_cpu", ensure_cpu)
    c.run("time_range_query", range_query)
    c.run("time_bucket_query", bucket_query)
    c.run("aggregate_types", sum_numeric)
    c.run("error_then_rollback_then_query", error_in_transaction)
    c.run("error_then_query_autocommit", error_autocommit)
    c.run("copy_to_stdout", copy_out)
    c.run("copy_100k_from_stdin", big_copy_in)
    c.run("load_big", ensure_big)
    c.run("select_100k", big_select)
    c.run("named_cursor_100k", big_named_cursor)
    S.conn.close()


if __name__ == "__main__":
    cl.main("psycopg2", register)
