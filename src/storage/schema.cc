// Copyright 2026 The OmenDB Authors.

#include "storage/schema.h"

#include <set>

namespace omen::storage {
namespace {

struct TypeRow {
  SqlType type;
  const char* name;
};
constexpr TypeRow kTypes[] = {
    {SqlType::kBoolean, "boolean"},
    {SqlType::kSmallint, "smallint"},
    {SqlType::kInteger, "integer"},
    {SqlType::kBigint, "bigint"},
    {SqlType::kReal, "real"},
    {SqlType::kDouble, "double precision"},
    {SqlType::kText, "text"},
    {SqlType::kVarchar, "character varying"},
    {SqlType::kTimestamp, "timestamp without time zone"},
    {SqlType::kTimestamptz, "timestamp with time zone"},
    {SqlType::kDate, "date"},
};

}  // namespace

arrow::DataType ArrowTypeOf(SqlType type) {
  using arrow::TypeId;
  switch (type) {
    case SqlType::kBoolean:
      return {TypeId::kBool};
    case SqlType::kSmallint:
      return {TypeId::kInt16};
    case SqlType::kInteger:
      return {TypeId::kInt32};
    case SqlType::kBigint:
      return {TypeId::kInt64};
    case SqlType::kReal:
      return {TypeId::kFloat32};
    case SqlType::kDouble:
      return {TypeId::kFloat64};
    case SqlType::kText:
    case SqlType::kVarchar:
      return {TypeId::kString};
    case SqlType::kTimestamp:
      return {TypeId::kTimestamp, false};
    case SqlType::kTimestamptz:
      return {TypeId::kTimestamp, true};
    case SqlType::kDate:
      return {TypeId::kDate32};
  }
  return {TypeId::kInt64};
}

const char* SqlTypeName(SqlType type) {
  for (const TypeRow& row : kTypes) {
    if (row.type == type) return row.name;
  }
  return "bigint";
}

std::optional<SqlType> SqlTypeFromName(std::string_view name) {
  for (const TypeRow& row : kTypes) {
    if (row.name == name) return row.type;
  }
  return std::nullopt;
}

const char* PartitionByName(PartitionBy p) {
  switch (p) {
    case PartitionBy::kHour:
      return "hour";
    case PartitionBy::kDay:
      return "day";
    case PartitionBy::kWeek:
      return "week";
    case PartitionBy::kMonth:
      return "month";
    case PartitionBy::kNone:
      return "none";
  }
  return "day";
}

std::optional<PartitionBy> PartitionByFromName(std::string_view name) {
  for (PartitionBy p : {PartitionBy::kHour, PartitionBy::kDay, PartitionBy::kWeek,
                        PartitionBy::kMonth, PartitionBy::kNone}) {
    if (name == PartitionByName(p)) return p;
  }
  return std::nullopt;
}

const char* CompressionName(arrow::Compression c) {
  switch (c) {
    case arrow::Compression::kNone:
      return "none";
    case arrow::Compression::kLz4Frame:
      return "lz4";
    case arrow::Compression::kZstd:
      return "zstd";
  }
  return "none";
}

std::optional<arrow::Compression> CompressionFromName(std::string_view name) {
  if (name == "none" || name == "uncompressed") return arrow::Compression::kNone;
  if (name == "lz4" || name == "lz4_frame") return arrow::Compression::kLz4Frame;
  if (name == "zstd") return arrow::Compression::kZstd;
  return std::nullopt;
}

int TableDef::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

std::shared_ptr<const arrow::Schema> TableDef::ArrowSchema() const {
  auto schema = std::make_shared<arrow::Schema>();
  for (const ColumnDef& c : columns) {
    schema->fields.push_back({c.name, ArrowTypeOf(c.type), c.nullable});
  }
  schema->metadata.emplace_back("omendb.table", name);
  schema->metadata.emplace_back("omendb.time_column", columns[time_column].name);
  return schema;
}

Status ValidateTableDef(TableDef* def, std::string_view time_column_name) {
  if (def->name.empty()) return Status::InvalidArgument("table name must not be empty");
  // The name is a directory name under DATA/tables/.
  if (def->name == "." || def->name == ".." || def->name.size() > 200) {
    return Status::InvalidArgument("invalid table name \"" + def->name + "\"");
  }
  for (unsigned char ch : def->name) {
    if (ch == '/' || ch < 0x20 || ch == 0x7f) {
      return Status::InvalidArgument("table name must not contain '/' or control characters");
    }
  }
  if (def->columns.empty()) return Status::InvalidArgument("a table needs at least one column");
  std::set<std::string> seen;
  for (const ColumnDef& c : def->columns) {
    if (c.name.empty()) return Status::InvalidArgument("column name must not be empty");
    if (!seen.insert(c.name).second) {
      return Status::AlreadyExists("column \"" + c.name + "\" specified more than once");
    }
  }
  def->time_column = -1;
  if (!time_column_name.empty()) {
    def->time_column = def->ColumnIndex(time_column_name);
    if (def->time_column < 0) {
      return Status::InvalidArgument("time_column \"" + std::string(time_column_name) +
                                     "\" is not a column of the table");
    }
    SqlType t = def->columns[def->time_column].type;
    if (t != SqlType::kTimestamp && t != SqlType::kTimestamptz) {
      return Status::InvalidArgument("time column \"" + std::string(time_column_name) +
                                     "\" must be TIMESTAMP or TIMESTAMPTZ");
    }
    def->columns[def->time_column].nullable = false;
  } else {
    for (size_t i = 0; i < def->columns.size(); ++i) {
      const ColumnDef& c = def->columns[i];
      if ((c.type == SqlType::kTimestamp || c.type == SqlType::kTimestamptz) && !c.nullable) {
        def->time_column = static_cast<int>(i);
        break;
      }
    }
    if (def->time_column < 0) {
      return Status::InvalidArgument(
          "table \"" + def->name +
          "\" needs a time column: a TIMESTAMPTZ or TIMESTAMP column declared NOT NULL, or "
          "WITH (time_column = 'name')");
    }
  }
  def->sort_column = -1;
  if (def->options.sort_key == "none") def->options.sort_key.clear();
  if (!def->options.sort_key.empty()) {
    def->sort_column = def->ColumnIndex(def->options.sort_key);
    if (def->sort_column < 0) {
      return Status::InvalidArgument("sort_key \"" + def->options.sort_key +
                                     "\" is not a column of the table");
    }
    SqlType t = def->columns[def->sort_column].type;
    if (t != SqlType::kText && t != SqlType::kVarchar) {
      return Status::InvalidArgument("sort_key must name a TEXT or VARCHAR column");
    }
  }
  if (def->options.flush_rows == 0 || def->options.batch_rows == 0 ||
      def->options.batch_rows > (1u << 24) || def->options.compact_target_rows == 0 ||
      def->options.retention_us < 0) {
    return Status::InvalidArgument(
        "flush_rows, compact_target_rows and batch_rows (at most 16777216) must be positive, "
        "retention must not be negative");
  }
  return Status::OK();
}

}  // namespace omen::storage
