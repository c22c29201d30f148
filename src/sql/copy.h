// Copyright 2026 The OmenDB Authors.
//
// COPY: the embedded bulk path. COPY table FROM 'file' reads CSV (RFC 4180
// quoting, HEADER, DELIMITER, NULL), PostgreSQL text format (tab-separated,
// \N, backslash escapes) or an Arrow IPC file, parsing in parallel (the file
// is cut at line boundaries, one slice per core) and inserting columnar
// batches. COPY table|(query) TO 'file' writes the same formats; arrow writes
// an Arrow IPC file that other engines open. Malformed input is an error
// naming the line (SQLSTATE 22P02 / 22P04), never a crash.

#ifndef OMENDB_SQL_COPY_H_
#define OMENDB_SQL_COPY_H_

#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"
#include "sql/query.h"
#include "storage/database.h"

namespace omen::sql {

struct CopyOptions {
  std::string format = "text";  // text | csv | arrow
  bool header = false;
  char delimiter = '\t';
  std::string null_string = "\\N";
};
Result<CopyOptions> ParseCopyOptions(const std::vector<std::pair<std::string, std::string>>& opts);

// Parses `data` (a whole CSV/text file) into the table's columns (`columns`: table column
// indexes in file order; empty = all) and inserts it. Returns the rows inserted.
Result<int64_t> CopyFromBytes(storage::Database* db, const storage::TableDef& def,
                              const std::vector<int>& columns, std::string_view data,
                              const CopyOptions& o);
Result<int64_t> CopyFromFile(storage::Database* db, const storage::TableDef& def,
                             const std::vector<int>& columns, const std::string& path,
                             const CopyOptions& o);
// Writes rel to path in the given format. Returns rows written.
Result<int64_t> CopyToFile(const Relation& rel, const std::string& path, const CopyOptions& o);
// The text of rel in csv/text format (COPY ... TO STDOUT).
std::string FormatDelimited(const Relation& rel, const CopyOptions& o);

}  // namespace omen::sql

#endif  // OMENDB_SQL_COPY_H_
