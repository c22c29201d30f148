// Copyright 2026 The OmenDB Authors.
//
// Table definitions as the catalog keeps them: columns with OmenDB types, the
// designated time column, and table options (partitioning, compression, sort
// key, flush size). Plain values; immutable once published by the Catalog
// (shared as shared_ptr<const TableDef>), so safe to read from any thread.

#ifndef OMENDB_STORAGE_SCHEMA_H_
#define OMENDB_STORAGE_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arrow/column.h"
#include "arrow/ipc.h"
#include "omendb/status.h"

namespace omen::storage {

// SQL-level column types (DESIGN.md "Data model"); each maps to one Arrow type.
enum class SqlType : uint8_t {
  kBoolean,
  kSmallint,
  kInteger,
  kBigint,
  kReal,
  kDouble,
  kText,
  kVarchar,
  kTimestamp,
  kTimestamptz,
  kDate,
};

arrow::DataType ArrowTypeOf(SqlType type);
// "boolean", "smallint", ..., "timestamp with time zone" (PostgreSQL's spelling).
const char* SqlTypeName(SqlType type);
std::optional<SqlType> SqlTypeFromName(std::string_view name);

struct ColumnDef {
  std::string name;
  SqlType type = SqlType::kBigint;
  bool nullable = true;
  int32_t max_length = -1;  // VARCHAR(n): n; otherwise -1
};

enum class PartitionBy : uint8_t { kHour, kDay, kWeek, kMonth, kNone };
const char* PartitionByName(PartitionBy p);
std::optional<PartitionBy> PartitionByFromName(std::string_view name);

struct TableOptions {
  PartitionBy partition_by = PartitionBy::kDay;
  arrow::Compression compression = arrow::Compression::kNone;
  // Column name of an optional sort key (a TEXT tag): segments are ordered by (tag, time).
  std::string sort_key;
  // Rows in a partition's write buffer that trigger a flush to a segment (half of
  // compact_target_rows: a full flush makes a segment that compaction leaves alone).
  uint64_t flush_rows = 4u << 20;
  // Rows per Arrow record batch inside a segment.
  uint32_t batch_rows = 1u << 16;
  // Rows a compacted segment may reach.
  uint64_t compact_target_rows = 8u << 20;
  // Retention: partitions that end more than this many microseconds before now are dropped by
  // the background thread (0: keep forever).
  int64_t retention_us = 0;
};
const char* CompressionName(arrow::Compression c);
std::optional<arrow::Compression> CompressionFromName(std::string_view name);

struct TableDef {
  uint64_t id = 0;
  std::string name;
  std::vector<ColumnDef> columns;
  int time_column = -1;
  int sort_column = -1;  // index of options.sort_key, or -1
  TableOptions options;
  uint64_t schema_version = 1;  // bumped by ALTER TABLE

  int ColumnIndex(std::string_view column) const;
  // The Arrow schema of the table (time column metadata included).
  std::shared_ptr<const arrow::Schema> ArrowSchema() const;
};

// Checks a definition and fills time_column/sort_column: names unique and non-empty, a time
// column (options or the first NOT NULL TIMESTAMP[TZ]), sort key an existing TEXT column.
// `time_column_name` empty means "choose".
Status ValidateTableDef(TableDef* def, std::string_view time_column_name);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_SCHEMA_H_
