// Copyright 2026 The OmenDB Authors.
//
// The server against libpq, PostgreSQL's own client library: every authentication method, the
// simple and extended protocols, text and binary values, errors that leave the connection
// usable, row limits, and cancellation.

#include "server/pg_server.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "storage/test_database.h"

namespace omen::server {
namespace {

class PgServerTest : public storage::DatabaseTest {
 protected:
  PgServerTest() : DatabaseTest("omen_pgserver_") {}
  void TearDown() override {
    server_.reset();
    DatabaseTest::TearDown();
  }
  void StartServer(AuthConfig::Method method, const std::string& tls_cert = "",
                   const std::string& tls_key = "") {
    PgServerOptions o;
    o.tls_cert = tls_cert;
    o.tls_key = tls_key;
    o.port = 0;
    o.session.db = db_.get();
    o.session.auth.method = method;
    o.session.auth.user = "omendb";
    o.session.auth.password = "s3cret";
    o.session.auth.verifier = ScramVerifier::FromPassword("s3cret").value();
    auto s = PgServer::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  PGconn* Connect(const std::string& password = "s3cret", const std::string& user = "omendb",
                  const std::string& sslmode = "prefer") {
    const std::string info = "host=127.0.0.1 port=" + std::to_string(server_->port()) +
                             " user=" + user + " password=" + password +
                             " dbname=omendb sslmode=" + sslmode + " connect_timeout=10";
    return PQconnectdb(info.c_str());
  }
  static std::string State(PGresult* r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return s == nullptr ? "" : s;
  }

  std::unique_ptr<PgServer> server_;
};

TEST_F(PgServerTest, ScramSimpleAndExtendedQueries) {
  StartServer(AuthConfig::Method::kScramSha256);
  PGconn* c = Connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  EXPECT_STREQ(PQparameterStatus(c, "server_version"), "15.0");
  EXPECT_STREQ(PQparameterStatus(c, "integer_datetimes"), "on");
  EXPECT_GT(PQbackendPID(c), 0);

  PGresult* r = PQexec(c,
                       "CREATE TABLE cpu (time timestamptz NOT NULL, host text, usage double "
                       "precision, n bigint);"
                       "INSERT INTO cpu VALUES ('2024-01-01 00:00:00Z', 'a', 1.5, 1), "
                       "('2024-01-01 00:01:00Z', 'b', 2.5, 2), ('2024-01-01 01:00:00Z', 'a', "
                       "NULL, 3)");
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  EXPECT_STREQ(PQcmdStatus(r), "INSERT 0 3");
  PQclear(r);

  // Parameterized time-range query, text parameters.
  const char* params[] = {"2024-01-01 00:00:30+00", "a"};
  r = PQexecParams(c,
                   "SELECT time, host, usage, n FROM cpu WHERE time >= $1 OR host = $2 ORDER BY "
                   "time",
                   2, nullptr, params, nullptr, nullptr, 0);
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  ASSERT_EQ(PQntuples(r), 3);
  EXPECT_EQ(PQftype(r, 0), 1184u);
  EXPECT_EQ(PQftype(r, 2), 701u);
  EXPECT_EQ(PQftype(r, 3), 20u);
  EXPECT_STREQ(PQgetvalue(r, 0, 0), "2024-01-01 00:00:00+00");
  EXPECT_TRUE(PQgetisnull(r, 2, 2));
  PQclear(r);

  // Binary results and a typed binary parameter (int8 = 2).
  const Oid types[] = {20};
  const char two[8] = {0, 0, 0, 0, 0, 0, 0, 2};
  const char* bparams[] = {two};
  const int lengths[] = {8};
  const int formats[] = {1};
  r = PQexecParams(c, "SELECT n, usage, time FROM cpu WHERE n = $1", 1, types, bparams, lengths,
                   formats, 1);
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  ASSERT_EQ(PQntuples(r), 1);
  ASSERT_EQ(PQgetlength(r, 0, 0), 8);
  EXPECT_EQ(static_cast<uint8_t>(PQgetvalue(r, 0, 0)[7]), 2);
  ASSERT_EQ(PQgetlength(r, 0, 1), 8);
  double usage;
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<uint8_t>(PQgetvalue(r, 0, 1)[i]);
  std::memcpy(&usage, &bits, 8);
  EXPECT_EQ(usage, 2.5);
  PQclear(r);

  // Prepared statement run twice; describe gives the columns before running.
  r = PQprepare(c, "by_host", "SELECT count(*) AS n FROM cpu WHERE host = $1", 1, nullptr);
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  r = PQdescribePrepared(c, "by_host");
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  EXPECT_EQ(PQnparams(r), 1);
  ASSERT_EQ(PQnfields(r), 1);
  EXPECT_STREQ(PQfname(r, 0), "n");
  EXPECT_EQ(PQftype(r, 0), 20u);
  PQclear(r);
  for (const char* host : {"a", "b"}) {
    const char* p[] = {host};
    r = PQexecPrepared(c, "by_host", 1, p, nullptr, nullptr, 0);
    ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
    EXPECT_STREQ(PQgetvalue(r, 0, 0), std::string(host) == "a" ? "2" : "1");
    PQclear(r);
  }

  // DEALLOCATE drops a prepared statement (SQLSTATE 26000 for an unknown one).
  r = PQexec(c, "DEALLOCATE by_host");
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  r = PQexecPrepared(c, "by_host", 1, std::vector<const char*>{"a"}.data(), nullptr, nullptr, 0);
  EXPECT_EQ(State(r), "26000");
  PQclear(r);
  r = PQexec(c, "DEALLOCATE by_host");
  EXPECT_EQ(State(r), "26000");
  PQclear(r);

  // Untyped parameters are described with the types their context gives them, and a binary
  // value of the inferred type is then accepted (what pgx and JDBC rely on).
  r = PQprepare(c, "typed",
                "SELECT time_bucket($1, time) AS b, count(*) FROM cpu WHERE time >= $2 AND "
                "time < $3 AND usage > $4 AND n = $5 AND host = $6 GROUP BY 1 ORDER BY 1 "
                "LIMIT 10",
                6, nullptr);
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  r = PQdescribePrepared(c, "typed");
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  ASSERT_EQ(PQnparams(r), 6);
  EXPECT_EQ(PQparamtype(r, 0), 1186u);  // interval
  EXPECT_EQ(PQparamtype(r, 1), 1184u);  // timestamptz
  EXPECT_EQ(PQparamtype(r, 2), 1184u);
  EXPECT_EQ(PQparamtype(r, 3), 701u);  // double precision
  EXPECT_EQ(PQparamtype(r, 4), 20u);   // bigint
  EXPECT_EQ(PQparamtype(r, 5), 25u);   // text
  PQclear(r);
  {
    const uint64_t one = 1;  // int8 in network order
    char n_bin[8];
    for (int i = 0; i < 8; ++i) n_bin[i] = static_cast<char>(one >> (56 - 8 * i));
    const char* vals[] = {"1 hour", "2024-01-01", "2024-01-02", "0", n_bin, "a"};
    const int lens[] = {0, 0, 0, 0, 8, 0};
    const int fmts[] = {0, 0, 0, 0, 1, 0};
    r = PQexecPrepared(c, "typed", 6, vals, lens, fmts, 0);
    ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
    ASSERT_EQ(PQntuples(r), 1);
    EXPECT_STREQ(PQgetvalue(r, 0, 0), "2024-01-01 00:00:00+00");
    EXPECT_STREQ(PQgetvalue(r, 0, 1), "1");
    PQclear(r);
  }
  r = PQprepare(c, "ins", "INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3)", 3, nullptr);
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  r = PQdescribePrepared(c, "ins");
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  ASSERT_EQ(PQnparams(r), 3);
  EXPECT_EQ(PQparamtype(r, 0), 1184u);
  EXPECT_EQ(PQparamtype(r, 1), 25u);
  EXPECT_EQ(PQparamtype(r, 2), 701u);
  EXPECT_EQ(PQnfields(r), 0);
  PQclear(r);

  // Errors carry SQLSTATE and position and leave the connection usable.
  r = PQexec(c, "SELECT nope FROM cpu");
  EXPECT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
  EXPECT_EQ(State(r), "42703");
  PQclear(r);
  r = PQexec(c, "SELECT 1 +");
  EXPECT_EQ(State(r), "42601");
  EXPECT_NE(PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION), nullptr);
  PQclear(r);
  const char* zero[] = {"0"};
  r = PQexecParams(c, "SELECT 1/$1::int", 1, nullptr, zero, nullptr, nullptr, 0);
  EXPECT_EQ(State(r), "22012");
  PQclear(r);
  r = PQexec(c, "SELECT 42");
  EXPECT_STREQ(PQgetvalue(r, 0, 0), "42");
  PQclear(r);

