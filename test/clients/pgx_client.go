// Copyright 2026 The OmenDB Authors.
//
// pgx v4 (Debian's golang-github-jackc-pgx-v4-dev, built offline with GOPATH=/usr/share/gocode
// GO111MODULE=off) against `omendb serve`, run by harness.py (PG* environment variables):
// pgx.Connect, CopyFrom (binary COPY), QueryRow with arguments (pgx prepares each statement and
// encodes the arguments by the parameter types the server describes), Query with the Go types
// pgx maps the columns to (binary results), SendBatch, an error then a good query, the simple
// protocol with arguments, and a 100,000-row result.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgx/v4"
)

const (
	cpuDDL = "CREATE TABLE %s (time TIMESTAMPTZ NOT NULL, host TEXT, usage DOUBLE PRECISION, " +
		"n BIGINT, ok BOOLEAN)"
	rangeSQL  = "SELECT time, host, usage, n, ok FROM cpu WHERE time >= $1 AND time < $2 ORDER BY time"
	bucketSQL = "SELECT time_bucket('1 hour', time) AS b, host, avg(usage) AS a, count(*) AS c " +
		"FROM cpu " +
		"WHERE time >= $1 AND time < $2 GROUP BY 1,2 ORDER BY 1,2"
	bigRows = 100000
)

var (
	base   = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx    = context.Background()
	conn   *pgx.Conn
	passed int
	failed int
)

// ---- The data set (the same as test/clients/clientlib.py)

type cpuRow struct {
	Time  time.Time
	Host  string
	Usage *float64
	N     int64
	Ok    *bool
}

func cpu(i int) cpuRow {
	r := cpuRow{Time: base.Add(time.Duration(i) * 15 * time.Minute), Host: fmt.Sprintf("h%d", i%2),
		N: int64(i) * 1e12}
	if i != 11 {
		u, ok := float64(i)*1.5, i%3 == 0
		r.Usage, r.Ok = &u, &ok
	}
	return r
}

func (r cpuRow) values() []interface{} {
	var usage, ok interface{}
	if r.Usage != nil {
		usage = *r.Usage
	}
	if r.Ok != nil {
		ok = *r.Ok
	}
	return []interface{}{r.Time, r.Host, usage, r.N, ok}
}

func pgTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + "+00" }

// ---- Check runner

type failure struct{ msg string }

// fail ends the current check; the message names the line of the check that failed.
func fail(format string, args ...interface{}) {
	where := ""
	for k := 1; k < 8; k++ {
		pc, file, line, ok := runtime.Caller(k)
		if !ok {
			break
		}
		fn := runtime.FuncForPC(pc).Name()
		if fn != "main.fail" && fn != "main.must" && fn != "main.expectEq" {
			where = fmt.Sprintf(" (%s:%d)", file[strings.LastIndex(file, "/")+1:], line)
			break
		}
	}
	panic(failure{fmt.Sprintf(format, args...) + where})
}

func must(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err) // a *pgconn.PgError's text ends with its SQLSTATE
	}
}

func expectEq(got, want interface{}, what string) {
	if !reflect.DeepEqual(got, want) {
		fail("%s: got %#v (%T), expected %#v (%T)", what, got, got, want, want)
	}
}

func run(name string, check func()) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			failed++
			if f, ok := r.(failure); ok {
				fmt.Printf("FAIL pgx.%s: %s\n", name, f.msg)
			} else {
				fmt.Printf("FAIL pgx.%s: panic: %v\n", name, r)
			}
			return
		}
		passed++
		fmt.Printf("PASS pgx.%s (%.2f s)\n", name, time.Since(start).Seconds())
	}()
	check()
}

func count(table string) int64 {
	var n int64
	must(conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n), "count(*)")
	return n
}

func exec(sql string) {
	_, err := conn.Exec(ctx, sql)
	must(err, sql)
}

// ---- Checks

func connect() {
	var err error
	conn, err = pgx.Connect(ctx, "") // PG* environment variables
	must(err, "pgx.Connect")
	v := conn.PgConn().ParameterStatus("server_version")
	if !strings.HasPrefix(v, "15") {
		fail("server_version %q", v)
	}
}

func createTables() {
	exec(fmt.Sprintf(cpuDDL, "cpu"))
	exec(fmt.Sprintf(cpuDDL, "cpu_batch"))
	exec("CREATE TABLE big (time TIMESTAMPTZ NOT NULL, v BIGINT, x DOUBLE PRECISION)")
}

var cpuColumns = []string{"time", "host", "usage", "n", "ok"}

func copyFrom() {
	rows := make([][]interface{}, 12)
	for i := range rows {
		rows[i] = cpu(i).values()
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"cpu"}, cpuColumns, pgx.CopyFromRows(rows))
	must(err, "CopyFrom")
	expectEq(n, int64(12), "rows copied")
	expectEq(count("cpu"), int64(12), "count(*)")
}

