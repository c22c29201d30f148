// Copyright 2026 The OmenDB Authors.

#include "sql/engine.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/datetime.h"
#include "sql/parser.h"
#include "storage/batch.h"

namespace omen::sql {
namespace {

using storage::SqlType;

Result<SqlType> TypeFromSpec(const ColumnSpec& c) {
  const std::string& t = c.type_name;
  if (t == "int2") return SqlType::kSmallint;
  if (t == "int4") return SqlType::kInteger;
  if (t == "int8") return SqlType::kBigint;
  if (t == "float4") return SqlType::kReal;
  if (t == "float8") return SqlType::kDouble;
  if (t == "bool") return SqlType::kBoolean;
  if (t == "text") return SqlType::kText;
  if (t == "varchar") return SqlType::kVarchar;
  if (t == "timestamp") return SqlType::kTimestamp;
  if (t == "timestamptz") return SqlType::kTimestamptz;
  if (t == "date") return SqlType::kDate;
  return Status::NotSupported("type \"" + t + "\" is not supported (column \"" + c.name + "\")");
}

// "30 days", "12 hours", "90 minutes", "3600 seconds", "2 weeks" -> microseconds.
Result<int64_t> ParseSimpleInterval(const std::string& text) {
  char* end = nullptr;
  const long long n = std::strtoll(text.c_str(), &end, 10);
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (!unit.empty() && unit.back() == 's') unit.pop_back();
  const int64_t s = 1000000;
  int64_t mult = unit == "second" || unit == "sec"   ? s
                 : unit == "minute" || unit == "min" ? 60 * s
                 : unit == "hour"                    ? 3600 * s
                 : unit == "day"                     ? 86400 * s
                 : unit == "week"                    ? 7 * 86400 * s
                                                     : 0;
  if (mult == 0 || n < 0 || end == text.c_str()) {
    return Status::InvalidArgument("invalid interval \"" + text + "\" (use e.g. '30 days')");
  }
  return static_cast<int64_t>(n) * mult;
}

Result<uint64_t> PositiveNumber(const std::string& key, const std::string& value) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v == 0) {
    return Status::InvalidArgument(key + " must be a positive integer");
  }
  return static_cast<uint64_t>(v);
}

Result<QueryResult> CreateTable(storage::Database* db, const CreateTableStmt& s) {
  storage::TableDef def;
  def.name = s.name;
  for (const ColumnSpec& c : s.columns) {
    OMEN_ASSIGN_OR_RETURN(SqlType type, TypeFromSpec(c));
    storage::ColumnDef col{c.name, type, !c.not_null, -1};
    if (type == SqlType::kVarchar && !c.typmods.empty()) {
      col.max_length = static_cast<int32_t>(c.typmods[0]);
    }
    def.columns.push_back(std::move(col));
  }
  std::string time_column;
  for (const auto& [key, value] : s.options) {
    if (key == "time_column") {
      time_column = value;
    } else if (key == "partition_by") {
      auto p = storage::PartitionByFromName(value);
      if (!p) return Status::InvalidArgument("partition_by must be hour, day, week, month or none");
      def.options.partition_by = *p;
    } else if (key == "compression") {
      auto c = storage::CompressionFromName(value);
      if (!c) return Status::InvalidArgument("compression must be none, lz4 or zstd");
      def.options.compression = *c;
    } else if (key == "sort_key") {
      def.options.sort_key = value.empty() ? "none" : value;
    } else if (key == "flush_rows") {
      OMEN_ASSIGN_OR_RETURN(def.options.flush_rows, PositiveNumber(key, value));
    } else if (key == "retention") {
      OMEN_ASSIGN_OR_RETURN(def.options.retention_us, ParseSimpleInterval(value));
    } else {
      return Status::InvalidArgument("unrecognized parameter \"" + key + "\"");
    }
  }
  OMEN_RETURN_IF_ERROR(db->CreateTable(std::move(def), time_column, s.if_not_exists).status());
  QueryResult r;
  r.command_tag = "CREATE TABLE";
  return r;
}

// A literal (possibly under casts) as text/number, for INSERT VALUES.
Result<const Expr*> LiteralOf(const Expr* e) {
  while (e->kind == ExprKind::kCast) e = e->args[0].get();
  if (e->kind != ExprKind::kLiteral) {
    return Status::NotSupported("INSERT ... VALUES supports constants only (for now)");
  }
  return e;
}