  // SET reports ParameterStatus; SHOW reads it back; transaction status follows BEGIN.
  PQclear(PQexec(c, "SET application_name = 'omen-test'"));
  EXPECT_STREQ(PQparameterStatus(c, "application_name"), "omen-test");
  PQclear(PQexec(c, "BEGIN"));
  EXPECT_EQ(PQtransactionStatus(c), PQTRANS_INTRANS);
  PQclear(PQexec(c, "COMMIT"));
  EXPECT_EQ(PQtransactionStatus(c), PQTRANS_IDLE);
  // A syntax error fails the block as any other error does (25P02 until ROLLBACK).
  PQclear(PQexec(c, "BEGIN"));
  PQclear(PQexec(c, "SELEC 1"));
  EXPECT_EQ(PQtransactionStatus(c), PQTRANS_INERROR);
  r = PQexec(c, "SELECT 1");
  EXPECT_EQ(State(r), "25P02");
  PQclear(r);
  PQclear(PQexec(c, "ROLLBACK"));
  EXPECT_EQ(PQtransactionStatus(c), PQTRANS_IDLE);
  PQfinish(c);
}

TEST_F(PgServerTest, RowLimitsSuspendPortals) {
  StartServer(AuthConfig::Method::kTrust);
  PGconn* c = Connect("");
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PQclear(PQexec(c, "CREATE TABLE t (ts timestamp NOT NULL, v bigint)"));
  std::string insert = "INSERT INTO t VALUES ";
  for (int i = 0; i < 1000; ++i) {
    char row[64];
    std::snprintf(row, sizeof row, "%s('2024-01-01 %02d:%02d:%02d', %d)", i ? "," : "", i / 3600,
                  i / 60 % 60, i % 60, i);
    insert += row;
  }
  PGresult* r = PQexec(c, insert.c_str());
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  // Single-row mode reads the result row by row; the server streams all 1000.
  ASSERT_EQ(PQsendQuery(c, "SELECT v FROM t ORDER BY v"), 1);
  ASSERT_EQ(PQsetSingleRowMode(c), 1);
  int rows = 0;
  while ((r = PQgetResult(c)) != nullptr) {
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
      EXPECT_EQ(std::stoi(PQgetvalue(r, 0, 0)), rows);
      ++rows;
    }
    PQclear(r);
  }
  EXPECT_EQ(rows, 1000);
  PQfinish(c);
}

TEST_F(PgServerTest, PasswordMethodsAndWrongPasswords) {
  for (auto method : {AuthConfig::Method::kScramSha256, AuthConfig::Method::kMd5,
                      AuthConfig::Method::kPassword}) {
    server_.reset();
    StartServer(method);
    PGconn* ok = Connect();
    EXPECT_EQ(PQstatus(ok), CONNECTION_OK) << PQerrorMessage(ok);
    PQfinish(ok);
    PGconn* bad = Connect("wrong");
    EXPECT_EQ(PQstatus(bad), CONNECTION_BAD);
    EXPECT_NE(std::string(PQerrorMessage(bad)).find("password authentication failed"),
              std::string::npos)
        << PQerrorMessage(bad);
    PQfinish(bad);
    PGconn* stranger = Connect("s3cret", "mallory");
    EXPECT_EQ(PQstatus(stranger), CONNECTION_BAD);
    PQfinish(stranger);
  }
}

// Roles made with SQL log in with every method, change their own password (plaintext or
// pre-hashed, as psql's \password sends), need SUPERUSER for the rest, and survive a restart.
TEST_F(PgServerTest, UsersCreatedAlteredAndDroppedWithSql) {
  StartServer(AuthConfig::Method::kScramSha256);
  auto exec = [](PGconn* c, const std::string& sql) {
    PGresult* r = PQexec(c, sql.c_str());
    std::string out = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
                          ? std::string(PQcmdStatus(r))
                          : "ERROR " + State(r);
    for (int i = 0; i < PQntuples(r); ++i) {
      for (int j = 0; j < PQnfields(r); ++j)
        out += std::string(j == 0 ? " " : ",") + PQgetvalue(r, i, j);
    }
    PQclear(r);
    return out;
  };
  auto can_login = [&](const std::string& user, const std::string& password) {
    PGconn* c = Connect(password, user);
    const bool ok = PQstatus(c) == CONNECTION_OK;
    PQfinish(c);
    return ok;
  };
  PGconn* admin = Connect();
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  EXPECT_EQ(exec(admin, "CREATE USER bob WITH PASSWORD 'pw1'"), "CREATE ROLE");
  EXPECT_EQ(exec(admin, "CREATE USER bob"), "ERROR 42710");
  EXPECT_EQ(exec(admin, "CREATE ROLE reader PASSWORD 'r'"), "CREATE ROLE");  // NOLOGIN
  EXPECT_EQ(exec(admin, "SELECT rolname, rolsuper, rolcanlogin FROM pg_roles ORDER BY 1"),
            "SELECT 3 bob,f,t omendb,t,t reader,f,f");
  EXPECT_EQ(exec(admin, "ALTER USER omendb PASSWORD 'x'"), "ERROR 0A000");
  EXPECT_EQ(exec(admin, "DROP USER omendb"), "ERROR 55006");
  EXPECT_EQ(exec(admin, "ALTER USER nosuch PASSWORD 'x'"), "ERROR 42704");
  EXPECT_TRUE(can_login("bob", "pw1"));
  EXPECT_FALSE(can_login("bob", "pw2"));
  EXPECT_FALSE(can_login("reader", "r"));

  PGconn* bob = Connect("pw1", "bob");
  ASSERT_EQ(PQstatus(bob), CONNECTION_OK) << PQerrorMessage(bob);
  EXPECT_EQ(exec(bob, "SELECT current_user"), "SELECT 1 bob");
  EXPECT_EQ(exec(bob, "CREATE USER eve"), "ERROR 42501");
  EXPECT_EQ(exec(bob, "ALTER USER bob SUPERUSER"), "ERROR 42501");
  EXPECT_EQ(exec(bob, "DROP USER reader"), "ERROR 42501");
  EXPECT_EQ(exec(bob, "ALTER USER CURRENT_USER PASSWORD 'pw2'"), "ALTER ROLE");
  PQfinish(bob);
  EXPECT_FALSE(can_login("bob", "pw1"));
  EXPECT_TRUE(can_login("bob", "pw2"));
  // Pre-hashed passwords are stored as given: a SCRAM verifier, an md5 hash.
  const std::string verifier = ScramVerifier::FromPassword("pw3").value().ToString();
  EXPECT_EQ(exec(admin, "ALTER USER bob PASSWORD '" + verifier + "'"), "ALTER ROLE");
  EXPECT_TRUE(can_login("bob", "pw3"));
  EXPECT_EQ(exec(admin, "CREATE USER carl PASSWORD '" + Md5PasswordHash("pwc", "carl") + "'"),
            "CREATE ROLE");
  EXPECT_FALSE(can_login("carl", "pwc"));  // SCRAM cannot use an md5 hash (nor can PostgreSQL)
  EXPECT_EQ(exec(admin, "ALTER ROLE reader LOGIN"), "ALTER ROLE");
  EXPECT_TRUE(can_login("reader", "r"));
  PQfinish(admin);

  // md5: an md5-stored role answers the challenge; a SCRAM-stored one is asked for SCRAM.
  server_.reset();
  StartServer(AuthConfig::Method::kMd5);
  EXPECT_TRUE(can_login("carl", "pwc"));
  EXPECT_TRUE(can_login("bob", "pw3"));
  EXPECT_FALSE(can_login("bob", "pw2"));
  server_.reset();
  StartServer(AuthConfig::Method::kPassword);
  EXPECT_TRUE(can_login("carl", "pwc"));
  EXPECT_TRUE(can_login("bob", "pw3"));
  EXPECT_FALSE(can_login("carl", "pw3"));

  // The roles are in the catalog: they survive a restart of the database.
  server_.reset();
  Reopen();
  StartServer(AuthConfig::Method::kScramSha256);
  EXPECT_TRUE(can_login("bob", "pw3"));
  admin = Connect();
  EXPECT_EQ(exec(admin, "DROP USER bob, carl"), "DROP ROLE");
  EXPECT_EQ(exec(admin, "DROP USER IF EXISTS bob"), "DROP ROLE");
  EXPECT_EQ(exec(admin, "DROP USER bob"), "ERROR 42704");
  PQfinish(admin);
  EXPECT_FALSE(can_login("bob", "pw3"));
}

TEST_F(PgServerTest, ManyConcurrentConnections) {
  StartServer(AuthConfig::Method::kTrust);
  std::vector<PGconn*> conns;
  for (int i = 0; i < 100; ++i) {
    conns.push_back(Connect(""));
    ASSERT_EQ(PQstatus(conns.back()), CONNECTION_OK) << PQerrorMessage(conns.back());
  }
  EXPECT_EQ(server_->open_connections(), 100);
  for (PGconn* c : conns) {
    PGresult* r = PQexec(c, "SELECT 1");
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
  }
  for (PGconn* c : conns) PQfinish(c);
}

TEST_F(PgServerTest, CopyInAndOut) {
  StartServer(AuthConfig::Method::kScramSha256);
  PGconn* c = Connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r =
      PQexec(c, "CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision)");
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);

