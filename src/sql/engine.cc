// Copyright 2026 The OmenDB Authors.

#include "sql/engine.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/datetime.h"
#include "common/strings.h"
#include "exec/expr.h"
#include "sql/copy.h"
#include "sql/parser.h"
#include "sql/query.h"
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
                   const TimeZone* zone, const std::string& column) {
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
      const std::string t = AsciiLower(l.text);
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
      OMEN_ASSIGN_OR_RETURN(int64_t t, ParseTimestamp(l.text, type == SqlType::kTimestamptz, zone));
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

Result<int64_t> InsertRelation(storage::Database* db, const storage::TableDef& def,
                               const std::vector<int>& target, const Relation& rel);

Result<QueryResult> Insert(storage::Database* db, const InsertStmt& s, const TimeZone* zone) {
  auto def = db->FindTable(s.table);
  if (def == nullptr) return Status::NotFound("relation \"" + s.table + "\" does not exist");
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
  if (s.select != nullptr) {
    QueryRunner runner(db, QueryOptions{});
    OMEN_ASSIGN_OR_RETURN(Relation rel, runner.Run(*s.select));
    OMEN_ASSIGN_OR_RETURN(int64_t n, InsertRelation(db, *def, target, rel));
    QueryResult r;
    r.command_tag = "INSERT 0 " + std::to_string(n);
    return r;
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
                                       "\" violates not-null constraint")
            .WithSqlState("23502");
      }
      OMEN_RETURN_IF_ERROR(AppendValue(&b, static_cast<int>(c), def->columns[c].type, *lit, zone,
                                       def->columns[c].name));
    }
  }
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, b.Finish());
  OMEN_RETURN_IF_ERROR(db->Insert(s.table, batch));
  QueryResult r;
  r.command_tag = "INSERT 0 " + std::to_string(batch.num_rows);
  return r;
}

// The rows as text; timestamptz in `zone` (null or UTC: +00).
// The result's column names and PostgreSQL type names (an untyped NULL column as text).
QueryResult ColumnsOf(const Relation& r) {
  QueryResult q;
  q.column_names = r.names;
  q.column_types.reserve(r.types.size());
  for (exec::LType t : r.types)
    q.column_types.push_back(exec::TypeName(t == exec::LType::kNull ? exec::LType::kText : t));
  q.command_tag = "SELECT " + std::to_string(r.chunk.size);
  return q;
}

// The rows as text; timestamptz in `zone` (null: UTC).
QueryResult ToResult(const Relation& r, const TimeZone* zone = nullptr) {
  QueryResult q = ColumnsOf(r);
  q.rows.reserve(static_cast<size_t>(r.chunk.size));
  std::string text;
  for (int64_t i = 0; i < r.chunk.size; ++i) {
    std::vector<std::optional<std::string>> row;
    row.reserve(r.chunk.cols.size());
    for (const auto& col : r.chunk.cols) {
      text.clear();
      if (exec::AppendText(col, i, &text, zone)) {
        row.emplace_back(text);
      } else {
        row.emplace_back(std::nullopt);
      }
    }
    q.rows.push_back(std::move(row));
  }
  return q;
}

