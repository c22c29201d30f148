// Copyright 2026 The OmenDB Authors.
//
// pgjdbc against `omendb serve`, run by harness.py (PGHOST, PGPORT, PGUSER, PGPASSWORD and
// PGDATABASE from the environment) as a single-file program: java -cp postgresql.jar
// JdbcTest.java. PreparedStatement with setTimestamp/setString/setDouble/setLong/setBoolean,
// addBatch/executeBatch, CopyManager COPY FROM STDIN / TO STDOUT, parameterized time-range and
// time_bucket queries with the Java types the driver maps them to, an error then a good query,
// DatabaseMetaData.getTables/getColumns, and 100,000 rows read whole and with a fetch size.

import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

public class JdbcTest {
  static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
  static final int BIG_ROWS = 100_000;
  static final String CPU_DDL =
      "CREATE TABLE %s (time TIMESTAMPTZ NOT NULL, host TEXT, usage DOUBLE PRECISION, n BIGINT, "
      + "ok BOOLEAN)";
  static final String RANGE_SQL =
      "SELECT time, host, usage, n, ok FROM cpu WHERE time >= ? AND time < ? ORDER BY time";
  static final String BUCKET_SQL =
      "SELECT time_bucket('1 hour', time) AS b, host, avg(usage) AS a, count(*) AS c FROM cpu "
      + "WHERE time >= ? AND time < ? GROUP BY 1,2 ORDER BY 1,2";

  static Connection conn;
  static int passed, failed;

  interface Check {
    void run() throws Exception;
  }

  static void run(String name, Check check) {
    long start = System.nanoTime();
    try {
      check.run();
      passed++;
      System.out.printf("PASS jdbc.%s (%.2f s)%n", name, (System.nanoTime() - start) / 1e9);
    } catch (Throwable e) {
      failed++;
      String state =
          e instanceof SQLException ? " (SQLSTATE " + ((SQLException) e).getSQLState() + ")" : "";
      System.out.printf("FAIL jdbc.%s: %s%s%n", name, e, state);
      for (StackTraceElement el : e.getStackTrace()) {
        if (el.getClassName().startsWith("JdbcTest") && !el.getMethodName().equals("run")
            && !el.getMethodName().equals("main")) {
          System.out.println("     at " + el);
        }
      }
    }
    System.out.flush();
  }

  static void expect(boolean cond, String what) {
    if (!cond) {
      throw new AssertionError(what);
    }
  }

  static void expectEq(Object got, Object want, String what) {
    if (!Objects.equals(got, want)) {
      throw new AssertionError(what + ": got " + got
          + (got == null ? "" : " (" + got.getClass().getName() + ")") + ", expected " + want);
    }
  }

  static void expectType(Object v, Class<?> want, String what) {
    expect(v != null, what + " is null");
    expect(want.isInstance(v),
        what + " is " + v.getClass().getName() + ", expected " + want.getName());
  }

  // ---- The data set (the same as test/clients/clientlib.py)

  record Cpu(Instant time, String host, Double usage, long n, Boolean ok) {}

  static Cpu cpuRow(int i) {
    return new Cpu(BASE.plusSeconds(15L * 60 * i), "h" + (i % 2), i == 11 ? null : i * 1.5,
        i * 1_000_000_000_000L, i == 11 ? null : i % 3 == 0);
  }

  static String csv(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? "t" : "f";
    }
    if (v instanceof Instant) {
      return ((Instant) v).toString().replace("T", " ").replace("Z", "+00");
    }
    if (v instanceof Double) {
      double d = (Double) v;
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
    return v.toString();
  }

