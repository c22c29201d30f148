#!/usr/bin/env python3
# Copyright 2026 The OmenDB Authors.
#
# psql against `omendb serve` (run by harness.py, which sets PGHOST/PGPORT/PGUSER/PGPASSWORD):
# scripted sessions with COPY FROM STDIN inline, \copy from and to files, queries, an error
# then a good query in the same session, \gdesc, \dt and \d, and a 100,000-row \copy round trip.

import os
import subprocess

import clientlib as cl

TMP = os.environ.get("OMENDB_CLIENT_TMP", "/tmp")


def psql(script, *extra, check=True):
    """Runs psql on `script` (stdin) in one session; returns (stdout, stderr)."""
    cmd = ["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "VERBOSITY=verbose", *extra]
    if check:
        cmd += ["-v", "ON_ERROR_STOP=1"]
    p = subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"psql exited {p.returncode}; stderr:\n{p.stderr.strip()}")
    return p.stdout, p.stderr


def lines(out):
    return [ln for ln in out.splitlines() if ln != ""]


def text_row(r):
    t, host, usage, n, ok = r
    fmt = lambda v: "" if v is None else v  # noqa: E731
    usage_s = "" if usage is None else f"{usage:g}"
    ok_s = "" if ok is None else ("t" if ok else "f")
    return f"{t:%Y-%m-%d %H:%M:%S}+00|{fmt(host)}|{usage_s}|{n}|{ok_s}"


def create_tables():
    psql(f"{cl.CPU_DDL};\n{cl.BIG_DDL};\n")


def copy_from_stdin():
    script = ("COPY cpu FROM STDIN WITH (FORMAT csv);\n" + cl.cpu_csv() + "\\.\n"
              "SELECT count(*) FROM cpu;\n")
    out, err = psql(script, "-v", "QUIET=0")
    assert "COPY 12" in out, f"no 'COPY 12' in psql output {out!r}"
    assert lines(out)[-1] == "12", f"count after COPY is {lines(out)[-1]!r}, expected 12"


def ensure_cpu_loaded():
    """When COPY failed, loads the same rows with INSERT so that the query checks still run."""
    out, _ = psql("SELECT count(*) FROM cpu;")
    if lines(out) == ["12"]:
        return
    values = []
    for r in cl.cpu_rows():
        t, host, usage, n, ok = r
        values.append(f"('{t:%Y-%m-%d %H:%M:%S}+00', '{host}', "
                      f"{'NULL' if usage is None else usage}, {n}, "
                      f"{'NULL' if ok is None else ok})")
    psql("DELETE FROM cpu WHERE time >= '2000-01-01';\n"
         f"INSERT INTO cpu VALUES {', '.join(values)};\n")
    print("note: loaded cpu with INSERT (COPY FROM STDIN did not)")
    out, _ = psql("SELECT count(*) FROM cpu;")
    assert lines(out) == ["12"], f"cpu has {out!r} rows after INSERT"


def range_query():
    out, _ = psql(cl.RANGE_SQL.format(lo=f"'{cl.RANGE_LO.isoformat()}'",
                                      hi=f"'{cl.RANGE_HI.isoformat()}'") + ";\n")
    want = [text_row(r) for r in cl.expected_range()]
    assert lines(out) == want, f"got {lines(out)}, expected {want}"


def bucket_query():
    out, _ = psql(cl.BUCKET_SQL.format(lo="'2024-01-01'", hi="'2024-01-02'") + ";\n")
    want = [f"{b:%Y-%m-%d %H:%M:%S}+00|{h}|{a:g}|{c}" for b, h, a, c in cl.expected_buckets()]
    assert lines(out) == want, f"got {lines(out)}, expected {want}"


def gdesc_types():
    # \gdesc describes the query through the extended protocol and names the types with
    # format_type(): the types the server reports for each column.
    out, _ = psql(cl.BUCKET_SQL.format(lo="'2024-01-01'", hi="'2024-01-02'") + " \\gdesc\n"
                  "SELECT time, host, usage, n, ok FROM cpu \\gdesc\n")
    want = ["b|timestamp with time zone", "host|text", "a|double precision", "c|bigint",
            "time|timestamp with time zone", "host|text", "usage|double precision", "n|bigint",
            "ok|boolean"]
    assert lines(out) == want, f"got {lines(out)}, expected {want}"


