# Copyright 2026 The OmenDB Authors.
#
# Shared pieces of the Python client tests (psql, psycopg2, psycopg 3): the data set every
# client test uses (the C, Java, JavaScript and Go tests spell out the same one) and a tiny
# check runner that goes on after a failed check and prints one PASS/FAIL line per check.

import datetime
import sys
import time
import traceback

UTC = datetime.timezone.utc
BASE = datetime.datetime(2024, 1, 1, tzinfo=UTC)

CPU_DDL = ("CREATE TABLE cpu (time TIMESTAMPTZ NOT NULL, host TEXT, usage DOUBLE PRECISION, "
           "n BIGINT, ok BOOLEAN)")
BIG_DDL = "CREATE TABLE big (time TIMESTAMPTZ NOT NULL, v BIGINT, x DOUBLE PRECISION)"
BIG_ROWS = 100_000
BIG_SUM_V = BIG_ROWS * (BIG_ROWS - 1) // 2  # 4999950000
BIG_SUM_X = BIG_SUM_V * 0.25  # exact in binary

# [00:30, 01:30): rows 2..5.
RANGE_LO = BASE + datetime.timedelta(minutes=30)
RANGE_HI = BASE + datetime.timedelta(minutes=90)
DAY_END = BASE + datetime.timedelta(days=1)

BUCKET_SQL = ("SELECT time_bucket('1 hour', time) AS b, host, avg(usage) AS a, count(*) AS c "
              "FROM cpu WHERE time >= {lo} AND time < {hi} GROUP BY 1,2 ORDER BY 1,2")
RANGE_SQL = ("SELECT time, host, usage, n, ok FROM cpu WHERE time >= {lo} AND time < {hi} "
             "ORDER BY time")


def cpu_rows():
    """12 rows, every 15 minutes from 2024-01-01 00:00 UTC; the last has NULL usage and ok."""
    rows = []
    for i in range(12):
        t = BASE + datetime.timedelta(minutes=15 * i)
        usage = None if i == 11 else i * 1.5
        ok = None if i == 11 else i % 3 == 0
        rows.append((t, f"h{i % 2}", usage, i * 1_000_000_000_000, ok))
    return rows


def expected_range():
    return [r for r in cpu_rows() if RANGE_LO <= r[0] < RANGE_HI]


def expected_buckets():
    """(bucket, host, avg, count) for the whole day."""
    groups = {}
    for t, host, usage, _, _ in cpu_rows():
        b = t.replace(minute=0)
        groups.setdefault((b, host), []).append(usage)
    out = []
    for (b, host), usages in sorted(groups.items()):
        vals = [u for u in usages if u is not None]
        out.append((b, host, sum(vals) / len(vals), len(usages)))
    return out


def csv_value(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S+00")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # as PostgreSQL prints float8: 3, not 3.0
    return str(v)


def cpu_csv():
    return "".join(",".join(csv_value(v) for v in r) + "\n" for r in cpu_rows())


def big_row(i):
    return (BASE + datetime.timedelta(seconds=i), i, i * 0.25)


def big_csv():
    return "".join(",".join(csv_value(v) for v in big_row(i)) + "\n" for i in range(BIG_ROWS))


def check_big(rows):
    """Checks a `SELECT time, v, x FROM big ORDER BY time` result: count, checksums, each row."""
    rows = list(rows)
    assert len(rows) == BIG_ROWS, f"{len(rows)} rows, expected {BIG_ROWS}"
    sum_v = sum(r[1] for r in rows)
    sum_x = sum(r[2] for r in rows)
    assert sum_v == BIG_SUM_V, f"sum(v) = {sum_v}, expected {BIG_SUM_V}"
    assert sum_x == BIG_SUM_X, f"sum(x) = {sum_x}, expected {BIG_SUM_X}"
    for i, r in enumerate(rows):
        if r != big_row(i):
            raise AssertionError(f"row {i} is {r!r}, expected {big_row(i)!r}")


def assert_types(row, types):
    for i, (v, t) in enumerate(zip(row, types)):
        if v is not None and type(v) is not t:
            raise AssertionError(f"column {i}: {v!r} is {type(v).__name__}, expected {t.__name__}")


def assert_aware_utc(t):
    assert isinstance(t, datetime.datetime), f"{t!r} is not a datetime"
    assert t.tzinfo is not None, f"{t!r} has no time zone (timestamptz maps to an aware datetime)"
    assert t.utcoffset() == datetime.timedelta(0), f"{t!r} is not in UTC"


def check_range_rows(cur):
    """The rows and column type oids of RANGE_SQL, read from a DB-API cursor (psycopg 2 and 3)."""
    rows = cur.fetchall()
    want = expected_range()
    assert rows == want, f"got {rows}, expected {want}"
    for r in rows:
        assert_types(r, (datetime.datetime, str, float, int, bool))
        assert_aware_utc(r[0])
    oids = [d.type_code for d in cur.description]
    assert oids == [1184, 25, 701, 20, 16], f"column type oids {oids}"


class Checks:
    """Runs named checks; a failed check prints its error and the run goes on."""

    def __init__(self, client):
        self.client = client
        self.failed = []
        self.passed = []

    def run(self, name, fn, *args):
        started = time.monotonic()
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 -- every failure is reported, none stops the run
            self.failed.append(name)
            print(f"FAIL {self.client}.{name}: {type(e).__name__}: {e}", flush=True)
            tb = traceback.extract_tb(e.__traceback__)
            for frame in tb[1:]:
                print(f"     at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.line}")
            return False
        print(f"PASS {self.client}.{name} ({time.monotonic() - started:.2f} s)", flush=True)
        self.passed.append(name)
        return True

    def finish(self):
        print(f"{self.client}: {len(self.passed)} passed, {len(self.failed)} failed"
              + (f": {', '.join(self.failed)}" if self.failed else ""), flush=True)
        return 1 if self.failed else 0


def main(client, register):
    """register(checks) runs the checks; exits 1 when any failed."""
    checks = Checks(client)
    register(checks)
    sys.exit(checks.finish())