  // CSV with a header, a quoted field with a comma, a NULL, sent in pieces cut mid-line; then
  // enough rows to cross CopyInStream's chunk size, so rows are inserted while data arrives.
  r = PQexec(c, "COPY m FROM STDIN (FORMAT csv, HEADER true)");
  ASSERT_EQ(PQresultStatus(r), PGRES_COPY_IN) << PQresultErrorMessage(r);
  EXPECT_EQ(PQnfields(r), 3);
  PQclear(r);
  std::string data = "time,host,v\n2024-01-01 00:00:00Z,\"a,b\",1.5\n2024-01-01 00:00:01Z,b,\n";
  int64_t expect = 2;
  std::string bulk;
  for (int i = 0; bulk.size() < (9u << 20); ++i, ++expect) {
    bulk += "2024-01-02 00:00:00Z,h" + std::to_string(i % 7) + "," + std::to_string(i) + "\n";
  }
  data += bulk;
  for (size_t p = 0; p < data.size(); p += 7777) {
    const std::string part = data.substr(p, 7777);
    ASSERT_EQ(PQputCopyData(c, part.data(), static_cast<int>(part.size())), 1);
  }
  ASSERT_EQ(PQputCopyEnd(c, nullptr), 1);
  r = PQgetResult(c);
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  EXPECT_EQ(std::string(PQcmdStatus(r)), "COPY " + std::to_string(expect));
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);

  r = PQexec(c, "SELECT count(*), count(v), min(host) FROM m");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), std::to_string(expect));
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 1)), std::to_string(expect - 1));
  EXPECT_STREQ(PQgetvalue(r, 0, 2), "a,b");
  PQclear(r);

  // A bad line: an error naming the line, the connection stays usable.
  r = PQexec(c, "COPY m (time, v) FROM STDIN");
  ASSERT_EQ(PQresultStatus(r), PGRES_COPY_IN);
  PQclear(r);
  const std::string bad = "2024-01-03 00:00:00Z\t1\n2024-01-03 00:00:01Z\tnot-a-number\n";
  ASSERT_EQ(PQputCopyData(c, bad.data(), static_cast<int>(bad.size())), 1);
  ASSERT_EQ(PQputCopyEnd(c, nullptr), 1);
  r = PQgetResult(c);
  EXPECT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
  EXPECT_NE(std::string(PQresultErrorMessage(r)).find("line 2"), std::string::npos)
      << PQresultErrorMessage(r);
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);

  // CopyFail from the client, then COPY in the extended protocol (PQexecParams), and the
  // end-of-data marker.
  r = PQexec(c, "COPY m FROM STDIN");
  ASSERT_EQ(PQresultStatus(r), PGRES_COPY_IN);
  PQclear(r);
  ASSERT_EQ(PQputCopyEnd(c, "client gave up"), 1);
  r = PQgetResult(c);
  EXPECT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
  EXPECT_NE(std::string(PQresultErrorMessage(r)).find("client gave up"), std::string::npos);
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);
  r = PQexecParams(c, "COPY m FROM STDIN", 0, nullptr, nullptr, nullptr, nullptr, 0);
  ASSERT_EQ(PQresultStatus(r), PGRES_COPY_IN) << PQresultErrorMessage(r);
  PQclear(r);
  const std::string ext = "2024-01-04 00:00:00Z\tz\t9\n\\.\nignored\n";
  ASSERT_EQ(PQputCopyData(c, ext.data(), static_cast<int>(ext.size())), 1);
  ASSERT_EQ(PQputCopyEnd(c, nullptr), 1);
  r = PQgetResult(c);
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  EXPECT_STREQ(PQcmdStatus(r), "COPY 1");
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);

  // COPY (query) TO STDOUT: one CopyData per row; then a statement after it in the same Query.
  r = PQexec(c,
             "COPY (SELECT host, v FROM m WHERE time >= '2024-01-03' ORDER BY time) TO STDOUT "
             "(FORMAT csv, HEADER)");
  ASSERT_EQ(PQresultStatus(r), PGRES_COPY_OUT) << PQresultErrorMessage(r);
  PQclear(r);
  std::vector<std::string> lines;
  char* buf = nullptr;
  int n;
  while ((n = PQgetCopyData(c, &buf, 0)) > 0) {
    lines.emplace_back(buf, static_cast<size_t>(n));
    PQfreemem(buf);
  }
  EXPECT_EQ(n, -1);
  r = PQgetResult(c);
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK);
  EXPECT_STREQ(PQcmdStatus(r), "COPY 1");
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);
  // The failed COPY inserted nothing (its rows were in one unfinished batch).
  EXPECT_EQ(lines, (std::vector<std::string>{"host,v\n", "z,9\n"}));

  r = PQexec(c, "SELECT 1");
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  PQclear(r);
  PQfinish(c);
}