// Appends the rows of a relation to a table: columns by position (or `target`), values cast
// to the column types.
Result<int64_t> InsertRelation(storage::Database* db, const storage::TableDef& def,
                               const std::vector<int>& target, const Relation& rel) {
  if (rel.names.size() > target.size()) {
    return Status::SyntaxError("INSERT has more expressions than target columns");
  }
  storage::BatchBuilder b(def.ArrowSchema());
  const exec::Chunk& c = rel.chunk;
  std::vector<int> source(def.columns.size(), -1);
  for (size_t k = 0; k < rel.names.size(); ++k)
    source[static_cast<size_t>(target[k])] = static_cast<int>(k);
  // Cast each source column to its target type once, vectorized.
  std::vector<exec::Vector> cols(def.columns.size());
  exec::EvalContext ctx;
  for (size_t t = 0; t < def.columns.size(); ++t) {
    if (source[t] < 0) continue;
    const exec::LType to = exec::TypeOfArrow(storage::ArrowTypeOf(def.columns[t].type));
    exec::LType from = rel.types[static_cast<size_t>(source[t])];
    auto e = exec::MakeCast(exec::MakeColumn(source[t], from), to);
    OMEN_ASSIGN_OR_RETURN(cols[t], exec::Evaluate(*e, c, ctx));
  }
  for (int64_t r = 0; r < c.size; ++r) {
    for (size_t t = 0; t < def.columns.size(); ++t) {
      const int col = static_cast<int>(t);
      if (source[t] < 0 || cols[t].IsNull(r)) {
        if (!def.columns[t].nullable) {
          return Status::InvalidArgument("null value in column \"" + def.columns[t].name +
                                         "\" of relation \"" + def.name +
                                         "\" violates not-null constraint")
              .WithSqlState("23502");
        }
        b.AppendNull(col);
        continue;
      }
      const exec::Vector& v = cols[t];
      switch (exec::PhysOf(v.type)) {
        case exec::Phys::kInt:
          if (v.type == exec::LType::kBool)
            b.AppendBool(col, v.I(r) != 0);
          else
            b.AppendInt(col, v.I(r));
          break;
        case exec::Phys::kFloat:
          b.AppendDouble(col, v.F(r));
          break;
        case exec::Phys::kStr: {
          std::string_view sv = v.S(r);
          if (def.columns[t].max_length >= 0 &&
              static_cast<int64_t>(sv.size()) > def.columns[t].max_length) {
            return Status::InvalidArgument("value too long for type character varying(" +
                                           std::to_string(def.columns[t].max_length) + ")")
                .WithSqlState("22001");
          }
          b.AppendString(col, sv);
          break;
        }
        case exec::Phys::kInterval:
          return Status::DatatypeMismatch("cannot store an interval");
      }
    }
    if (b.num_rows() >= 65536) {
      OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, b.Finish());
      OMEN_RETURN_IF_ERROR(db->Insert(def.name, batch));
    }
  }
  if (b.num_rows() > 0) {
    OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, b.Finish());
    OMEN_RETURN_IF_ERROR(db->Insert(def.name, batch));
  }
  return c.size;
}

Result<QueryResult> Delete(storage::Database* db, QueryRunner* runner, const DeleteStmt& s) {
  auto def = db->FindTable(s.table);
  if (def == nullptr) return Status::NotFound("relation \"" + s.table + "\" does not exist");
  OMEN_ASSIGN_OR_RETURN(QueryRunner::TableFilter f, runner->AnalyzeDelete(*def, s.where.get()));
  QueryResult q;
  if (f.min_time >= f.max_time) {
    q.command_tag = "DELETE 0";
    return q;
  }
  if (f.exact) {
    OMEN_ASSIGN_OR_RETURN(uint64_t n, db->DeleteRange(def->name, f.min_time, f.max_time));
    q.command_tag = "DELETE " + std::to_string(n);
    return q;
  }
  // A general predicate: rewrite the rows of the pushed time range that survive it.
  int64_t deleted = 0;
  OMEN_ASSIGN_OR_RETURN(Relation keep,
                        runner->RowsToKeep(*def, s.where.get(), f.min_time, f.max_time, &deleted));
  if (deleted > 0) {
    OMEN_RETURN_IF_ERROR(db->DeleteRange(def->name, f.min_time, f.max_time).status());
    std::vector<int> target;
    for (size_t c = 0; c < def->columns.size(); ++c) target.push_back(static_cast<int>(c));
    OMEN_RETURN_IF_ERROR(InsertRelation(db, *def, target, keep).status());
  }
  q.command_tag = "DELETE " + std::to_string(deleted);
  return q;
}

// The rows COPY ... TO writes: a user table's (listed) columns straight from storage, a piece at
// a time, or the query's result (catalog relations too run as SELECT * FROM them).
Result<std::unique_ptr<CopyRows>> CopySource(storage::Database* db, const QueryOptions& options,
                                             const CopyStmt& s) {
  if (s.query == nullptr) {
    if (auto def = db->FindTable(s.table); def != nullptr) {
      OMEN_ASSIGN_OR_RETURN(std::vector<int> cols, CopyColumns(*def, s.columns));
      return CopyRows::OfTable(db, *def, cols, options);
    }
  }
  SelectStmt all;
  const SelectStmt* query = s.query.get();
  if (query == nullptr) {
    if (!s.columns.empty()) {
      for (const std::string& name : s.columns) {
        auto c = std::make_unique<Expr>();
        c->kind = ExprKind::kColumn;
        c->name = name;
        all.items.push_back(SelectItem{std::move(c), ""});
      }
    } else {
      auto star = std::make_unique<Expr>();
      star->kind = ExprKind::kStar;
      all.items.push_back(SelectItem{std::move(star), ""});
    }
    TableRef t;
    t.name = s.table;
    all.from.push_back(std::move(t));
    query = &all;
  }
  QueryRunner runner(db, options);
  OMEN_ASSIGN_OR_RETURN(Relation rel, runner.Run(*query));
  return CopyRows::OfRelation(std::move(rel));
}