Status AppendValue(storage::BatchBuilder* b, int col, SqlType type, const Literal& l,
                   const std::string& column) {
  using K = Literal::Kind;
  if (l.kind == K::kNull) {
    b->AppendNull(col);
    return Status::OK();
  }
  auto bad = [&](const char* tname) {
    std::string shown = l.kind == K::kInt ? std::to_string(l.i) : l.text;
    return Status::InvalidArgument("invalid input syntax for type " + std::string(tname) + ": \"" +
                                   shown + "\" (column \"" + column + "\")");
  };
  switch (type) {
    case SqlType::kBoolean: {
      if (l.kind == K::kBool) {
        b->AppendBool(col, l.b);
        return Status::OK();
      }
      std::string t = l.text;
      for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (l.kind == K::kString &&
          (t == "t" || t == "true" || t == "yes" || t == "on" || t == "1")) {
        b->AppendBool(col, true);
      } else if (l.kind == K::kString &&
                 (t == "f" || t == "false" || t == "no" || t == "off" || t == "0")) {
        b->AppendBool(col, false);
      } else {
        return bad("boolean");
      }
      return Status::OK();
    }
    case SqlType::kSmallint:
    case SqlType::kInteger:
    case SqlType::kBigint: {
      int64_t v;
      if (l.kind == K::kInt) {
        v = l.i;
      } else if (l.kind == K::kNumeric) {
        v = static_cast<int64_t>(std::llround(std::strtod(l.text.c_str(), nullptr)));
      } else if (l.kind == K::kString) {
        auto [p, ec] = std::from_chars(l.text.data(), l.text.data() + l.text.size(), v);
        if (ec != std::errc() || p != l.text.data() + l.text.size()) return bad("integer");
      } else {
        return Status::DatatypeMismatch("column \"" + column + "\" is an integer");
      }
      const int64_t lo = type == SqlType::kSmallint  ? INT16_MIN
                         : type == SqlType::kInteger ? INT32_MIN
                                                     : INT64_MIN;
      const int64_t hi = type == SqlType::kSmallint  ? INT16_MAX
                         : type == SqlType::kInteger ? INT32_MAX
                                                     : INT64_MAX;
      if (v < lo || v > hi) {
        return Status::InvalidArgument("value out of range for column \"" + column + "\"");
      }
      b->AppendInt(col, v);
      return Status::OK();
    }
    case SqlType::kReal:
    case SqlType::kDouble: {
      if (l.kind == K::kInt) {
        b->AppendDouble(col, static_cast<double>(l.i));
        return Status::OK();
      }
      if (l.kind != K::kNumeric && l.kind != K::kString) return bad("double precision");
      char* end = nullptr;
      double d = std::strtod(l.text.c_str(), &end);
      if (l.text.empty() || *end != '\0') return bad("double precision");
      b->AppendDouble(col, d);
      return Status::OK();
    }
    case SqlType::kText:
    case SqlType::kVarchar:
      if (l.kind == K::kInt) {
        b->AppendString(col, std::to_string(l.i));
      } else if (l.kind == K::kBool) {
        b->AppendString(col, l.b ? "true" : "false");
      } else {
        b->AppendString(col, l.text);
      }
      return Status::OK();
    case SqlType::kTimestamp:
    case SqlType::kTimestamptz: {
      if (l.kind != K::kString)
        return Status::DatatypeMismatch("column \"" + column + "\" is a timestamp");
      OMEN_ASSIGN_OR_RETURN(int64_t t, ParseTimestamp(l.text, type == SqlType::kTimestamptz));
      b->AppendInt(col, t);
      return Status::OK();
    }
    case SqlType::kDate: {
      if (l.kind != K::kString)
        return Status::DatatypeMismatch("column \"" + column + "\" is a date");
      OMEN_ASSIGN_OR_RETURN(int32_t d, ParseDate(l.text));
      b->AppendInt(col, d);
      return Status::OK();
    }
  }
  return Status::Internal("unhandled column type");
}

