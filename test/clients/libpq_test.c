// Copyright 2026 The OmenDB Authors.
//
// libpq against `omendb serve`, run by harness.py (connection settings from PG* environment
// variables): PQexecParams with untyped text and typed binary parameters and text and binary
// results, PQprepare/PQdescribePrepared/PQexecPrepared, COPY FROM STDIN with PQputCopyData,
// COPY TO STDOUT with PQgetCopyData, an error then a good query (simple and extended protocol),
// PQcancel of a running query, and a 100,000-row result (binary, and text in single-row mode).
// Each check prints PASS or FAIL and the run goes on; the exit status is 1 when any failed.

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kOidBool = 16, kOidInt8 = 20, kOidText = 25, kOidFloat8 = 701, kOidTimestampTz = 1184 };
enum { kBigRows = 100000, kCpuRows = 12 };

// 2024-01-01 00:00:00 UTC in microseconds since PostgreSQL's epoch (2000-01-01).
static const int64_t kBasePg = 757382400LL * 1000000;
static const int64_t kMinute = 60LL * 1000000;

static PGconn* conn;
static char failure[2048];
static int failed_checks, passed_checks;

// Records why the current check failed (the first reason wins) and returns 0.
static int Fail(const char* fmt, ...) {
  if (failure[0] == '\0') {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(failure, sizeof failure, fmt, ap);
    va_end(ap);
  }
  return 0;
}

#define EXPECT(cond, ...) \
  do {                    \
    if (!(cond)) {        \
      Fail(__VA_ARGS__);  \
      return 0;           \
    }                     \
  } while (0)

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void Run(const char* name, int (*check)(void)) {
  failure[0] = '\0';
  const double start = Now();
  const int ok = check() && failure[0] == '\0';
  if (ok) {
    ++passed_checks;
    printf("PASS libpq.%s (%.2f s)\n", name, Now() - start);
  } else {
    ++failed_checks;
    printf("FAIL libpq.%s: %s\n", name, failure[0] ? failure : "(no reason given)");
  }
  fflush(stdout);
}

// ---- Expected data (the same as test/clients/clientlib.py)

struct CpuRow {
  int64_t time;  // PostgreSQL epoch microseconds
  char host[4];
  int usage_null;
  double usage;
  int64_t n;
  int ok_null;
  int ok;
};

static struct CpuRow CpuRowAt(int i) {
  struct CpuRow r;
  memset(&r, 0, sizeof r);
  r.time = kBasePg + 15 * kMinute * i;
  snprintf(r.host, sizeof r.host, "h%d", i % 2);
  r.usage_null = i == 11;
  r.usage = i * 1.5;
  r.n = (int64_t)i * 1000000000000LL;
  r.ok_null = i == 11;
  r.ok = i % 3 == 0;
  return r;
}

// "2024-01-01 HH:MM:SS+00" for a time on 2024-01-01 (all of the test data).
static void FormatTime(int64_t pg_micros, char* out, size_t size) {
  const int64_t s = (pg_micros - kBasePg) / 1000000;
  snprintf(out, size, "2024-01-01 %02d:%02d:%02d+00", (int)(s / 3600), (int)(s / 60 % 60),
           (int)(s % 60));
}

// The CSV line of cpu row i, as PostgreSQL's COPY ... (FORMAT csv) writes it.
static void CpuCsvLine(int i, char* out, size_t size) {
  const struct CpuRow r = CpuRowAt(i);
  char t[32], usage[32] = "";
  FormatTime(r.time, t, sizeof t);
  if (!r.usage_null) snprintf(usage, sizeof usage, "%.17g", r.usage);
  snprintf(out, size, "%s,%s,%s,%lld,%s\n", t, r.host, usage, (long long)r.n,
           r.ok_null ? "" : (r.ok ? "t" : "f"));
}

// Row i of `big` is (2024-01-01 00:00:00+00 + i seconds, i, i * 0.25).
static void BigTime(int i, char* out, size_t size) {
  snprintf(out, size, "2024-01-%02d %02d:%02d:%02d+00", 1 + i / 86400, i / 3600 % 24, i / 60 % 60,
           i % 60);
}

