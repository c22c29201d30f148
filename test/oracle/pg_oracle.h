// Copyright 2026 The OmenDB Authors.
//
// PgOracle: a throwaway PostgreSQL 15 server (Debian's postgresql-15) for
// differential tests. Start() runs initdb into a temporary directory and
// starts postgres on a free loopback port (as the `postgres` user when the
// test runs as root, since PostgreSQL refuses to run as root); Query() runs SQL
// through psql and returns text rows exactly as PostgreSQL prints them; the
// destructor stops the server and removes the directory. One thread at a time.

#ifndef OMENDB_TEST_ORACLE_PG_ORACLE_H_
#define OMENDB_TEST_ORACLE_PG_ORACLE_H_

#include <optional>
#include <string>
#include <vector>

#include "omendb/status.h"

namespace omen::test {

using TextRows = std::vector<std::vector<std::optional<std::string>>>;

class PgOracle {
 public:
  PgOracle() = default;
  ~PgOracle();
  PgOracle(const PgOracle&) = delete;
  PgOracle& operator=(const PgOracle&) = delete;

  // NotFound when postgresql-15 is not installed (tests then skip, saying why).
  Status Start();
  // Runs one statement; rows of its result (none for commands). Errors carry PostgreSQL's
  // message; `sqlstate` (if given) receives its SQLSTATE ("00000" on success).
  Result<TextRows> Query(const std::string& sql, std::string* sqlstate = nullptr);
  int port() const { return port_; }

 private:
  Result<std::string> Run(const std::string& command);
  std::string AsPostgres(const std::string& command) const;

  std::string dir_;
  int port_ = 0;
  bool started_ = false;
  bool as_root_ = false;
};

}  // namespace omen::test

#endif  // OMENDB_TEST_ORACLE_PG_ORACLE_H_
