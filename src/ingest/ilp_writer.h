// Copyright 2026 The OmenDB Authors.
//
// IlpWriter: schema on write for the InfluxDB line protocol. Parsed lines (ilp_parser.h) become
// rows of ordinary tables: a new measurement creates a table (time TIMESTAMPTZ NOT NULL, then
// the line's tags as TEXT and its fields typed from their first value: float DOUBLE PRECISION,
// integer and unsigned BIGINT, string TEXT, boolean BOOLEAN; default options, so the first tag
// is the sort key); a new tag or field adds a nullable column. A line that does not fit its
// table (a field whose type conflicts with the column's, an unsigned value beyond BIGINT, a key
// named "time", a tag and field with the same key, a name the catalog refuses) is rejected with
// its line number; the other lines of the same input are kept (InfluxDB's partial writes).
//
// Rows collect in one columnar batch per table and reach storage (one WAL record per table,
// durable when the database syncs) at Flush, or earlier when a table's schema must change.
// Other writers may change the same tables concurrently: a batch built against an older schema
// gets the columns added since as NULLs.
//
// Thread-safety: an IlpWriter is used by one thread (one connection or request); any number of
// writers may share a Database.

#ifndef OMENDB_INGEST_ILP_WRITER_H_
#define OMENDB_INGEST_ILP_WRITER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/ilp_parser.h"
#include "omendb/status.h"
#include "storage/batch.h"
#include "storage/database.h"

namespace omen::ingest {

// The rows of one table taken out of a writer, to be inserted by any thread.
struct PendingBatch {
  std::string table;
  arrow::RecordBatch batch;
};

// Inserts a taken batch: columns added to the table since it was built are NULL in its rows,
// and a concurrent ADD COLUMN is retried. Thread-safe (the Database is).
Status InsertBatch(storage::Database* db, PendingBatch* b);

class IlpWriter {
 public:
  explicit IlpWriter(storage::Database* db);
  ~IlpWriter();
  IlpWriter(const IlpWriter&) = delete;
  IlpWriter& operator=(const IlpWriter&) = delete;

  // Adds batch's lines to the pending rows. A line that cannot be written gets a LineError in
  // *errors and is skipped. Lines without a timestamp take now_us. Returns the rows added, or
  // the error of a storage operation (creating a table or column, an early insert), after
  // which the pending rows of the failed table are gone.
  Result<int64_t> Append(const ParsedBatch& batch, int64_t now_us, std::vector<LineError>* errors);
  // Inserts every pending batch. On error the pending rows of the failed table are dropped.
  Status Flush();
  // The pending rows as one batch per table, for InsertBatch on another thread (so that the
  // caller goes on parsing while they are inserted). Their rows are not in TakeWritten.
  Result<std::vector<PendingBatch>> TakeBatches();
  int64_t pending_rows() const { return pending_rows_; }
  // Rows inserted into storage per table since the last call (for metrics); resets.
  std::map<std::string, int64_t> TakeWritten() { return std::exchange(written_, {}); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct TableState;
  struct Slot {  // one tag or field of a line, resolved to a column
    int col = -1;
    bool is_tag = false;
    uint32_t index = 0;  // into ParsedBatch::tags or ::fields
  };

  // How the fast path appends a field value (its type and column need no check).
  enum class FieldOp : uint8_t { kInt, kIntToDouble, kUnsignedToDouble, kDouble, kString, kBool };
  struct FieldPlan {
    int col;
    FieldType type;  // the value type the op expects; another type takes the checked path
    FieldOp op;
  };

  Result<TableState*> State(std::string_view measurement, const ParsedBatch& batch,
                            const ParsedLine& line);
  // After a line passed CheckSlots: the plan for the next lines with the same keys, when its
  // columns need no per-value checks (plan_for_ stays null otherwise).
  void BuildPlan(TableState* t, const ParsedBatch& batch);
  // Appends a line with the keys of the planned one, when its field types are the planned
  // ones; false (nothing appended) when the line needs the checked path.
  bool AppendPlanned(TableState* t, const ParsedBatch& batch, const ParsedLine& line, int64_t time,
                     uint64_t hash);
  // Resolves the line's keys to columns (adding columns when needed). A message when the line
  // cannot be written to the table; empty when it can.
  Result<std::string> Resolve(TableState* t, const ParsedBatch& batch, const ParsedLine& line);
  // The checks of resolved slots_ against the line's values: a message when the line cannot
  // be written; empty when it can (and filled_ stamped with the line's columns).
  std::string CheckSlots(TableState* t, const ParsedBatch& batch);
  Status Reload(TableState* t, std::shared_ptr<const storage::TableDef> def);
  Status FlushTable(TableState* t);
  Result<std::optional<PendingBatch>> TakeTable(TableState* t);

  storage::Database* db_;
  std::unordered_map<std::string, std::unique_ptr<TableState>, StringHash, std::equal_to<>> tables_;
  std::vector<Slot> slots_;         // the current line's resolved keys
  TableState* resolved_ = nullptr;  // slots_ hold a full resolution of keys for this table
  // The plan of resolved_'s keys (valid when plan_for_ == resolved_): tag columns and field
  // ops in line order, and the columns such lines leave NULL.
  TableState* plan_for_ = nullptr;
  std::vector<int> plan_tags_;
  std::vector<FieldPlan> plan_fields_;
  std::vector<int> plan_nulls_;
  std::vector<uint64_t> hashes_;  // per line of the batch being appended: its series' hash
  std::vector<int32_t> codes_;    // a new series' codes
  std::vector<uint32_t> filled_;  // per column: the line stamp that filled it
  uint32_t stamp_ = 0;
  uint64_t append_count_ = 0;  // Append calls so far
  int64_t pending_rows_ = 0;
  std::map<std::string, int64_t> written_;
};

}  // namespace omen::ingest

#endif  // OMENDB_INGEST_ILP_WRITER_H_