static void BigCsvLine(int i, char* out, size_t size) {
  char t[32];
  BigTime(i, t, sizeof t);
  snprintf(out, size, "%s,%d,%.17g\n", t, i, i * 0.25);
}

// ---- Binary helpers

static int64_t GetInt64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | (uint8_t)p[i];
  return (int64_t)v;
}

static double GetFloat8(const char* p) {
  const uint64_t bits = (uint64_t)GetInt64(p);
  double d;
  memcpy(&d, &bits, 8);
  return d;
}

static void PutInt64(int64_t v, char* p) {
  for (int i = 7; i >= 0; --i) {
    p[i] = (char)(v & 0xff);
    v = (int64_t)((uint64_t)v >> 8);
  }
}

static void PutFloat8(double d, char* p) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  PutInt64((int64_t)bits, p);
}

// ---- Result helpers

static const char* SqlState(const PGresult* res) {
  const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  return s ? s : "(none)";
}

// True when res has `status`; otherwise records the error and clears res.
static int ResultIs(PGresult* res, ExecStatusType status, const char* what) {
  if (PQresultStatus(res) == status) return 1;
  Fail("%s: %s (SQLSTATE %s): %s", what, PQresStatus(PQresultStatus(res)), SqlState(res),
       PQresultErrorMessage(res));
  PQclear(res);
  return 0;
}

static int Exec(const char* sql) {
  PGresult* res = PQexec(conn, sql);
  if (!ResultIs(res, PGRES_COMMAND_OK, sql)) return 0;
  PQclear(res);
  return 1;
}

static long long CountRows(const char* table) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  PGresult* res = PQexec(conn, sql);
  long long n = -1;
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
    n = atoll(PQgetvalue(res, 0, 0));
  PQclear(res);
  return n;
}

static int CheckColumnTypes(const PGresult* res, const Oid* want, int n) {
  EXPECT(PQnfields(res) == n, "%d columns, expected %d", PQnfields(res), n);
  for (int c = 0; c < n; ++c) {
    EXPECT(PQftype(res, c) == want[c], "column %d (%s) has type oid %u, expected %u", c,
           PQfname(res, c), PQftype(res, c), want[c]);
  }
  return 1;
}

// ---- Checks

static int CheckConnect(void) {
  conn = PQconnectdb("");
  EXPECT(PQstatus(conn) == CONNECTION_OK, "connection failed: %s", PQerrorMessage(conn));
  EXPECT(PQserverVersion(conn) >= 150000, "server_version %d", PQserverVersion(conn));
  const char* tz = PQparameterStatus(conn, "TimeZone");
  EXPECT(tz && strcmp(tz, "UTC") == 0, "TimeZone %s", tz ? tz : "(unset)");
  // The harness serves SCRAM-SHA-256 only, so a connection means the exchange succeeded.
  return 1;
}

static int CheckCreate(void) {
  return Exec(
             "CREATE TABLE cpu (time TIMESTAMPTZ NOT NULL, host TEXT, usage DOUBLE PRECISION, "
             "n BIGINT, ok BOOLEAN)") &&
         Exec(
             "CREATE TABLE cpu_bin (time TIMESTAMPTZ NOT NULL, host TEXT, usage DOUBLE "
             "PRECISION, n BIGINT, ok BOOLEAN)") &&
         Exec("CREATE TABLE big (time TIMESTAMPTZ NOT NULL, v BIGINT, x DOUBLE PRECISION)");
}