def error_then_query():
    out, err = psql("SELECT * FROM missing_table;\n\\echo sqlstate=:LAST_ERROR_SQLSTATE\n"
                    "SELECT count(*) FROM cpu;\n", check=False)
    assert 'ERROR:  42P01: relation "missing_table" does not exist' in err, f"stderr: {err!r}"
    assert lines(out) == ["sqlstate=42P01", "12"], f"stdout: {lines(out)}"


def error_in_block():
    # In PostgreSQL any error inside BEGIN ... fails the block, a syntax error included.
    for bad in ("SELEC 1", "SELECT * FROM missing_table"):
        out, err = psql(f"BEGIN;\n{bad};\nSELECT 1;\n\\echo status=:LAST_ERROR_SQLSTATE\n"
                        "ROLLBACK;\nSELECT 2;\n", check=False)
        assert lines(out) == ["status=25P02", "2"], (
            f"after '{bad}' in a block: stdout {lines(out)}, stderr {err!r} (expected the next "
            "query to fail with 25P02 and the block to end with ROLLBACK)")


def describe_tables():
    out, _ = psql("\\dt\n")
    names = sorted(ln.split("|")[:3] for ln in lines(out))
    want = [["public", "big", "table"], ["public", "cpu", "table"]]
    assert names == want, f"\\dt listed {lines(out)}, expected {want} (+ owner)"


def describe_columns():
    out, _ = psql("\\d cpu\n")
    cols = [ln.split("|")[:4] for ln in lines(out)]
    want = [["time", "timestamp with time zone", "", "not null"],
            ["host", "text", "", ""], ["usage", "double precision", "", ""],
            ["n", "bigint", "", ""], ["ok", "boolean", "", ""]]
    assert cols == want, f"\\d cpu gave {lines(out)}, expected {want}"


def big_copy_in(path):
    out, _ = psql(f"\\copy big FROM '{path}' WITH (FORMAT csv)\n", "-v", "QUIET=0")
    assert "COPY 100000" in out, f"\\copy printed {out!r}"


def ensure_big_loaded():
    out, _ = psql("SELECT count(*) FROM big;")
    if lines(out) == [str(cl.BIG_ROWS)]:
        return
    psql("DELETE FROM big WHERE time >= '2000-01-01';\n")
    stmts = []
    for start in range(0, cl.BIG_ROWS, 5000):
        vals = ", ".join(f"('{t:%Y-%m-%d %H:%M:%S}+00', {v}, {x})"
                         for t, v, x in map(cl.big_row, range(start, start + 5000)))
        stmts.append(f"INSERT INTO big VALUES {vals};\n")
    psql("".join(stmts))
    print("note: loaded big with INSERT (\\copy did not)")


def big_select():
    out, _ = psql("SELECT extract(epoch FROM time)::bigint, v, x FROM big ORDER BY time;\n")
    rows = []
    for ln in lines(out):
        epoch, v, x = ln.split("|")
        rows.append((cl.BASE.fromtimestamp(int(epoch), cl.UTC), int(v), float(x)))
    cl.check_big(rows)


def big_copy_out(path, expected):
    out_path = os.path.join(TMP, "big_out.csv")
    psql(f"\\copy (SELECT time, v, x FROM big ORDER BY time) TO '{out_path}' WITH (FORMAT csv)\n")
    with open(out_path) as f:
        got = f.read()
    if got != expected:
        a, b = got.splitlines(), expected.splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        raise AssertionError(f"{len(a)} lines, expected {len(b)}; first difference at line "
                             f"{first}: {a[first:first + 1]} vs {b[first:first + 1]}")


def register(c):
    c.run("create_tables", create_tables)
    c.run("copy_from_stdin", copy_from_stdin)
    c.run("load_cpu", ensure_cpu_loaded)
    c.run("time_range_query", range_query)
    c.run("time_bucket_query", bucket_query)
    c.run("gdesc_types", gdesc_types)
    c.run("error_then_good_query", error_then_query)
    c.run("error_fails_transaction_block", error_in_block)
    c.run("dt", describe_tables)
    c.run("d_table", describe_columns)
    path = os.path.join(TMP, "big.csv")
    expected = cl.big_csv()
    with open(path, "w") as f:
        f.write(expected)
    c.run("copy_100k_from_file", big_copy_in, path)
    c.run("load_big", ensure_big_loaded)
    c.run("select_100k", big_select)
    c.run("copy_100k_to_file", big_copy_out, path, expected)


if __name__ == "__main__":
    cl.main("psql", register)