Result<QueryResult> Insert(storage::Database* db, const InsertStmt& s) {
  auto def = db->FindTable(s.table);
  if (def == nullptr) return Status::NotFound("relation \"" + s.table + "\" does not exist");
  if (s.select != nullptr) return Status::NotSupported("INSERT ... SELECT is not supported yet");
  // Target column of each VALUES position.
  std::vector<int> target;
  if (s.columns.empty()) {
    for (size_t c = 0; c < def->columns.size(); ++c) target.push_back(static_cast<int>(c));
  } else {
    for (const std::string& name : s.columns) {
      int c = def->ColumnIndex(name);
      if (c < 0) {
        return Status::UndefinedColumn("column \"" + name + "\" of relation \"" + s.table +
                                       "\" does not exist");
      }
      target.push_back(c);
    }
  }
  storage::BatchBuilder b(def->ArrowSchema());
  for (const auto& row : s.rows) {
    if (row.size() > target.size()) {
      return Status::SyntaxError("INSERT has more expressions than target columns",
                                 row[target.size()]->location + 1);
    }
    std::vector<const Expr*> value(def->columns.size(), nullptr);
    for (size_t k = 0; k < row.size(); ++k) value[target[k]] = row[k].get();
    for (size_t c = 0; c < def->columns.size(); ++c) {
      Literal null_literal;
      const Literal* lit = &null_literal;
      if (value[c] != nullptr) {
        OMEN_ASSIGN_OR_RETURN(const Expr* e, LiteralOf(value[c]));
        lit = &e->literal;
      }
      if (lit->kind == Literal::Kind::kNull && !def->columns[c].nullable) {
        return Status::InvalidArgument("null value in column \"" + def->columns[c].name +
                                       "\" of relation \"" + s.table +
                                       "\" violates not-null constraint");
      }
      OMEN_RETURN_IF_ERROR(
          AppendValue(&b, static_cast<int>(c), def->columns[c].type, *lit, def->columns[c].name));
    }
  }
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, b.Finish());
  OMEN_RETURN_IF_ERROR(db->Insert(s.table, batch));
  QueryResult r;
  r.command_tag = "INSERT 0 " + std::to_string(batch.num_rows);
  return r;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, p);
}

std::optional<std::string> TextValue(const arrow::ArrayData& a, int64_t i) {
  if (!a.IsValid(i)) return std::nullopt;
  switch (a.type.id) {
    case arrow::TypeId::kBool:
      return std::string(a.BoolValue(i) ? "t" : "f");
    case arrow::TypeId::kInt16:
      return std::to_string(a.Value<int16_t>(i));
    case arrow::TypeId::kInt32:
      return std::to_string(a.Value<int32_t>(i));
    case arrow::TypeId::kInt64:
      return std::to_string(a.Value<int64_t>(i));
    case arrow::TypeId::kFloat32: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), a.Value<float>(i));
      return std::string(buf, p);
    }
    case arrow::TypeId::kFloat64:
      return FormatDouble(a.Value<double>(i));
    case arrow::TypeId::kString:
      return std::string(a.StringValue(i));
    case arrow::TypeId::kTimestamp:
      return FormatTimestamp(a.Value<int64_t>(i), a.type.utc);
    case arrow::TypeId::kDate32:
      return FormatDate(a.Value<int32_t>(i));
  }
  return std::nullopt;
}

// Narrows [lo, hi) by `time <op> 'literal'` conjuncts; false if the predicate is not one.
Result<bool> TimeBound(const Expr& e, const storage::TableDef& def, int64_t* lo, int64_t* hi) {
  if (e.kind != ExprKind::kOperator || e.args.size() != 2) return false;
  const Expr* col = e.args[0].get();
  const Expr* val = e.args[1].get();
  std::string op = e.name;
  if (col->kind != ExprKind::kColumn) {
    std::swap(col, val);
    op = op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : op == ">=" ? "<=" : op;
  }
  if (col->kind != ExprKind::kColumn || def.ColumnIndex(col->name) != def.time_column) return false;
  while (val->kind == ExprKind::kCast) val = val->args[0].get();
  if (val->kind != ExprKind::kLiteral || val->literal.kind != Literal::Kind::kString) return false;
  OMEN_ASSIGN_OR_RETURN(int64_t t,
                        ParseTimestamp(val->literal.text,
                                       def.columns[def.time_column].type == SqlType::kTimestamptz));
  if (op == ">=") {
    *lo = std::max(*lo, t);
  } else if (op == ">") {
    *lo = std::max(*lo, t + 1);
  } else if (op == "<") {
    *hi = std::min(*hi, t);
  } else if (op == "<=") {
    *hi = std::min(*hi, t + 1);
  } else if (op == "=") {
    *lo = std::max(*lo, t);
    *hi = std::min(*hi, t + 1);
  } else {
    return false;
  }
  return true;
}

Result<int64_t> ConstantInt(const Expr* e, const char* what) {
  if (e->kind != ExprKind::kLiteral || e->literal.kind != Literal::Kind::kInt || e->literal.i < 0) {
    return Status::InvalidArgument(std::string(what) + " must be a non-negative integer constant");
  }
  return e->literal.i;
}