// COPY table FROM STDIN with `rows` CSV lines from line(i, ...), sent in 64 KiB chunks.
static int CopyIn(const char* sql, int rows, void (*line)(int, char*, size_t)) {
  PGresult* res = PQexec(conn, sql);
  if (!ResultIs(res, PGRES_COPY_IN, sql)) return 0;
  const int binary = PQbinaryTuples(res);
  PQclear(res);
  if (binary) Fail("CopyInResponse says binary");  // still ends the COPY below
  char* buf = malloc(1 << 16);
  size_t used = 0;
  for (int i = 0; i < rows; ++i) {
    char l[128];
    line(i, l, sizeof l);
    const size_t len = strlen(l);
    if (used + len > (1 << 16)) {
      if (PQputCopyData(conn, buf, (int)used) != 1) break;
      used = 0;
    }
    memcpy(buf + used, l, len);
    used += len;
  }
  const int put_ok = PQputCopyData(conn, buf, (int)used) == 1;
  free(buf);
  EXPECT(put_ok, "PQputCopyData: %s", PQerrorMessage(conn));
  EXPECT(PQputCopyEnd(conn, NULL) == 1, "PQputCopyEnd: %s", PQerrorMessage(conn));
  res = PQgetResult(conn);
  int ok = ResultIs(res, PGRES_COMMAND_OK, "end of COPY");
  if (ok) {
    char want[32];
    snprintf(want, sizeof want, "%d", rows);
    if (strcmp(PQcmdTuples(res), want) != 0) {
      ok = Fail("COPY reported %s rows, expected %s", PQcmdTuples(res), want);
    }
    PQclear(res);
  }
  while ((res = PQgetResult(conn)) != NULL) PQclear(res);
  return ok;
}

static int CheckCopyIn(void) {
  if (!CopyIn("COPY cpu FROM STDIN WITH (FORMAT csv)", kCpuRows, CpuCsvLine)) return 0;
  EXPECT(CountRows("cpu") == kCpuRows, "count(*) is %lld after COPY", CountRows("cpu"));
  return 1;
}

// Inserts the cpu rows with PQexecParams and untyped text parameters, when COPY did not.
static int CheckLoadCpu(void) {
  if (CountRows("cpu") == kCpuRows) return 1;
  if (!Exec("DELETE FROM cpu WHERE time >= '2000-01-01'")) return 0;
  for (int i = 0; i < kCpuRows; ++i) {
    const struct CpuRow r = CpuRowAt(i);
    char t[32], usage[32], n[32];
    FormatTime(r.time, t, sizeof t);
    snprintf(usage, sizeof usage, "%.17g", r.usage);
    snprintf(n, sizeof n, "%lld", (long long)r.n);
    const char* values[5] = {t, r.host, r.usage_null ? NULL : usage, n,
                             r.ok_null ? NULL : (r.ok ? "true" : "false")};
    PGresult* res = PQexecParams(conn, "INSERT INTO cpu VALUES ($1, $2, $3, $4, $5)", 5, NULL,
                                 values, NULL, NULL, 0);
    if (!ResultIs(res, PGRES_COMMAND_OK, "INSERT with untyped text parameters")) return 0;
    PQclear(res);
  }
  printf("note: loaded cpu with PQexecParams INSERTs (COPY did not)\n");
  EXPECT(CountRows("cpu") == kCpuRows, "count(*) is %lld after INSERT", CountRows("cpu"));
  return 1;
}

static const char* kRangeSql =
    "SELECT time, host, usage, n, ok FROM cpu WHERE time >= $1 AND time < $2 ORDER BY time";
static const Oid kCpuTypes[5] = {kOidTimestampTz, kOidText, kOidFloat8, kOidInt8, kOidBool};

static int CheckRangeText(void) {
  const char* values[2] = {"2024-01-01 00:30:00+00", "2024-01-01 01:30:00+00"};
  PGresult* res = PQexecParams(conn, kRangeSql, 2, NULL, values, NULL, NULL, 0);
  if (!ResultIs(res, PGRES_TUPLES_OK, "range query, untyped text parameters")) return 0;
  int ok = CheckColumnTypes(res, kCpuTypes, 5);
  if (ok && PQntuples(res) != 4) ok = Fail("%d rows, expected 4", PQntuples(res));
  for (int i = 0; ok && i < 4; ++i) {
    char want[128], got[256];
    CpuCsvLine(i + 2, want, sizeof want);
    snprintf(got, sizeof got, "%s,%s,%s,%s,%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
             PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), PQgetvalue(res, i, 4));
    if (strcmp(got, want) != 0) ok = Fail("row %d is %s expected %s", i, got, want);
  }
  PQclear(res);
  return ok;
}