func literal(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return "'" + pgTime(x) + "'"
	case string:
		return "'" + x + "'"
	default:
		return fmt.Sprint(x)
	}
}

func loadCpu() {
	if count("cpu") == 12 {
		return
	}
	exec("DELETE FROM cpu WHERE time >= '2000-01-01'")
	var vals []string
	for i := 0; i < 12; i++ {
		var lits []string
		for _, v := range cpu(i).values() {
			lits = append(lits, literal(v))
		}
		vals = append(vals, "("+strings.Join(lits, ", ")+")")
	}
	exec("INSERT INTO cpu VALUES " + strings.Join(vals, ", "))
	fmt.Println("note: loaded cpu with a literal INSERT (CopyFrom did not)")
	expectEq(count("cpu"), int64(12), "count(*)")
}

func queryRowArgs() {
	// pgx prepares the statement and encodes time.Time by the type the server describes for
	// $1 and $2 (PostgreSQL: timestamptz, inferred from the comparison with `time`).
	var n int64
	var avg float64
	err := conn.QueryRow(ctx, "SELECT count(*), avg(usage) FROM cpu WHERE time >= $1 AND time < $2",
		base.Add(30*time.Minute), base.Add(90*time.Minute)).Scan(&n, &avg)
	must(err, "QueryRow")
	expectEq(n, int64(4), "count")
	expectEq(avg, 5.25, "avg")
}

func queryRowCastArgs() {
	// With explicit casts the parameter types are not even a matter of inference.
	var host string
	err := conn.QueryRow(ctx, "SELECT host FROM cpu WHERE time = $1::timestamptz AND n = $2::bigint",
		base.Add(15*time.Minute), int64(1e12)).Scan(&host)
	must(err, "QueryRow")
	expectEq(host, "h1", "host")
}

func queryRowStringArgs() {
	var n int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE time >= $1 AND time < $2",
		"2024-01-01 00:30:00+00", "2024-01-01 01:30:00+00").Scan(&n)
	must(err, "QueryRow")
	expectEq(n, int64(4), "count")
}

func checkRangeRows(rows pgx.Rows) {
	defer rows.Close()
	if len(rows.FieldDescriptions()) == 0 { // the query failed
		rows.Close()
		must(rows.Err(), "Query")
	}
	oids := []uint32{}
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	expectEq(oids, []uint32{1184, 25, 701, 20, 16}, "column type oids")
	i := 2
	for rows.Next() {
		vals, err := rows.Values()
		must(err, "Values")
		want := cpu(i).values()
		for c := range vals {
			if reflect.TypeOf(vals[c]) != reflect.TypeOf(want[c]) {
				fail("row %d column %d: %T, expected %T", i, c, vals[c], want[c])
			}
		}
		if t := vals[0].(time.Time); !t.Equal(want[0].(time.Time)) {
			fail("row %d time %v, expected %v", i, t, want[0])
		}
		expectEq(vals[1:], want[1:], fmt.Sprintf("row %d", i))
		var r cpuRow
		must(rows.Scan(&r.Time, &r.Host, &r.Usage, &r.N, &r.Ok), "Scan")
		if !r.Time.Equal(cpu(i).Time) || r.Host != cpu(i).Host || *r.Usage != *cpu(i).Usage {
			fail("row %d scanned as %+v", i, r)
		}
		i++
	}
	must(rows.Err(), "rows")
	expectEq(i-2, 4, "rows")
}

func rangeQuery() {
	rows, err := conn.Query(ctx, rangeSQL, base.Add(30*time.Minute), base.Add(90*time.Minute))
	must(err, "Query")
	checkRangeRows(rows)
}

func rangeSimpleProtocol() {
	// The simple protocol: pgx interpolates the arguments itself, text results.
	rows, err := conn.Query(ctx, rangeSQL, pgx.QuerySimpleProtocol(true), base.Add(30*time.Minute),
		base.Add(90*time.Minute))
	must(err, "Query")
	checkRangeRows(rows)
}

func bucketQuery() {
	rows, err := conn.Query(ctx, bucketSQL, base, base.Add(24*time.Hour))
	must(err, "Query")
	defer rows.Close()
	avgs := []float64{1.5, 3, 7.5, 9, 13.5, 13.5}
	k := 0
	for rows.Next() {
		var b time.Time
		var host string
		var a float64
		var c int64
		must(rows.Scan(&b, &host, &a, &c), "Scan")
		bucket := base.Add(time.Duration(k/2) * time.Hour)
		if !b.Equal(bucket) || host != fmt.Sprintf("h%d", k%2) || a != avgs[k] || c != 2 {
			fail("row %d is (%v, %s, %v, %d)", k, b, host, a, c)
		}
		k++
	}
	must(rows.Err(), "rows")
	expectEq(k, 6, "rows")
}