Result<QueryResult> Select(storage::Database* db, const SelectStmt& s) {
  if (s.from.size() != 1 || s.distinct || !s.group_by.empty() || s.having != nullptr ||
      !s.order_by.empty()) {
    return Status::NotSupported(
        "this SELECT is not supported yet: the embedded engine reads rows of one table by time "
        "range (aggregates, GROUP BY, ORDER BY and expressions arrive with the executor)");
  }
  auto def = db->FindTable(s.from[0].name);
  if (def == nullptr) {
    return Status::NotFound("relation \"" + s.from[0].name + "\" does not exist");
  }
  storage::ScanSpec spec;
  QueryResult r;
  for (const SelectItem& item : s.items) {
    if (item.expr->kind == ExprKind::kStar) {
      for (size_t c = 0; c < def->columns.size(); ++c) {
        spec.columns.push_back(static_cast<int>(c));
        r.column_names.push_back(def->columns[c].name);
      }
    } else if (item.expr->kind == ExprKind::kColumn) {
      int c = def->ColumnIndex(item.expr->name);
      if (c < 0) {
        return Status::UndefinedColumn("column \"" + item.expr->name + "\" does not exist",
                                       item.expr->location + 1);
      }
      spec.columns.push_back(c);
      r.column_names.push_back(item.alias.empty() ? def->columns[c].name : item.alias);
    } else {
      return Status::NotSupported("expressions in the select list are not supported yet");
    }
  }
  for (int c : spec.columns) r.column_types.push_back(storage::SqlTypeName(def->columns[c].type));
  if (s.where != nullptr) {
    std::vector<const Expr*> conjuncts;
    if (s.where->kind == ExprKind::kAnd) {
      for (const auto& a : s.where->args) conjuncts.push_back(a.get());
    } else {
      conjuncts.push_back(s.where.get());
    }
    for (const Expr* e : conjuncts) {
      OMEN_ASSIGN_OR_RETURN(bool ok, TimeBound(*e, *def, &spec.min_time, &spec.max_time));
      if (!ok) {
        return Status::NotSupported(
            "WHERE supports only comparisons of the time column with "
            "timestamp literals (for now)");
      }
    }
  }
  int64_t limit = std::numeric_limits<int64_t>::max(), offset = 0;
  if (s.limit != nullptr) {
    OMEN_ASSIGN_OR_RETURN(limit, ConstantInt(s.limit.get(), "LIMIT"));
  }
  if (s.offset != nullptr) {
    OMEN_ASSIGN_OR_RETURN(offset, ConstantInt(s.offset.get(), "OFFSET"));
  }
  OMEN_ASSIGN_OR_RETURN(storage::TableScan scan, db->Scan(def->name, spec));
  arrow::RecordBatch batch;
  int64_t seen = 0;
  while (static_cast<int64_t>(r.rows.size()) < limit) {
    OMEN_ASSIGN_OR_RETURN(bool more, scan.Next(&batch));
    if (!more) break;
    for (int64_t i = 0; i < batch.num_rows && static_cast<int64_t>(r.rows.size()) < limit; ++i) {
      if (seen++ < offset) continue;
      std::vector<std::optional<std::string>> row;
      for (const auto& col : batch.columns) row.push_back(TextValue(col, i));
      r.rows.push_back(std::move(row));
    }
  }
  r.command_tag = "SELECT " + std::to_string(r.rows.size());
  return r;
}

}  // namespace

Result<std::vector<QueryResult>> SqlEngine::Execute(std::string_view sql) {
  OMEN_ASSIGN_OR_RETURN(std::vector<Statement> statements, Parse(sql));
  std::vector<QueryResult> results;
  for (const Statement& st : statements) {
    Result<QueryResult> r = Status::Internal("unhandled statement");
    if (const auto* s = std::get_if<CreateTableStmt>(&st.node)) {
      r = CreateTable(db_, *s);
    } else if (const auto* s = std::get_if<DropTableStmt>(&st.node)) {
      Status status;
      for (const std::string& name : s->names) {
        status = db_->DropTable(name, s->if_exists);
        if (!status.ok()) break;
      }
      if (status.ok()) {
        QueryResult q;
        q.command_tag = "DROP TABLE";
        r = std::move(q);
      } else {
        r = status;
      }
    } else if (const auto* s = std::get_if<AddColumnStmt>(&st.node)) {
      auto type = TypeFromSpec(s->column);
      if (!type.ok()) {
        r = type.status();
      } else {
        storage::ColumnDef col{s->column.name, *type, !s->column.not_null, -1};
        auto def = db_->AddColumn(s->table, col);
        if (def.ok() || (s->if_not_exists && def.status().IsAlreadyExists())) {
          QueryResult q;
          q.command_tag = "ALTER TABLE";
          r = std::move(q);
        } else {
          r = def.status();
        }
      }
    } else if (const auto* s = std::get_if<InsertStmt>(&st.node)) {
      r = Insert(db_, *s);
    } else if (const auto* s = std::get_if<SelectStmt>(&st.node)) {
      r = Select(db_, *s);
    }
    if (!r.ok()) return r.status();
    results.push_back(std::move(r).value());
  }
  return results;
}

}  // namespace omen::sql