// Checks row `row` of a binary (time, host, usage, n, ok) result against cpu row i.
static int CheckBinaryCpuRow(const PGresult* res, int row, int i) {
  const struct CpuRow r = CpuRowAt(i);
  EXPECT(PQfformat(res, 0) == 1, "column 0 is not binary");
  EXPECT(PQgetlength(res, row, 0) == 8, "timestamptz is %d bytes", PQgetlength(res, row, 0));
  const int64_t t = GetInt64(PQgetvalue(res, row, 0));
  EXPECT(t == r.time, "row %d time %lld, expected %lld", row, (long long)t, (long long)r.time);
  EXPECT(strcmp(PQgetvalue(res, row, 1), r.host) == 0, "row %d host %s", row,
         PQgetvalue(res, row, 1));
  EXPECT(PQgetlength(res, row, 2) == 8, "float8 is %d bytes", PQgetlength(res, row, 2));
  EXPECT(GetFloat8(PQgetvalue(res, row, 2)) == r.usage, "row %d usage %g", row,
         GetFloat8(PQgetvalue(res, row, 2)));
  EXPECT(PQgetlength(res, row, 3) == 8, "int8 is %d bytes", PQgetlength(res, row, 3));
  EXPECT(GetInt64(PQgetvalue(res, row, 3)) == r.n, "row %d n", row);
  EXPECT(PQgetlength(res, row, 4) == 1 && PQgetvalue(res, row, 4)[0] == r.ok, "row %d ok", row);
  return 1;
}

static int CheckRangeBinary(void) {
  char lo[8], hi[8];
  PutInt64(kBasePg + 30 * kMinute, lo);
  PutInt64(kBasePg + 90 * kMinute, hi);
  const char* values[2] = {lo, hi};
  const Oid types[2] = {kOidTimestampTz, kOidTimestampTz};
  const int lengths[2] = {8, 8}, formats[2] = {1, 1};
  PGresult* res = PQexecParams(conn, kRangeSql, 2, types, values, lengths, formats, 1);
  if (!ResultIs(res, PGRES_TUPLES_OK, "range query, binary parameters")) return 0;
  int ok = CheckColumnTypes(res, kCpuTypes, 5);
  if (ok && PQntuples(res) != 4) ok = Fail("%d rows, expected 4", PQntuples(res));
  for (int i = 0; ok && i < 4; ++i) ok = CheckBinaryCpuRow(res, i, i + 2);
  PQclear(res);
  return ok;
}

static int CheckBinaryInsert(void) {
  // Every parameter binary and typed, then read back in binary.
  for (int i = 0; i < kCpuRows - 1; ++i) {
    const struct CpuRow r = CpuRowAt(i);
    char t[8], usage[8], n[8], ok = (char)r.ok;
    PutInt64(r.time, t);
    PutFloat8(r.usage, usage);
    PutInt64(r.n, n);
    const char* values[5] = {t, r.host, usage, n, &ok};
    const Oid types[5] = {kOidTimestampTz, kOidText, kOidFloat8, kOidInt8, kOidBool};
    const int lengths[5] = {8, (int)strlen(r.host), 8, 8, 1}, formats[5] = {1, 1, 1, 1, 1};
    PGresult* res = PQexecParams(conn, "INSERT INTO cpu_bin VALUES ($1, $2, $3, $4, $5)", 5, types,
                                 values, lengths, formats, 0);
    if (!ResultIs(res, PGRES_COMMAND_OK, "INSERT with binary parameters")) return 0;
    const int tag_ok = strcmp(PQcmdStatus(res), "INSERT 0 1") == 0 ||
                       Fail("command tag %s, expected INSERT 0 1", PQcmdStatus(res));
    PQclear(res);
    if (!tag_ok) return 0;
  }
  PGresult* res = PQexecParams(conn, "SELECT time, host, usage, n, ok FROM cpu_bin ORDER BY time",
                               0, NULL, NULL, NULL, NULL, 1);
  if (!ResultIs(res, PGRES_TUPLES_OK, "SELECT from cpu_bin")) return 0;
  int ok = PQntuples(res) == kCpuRows - 1 || Fail("%d rows", PQntuples(res));
  for (int i = 0; ok && i < kCpuRows - 1; ++i) ok = CheckBinaryCpuRow(res, i, i);
  PQclear(res);
  return ok;
}