Result<QueryResult> Copy(storage::Database* db, const QueryOptions& options, const CopyStmt& s) {
  OMEN_ASSIGN_OR_RETURN(CopyOptions o, ParseCopyOptions(s.options));
  if (options.settings != nullptr) o.zone = options.settings->time_zone().get();
  QueryResult q;
  if (s.filename.empty()) {
    return Status::NotSupported(
        "COPY to or from STDIN/STDOUT needs a client connection (use a file path)");
  }
  if (s.is_from) {
    auto def = db->FindTable(s.table);
    if (def == nullptr) return Status::NotFound("relation \"" + s.table + "\" does not exist");
    OMEN_ASSIGN_OR_RETURN(std::vector<int> cols, CopyColumns(*def, s.columns));
    OMEN_ASSIGN_OR_RETURN(int64_t n, CopyFromFile(db, *def, cols, s.filename, o));
    q.command_tag = "COPY " + std::to_string(n);
    return q;
  }
  OMEN_ASSIGN_OR_RETURN(std::unique_ptr<CopyRows> rows, CopySource(db, options, s));
  OMEN_ASSIGN_OR_RETURN(int64_t n, CopyToFile(rows.get(), s.filename, o));
  q.command_tag = "COPY " + std::to_string(n);
  return q;
}

}  // namespace

namespace {

Result<QueryResult> RunSet(SessionSettings* settings, const SetStmt& s) {
  QueryResult q;
  q.command_tag =
      s.kind == SetStmt::Kind::kReset || s.kind == SetStmt::Kind::kResetAll ? "RESET" : "SET";
  switch (s.kind) {
    case SetStmt::Kind::kValue:
      OMEN_RETURN_IF_ERROR(settings->Set(s.name, s.value));
      break;
    case SetStmt::Kind::kDefault:
    case SetStmt::Kind::kReset:
      OMEN_RETURN_IF_ERROR(settings->Reset(s.name));
      break;
    case SetStmt::Kind::kResetAll:
      settings->ResetAll();
      break;
  }
  return q;
}

Result<QueryResult> RunShow(const SessionSettings& settings, const ShowStmt& s) {
  QueryResult q;
  q.command_tag = "SHOW";
  if (s.name == "all") {
    q.column_names = {"name", "setting", "description"};
    q.column_types = {"text", "text", "text"};
    for (const auto& [name, value] : settings.All()) {
      q.rows.push_back({name, value, std::string()});
    }
    return q;
  }
  OMEN_ASSIGN_OR_RETURN(std::string value, settings.Get(s.name));
  q.column_names = {SessionSettings::Canonical(s.name)};
  q.column_types = {"text"};
  q.rows.push_back({value});
  return q;
}

}  // namespace

Result<std::vector<QueryResult>> SqlEngine::Execute(std::string_view sql) {
  OMEN_ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<Statement>> statements,
                        parse_cache_.Parse(sql));
  std::vector<QueryResult> results;
  for (const Statement& st : *statements) {
    OMEN_ASSIGN_OR_RETURN(QueryResult r, ExecuteStatement(st));
    results.push_back(std::move(r));
  }
  return results;
}