TEST_F(PgServerTest, TlsWhenACertificateIsGiven) {
  const std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=localhost -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl (scripts/setup installs it) failed";
  {  // a key that does not match, or a missing file: the server refuses to start
    PgServerOptions o;
    o.port = 0;
    o.session.db = db_.get();
    o.tls_cert = cert;
    o.tls_key = dir_ + "/missing.pem";
    EXPECT_FALSE(PgServer::Start(o).ok());
  }
  StartServer(AuthConfig::Method::kScramSha256, cert, key);
  PGconn* c = Connect("s3cret", "omendb", "require");
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  EXPECT_EQ(PQsslInUse(c), 1);
  EXPECT_NE(PQsslAttribute(c, "protocol"), nullptr);
  // A result bigger than one TLS record, both ways.
  std::string big = "SELECT '" + std::string(100000, 'x') + "' AS v";
  PGresult* r = PQexec(c, big.c_str());
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  EXPECT_EQ(std::strlen(PQgetvalue(r, 0, 0)), 100000u);
  PQclear(r);
  PQfinish(c);
  c = Connect("s3cret", "omendb", "disable");  // the clear is still allowed
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  EXPECT_EQ(PQsslInUse(c), 0);
  PQfinish(c);
}

}  // namespace
}  // namespace omen::server