// Expected (bucket, host, avg, count) rows for hour h, host index k.
static double BucketAvg(int h, int k) {
  double sum = 0;
  int n = 0;
  for (int i = 4 * h; i < 4 * h + 4; ++i) {
    const struct CpuRow r = CpuRowAt(i);
    if (i % 2 == k && !r.usage_null) {
      sum += r.usage;
      ++n;
    }
  }
  return sum / n;
}

static const char* kBucketSql =
    "SELECT time_bucket('1 hour', time) AS b, host, avg(usage) AS a, count(*) AS c FROM cpu "
    "WHERE time >= $1 AND time < $2 GROUP BY 1,2 ORDER BY 1,2";

static int CheckBucketRows(const PGresult* res, int first_hour, int hours) {
  const Oid types[4] = {kOidTimestampTz, kOidText, kOidFloat8, kOidInt8};
  if (!CheckColumnTypes(res, types, 4)) return 0;
  EXPECT(PQntuples(res) == 2 * hours, "%d rows, expected %d", PQntuples(res), 2 * hours);
  for (int row = 0; row < 2 * hours; ++row) {
    const int h = first_hour + row / 2, k = row % 2;
    char host[4];
    snprintf(host, sizeof host, "h%d", k);
    EXPECT(GetInt64(PQgetvalue(res, row, 0)) == kBasePg + 60 * kMinute * h, "row %d bucket", row);
    EXPECT(strcmp(PQgetvalue(res, row, 1), host) == 0, "row %d host", row);
    EXPECT(GetFloat8(PQgetvalue(res, row, 2)) == BucketAvg(h, k), "row %d avg %g, expected %g", row,
           GetFloat8(PQgetvalue(res, row, 2)), BucketAvg(h, k));
    EXPECT(GetInt64(PQgetvalue(res, row, 3)) == 2, "row %d count", row);
  }
  return 1;
}

static int CheckBucket(void) {
  const char* values[2] = {"2024-01-01", "2024-01-02"};
  const Oid types[2] = {kOidTimestampTz, kOidTimestampTz};
  PGresult* res = PQexecParams(conn, kBucketSql, 2, types, values, NULL, NULL, 1);
  if (!ResultIs(res, PGRES_TUPLES_OK, "time_bucket query")) return 0;
  const int ok = CheckBucketRows(res, 0, 3);
  PQclear(res);
  return ok;
}

static int CheckPrepared(void) {
  PGresult* res = PQprepare(conn, "buckets", kBucketSql, 0, NULL);
  if (!ResultIs(res, PGRES_COMMAND_OK, "PQprepare")) return 0;
  PQclear(res);
  for (int h = 0; h < 3; ++h) {
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "2024-01-01 %02d:00:00+00", h);
    snprintf(hi, sizeof hi, "2024-01-01 %02d:00:00+00", h + 1);
    const char* values[2] = {lo, hi};
    res = PQexecPrepared(conn, "buckets", 2, values, NULL, NULL, 1);
    if (!ResultIs(res, PGRES_TUPLES_OK, "PQexecPrepared")) return 0;
    const int ok = CheckBucketRows(res, h, 1);
    PQclear(res);
    if (!ok) return 0;
  }
  res = PQexec(conn, "DEALLOCATE buckets");
  if (!ResultIs(res, PGRES_COMMAND_OK, "DEALLOCATE")) return 0;
  PQclear(res);
  return 1;
}