Result<QueryResult> SqlEngine::Describe(const Statement& st) {
  QueryResult q;
  if (const auto* s = std::get_if<SelectStmt>(&st.node)) {
    QueryRunner runner(db_, StatementOptions());
    std::vector<std::string> params;
    OMEN_ASSIGN_OR_RETURN(Relation rel, runner.Describe(*s, &params));
    q = ColumnsOf(rel);
    q.command_tag.clear();
    q.param_types = std::move(params);
  } else if (const auto* s = std::get_if<InsertStmt>(&st.node)) {
    // A parameter given as a column's value takes the column's type.
    auto def = db_->FindTable(s->table);
    if (def == nullptr) return Status::NotFound("relation \"" + s->table + "\" does not exist");
    std::vector<int> target;
    for (const std::string& name : s->columns) {
      const int c = def->ColumnIndex(name);
      if (c < 0) {
        return Status::UndefinedColumn("column \"" + name + "\" of relation \"" + s->table +
                                       "\" does not exist");
      }
      target.push_back(c);
    }
    if (target.empty()) {
      for (size_t c = 0; c < def->columns.size(); ++c) target.push_back(static_cast<int>(c));
    }
    auto type_of = [&](size_t k) {
      return std::string(exec::TypeName(exec::TypeOfArrow(
          storage::ArrowTypeOf(def->columns[static_cast<size_t>(target[k])].type))));
    };
    if (s->select != nullptr) {
      QueryRunner runner(db_, StatementOptions());
      OMEN_RETURN_IF_ERROR(runner.Describe(*s->select, &q.param_types).status());
    }
    for (const auto& row : s->rows) {
      for (size_t k = 0; k < row.size() && k < target.size(); ++k) {
        if (row[k]->kind != ExprKind::kParam || row[k]->param_index < 1) continue;
        const auto n = static_cast<size_t>(row[k]->param_index);
        if (q.param_types.size() < n) q.param_types.resize(n);
        if (q.param_types[n - 1].empty()) q.param_types[n - 1] = type_of(k);
      }
    }
  } else if (const auto* s = std::get_if<ShowStmt>(&st.node)) {
    if (s->name == "all") {
      q.column_names = {"name", "setting", "description"};
      q.column_types = {"text", "text", "text"};
    } else {
      q.column_names = {SessionSettings::Canonical(s->name)};
      q.column_types = {"text"};
    }
  } else if (std::holds_alternative<ExplainStmt>(st.node)) {
    q.column_names = {"QUERY PLAN"};
    q.column_types = {"text"};
  } else if (const auto* s = std::get_if<FetchStmt>(&st.node); s != nullptr && !s->move) {
    auto it = cursors_.find(s->name);
    if (it == cursors_.end()) {
      return Status::NotFound("cursor \"" + s->name + "\" does not exist").WithSqlState("34000");
    }
    q = RowsOf(*it->second.rel, {});
    q.command_tag.clear();
  }
  return q;
}

Status SqlEngine::CheckBlock(const Statement& st) const {
  const auto* txn = std::get_if<TransactionStmt>(&st.node);
  if (txn_status_ == 'E' && (txn == nullptr || txn->kind == TransactionStmt::Kind::kOther ||
                             txn->kind == TransactionStmt::Kind::kBegin)) {
    return Status::InvalidArgument(
               "current transaction is aborted, commands ignored until end of transaction block")
        .WithSqlState("25P02");
  }
  return Status::OK();
}

QueryOptions SqlEngine::StatementOptions() const {
  QueryOptions options = options_;
  options.settings = &settings_;
  if (settings_.statement_timeout_ms() > 0) {
    options.deadline = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(settings_.statement_timeout_ms());
  }
  return options;
}

Result<QueryResult> SqlEngine::ExecuteStatement(const Statement& st) {
  OMEN_RETURN_IF_ERROR(CheckBlock(st));
  return Track(Dispatch(st, StatementOptions()));
}

Result<CopyOutData> SqlEngine::CopyToClient(const Statement& st) {
  OMEN_RETURN_IF_ERROR(CheckBlock(st));
  const auto* s = std::get_if<CopyStmt>(&st.node);
  if (s == nullptr || s->is_from || !s->filename.empty()) {
    return Status::InvalidArgument("not a COPY ... TO STDOUT statement");
  }
  return Track([&]() -> Result<CopyOutData> {
    OMEN_ASSIGN_OR_RETURN(CopyOptions o, ParseCopyOptions(s->options));
    o.zone = settings_.time_zone().get();
    if (o.format == "arrow") {
      return Status::NotSupported("COPY TO STDOUT supports FORMAT text and csv, not arrow")
          .WithSqlState("0A000");
    }
    CopyOutData out;
    OMEN_ASSIGN_OR_RETURN(out.rows, CopySource(db_, StatementOptions(), *s));
    out.num_columns = static_cast<int>(out.rows->names().size());
    out.options = std::move(o);
    return out;
  }());
}