func errorThenQuery() {
	var x int
	err := conn.QueryRow(ctx, "SELECT * FROM missing_table").Scan(&x)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		fail("no PostgreSQL error for a missing table: %v", err)
	}
	expectEq(pgErr.Code, "42P01", "SQLSTATE ("+pgErr.Message+")")
	var host string
	must(conn.QueryRow(ctx, "SELECT host FROM cpu WHERE time = '2024-01-01 00:00:00+00'").Scan(&host),
		"query after the error")
	expectEq(host, "h0", "host")
}

func errorInTransaction() {
	tx, err := conn.Begin(ctx)
	must(err, "Begin")
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "SELECT * FROM missing_table")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42P01" {
		fail("expected 42P01, got %v", err)
	}
	must(tx.Rollback(ctx), "Rollback")
	expectEq(count("cpu"), int64(12), "count(*) after rollback")
}

func sendBatch() {
	b := &pgx.Batch{}
	for i := 0; i < 12; i++ {
		b.Queue("INSERT INTO cpu_batch VALUES ($1, $2, $3, $4, $5)", cpu(i).values()...)
	}
	b.Queue("SELECT count(*) FROM cpu_batch")
	br := conn.SendBatch(ctx, b)
	for i := 0; i < 12; i++ {
		tag, err := br.Exec()
		must(err, fmt.Sprintf("batch INSERT %d", i))
		expectEq(tag.String(), "INSERT 0 1", "command tag")
	}
	var n int64
	must(br.QueryRow().Scan(&n), "batch SELECT")
	must(br.Close(), "batch Close")
	expectEq(n, int64(12), "count(*)")
}

func bigCopyFrom() {
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"big"}, []string{"time", "v", "x"},
		pgx.CopyFromSlice(bigRows, func(i int) ([]interface{}, error) {
			return []interface{}{base.Add(time.Duration(i) * time.Second), int64(i), float64(i) * 0.25}, nil
		}))
	must(err, "CopyFrom")
	expectEq(n, int64(bigRows), "rows copied")
}

func loadBig() {
	if count("big") == bigRows {
		return
	}
	exec("DELETE FROM big WHERE time >= '2000-01-01'")
	for start := 0; start < bigRows; start += 5000 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO big VALUES ")
		for i := start; i < start+5000; i++ {
			if i > start {
				sb.WriteString(",")
			}
			t := base.Add(time.Duration(i) * time.Second)
			fmt.Fprintf(&sb, "('%s', %d, %v)", pgTime(t), i, float64(i)*0.25)
		}
		exec(sb.String())
	}
	fmt.Println("note: loaded big with multi-row INSERTs (CopyFrom did not)")
	expectEq(count("big"), int64(bigRows), "count(*)")
}

func selectBig(args ...interface{}) func() {
	return func() {
		rows, err := conn.Query(ctx, "SELECT time, v, x FROM big ORDER BY time", args...)
		must(err, "Query")
		defer rows.Close()
		var sumV int64
		var sumX float64
		i := 0
		for rows.Next() {
			var t time.Time
			var v int64
			var x float64
			must(rows.Scan(&t, &v, &x), "Scan")
			if !t.Equal(base.Add(time.Duration(i)*time.Second)) || v != int64(i) || x != float64(i)*0.25 {
				fail("row %d is (%v, %d, %v)", i, t, v, x)
			}
			sumV += v
			sumX += x
			i++
		}
		must(rows.Err(), "rows")
		expectEq(i, bigRows, "rows")
		expectEq(sumV, int64(4999950000), "sum(v)")
		expectEq(sumX, 1249987500.0, "sum(x)")
	}
}

func main() {
	run("connect_scram", connect)
	if conn == nil {
		fmt.Println("pgx: cannot connect, no further checks")
		os.Exit(1)
	}
	run("create_tables", createTables)
	run("copy_from", copyFrom)
	run("load_cpu", loadCpu)
	run("query_row_time_args", queryRowArgs)
	run("query_row_cast_args", queryRowCastArgs)
	run("query_row_string_args", queryRowStringArgs)
	run("time_range_query", rangeQuery)
	run("time_range_simple_protocol", rangeSimpleProtocol)
	run("time_bucket_query", bucketQuery)
	run("error_then_good_query", errorThenQuery)
	run("error_then_rollback_then_query", errorInTransaction)
	run("send_batch", sendBatch)
	run("copy_from_100k", bigCopyFrom)
	run("load_big", loadBig)
	run("select_100k_binary", selectBig())
	run("select_100k_simple_protocol", selectBig(pgx.QuerySimpleProtocol(true)))
	conn.Close(ctx)
	fmt.Printf("pgx: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