  static String cpuCsv() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      Cpu r = cpuRow(i);
      sb.append(String.join(",", csv(r.time()), r.host(), csv(r.usage()), csv(r.n()), csv(r.ok())))
          .append('\n');
    }
    return sb.toString();
  }

  static String bigCsv() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < BIG_ROWS; i++) {
      sb.append(csv(BASE.plusSeconds(i)))
          .append(',')
          .append(i)
          .append(',')
          .append(csv(i * 0.25))
          .append('\n');
    }
    return sb.toString();
  }

  static long count(String table) throws SQLException {
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void exec(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  // ---- Checks

  static void connect() throws Exception {
    String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT")
        + "/" + System.getenv("PGDATABASE");
    Properties props = new Properties();
    props.setProperty("user", System.getenv("PGUSER"));
    props.setProperty("password", System.getenv("PGPASSWORD"));
    conn = DriverManager.getConnection(url, props);
    expect(conn.getMetaData().getDatabaseMajorVersion() >= 15, "server version");
  }

  static void createTables() throws Exception {
    exec(String.format(CPU_DDL, "cpu"));
    exec(String.format(CPU_DDL, "cpu_batch"));
    exec("CREATE TABLE big (time TIMESTAMPTZ NOT NULL, v BIGINT, x DOUBLE PRECISION)");
  }

  static void copyIn() throws Exception {
    CopyManager cm = conn.unwrap(PGConnection.class).getCopyAPI();
    long n = cm.copyIn("COPY cpu FROM STDIN WITH (FORMAT csv)", new StringReader(cpuCsv()));
    expectEq(n, 12L, "rows copied");
    expectEq(count("cpu"), 12L, "count(*)");
  }

  static void insertBatch(String table) throws SQLException {
    try (PreparedStatement ps =
             conn.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < 12; i++) {
        Cpu r = cpuRow(i);
        ps.setTimestamp(1, Timestamp.from(r.time()));
        ps.setString(2, r.host());
        if (r.usage() == null) {
          ps.setNull(3, Types.DOUBLE);
        } else {
          ps.setDouble(3, r.usage());
        }
        ps.setLong(4, r.n());
        if (r.ok() == null) {
          ps.setNull(5, Types.BOOLEAN);
        } else {
          ps.setBoolean(5, r.ok());
        }
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      expectEq(counts.length, 12, "executeBatch update counts");
      for (int c : counts) expectEq(c, 1, "update count");
    }
  }

  static void loadCpu() throws Exception {
    if (count("cpu") == 12) {
      return;
    }
    exec("DELETE FROM cpu WHERE time >= '2000-01-01'");
    insertBatch("cpu");
    System.out.println("note: loaded cpu with executeBatch (COPY did not)");
    expectEq(count("cpu"), 12L, "count(*)");
  }

  static void batchInsert() throws Exception {
    insertBatch("cpu_batch");
    try (Statement st = conn.createStatement();
         ResultSet rs =
             st.executeQuery("SELECT time, host, usage, n, ok FROM cpu_batch ORDER BY time")) {
      for (int i = 0; i < 12; i++) {
        expect(rs.next(), "only " + i + " rows");
        Cpu r = cpuRow(i);
        expectEq(rs.getTimestamp(1).toInstant(), r.time(), "row " + i + " time");
        expectEq(rs.getString(2), r.host(), "row " + i + " host");
        expectEq(rs.getObject(3), r.usage(), "row " + i + " usage");
        expectEq(rs.getLong(4), r.n(), "row " + i + " n");
        expectEq(rs.getObject(5), r.ok(), "row " + i + " ok");
      }
      expect(!rs.next(), "more than 12 rows");
    }
  }

  static void rangeQuery() throws Exception {
    try (PreparedStatement ps = conn.prepareStatement(RANGE_SQL)) {
      // Several executions: from the 5th on pgjdbc uses a named server-side statement and
      // binary results for the types it knows.
      for (int round = 0; round < 6; round++) {
        ps.setTimestamp(1, Timestamp.from(BASE.plusSeconds(30 * 60)));
        ps.setTimestamp(2, Timestamp.from(BASE.plusSeconds(90 * 60)));
        try (ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          int[] types = {Types.TIMESTAMP, Types.VARCHAR, Types.DOUBLE, Types.BIGINT, Types.BIT};
          String[] names = {"timestamptz", "text", "float8", "int8", "bool"};
          for (int c = 0; c < 5; c++) {
            expectEq(md.getColumnTypeName(c + 1), names[c],
                "round " + round + " column " + (c + 1) + " type name");
            expectEq(md.getColumnType(c + 1), types[c], "column " + (c + 1) + " java.sql.Types");
          }
          for (int i = 2; i < 6; i++) {
            expect(rs.next(), "round " + round + ": only " + (i - 2) + " rows");
            Cpu r = cpuRow(i);
            Object t = rs.getObject(1);
            expectType(t, Timestamp.class, "time");
            expectEq(
                ((Timestamp) t).toInstant(), r.time(), "round " + round + " row " + i + " time");
            expectEq(rs.getObject(1, OffsetDateTime.class), r.time().atOffset(ZoneOffset.UTC),
                "OffsetDateTime");
            expectType(rs.getObject(2), String.class, "host");
            expectEq(rs.getObject(2), r.host(), "host");
            expectType(rs.getObject(3), Double.class, "usage");
            expectEq(rs.getObject(3), r.usage(), "usage");
            expectType(rs.getObject(4), Long.class, "n");
            expectEq(rs.getObject(4), r.n(), "n");
            expectType(rs.getObject(5), Boolean.class, "ok");
            expectEq(rs.getObject(5), r.ok(), "ok");
          }
          expect(!rs.next(), "more than 4 rows");
        }
      }
    }
  }

  static void bucketQuery() throws Exception {
    try (PreparedStatement ps = conn.prepareStatement(BUCKET_SQL)) {
      ps.setObject(1, BASE.atOffset(ZoneOffset.UTC));
      ps.setObject(2, BASE.plusSeconds(86400).atOffset(ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        double[] avgs = {1.5, 3.0, 7.5, 9.0, 13.5, 13.5};
        for (int row = 0; row < 6; row++) {
          expect(rs.next(), "only " + row + " rows");
          expectEq(rs.getTimestamp("b").toInstant(), BASE.plusSeconds(3600L * (row / 2)),
              "row " + row + " bucket");
          expectEq(rs.getString("host"), "h" + (row % 2), "row " + row + " host");
          expectType(rs.getObject("a"), Double.class, "avg");
          expectEq(rs.getDouble("a"), avgs[row], "row " + row + " avg");
          expectType(rs.getObject("c"), Long.class, "count");
          expectEq(rs.getLong("c"), 2L, "row " + row + " count");
        }
        expect(!rs.next(), "more than 6 rows");
      }
    }
  }

  static void errorThenQuery() throws Exception {
    try (PreparedStatement ps =
             conn.prepareStatement("SELECT * FROM missing_table WHERE time >= ?")) {
      ps.setTimestamp(1, Timestamp.from(BASE));
      ps.executeQuery();
      throw new AssertionError("no error for a missing table");
    } catch (SQLException e) {
      expectEq(e.getSQLState(), "42P01", "SQLSTATE (" + e.getMessage() + ")");
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT host FROM cpu WHERE time = ?")) {
      ps.setTimestamp(1, Timestamp.from(BASE));
      try (ResultSet rs = ps.executeQuery()) {
        expect(rs.next(), "no row");
        expectEq(rs.getString(1), "h0", "host");
      }
    }
  }

  static void errorInTransaction() throws Exception {
    conn.setAutoCommit(false);
    try {
      try (Statement st = conn.createStatement()) {
        st.executeQuery("SELECT * FROM missing_table");
        throw new AssertionError("no error for a missing table");
      } catch (SQLException e) {
        expectEq(e.getSQLState(), "42P01", "SQLSTATE");
      }
      conn.rollback();
      expectEq(count("cpu"), 12L, "count(*) after rollback");
      conn.commit();
    } finally {
      conn.setAutoCommit(true);
    }
  }

  static void metaTables() throws Exception {
    DatabaseMetaData md = conn.getMetaData();
    List<String> found = new ArrayList<>();
    try (ResultSet rs = md.getTables(null, null, "cpu%", new String[] {"TABLE"})) {
      while (rs.next()) {
        found.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":"
            + rs.getString("TABLE_TYPE"));
      }
    }
    expectEq(found, List.of("public.cpu:TABLE", "public.cpu_batch:TABLE"), "getTables");
  }

  static void metaColumns() throws Exception {
    DatabaseMetaData md = conn.getMetaData();
    List<String> found = new ArrayList<>();
    try (ResultSet rs = md.getColumns(null, "public", "cpu", null)) {
      while (rs.next()) {
        found.add(rs.getInt("ORDINAL_POSITION") + ":" + rs.getString("COLUMN_NAME") + ":"
            + rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE") + ":"
            + rs.getString("IS_NULLABLE"));
      }
    }
    List<String> want = List.of("1:time:timestamptz:" + Types.TIMESTAMP + ":NO",
        "2:host:text:" + Types.VARCHAR + ":YES", "3:usage:float8:" + Types.DOUBLE + ":YES",
        "4:n:int8:" + Types.BIGINT + ":YES", "5:ok:bool:" + Types.BIT + ":YES");
    expectEq(found, want, "getColumns");
  }

  // A timestamptz as PostgreSQL prints it in the session's TimeZone, which pgjdbc sets to the
  // JVM's zone at startup: "2023-12-31 19:00:00-05" in America/New_York.
  static String sessionTime(Instant t) {
    ZonedDateTime z = t.atZone(ZoneId.systemDefault());
    String offset = z.getOffset().getTotalSeconds() % 3600 == 0 ? "x" : "xxx";
    return z.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss" + offset));
  }

  static void sessionTimeZone() throws Exception {
    try (Statement st = conn.createStatement()) {
      try (ResultSet rs = st.executeQuery("SHOW TimeZone")) {
        rs.next();
        expectEq(rs.getString(1), ZoneId.systemDefault().getId(), "SHOW TimeZone");
      }
      try (ResultSet rs =
               st.executeQuery("SELECT time, time::text AS t FROM cpu ORDER BY time LIMIT 1")) {
        rs.next();
        expectEq(rs.getString(1), sessionTime(BASE), "getString of a timestamptz");
        expectEq(rs.getString(2), sessionTime(BASE), "timestamptz::text");
      }
    }
  }

  static void copyOut() throws Exception {
    CopyManager cm = conn.unwrap(PGConnection.class).getCopyAPI();
    StringWriter w = new StringWriter();
    long n = cm.copyOut("COPY (SELECT * FROM cpu ORDER BY time) TO STDOUT WITH (FORMAT csv)", w);
    expectEq(n, 12L, "rows copied out");
    StringBuilder want = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      Cpu r = cpuRow(i);
      want.append(String.join(",", sessionTime(r.time()), r.host(), csv(r.usage()), csv(r.n()),
                      csv(r.ok())))
          .append('\n');
    }
    expectEq(w.toString(), want.toString(), "COPY TO STDOUT output");
  }

  static void bigCopyIn() throws Exception {
    CopyManager cm = conn.unwrap(PGConnection.class).getCopyAPI();
    long n = cm.copyIn("COPY big FROM STDIN WITH (FORMAT csv)", new StringReader(bigCsv()));
    expectEq(n, (long) BIG_ROWS, "rows copied");
  }

  static void loadBig() throws Exception {
    if (count("big") == BIG_ROWS) {
      return;
    }
    exec("DELETE FROM big WHERE time >= '2000-01-01'");
    try (Statement st = conn.createStatement()) {
      for (int start = 0; start < BIG_ROWS; start += 5000) {
        StringBuilder sb = new StringBuilder("INSERT INTO big VALUES ");
        for (int i = start; i < start + 5000; i++) {
          sb.append(i == start ? "" : ",")
              .append("('")
              .append(csv(BASE.plusSeconds(i)))
              .append("',")
              .append(i)
              .append(',')
              .append(csv(i * 0.25))
              .append(')');
        }
        st.addBatch(sb.toString());
      }
      st.executeBatch();
    }
    System.out.println("note: loaded big with batched multi-row INSERTs (COPY did not)");
    expectEq(count("big"), (long) BIG_ROWS, "count(*)");
  }

  static void checkBig(ResultSet rs) throws SQLException {
    long sumV = 0;
    double sumX = 0;
    int i = 0;
    while (rs.next()) {
      Instant t = rs.getTimestamp(1).toInstant();
      long v = rs.getLong(2);
      double x = rs.getDouble(3);
      if (!t.equals(BASE.plusSeconds(i)) || v != i || x != i * 0.25) {
        throw new AssertionError("row " + i + " is (" + t + ", " + v + ", " + x + ")");
      }
      sumV += v;
      sumX += x;
      i++;
    }
    expectEq(i, BIG_ROWS, "rows");
    expectEq(sumV, 4999950000L, "sum(v)");
    expectEq(sumX, 1249987500.0, "sum(x)");
  }

  static void selectBig() throws Exception {
    try (PreparedStatement ps =
             conn.prepareStatement("SELECT time, v, x FROM big WHERE time >= ? ORDER BY time")) {
      ps.setTimestamp(1, Timestamp.from(BASE));
      try (ResultSet rs = ps.executeQuery()) {
        checkBig(rs);
      }
    }
  }

  static void selectBigFetchSize() throws Exception {
    // With autocommit off and a fetch size, pgjdbc reads the portal 7,000 rows at a time
    // (Execute with a row limit, PortalSuspended).
    conn.setAutoCommit(false);
    try (Statement st = conn.createStatement()) {
      st.setFetchSize(7000);
      try (ResultSet rs = st.executeQuery("SELECT time, v, x FROM big ORDER BY time")) {
        checkBig(rs);
      }
      conn.commit();
    } finally {
      conn.setAutoCommit(true);
    }
  }

  public static void main(String[] args) {
    run("connect_scram", JdbcTest::connect);
    if (conn == null) {
      System.out.println("jdbc: cannot connect, no further checks");
      System.exit(1);
    }
    run("create_tables", JdbcTest::createTables);
    run("copy_from_stdin", JdbcTest::copyIn);
    run("load_cpu", JdbcTest::loadCpu);
    run("prepared_batch_insert", JdbcTest::batchInsert);
    run("time_range_query", JdbcTest::rangeQuery);
    run("time_bucket_query", JdbcTest::bucketQuery);
    run("error_then_good_query", JdbcTest::errorThenQuery);
    run("error_then_rollback_then_query", JdbcTest::errorInTransaction);
    run("metadata_get_tables", JdbcTest::metaTables);
    run("metadata_get_columns", JdbcTest::metaColumns);
    run("session_time_zone", JdbcTest::sessionTimeZone);
    run("copy_to_stdout", JdbcTest::copyOut);
    run("copy_100k_from_stdin", JdbcTest::bigCopyIn);
    run("load_big", JdbcTest::loadBig);
    run("select_100k", JdbcTest::selectBig);
    run("select_100k_fetch_size", JdbcTest::selectBigFetchSize);
    try {
      conn.close();
    } catch (SQLException e) {
      System.out.println("close: " + e);
    }
    System.out.printf("jdbc: %d passed, %d failed%n", passed, failed);
    System.exit(failed == 0 ? 0 : 1);
  }
}