Result<std::string> SqlEngine::ArrowStream(const Statement& st) {
  OMEN_RETURN_IF_ERROR(CheckBlock(st));
  const auto* s = std::get_if<SelectStmt>(&st.node);
  if (s == nullptr) {
    return Status::NotSupported("format=arrow needs a SELECT").WithSqlState("0A000");
  }
  return Track([&]() -> Result<std::string> {
    QueryRunner runner(db_, StatementOptions());
    OMEN_ASSIGN_OR_RETURN(Relation rel, runner.Run(*s));
    return ArrowStreamOf(rel);
  }());
}

Result<std::unique_ptr<CopyRows>> SqlEngine::CopyToClientRows(const Statement& st) {
  OMEN_RETURN_IF_ERROR(CheckBlock(st));
  const auto* s = std::get_if<CopyStmt>(&st.node);
  if (s == nullptr || s->is_from || !s->filename.empty()) {
    return Status::InvalidArgument("not a COPY ... TO STDOUT statement");
  }
  return Track(CopySource(db_, StatementOptions(), *s));
}

Result<std::unique_ptr<CopyInStream>> SqlEngine::CopyFromClient(const Statement& st) {
  OMEN_RETURN_IF_ERROR(CheckBlock(st));
  const auto* s = std::get_if<CopyStmt>(&st.node);
  if (s == nullptr || !s->is_from || !s->filename.empty()) {
    return Status::InvalidArgument("not a COPY ... FROM STDIN statement");
  }
  return Track([&]() -> Result<std::unique_ptr<CopyInStream>> {
    OMEN_ASSIGN_OR_RETURN(CopyOptions o, ParseCopyOptions(s->options));
    o.zone = settings_.time_zone().get();
    auto def = db_->FindTable(s->table);
    if (def == nullptr) return Status::NotFound("relation \"" + s->table + "\" does not exist");
    OMEN_ASSIGN_OR_RETURN(std::vector<int> cols, CopyColumns(*def, s->columns));
    return CopyInStream::Begin(db_, def, std::move(cols), std::move(o));
  }());
}

Result<int64_t> SqlEngine::FinishCopyFromClient(CopyInStream* stream, const Status& client_status) {
  if (!client_status.ok()) return Track(Result<int64_t>(client_status));
  return Track(stream->Finish());
}

Result<QueryResult> SqlEngine::Dispatch(const Statement& st, const QueryOptions& options) {
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
    r = Insert(db_, *s, settings_.time_zone().get());
  } else if (const auto* s = std::get_if<SelectStmt>(&st.node)) {
    QueryRunner runner(db_, options);
    auto rel = runner.Run(*s);
    if (rel.ok()) {
      r = ResultOf(std::move(*rel));
    } else {
      r = rel.status();
    }
  } else if (const auto* s = std::get_if<DeleteStmt>(&st.node)) {
    QueryRunner runner(db_, options);
    r = Delete(db_, &runner, *s);
  } else if (const auto* s = std::get_if<ExplainStmt>(&st.node)) {
    QueryRunner runner(db_, options);
    auto lines = runner.Explain(*s->query, s->analyze);
    if (lines.ok()) {
      QueryResult q;
      q.column_names = {"QUERY PLAN"};
      q.column_types = {"text"};
      for (auto& l : *lines) q.rows.push_back({std::optional<std::string>(l)});
      q.command_tag = "EXPLAIN";
      r = std::move(q);
    } else {
      r = lines.status();
    }
  } else if (const auto* s = std::get_if<CopyStmt>(&st.node)) {
    r = Copy(db_, options, *s);
  } else if (const auto* s = std::get_if<SetStmt>(&st.node)) {
    r = RunSet(&settings_, *s);
  } else if (const auto* s = std::get_if<ShowStmt>(&st.node)) {
    r = RunShow(settings_, *s);
  } else if (const auto* s = std::get_if<DeallocateStmt>(&st.node)) {
    QueryResult q;
    q.command_tag = s->name.empty() ? "DEALLOCATE ALL" : "DEALLOCATE";
    r = std::move(q);
  } else if (const auto* s = std::get_if<RoleStmt>(&st.node)) {
    r = Role(*s);
  } else if (const auto* s = std::get_if<DeclareCursorStmt>(&st.node)) {
    r = Declare(*s, options);
  } else if (const auto* s = std::get_if<FetchStmt>(&st.node)) {
    r = Fetch(*s);
  } else if (const auto* s = std::get_if<CloseCursorStmt>(&st.node)) {
    if (!s->name.empty() && cursors_.erase(s->name) == 0) {
      r = Status::NotFound("cursor \"" + s->name + "\" does not exist").WithSqlState("34000");
    } else {
      if (s->name.empty()) cursors_.clear();
      QueryResult q;
      q.command_tag = "CLOSE CURSOR";
      r = std::move(q);
    }
  } else if (const auto* s = std::get_if<TransactionStmt>(&st.node)) {
    QueryResult q;
    q.command_tag = s->tag;
    if (s->kind == TransactionStmt::Kind::kBegin) {
      txn_status_ = 'T';
    } else if (s->kind == TransactionStmt::Kind::kCommit ||
               s->kind == TransactionStmt::Kind::kRollback) {
      if (txn_status_ == 'E') q.command_tag = "ROLLBACK";  // as PostgreSQL: a failed block
      txn_status_ = 'I';
      std::erase_if(cursors_, [](const auto& c) { return !c.second.hold; });
    }
    r = std::move(q);
  }
  return r;
}