static int CheckDescribeParams(void) {
  // PostgreSQL infers the untyped parameters' types from the comparison with `time`.
  PGresult* res = PQprepare(conn, "range", kRangeSql, 0, NULL);
  if (!ResultIs(res, PGRES_COMMAND_OK, "PQprepare")) return 0;
  PQclear(res);
  res = PQdescribePrepared(conn, "range");
  if (!ResultIs(res, PGRES_COMMAND_OK, "PQdescribePrepared")) return 0;
  int ok = CheckColumnTypes(res, kCpuTypes, 5);
  if (ok && PQnparams(res) != 2) ok = Fail("%d parameters, expected 2", PQnparams(res));
  for (int i = 0; ok && i < 2; ++i) {
    if (PQparamtype(res, i) != kOidTimestampTz) {
      ok = Fail("parameter $%d described as type oid %u, expected %u (timestamptz)", i + 1,
                PQparamtype(res, i), kOidTimestampTz);
    }
  }
  PQclear(res);
  return ok;
}

// True when res is an error with SQLSTATE `state`; clears res either way.
static int IsError(PGresult* res, const char* state, const char* what) {
  int ok = 1;
  if (PQresultStatus(res) != PGRES_FATAL_ERROR) {
    ok = Fail("%s: status %s, expected an error", what, PQresStatus(PQresultStatus(res)));
  } else if (strcmp(SqlState(res), state) != 0) {
    ok = Fail("%s: SQLSTATE %s, expected %s: %s", what, SqlState(res), state,
              PQresultErrorMessage(res));
  }
  PQclear(res);
  return ok;
}

static int CheckErrorThenQuery(void) {
  if (!IsError(PQexec(conn, "SELECT * FROM missing_table"), "42P01", "simple query")) return 0;
  const char* values[1] = {"2024-01-01 00:00:00+00"};
  PGresult* res = PQexecParams(conn, "SELECT * FROM missing_table WHERE time >= $1", 1, NULL,
                               values, NULL, NULL, 0);
  if (!IsError(res, "42P01", "extended query")) return 0;
  EXPECT(PQtransactionStatus(conn) == PQTRANS_IDLE, "transaction status %d after the error",
         (int)PQtransactionStatus(conn));
  res = PQexecParams(conn, "SELECT host FROM cpu WHERE time = $1", 1, NULL, values, NULL, NULL, 0);
  if (!ResultIs(res, PGRES_TUPLES_OK, "query after the error")) return 0;
  const int ok = (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "h0") == 0) ||
                 Fail("%d rows after the error", PQntuples(res));
  PQclear(res);
  return ok;
}

// Runs a COPY ... TO STDOUT and checks that it produced exactly `want` (`want_len` bytes).
static int CopyOut(const char* sql, const char* want, size_t want_len) {
  PGresult* res = PQexec(conn, sql);
  if (!ResultIs(res, PGRES_COPY_OUT, sql)) return 0;
  PQclear(res);
  size_t cap = want_len + 1024, len = 0;
  char* got = malloc(cap);
  char* row;
  int n;
  while ((n = PQgetCopyData(conn, &row, 0)) > 0) {
    if (len + (size_t)n > cap) {
      cap = 2 * (len + (size_t)n);
      got = realloc(got, cap);
    }
    memcpy(got + len, row, (size_t)n);
    len += (size_t)n;
    PQfreemem(row);
  }
  int ok = n == -1 || Fail("PQgetCopyData: %s", PQerrorMessage(conn));
  res = PQgetResult(conn);
  if (ok) ok = ResultIs(res, PGRES_COMMAND_OK, "end of COPY TO STDOUT");
  if (ok) PQclear(res);
  while ((res = PQgetResult(conn)) != NULL) PQclear(res);
  if (ok && (len != want_len || memcmp(got, want, len) != 0)) {
    size_t i = 0;
    while (i < len && i < want_len && got[i] == want[i]) ++i;
    ok = Fail("COPY TO STDOUT sent %zu bytes, expected %zu; first difference at byte %zu: %.40s",
              len, want_len, i, i < len ? got + i : "(end)");
  }
  free(got);
  return ok;
}

static char* BuildCsv(int rows, void (*line)(int, char*, size_t), size_t* len) {
  size_t cap = (size_t)rows * 64 + 1;
  char* out = malloc(cap);
  *len = 0;
  for (int i = 0; i < rows; ++i) {
    line(i, out + *len, cap - *len);
    *len += strlen(out + *len);
  }
  return out;
}

