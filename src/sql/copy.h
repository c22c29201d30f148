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

#include <memory>
#include <optional>
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
  // The session's TimeZone (null: UTC): COPY TO prints timestamptz values in it, COPY FROM reads
  // timestamptz text without a zone in it. Not an option of the statement.
  const TimeZone* zone = nullptr;
};
Result<CopyOptions> ParseCopyOptions(const std::vector<std::pair<std::string, std::string>>& opts);

// The table column indexes a COPY column list names, in list order (empty list: all columns);
// UndefinedColumn for a name the table lacks.
Result<std::vector<int>> CopyColumns(const storage::TableDef& def,
                                     const std::vector<std::string>& names);

// Parses `data` (a whole CSV/text file) into the table's columns (`columns`: table column
// indexes in file order; empty = all) and inserts it. Returns the rows inserted. Error
// messages number lines from first_line (the header, when o.header, is line first_line).
Result<int64_t> CopyFromBytes(storage::Database* db, const storage::TableDef& def,
                              const std::vector<int>& columns, std::string_view data,
                              const CopyOptions& o, int64_t first_line = 1);

// COPY table FROM STDIN: the data arrives in pieces of any size (the wire protocol's CopyData
// messages). Complete lines are parsed and inserted once a few MiB have accumulated, so memory
// stays bounded whatever the input size; Finish parses the rest. A line holding only `\.` ends
// the data (what follows is ignored). Not atomic: batches inserted before an error stay, as
// with COPY FROM a file. Formats text and csv (arrow needs a file).
class CopyInStream {
 public:
  static Result<std::unique_ptr<CopyInStream>> Begin(storage::Database* db,
                                                     std::shared_ptr<const storage::TableDef> def,
                                                     std::vector<int> columns, CopyOptions o);
  // The number of columns the client sends per line.
  int num_columns() const { return static_cast<int>(columns_.size()); }
  // The table and the table column each field of a line goes to.
  const storage::TableDef& table() const { return *def_; }
  const std::vector<int>& columns() const { return columns_; }
  Status Write(std::string_view data);
  // Parses what is left; returns the rows inserted in all.
  Result<int64_t> Finish();

  // Inputs at least this large are parsed as they come (at line ends).
  static constexpr size_t kChunkBytes = 8 << 20;

 private:
  CopyInStream(storage::Database* db, std::shared_ptr<const storage::TableDef> def,
               std::vector<int> columns, CopyOptions o);
  // Parses and inserts pending_[0, end) and drops it from pending_.
  Status Consume(size_t end);

  storage::Database* db_;
  std::shared_ptr<const storage::TableDef> def_;
  std::vector<int> columns_;
  CopyOptions o_;
  std::string pending_;
  size_t scanned_ = 0;      // pending_[0, scanned_) has been scanned for line ends
  size_t last_end_ = 0;     // just past the last line end found outside quotes (0: none)
  bool in_quotes_ = false;  // CSV quote state at scanned_
  bool header_left_ = false;
  bool ended_ = false;  // saw the \. end marker
  int64_t line_ = 1;    // line number of pending_[0]
  int64_t rows_ = 0;
};
Result<int64_t> CopyFromFile(storage::Database* db, const storage::TableDef& def,
                             const std::vector<int>& columns, const std::string& path,
                             const CopyOptions& o);
// rel as one Arrow record batch (numeric as float64, intervals as text, text dictionary-encoded).
Result<arrow::RecordBatch> RelationToArrow(const Relation& rel);
// rel as an Arrow IPC stream (schema, dictionaries, one batch, end-of-stream marker).
Result<std::string> ArrowStreamOf(const Relation& rel);
// The rows of a COPY ... TO, a piece at a time. A table (COPY table [(columns)] TO) is read from
// one storage snapshot, one storage batch at a time, so that memory stays bounded whatever the
// table's size; a query's result (COPY (query) TO) is one piece.
class CopyRows {
 public:
  // columns: table column indexes (empty: all). Checks options' cancel flag and deadline
  // between pieces.
  static Result<std::unique_ptr<CopyRows>> OfTable(storage::Database* db,
                                                   const storage::TableDef& def,
                                                   const std::vector<int>& columns,
                                                   const QueryOptions& options);
  static std::unique_ptr<CopyRows> OfRelation(Relation rel);

  const std::vector<std::string>& names() const { return names_; }
  const std::vector<exec::LType>& types() const { return types_; }
  // The next piece, with the columns above (it may hold no rows); false when there is none.
  Result<bool> Next(Relation* out);
  // Every remaining piece as one relation (what FORMAT arrow writes).
  Result<Relation> All();

 private:
  CopyRows() = default;
  std::vector<std::string> names_;
  std::vector<exec::LType> types_;
  std::optional<storage::TableScan> scan_;
  std::optional<Relation> rel_;  // a query's result, until taken
  QueryOptions options_;
};

// Writes the rows to path in the given format (text and csv a piece at a time). Returns the
// rows written.
Result<int64_t> CopyToFile(CopyRows* rows, const std::string& path, const CopyOptions& o);
// Appends v as one CSV field (RFC 4180): quoted, quotes doubled, when it is empty or holds the
// delimiter, a quote or a line break.
void AppendCsvField(std::string* out, std::string_view v, char delimiter);
// The header line (the column names) appended to *out in csv/text format; with row_ends, its
// end offset in *out.
void AppendDelimitedHeader(const std::vector<std::string>& names, const CopyOptions& o,
                           std::string* out, std::vector<size_t>* row_ends);
// Rows [begin, end) of rel appended to *out in csv/text format; with row_ends, each line's end
// offset in *out. For output sent a slice at a time.
void AppendDelimited(const Relation& rel, const CopyOptions& o, int64_t begin, int64_t end,
                     std::string* out, std::vector<size_t>* row_ends);

}  // namespace omen::sql

#endif  // OMENDB_SQL_COPY_H_