namespace {

// A password already in PostgreSQL's stored form: a SCRAM-SHA-256 verifier or md5 + 32 hex.
bool IsHashedPassword(const std::string& p) {
  if (p.rfind("SCRAM-SHA-256$", 0) == 0) return true;
  if (p.size() != 35 || p.rfind("md5", 0) != 0) return false;
  return std::all_of(p.begin() + 3, p.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

Status Denied(const std::string& what) {
  return Status::InvalidArgument("permission denied to " + what).WithSqlState("42501");
}

}  // namespace

Result<QueryResult> SqlEngine::Role(const RoleStmt& s) {
  storage::UserStore& users = db_->users();
  std::string me;
  if (auto a = settings_.Get("session_authorization"); a.ok()) me = *a;
  const auto self = me.empty() ? std::nullopt : users.Find(me);
  const bool superuser = me.empty() || (self.has_value() && self->superuser);
  QueryResult q;
  if (s.kind == RoleStmt::Kind::kDrop) {
    q.command_tag = "DROP ROLE";
    if (!superuser) return Denied("drop role");
    for (const std::string& name : s.names) {
      auto u = users.Find(name);
      if (!u.has_value()) {
        if (s.if_exists) continue;
        return Status::NotFound("role \"" + name + "\" does not exist").WithSqlState("42704");
      }
      if (name == me) {
        return Status::InvalidArgument("current user cannot be dropped").WithSqlState("55006");
      }
      if (u->builtin) {
        return Status::InvalidArgument("role \"" + name +
                                       "\" is the server's own user (--user) and cannot be dropped")
            .WithSqlState("55006");
      }
      OMEN_RETURN_IF_ERROR(users.Drop(name));
    }
    return q;
  }
  std::string name = s.names.empty() ? std::string() : s.names[0];
  if (name.empty()) name = me;  // ALTER USER CURRENT_USER
  if (name.empty()) {
    return Status::InvalidArgument("there is no current user here").WithSqlState("42704");
  }
  std::string stored;
  if (s.set_password && s.password.has_value() && !s.password->empty()) {
    if (IsHashedPassword(*s.password)) {
      stored = *s.password;
    } else if (password_encoder_ == nullptr) {
      return Status::NotSupported("passwords cannot be hashed here; give a SCRAM-SHA-256 verifier")
          .WithSqlState("0A000");
    } else {
      OMEN_ASSIGN_OR_RETURN(stored, password_encoder_(name, *s.password));
    }
  }
  if (s.kind == RoleStmt::Kind::kCreate) {
    q.command_tag = "CREATE ROLE";
    if (!superuser) return Denied("create role");
    storage::UserRecord u;
    u.name = name;
    u.password = stored;
    u.superuser = s.superuser.value_or(false);
    u.login = s.login.value_or(s.is_user);
    OMEN_RETURN_IF_ERROR(users.Create(std::move(u)));
    return q;
  }
  q.command_tag = "ALTER ROLE";
  auto u = users.Find(name);
  if (!u.has_value()) {
    return Status::NotFound("role \"" + name + "\" does not exist").WithSqlState("42704");
  }
  const bool only_own_password = name == me && !s.superuser.has_value() && !s.login.has_value();
  if (!superuser && !only_own_password) return Denied("alter role");
  if (u->builtin) {
    return Status::NotSupported("role \"" + name +
                                "\" is the server's own user: its password and attributes come "
                                "from --user/--password (or OMENDB_PASSWORD)")
        .WithSqlState("0A000");
  }
  if (s.set_password) u->password = stored;
  if (s.superuser.has_value()) u->superuser = *s.superuser;
  if (s.login.has_value()) u->login = *s.login;
  OMEN_RETURN_IF_ERROR(users.Update(std::move(*u)));
  return q;
}

QueryResult SqlEngine::ResultOf(Relation rel) const {
  if (!columnar_results_) return ToResult(rel, settings_.time_zone().get());
  QueryResult q = ColumnsOf(rel);
  q.relation = std::make_shared<const Relation>(std::move(rel));
  return q;
}

QueryResult SqlEngine::RowsOf(const Relation& rel, const std::vector<uint32_t>& rows) const {
  Relation part;
  part.names = rel.names;
  part.types = rel.types;
  part.chunk = exec::GatherChunk(rel.chunk, rows.data(), static_cast<int64_t>(rows.size()));
  return ResultOf(std::move(part));
}

Result<QueryResult> SqlEngine::Declare(const DeclareCursorStmt& s, const QueryOptions& options) {
  if (s.binary) {
    return Status::NotSupported("BINARY cursors are not supported").WithSqlState("0A000");
  }
  if (txn_status_ == 'I' && !s.hold) {
    return Status::InvalidArgument("DECLARE CURSOR can only be used in transaction blocks")
        .WithSqlState("25P01");
  }
  if (cursors_.count(s.name) != 0) {
    return Status::AlreadyExists("cursor \"" + s.name + "\" already exists").WithSqlState("42P03");
  }
  QueryRunner runner(db_, options);
  OMEN_ASSIGN_OR_RETURN(Relation rel, runner.Run(*s.query));
  Cursor c;
  c.rel = std::make_shared<const Relation>(std::move(rel));
  c.hold = s.hold;
  cursors_[s.name] = std::move(c);
  QueryResult q;
  q.command_tag = "DECLARE CURSOR";
  return q;
}

Result<QueryResult> SqlEngine::Fetch(const FetchStmt& s) {
  auto it = cursors_.find(s.name);
  if (it == cursors_.end()) {
    return Status::NotFound("cursor \"" + s.name + "\" does not exist").WithSqlState("34000");
  }
  Cursor& c = it->second;
  const int64_t n = c.rel->chunk.size;
  std::vector<uint32_t> rows;  // 1-based positions, pushed as 0-based row indexes
  // Moves to `target` (clamped to [0, n + 1]) and returns that row when there is one.
  auto jump = [&](int64_t target) {
    c.pos = std::clamp<int64_t>(target, 0, n + 1);
    if (c.pos >= 1 && c.pos <= n) rows.push_back(static_cast<uint32_t>(c.pos - 1));
  };
  using D = FetchStmt::Direction;
  if (s.direction == D::kAbsolute) {
    jump(s.count >= 0 ? s.count : n + 1 + std::max<int64_t>(s.count, -(n + 1)));
  } else if (s.direction == D::kRelative || s.count == 0) {
    const int64_t k = s.direction == D::kBackward ? -s.count : s.count;
    jump(c.pos + std::clamp<int64_t>(k, -(n + 1), n + 1));  // k = 0: the current row again
  } else if (s.direction == D::kForward) {
    const int64_t want = std::min(s.count, n + 1);
    for (int64_t i = 0; i < want && c.pos <= n; ++i) {
      ++c.pos;
      if (c.pos <= n) rows.push_back(static_cast<uint32_t>(c.pos - 1));
    }
  } else {  // backward: the rows before the current one, nearest first
    const int64_t want = std::min(s.count, n + 1);
    for (int64_t i = 0; i < want && c.pos >= 1; ++i) {
      --c.pos;
      if (c.pos >= 1) rows.push_back(static_cast<uint32_t>(c.pos - 1));
    }
  }
  const std::string count = std::to_string(rows.size());
  if (s.move) {
    QueryResult q;
    q.command_tag = "MOVE " + count;
    return q;
  }
  QueryResult q = RowsOf(*c.rel, rows);
  q.command_tag = "FETCH " + count;
  return q;
}

}  // namespace omen::sql