static int CheckCopyOut(void) {
  size_t len;
  char* want = BuildCsv(kCpuRows, CpuCsvLine, &len);
  const int ok =
      CopyOut("COPY (SELECT * FROM cpu ORDER BY time) TO STDOUT WITH (FORMAT csv)", want, len);
  free(want);
  return ok;
}

static int CheckBigCopyIn(void) {
  if (!CopyIn("COPY big FROM STDIN WITH (FORMAT csv)", kBigRows, BigCsvLine)) return 0;
  EXPECT(CountRows("big") == kBigRows, "count(*) is %lld after COPY", CountRows("big"));
  return 1;
}

static int CheckLoadBig(void) {
  if (CountRows("big") == kBigRows) return 1;
  if (!Exec("DELETE FROM big WHERE time >= '2000-01-01'")) return 0;
  const int per = 5000;
  char* sql = malloc((size_t)per * 80 + 64);
  for (int start = 0; start < kBigRows; start += per) {
    size_t len = (size_t)sprintf(sql, "INSERT INTO big VALUES ");
    for (int i = start; i < start + per; ++i) {
      char t[32];
      BigTime(i, t, sizeof t);
      len +=
          (size_t)sprintf(sql + len, "%s('%s', %d, %.17g)", i == start ? "" : ", ", t, i, i * 0.25);
    }
    if (!Exec(sql)) {
      free(sql);
      return 0;
    }
  }
  free(sql);
  printf("note: loaded big with multi-row INSERTs (COPY did not)\n");
  EXPECT(CountRows("big") == kBigRows, "count(*) is %lld after INSERT", CountRows("big"));
  return 1;
}

static int CheckBigBinary(void) {
  PGresult* res =
      PQexecParams(conn, "SELECT time, v, x FROM big ORDER BY time", 0, NULL, NULL, NULL, NULL, 1);
  if (!ResultIs(res, PGRES_TUPLES_OK, "SELECT big")) return 0;
  int ok = PQntuples(res) == kBigRows || Fail("%d rows, expected %d", PQntuples(res), kBigRows);
  int64_t sum_v = 0;
  double sum_x = 0;
  for (int i = 0; ok && i < kBigRows; ++i) {
    const int64_t t = GetInt64(PQgetvalue(res, i, 0)), v = GetInt64(PQgetvalue(res, i, 1));
    const double x = GetFloat8(PQgetvalue(res, i, 2));
    if (t != kBasePg + (int64_t)i * 1000000 || v != i || x != i * 0.25) {
      ok = Fail("row %d is (%lld, %lld, %g)", i, (long long)t, (long long)v, x);
    }
    sum_v += v;
    sum_x += x;
  }
  if (ok && (sum_v != 4999950000LL || sum_x != 1249987500.0)) {
    ok = Fail("checksums %lld %f", (long long)sum_v, sum_x);
  }
  PQclear(res);
  return ok;
}

static int CheckBigSingleRow(void) {
  EXPECT(PQsendQuery(conn, "SELECT time, v, x FROM big ORDER BY time"), "PQsendQuery: %s",
         PQerrorMessage(conn));
  EXPECT(PQsetSingleRowMode(conn), "PQsetSingleRowMode failed");
  int rows = 0, ok = 1;
  PGresult* res;
  while ((res = PQgetResult(conn)) != NULL) {
    const ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_SINGLE_TUPLE && ok) {
      char want[128], got[256];
      BigCsvLine(rows, want, sizeof want);
      snprintf(got, sizeof got, "%s,%s,%s\n", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
               PQgetvalue(res, 0, 2));
      if (strcmp(got, want) != 0) ok = Fail("row %d is %s expected %s", rows, got, want);
      ++rows;
    } else if (st != PGRES_TUPLES_OK && ok) {
      ok = Fail("%s: %s", PQresStatus(st), PQresultErrorMessage(res));
    }
    PQclear(res);
  }
  if (ok && rows != kBigRows) ok = Fail("%d rows, expected %d", rows, kBigRows);
  return ok;
}

static int CheckBigCopyOut(void) {
  size_t len;
  char* want = BuildCsv(kBigRows, BigCsvLine, &len);
  const int ok =
      CopyOut("COPY (SELECT time, v, x FROM big ORDER BY time) TO STDOUT (FORMAT csv)", want, len);
  free(want);
  return ok;
}

// Sends `sql`, cancels it after 300 ms with PQcancel and expects SQLSTATE 57014 within 2 s (the
// server is meant to notice a cancel within milliseconds), then a good query on the same
// connection. When the query outlives that, the connection is replaced.
static int CancelQuery(const char* sql) {
  EXPECT(PQsendQuery(conn, sql), "PQsendQuery: %s", PQerrorMessage(conn));
  usleep(300 * 1000);
  const double cancelled_at = Now();
  PGcancel* cancel = PQgetCancel(conn);
  char err[256];
  const int sent = PQcancel(cancel, err, sizeof err);
  PQfreeCancel(cancel);
  EXPECT(sent, "PQcancel: %s", err);
  while (PQconsumeInput(conn) && PQisBusy(conn) && Now() - cancelled_at < 2) usleep(10 * 1000);
  if (PQisBusy(conn)) {
    PQfinish(conn);
    conn = PQconnectdb("");
    return Fail("the query was still running 2 s after PQcancel (connection replaced)");
  }
  const double took = Now() - cancelled_at;
  PGresult* res;
  int ok = 1, got_error = 0;
  while ((res = PQgetResult(conn)) != NULL) {
    if (PQresultStatus(res) == PGRES_FATAL_ERROR) {
      got_error = 1;
      if (strcmp(SqlState(res), "57014") != 0) {
        ok = Fail("SQLSTATE %s, expected 57014: %s", SqlState(res), PQresultErrorMessage(res));
      }
    }
    PQclear(res);
  }
  if (ok && !got_error) ok = Fail("the query was not cancelled (finished %.1f s after)", took);
  if (!ok) return 0;
  res = PQexec(conn, "SELECT count(*) FROM cpu");
  if (!ResultIs(res, PGRES_TUPLES_OK, "query after cancel")) return 0;
  PQclear(res);
  return 1;
}

static int CheckCancelSleep(void) { return CancelQuery("SELECT pg_sleep(10)"); }

static int CheckCancelLongQuery(void) {
  // About 5 s on a 2024 x86 core when not cancelled: a 6,000-row sliding window over 100k rows.
  return CancelQuery(
      "SELECT max(s) FROM (SELECT sum(x) OVER (ORDER BY time ROWS BETWEEN 6000 PRECEDING AND "
      "CURRENT ROW) AS s FROM big) w");
}

int main(void) {
  Run("connect_scram", CheckConnect);
  if (PQstatus(conn) != CONNECTION_OK) {
    PQfinish(conn);
    printf("libpq: cannot connect, no further checks\n");
    return 1;
  }
  Run("create_tables", CheckCreate);
  Run("copy_from_stdin", CheckCopyIn);
  Run("load_cpu", CheckLoadCpu);
  Run("exec_params_untyped_text", CheckRangeText);
  Run("exec_params_binary", CheckRangeBinary);
  Run("binary_param_insert", CheckBinaryInsert);
  Run("time_bucket_binary_results", CheckBucket);
  Run("prepare_exec_prepared", CheckPrepared);
  Run("describe_prepared_param_types", CheckDescribeParams);
  Run("error_then_good_query", CheckErrorThenQuery);
  Run("copy_to_stdout", CheckCopyOut);
  Run("copy_100k_from_stdin", CheckBigCopyIn);
  Run("load_big", CheckLoadBig);
  Run("select_100k_binary", CheckBigBinary);
  Run("select_100k_single_row_mode", CheckBigSingleRow);
  Run("copy_100k_to_stdout", CheckBigCopyOut);
  Run("cancel_pg_sleep", CheckCancelSleep);
  Run("cancel_long_query", CheckCancelLongQuery);
  PQfinish(conn);
  printf("libpq: %d passed, %d failed\n", passed_checks, failed_checks);
  return failed_checks == 0 ? 0 : 1;
}
