// Copyright 2026 The OmenDB Authors.
//
// FROM clauses: tables (scanned with pushdown when alone), CTEs, pg_catalog and
// information_schema relations, subqueries, functions in FROM, and joins. Joins run over
// materialized inputs: a hash join on the equality conditions that separate the two sides
// (nested loops when there are none), the other conditions filtering candidate pairs, then the
// unmatched rows of LEFT/RIGHT/FULL joins padded with NULLs. Comma lists and INNER/CROSS joins
// are planned together with the WHERE clause: each conjunct that uses one input filters it
// first (pushed into a table's scan), then inputs join greedily along equality conditions,
// smallest first, and the columns come back in FROM order.

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "exec/expr.h"
#include "sql/catalog_tables.h"
#include "sql/query_internal.h"
#include "sql/system_functions.h"

namespace omen::sql {
namespace {

using exec::Chunk;
using exec::ExprPtr;
using exec::LType;
using exec::Value;
using exec::Vector;
using EK = exec::Expr::Kind;

// ---- AST helpers

std::unique_ptr<Expr> CloneExpr(const Expr& e);

std::vector<OrderItem> CloneOrder(const std::vector<OrderItem>& items) {
  std::vector<OrderItem> out;
  for (const OrderItem& o : items) {
    OrderItem c;
    c.expr = CloneExpr(*o.expr);
    c.descending = o.descending;
    c.nulls = o.nulls;
    out.push_back(std::move(c));
  }
  return out;
}

std::unique_ptr<Expr> CloneExpr(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->kind = e.kind;
  c->location = e.location;
  c->name = e.name;
  c->qualifier = e.qualifier;
  c->literal = e.literal;
  c->param_index = e.param_index;
  for (const auto& a : e.args) c->args.push_back(a ? CloneExpr(*a) : nullptr);
  c->negated = e.negated;
  c->case_insensitive = e.case_insensitive;
  c->all = e.all;
  c->agg_star = e.agg_star;
  c->distinct = e.distinct;
  if (e.filter) c->filter = CloneExpr(*e.filter);
  c->within_group = CloneOrder(e.within_group);
  c->arg_names = e.arg_names;
  c->has_over = e.has_over;
  for (const auto& p : e.partition_by) c->partition_by.push_back(CloneExpr(*p));
  c->window_order = CloneOrder(e.window_order);
  c->typmods = e.typmods;
  if (e.case_arg) c->case_arg = CloneExpr(*e.case_arg);
  if (e.else_expr) c->else_expr = CloneExpr(*e.else_expr);
  c->subquery = e.subquery;  // immutable once parsed: shared
  c->rows_frame = e.rows_frame;
  c->frame_preceding = e.frame_preceding;
  c->frame_following = e.frame_following;
  return c;
}

// The column references of e; false when e holds a subquery or a parameter (whose references
// this does not follow).
bool CollectRefs(const Expr& e, std::vector<std::pair<std::string, std::string>>* refs) {
  if (e.kind == ExprKind::kSubquery || e.kind == ExprKind::kExists ||
      e.kind == ExprKind::kInSubquery || e.subquery != nullptr || e.kind == ExprKind::kParam ||
      e.kind == ExprKind::kStar) {
    return false;
  }
  if (e.kind == ExprKind::kColumn) refs->emplace_back(e.qualifier, e.name);
  for (const auto& a : e.args) {
    if (a && !CollectRefs(*a, refs)) return false;
  }
  if (e.case_arg && !CollectRefs(*e.case_arg, refs)) return false;
  if (e.else_expr && !CollectRefs(*e.else_expr, refs)) return false;
  return true;
}

// The column names a statement and its subqueries mention, to materialize only those columns
// of a joined table; all when a * (or NATURAL) needs every column.
struct NamesUsed {
  bool all = false;
  std::set<std::string> names;
};

void CollectNames(const SelectStmt& s, NamesUsed* u);

void CollectNames(const Expr& e, NamesUsed* u) {
  if (e.kind == ExprKind::kColumn) u->names.insert(e.name);
  if (e.kind == ExprKind::kStar) u->all = true;
  for (const auto& a : e.args) {
    if (a) CollectNames(*a, u);
  }
  for (const Expr* x : {e.case_arg.get(), e.else_expr.get(), e.filter.get()}) {
    if (x != nullptr) CollectNames(*x, u);
  }
  for (const auto& p : e.partition_by) CollectNames(*p, u);
  for (const auto& o : e.window_order) CollectNames(*o.expr, u);
  for (const auto& o : e.within_group) CollectNames(*o.expr, u);
  if (e.subquery) CollectNames(*e.subquery, u);
}

void CollectNames(const TableRef& t, NamesUsed* u) {
  if (t.subquery) CollectNames(*t.subquery, u);
  if (t.function) CollectNames(*t.function, u);
  if (t.on) CollectNames(*t.on, u);
  u->all |= t.natural;
  u->names.insert(t.using_columns.begin(), t.using_columns.end());
  if (t.left) CollectNames(*t.left, u);
  if (t.right) CollectNames(*t.right, u);
}

void CollectNames(const SelectStmt& s, NamesUsed* u) {
  for (const auto& [name, q] : s.ctes) CollectNames(*q, u);
  if (s.larg) CollectNames(*s.larg, u);
  if (s.rarg) CollectNames(*s.rarg, u);
  for (const auto& i : s.items) CollectNames(*i.expr, u);
  for (const auto& d : s.distinct_on) CollectNames(*d, u);
  for (const TableRef& t : s.from) CollectNames(t, u);
  for (const Expr* x : {s.where.get(), s.having.get(), s.limit.get(), s.offset.get()}) {
    if (x != nullptr) CollectNames(*x, u);
  }
  for (const auto& g : s.group_by) CollectNames(*g, u);
  for (const auto& o : s.order_by) CollectNames(*o.expr, u);
}

void Conjuncts(const Expr* e, std::vector<const Expr*>* out) {
  if (e == nullptr) return;
  if (e->kind == ExprKind::kAnd) {
    for (const auto& a : e->args) Conjuncts(a.get(), out);
    return;
  }
  out->push_back(e);
}

// ---- Sources

Source SourceOf(std::shared_ptr<Relation> rel, const std::string& qual) {
  if (rel->chunk.cols.size() != rel->types.size()) {
    // A relation described, not run (EXPLAIN, Describe): empty columns of its types.
    auto empty = std::make_shared<Relation>();
    empty->names = rel->names;
    empty->types = rel->types;
    for (LType t : rel->types) empty->chunk.cols.push_back(exec::VectorBuilder(t).Finish());
    rel = std::move(empty);
  }
  Source src;
  src.names = rel->names;
  src.types = rel->types;
  src.quals.assign(src.names.size(), qual);
  src.rel = std::move(rel);
  return src;
}

Status RenameColumns(Source* src, const std::vector<std::string>& aliases,
                     const std::string& table) {
  if (aliases.size() > src->names.size()) {
    return Status::SyntaxError("table \"" + table + "\" has " + std::to_string(src->names.size()) +
                               " columns available but " + std::to_string(aliases.size()) +
                               " columns specified")
        .WithSqlState("42P10");
  }
  for (size_t k = 0; k < aliases.size(); ++k) src->names[k] = aliases[k];
  if (src->rel != nullptr) {
    auto rel = std::make_shared<Relation>(*src->rel);
    rel->names = src->names;
    src->rel = std::move(rel);
  }
  return Status::OK();
}

std::string QualOf(const TableRef& t) {
  if (!t.alias.empty()) return t.alias;
  return t.name;
}

bool IsCatalogName(const std::string& name) { return name.rfind("pg_", 0) == 0; }

// The rows of sel[] of v, or NULL where sel is -1.
Vector GatherOrNull(const Vector& v, const std::vector<int64_t>& sel) {
  bool any_null = false;
  for (int64_t r : sel) any_null |= r < 0;
  if (!any_null) {
    std::vector<uint32_t> idx(sel.begin(), sel.end());
    return exec::Gather(v, idx.data(), static_cast<int64_t>(idx.size()));
  }
  exec::VectorBuilder b(v.type, static_cast<int64_t>(sel.size()));
  for (int64_t r : sel) {
    if (r < 0) {
      b.AppendNull();
    } else {
      b.AppendFrom(v, r);
    }
  }
  return b.Finish();
}

// Min and max column index e references (lo > hi when none).
void ColumnRange(const exec::Expr& e, int* lo, int* hi) {
  if (e.kind == EK::kColumn) {
    *lo = std::min(*lo, e.column);
    *hi = std::max(*hi, e.column);
  }
  for (const auto& a : e.args) ColumnRange(*a, lo, hi);
}

void ShiftColumns(exec::Expr* e, int delta) {
  if (e->kind == EK::kColumn) e->column += delta;
  for (auto& a : e->args) ShiftColumns(a.get(), delta);
}

// The type both sides of a USING column compare as.
std::optional<LType> CommonType(LType a, LType b) {
  if (a == b) return a;
  if (exec::IsNumeric(a) && exec::IsNumeric(b)) {
    if (exec::IsInteger(a) && exec::IsInteger(b)) return LType::kInt64;
    return a == LType::kNumeric && b == LType::kNumeric ? LType::kNumeric : LType::kFloat64;
  }
  auto timeish = [](LType t) { return exec::IsTimestamp(t) || t == LType::kDate; };
  if (timeish(a) && timeish(b)) {
    return a == LType::kTimestampTz || b == LType::kTimestampTz ? LType::kTimestampTz
                                                                : LType::kTimestamp;
  }
  if ((exec::IsInteger(a) || a == LType::kOid) && (exec::IsInteger(b) || b == LType::kOid)) {
    return LType::kInt64;
  }
  return std::nullopt;
}

// Appends the key of row r of keys to *out; false when a key is NULL (never equal).
bool EncodeKey(const std::vector<Vector>& keys, int64_t r, std::string* out) {
  out->clear();
  for (const Vector& v : keys) {
    if (v.IsNull(r)) return false;
    switch (exec::PhysOf(v.type)) {
      case exec::Phys::kInt: {
        const int64_t x = v.I(r);
        out->append(reinterpret_cast<const char*>(&x), 8);
        break;
      }
      case exec::Phys::kFloat: {
        double x = v.F(r);
        if (x == 0) x = 0;  // -0 = 0
        if (std::isnan(x)) x = std::numeric_limits<double>::quiet_NaN();
        out->append(reinterpret_cast<const char*>(&x), 8);
        break;
      }
      case exec::Phys::kStr: {
        const std::string_view s = v.S(r);
        const auto len = static_cast<uint32_t>(s.size());
        out->append(reinterpret_cast<const char*>(&len), 4);
        out->append(s);
        break;
      }
      case exec::Phys::kInterval: {
        const __int128 s = v.V(r).Span();
        out->append(reinterpret_cast<const char*>(&s), 16);
        break;
      }
    }
  }
  return true;
}

// ---- Joins

struct Conjunct;

class FromResolver {
 public:
  explicit FromResolver(QueryRunner::Impl* q) : q_(q) {}

  Result<Source> Resolve(const SelectStmt& s);
  // A FROM item alone (a table keeps its storage scan for pushdown).
  Result<Source> Single(const TableRef& t);

 private:
  // A FROM item as a relation; `pushed` conjuncts (of its columns only) filter a table's scan.
  Result<Source> Materialize(const TableRef& t, const std::vector<const Expr*>& pushed);
  Result<Source> FunctionItem(const TableRef& t);
  Result<Source> JoinTree(const TableRef& t);
  Result<Source> JoinPair(Source l, Source r, TableRef::JoinType type,
                          const std::vector<const Expr*>& on,
                          const std::vector<std::string>& using_cols);
  Result<Source> Filter(Source src, const std::vector<const Expr*>& conjuncts, const char* clause);
  // Inner-joined items: FROM items, INNER/CROSS joins without USING flattened; their ON
  // conditions join the WHERE conjuncts.
  void Flatten(const TableRef& t, std::vector<const TableRef*>* refs, std::vector<Conjunct>* conj);
  // The items materialized, each filtered by the conjuncts of its columns alone (a table's in
  // its scan); marks those conjuncts applied.
  Result<std::vector<Source>> Items(const std::vector<const TableRef*>& refs,
                                    std::vector<Conjunct>& conj);

  // The select list of a joined table's scan.
  Result<std::vector<SelectItem>> ScanItems(const TableRef& t) const;

  QueryRunner::Impl* q_;
  NamesUsed used_{true, {}};        // the statement's column names (all until Resolve says)
  std::vector<std::string> steps_;  // EXPLAIN: the joins in the order they ran
};

Result<Source> FromResolver::Single(const TableRef& t) {
  if (t.kind != TableRef::Kind::kTable || (!t.schema.empty() && t.schema != "public")) {
    return Materialize(t, {});
  }
  if (t.schema.empty() && (q_->ctes.count(t.name) > 0 || IsCatalogName(t.name))) {
    auto m = Materialize(t, {});
    if (m.ok() || !m.status().IsNotFound() || q_->ctes.count(t.name) > 0) return m;
  }
  auto def = q_->db->FindTable(t.name);
  if (def == nullptr) return Status::NotFound("relation \"" + t.name + "\" does not exist");
  Source src;
  src.table = def;
  const std::string qual = QualOf(t);
  for (const auto& c : def->columns) {
    src.names.push_back(c.name);
    src.quals.push_back(qual);
    src.types.push_back(exec::TypeOfArrow(storage::ArrowTypeOf(c.type)));
  }
  OMEN_RETURN_IF_ERROR(RenameColumns(&src, t.column_aliases, qual));
  return src;
}

Result<Source> FromResolver::Materialize(const TableRef& t,
                                         const std::vector<const Expr*>& pushed) {
  const std::string qual = QualOf(t);
  std::shared_ptr<Relation> rel;
  switch (t.kind) {
    case TableRef::Kind::kJoin:
      return JoinTree(t);
    case TableRef::Kind::kFunction:
      return FunctionItem(t);
    case TableRef::Kind::kSubquery: {
      OMEN_ASSIGN_OR_RETURN(Relation r, q_->Run(*t.subquery));
      rel = std::make_shared<Relation>(std::move(r));
      break;
    }
    case TableRef::Kind::kTable: {
      if (t.schema.empty()) {
        if (auto it = q_->ctes.find(t.name); it != q_->ctes.end()) rel = it->second;
      }
      if (rel == nullptr && (t.schema == "information_schema" || t.schema == "pg_catalog" ||
                             (t.schema.empty() && IsCatalogName(t.name)))) {
        auto c = q_->CatalogRelation(t.schema.empty() ? "pg_catalog" : t.schema, t.name);
        if (c.ok()) {
          rel = *c;
        } else if (!t.schema.empty()) {
          return Status::NotFound("relation \"" + t.schema + "." + t.name + "\" does not exist");
        }
      }
      if (rel == nullptr) {
        if (!t.schema.empty() && t.schema != "public") {
          return Status::NotFound("relation \"" + t.schema + "." + t.name + "\" does not exist");
        }
        if (q_->db->FindTable(t.name) == nullptr) {
          return Status::NotFound("relation \"" + t.name + "\" does not exist");
        }
        // SELECT * FROM t [WHERE pushed]: the storage scan prunes by time and tags.
        // SELECT <the columns the statement mentions> FROM t [WHERE pushed]: the storage scan
        // prunes by time and tags and reads only those columns.
        SelectStmt scan;
        OMEN_ASSIGN_OR_RETURN(scan.items, ScanItems(t));
        TableRef base;
        base.name = t.name;
        base.alias = t.alias;
        base.column_aliases = t.column_aliases;
        scan.from.push_back(std::move(base));
        for (const Expr* c : pushed) {
          if (!scan.where) {
            scan.where = CloneExpr(*c);
            continue;
          }
          auto both = std::make_unique<Expr>();
          both->kind = ExprKind::kAnd;
          both->args.push_back(std::move(scan.where));
          both->args.push_back(CloneExpr(*c));
          scan.where = std::move(both);
        }
        auto saved = q_->explain;
        q_->explain = nullptr;
        auto r = q_->Run(scan);
        q_->explain = saved;
        if (!r.ok()) return r.status();
        rel = std::make_shared<Relation>(std::move(r).value());
      }
      break;
    }
  }
  Source src = SourceOf(std::move(rel), qual);
  OMEN_RETURN_IF_ERROR(RenameColumns(&src, t.column_aliases, qual));
  return src;
}

Result<Source> FromResolver::FunctionItem(const TableRef& t) {
  const Expr& call = *t.function;
  const std::string name = AsciiLower(call.name);
  auto rel = std::make_shared<Relation>();
  std::string column = t.alias.empty() ? name : t.alias;
  if (IsSetReturningFunction(name)) {
    OMEN_ASSIGN_OR_RETURN(BoundSetFunction f, BindTableFunction(q_, call));
    std::vector<Value> args;
    for (const auto& a : f.args) {
      OMEN_ASSIGN_OR_RETURN(Value v, exec::EvaluateConstant(*a, q_->eval));
      args.push_back(std::move(v));
    }
    Vector rows;
    if (q_->execute) {
      OMEN_ASSIGN_OR_RETURN(rows, f.fn.rows(args));
    } else {
      rows = exec::VectorBuilder(f.fn.type).Finish();
    }
    if (name == "_pg_expandarray") column = "x";
    rel->names.push_back(column);
    rel->types.push_back(f.fn.type);
    rel->chunk.size = rows.size;
    rel->chunk.cols.push_back(std::move(rows));
  } else {
    Source none;
    OMEN_ASSIGN_OR_RETURN(ExprPtr e, BindScalar(q_, none, call));
    OMEN_ASSIGN_OR_RETURN(Value v, exec::EvaluateConstant(*e, q_->eval));
    exec::VectorBuilder b(e->type, 1);
    b.Append(v);
    rel->names.push_back(column);
    rel->types.push_back(e->type);
    rel->chunk.size = 1;
    rel->chunk.cols.push_back(b.Finish());
  }
  if (t.ordinality) {
    exec::VectorBuilder b(LType::kInt64, rel->chunk.size);
    for (int64_t r = 0; r < rel->chunk.size; ++r) b.AppendInt(r + 1);
    rel->names.push_back("ordinality");
    rel->types.push_back(LType::kInt64);
    rel->chunk.cols.push_back(b.Finish());
  }
  Source src = SourceOf(std::move(rel), t.alias.empty() ? name : t.alias);
  OMEN_RETURN_IF_ERROR(
      RenameColumns(&src, t.column_aliases, src.quals.empty() ? name : src.quals[0]));
  return src;
}

Result<Source> FromResolver::JoinTree(const TableRef& t) {
  if (t.kind != TableRef::Kind::kJoin) return Materialize(t, {});
  OMEN_ASSIGN_OR_RETURN(Source l, JoinTree(*t.left));
  OMEN_ASSIGN_OR_RETURN(Source r, JoinTree(*t.right));
  std::vector<std::string> using_cols = t.using_columns;
  if (t.natural) {
    for (size_t c = 0; c < l.names.size(); ++c) {
      if (l.Hidden(c)) continue;
      for (size_t d = 0; d < r.names.size(); ++d) {
        if (!r.Hidden(d) && r.names[d] == l.names[c] &&
            std::find(using_cols.begin(), using_cols.end(), l.names[c]) == using_cols.end()) {
          using_cols.push_back(l.names[c]);
        }
      }
    }
  }
  std::vector<const Expr*> on;
  Conjuncts(t.on.get(), &on);
  const TableRef::JoinType type =
      t.natural && using_cols.empty() && t.join_type == TableRef::JoinType::kInner
          ? TableRef::JoinType::kCross
          : t.join_type;
  return JoinPair(std::move(l), std::move(r), type, on, using_cols);
}

Result<Source> FromResolver::Filter(Source src, const std::vector<const Expr*>& conjuncts,
                                    const char* clause) {
  if (conjuncts.empty()) return src;
  std::vector<ExprPtr> bound;
  for (const Expr* c : conjuncts) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, BindScalar(q_, src, *c, LType::kBool, clause));
    bound.push_back(std::move(b));
  }
  if (!q_->execute || src.rel->chunk.size == 0) return src;
  std::vector<uint32_t> keep(static_cast<size_t>(src.rel->chunk.size));
  for (size_t k = 0; k < keep.size(); ++k) keep[k] = static_cast<uint32_t>(k);
  Chunk cur = src.rel->chunk;
  for (const auto& b : bound) {
    OMEN_ASSIGN_OR_RETURN(std::vector<uint32_t> sel, exec::EvaluateFilter(*b, cur, q_->eval));
    if (static_cast<int64_t>(sel.size()) == cur.size) continue;
    for (auto& k : sel) k = keep[k];
    keep = std::move(sel);
    cur = exec::GatherChunk(src.rel->chunk, keep.data(), static_cast<int64_t>(keep.size()));
  }
  auto rel = std::make_shared<Relation>();
  rel->names = src.rel->names;
  rel->types = src.rel->types;
  rel->chunk = std::move(cur);
  src.rel = std::move(rel);
  return src;
}

// The condition of one join, bound: equality keys (the hash join's; USING's come first) and
// the filter the candidate pairs must pass.
struct JoinCondition {
  std::vector<ExprPtr> left, right;  // key i: left[i] over the left input, right[i] the right
  ExprPtr filter;                    // over the left columns then the right ones; may be null
  std::vector<std::pair<int, int>> using_pairs;  // the USING columns in each input
  std::vector<LType> using_types;
};

// The rows of a join: pairs of input rows, -1 for the NULL side of an outer join's row.
struct JoinRows {
  std::vector<int64_t> left, right;
};

// The columns of l then r, as ON sees them.
Source Concatenated(const Source& l, const Source& r) {
  Source both;
  for (const Source* s : {&l, &r}) {
    for (size_t c = 0; c < s->names.size(); ++c) {
      both.names.push_back(s->names[c]);
      both.quals.push_back(s->quals[c]);
      both.types.push_back(s->types[c]);
      both.hidden.push_back(s->Hidden(c) ? 1 : 0);
    }
  }
  return both;
}

// The column of s a USING name refers to.
Result<int> UsingColumn(const Source& s, const std::string& name, const char* side) {
  int found = -1;
  for (size_t c = 0; c < s.names.size(); ++c) {
    if (s.names[c] != name || s.Hidden(c)) continue;
    if (found >= 0) {
      return Status::SyntaxError("common column name \"" + name + "\" appears more than once in " +
                                 side + " table")
          .WithSqlState("42702");
    }
    found = static_cast<int>(c);
  }
  if (found < 0) {
    return Status::UndefinedColumn("column \"" + name + "\" specified in USING clause does not " +
                                   "exist in " + side + " table");
  }
  return found;
}

// Whether a bound condition is `left expression = right expression` (a hash key): its two
// sides then go to *cond, the right one renumbered over the right input's columns.
bool SplitEquality(exec::Expr* b, int nl, JoinCondition* cond) {
  if (b->kind != EK::kCall || b->fn != exec::Fn::kEq || b->args.size() != 2) return false;
  int lo0 = INT32_MAX, hi0 = -1, lo1 = INT32_MAX, hi1 = -1;
  ColumnRange(*b->args[0], &lo0, &hi0);
  ColumnRange(*b->args[1], &lo1, &hi1);
  const bool a_left = hi0 >= 0 && hi0 < nl, a_right = hi0 >= 0 && lo0 >= nl;
  const bool b_left = hi1 >= 0 && hi1 < nl, b_right = hi1 >= 0 && lo1 >= nl;
  if (!(a_left && b_right) && !(a_right && b_left)) return false;
  ExprPtr x = std::move(b->args[0]), y = std::move(b->args[1]);
  if (a_right) std::swap(x, y);
  ShiftColumns(y.get(), -nl);
  cond->left.push_back(std::move(x));
  cond->right.push_back(std::move(y));
  return true;
}

Result<JoinCondition> BindJoinCondition(QueryRunner::Impl* q, const Source& l, const Source& r,
                                        const std::vector<const Expr*>& on,
                                        const std::vector<std::string>& using_cols) {
  JoinCondition cond;
  for (const std::string& u : using_cols) {
    OMEN_ASSIGN_OR_RETURN(int li, UsingColumn(l, u, "left"));
    OMEN_ASSIGN_OR_RETURN(int ri, UsingColumn(r, u, "right"));
    const LType lt = l.types[static_cast<size_t>(li)], rt = r.types[static_cast<size_t>(ri)];
    auto t = CommonType(lt, rt);
    if (!t) {
      return Status::DatatypeMismatch(std::string("JOIN/USING types ") + exec::TypeName(lt) +
                                      " and " + exec::TypeName(rt) + " cannot be matched");
    }
    cond.using_pairs.emplace_back(li, ri);
    cond.using_types.push_back(*t);
    cond.left.push_back(exec::MakeCast(exec::MakeColumn(li, lt), *t));
    cond.right.push_back(exec::MakeCast(exec::MakeColumn(ri, rt), *t));
  }
  const Source both = Concatenated(l, r);
  std::vector<ExprPtr> residual;
  for (const Expr* c : on) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, BindScalar(q, both, *c, LType::kBool, "JOIN/ON"));
    if (!SplitEquality(b.get(), static_cast<int>(l.names.size()), &cond)) {
      residual.push_back(std::move(b));
    }
  }
  if (residual.size() == 1) {
    cond.filter = std::move(residual[0]);
  } else if (!residual.empty()) {
    cond.filter = std::make_unique<exec::Expr>();
    cond.filter->kind = EK::kAnd;
    cond.filter->type = LType::kBool;
    cond.filter->args = std::move(residual);
  }
  return cond;
}

// Matching row pairs: candidates by hash on the keys (every pair without keys), kept when the
// filter is true; then an outer join's unmatched rows.
class Matcher {
 public:
  Matcher(QueryRunner::Impl* q, const Chunk& l, const Chunk& r, const JoinCondition& cond)
      : q_(q),
        l_(l),
        r_(r),
        cond_(cond),
        lmatched_(static_cast<size_t>(l.size), 0),
        rmatched_(static_cast<size_t>(r.size), 0) {}

  Result<JoinRows> Run(TableRef::JoinType type) {
    using JT = TableRef::JoinType;
    if (l_.size > 0 && r_.size > 0) {
      OMEN_RETURN_IF_ERROR(cond_.left.empty() ? AllPairs() : HashPairs());
      OMEN_RETURN_IF_ERROR(Flush());
    }
    if (type == JT::kLeft || type == JT::kFull) {
      for (int64_t a = 0; a < l_.size; ++a) {
        if (lmatched_[static_cast<size_t>(a)]) continue;
        out_.left.push_back(a);
        out_.right.push_back(-1);
      }
    }
    if (type == JT::kRight || type == JT::kFull) {
      for (int64_t b = 0; b < r_.size; ++b) {
        if (rmatched_[static_cast<size_t>(b)]) continue;
        out_.left.push_back(-1);
        out_.right.push_back(b);
      }
    }
    return std::move(out_);
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;  // candidate pairs filtered at a time

  Status Add(int64_t a, int64_t b) {
    left_.push_back(a);
    right_.push_back(b);
    return left_.size() >= kBlock ? Flush() : Status::OK();
  }

  Status HashPairs() {
    std::vector<Vector> lk, rk;
    for (const auto& k : cond_.left) {
      OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*k, l_, q_->eval));
      lk.push_back(std::move(v));
    }
    for (const auto& k : cond_.right) {
      OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*k, r_, q_->eval));
      rk.push_back(std::move(v));
    }
    absl::flat_hash_map<std::string, std::vector<int64_t>> table;
    std::string key;
    for (int64_t b = 0; b < r_.size; ++b) {
      if (EncodeKey(rk, b, &key)) table[key].push_back(b);
    }
    for (int64_t a = 0; a < l_.size; ++a) {
      if (!EncodeKey(lk, a, &key)) continue;
      auto it = table.find(key);
      if (it == table.end()) continue;
      for (int64_t b : it->second) OMEN_RETURN_IF_ERROR(Add(a, b));
    }
    return Status::OK();
  }

  Status AllPairs() {
    for (int64_t a = 0; a < l_.size; ++a) {
      for (int64_t b = 0; b < r_.size; ++b) OMEN_RETURN_IF_ERROR(Add(a, b));
    }
    return Status::OK();
  }

  // Filters the pending candidates and records the survivors.
  Status Flush() {
    if (left_.empty()) return Status::OK();
    if (cond_.filter) {
      Chunk pair;
      pair.size = static_cast<int64_t>(left_.size());
      for (const Vector& v : l_.cols) pair.cols.push_back(GatherOrNull(v, left_));
      for (const Vector& v : r_.cols) pair.cols.push_back(GatherOrNull(v, right_));
      OMEN_ASSIGN_OR_RETURN(std::vector<uint32_t> sel,
                            exec::EvaluateFilter(*cond_.filter, pair, q_->eval));
      std::vector<int64_t> l2, r2;
      for (uint32_t k : sel) {
        l2.push_back(left_[k]);
        r2.push_back(right_[k]);
      }
      left_.swap(l2);
      right_.swap(r2);
    }
    for (size_t k = 0; k < left_.size(); ++k) {
      lmatched_[static_cast<size_t>(left_[k])] = 1;
      rmatched_[static_cast<size_t>(right_[k])] = 1;
    }
    out_.left.insert(out_.left.end(), left_.begin(), left_.end());
    out_.right.insert(out_.right.end(), right_.begin(), right_.end());
    left_.clear();
    right_.clear();
    OMEN_RETURN_IF_ERROR(q_->CheckCancel());
    return q_->Charge(static_cast<int64_t>(kBlock) * 16);
  }

  QueryRunner::Impl* q_;
  const Chunk& l_;
  const Chunk& r_;
  const JoinCondition& cond_;
  std::vector<uint8_t> lmatched_, rmatched_;
  std::vector<int64_t> left_, right_;  // candidates not yet filtered
  JoinRows out_;
};

// The joined relation: USING's merged columns first, then the left and right columns (their
// copies of the USING columns hidden from unqualified names and *).
Result<Source> JoinedSource(QueryRunner::Impl* q, const Source& l, const Source& r,
                            const JoinCondition& cond, const std::vector<std::string>& using_cols,
                            TableRef::JoinType type, const JoinRows& rows) {
  using JT = TableRef::JoinType;
  const Chunk& lc = l.rel->chunk;
  const Chunk& rc = r.rel->chunk;
  Source out;
  auto rel = std::make_shared<Relation>();
  rel->chunk.size = static_cast<int64_t>(rows.left.size());
  for (size_t u = 0; u < cond.using_pairs.size(); ++u) {
    OMEN_ASSIGN_OR_RETURN(Vector lv, exec::Evaluate(*cond.left[u], lc, q->eval));
    OMEN_ASSIGN_OR_RETURN(Vector rv, exec::Evaluate(*cond.right[u], rc, q->eval));
    exec::VectorBuilder b(cond.using_types[u], rel->chunk.size);
    for (size_t k = 0; k < rows.left.size(); ++k) {
      const int64_t a = rows.left[k], c = rows.right[k];
      // The left value, but the right one for RIGHT JOIN and for FULL JOIN's right-only rows.
      const bool left = a >= 0 && !(type == JT::kRight && c >= 0) &&
                        !(type == JT::kFull && lv.IsNull(a) && c >= 0);
      if (left) {
        b.AppendFrom(lv, a);
      } else if (c >= 0) {
        b.AppendFrom(rv, c);
      } else {
        b.AppendNull();
      }
    }
    out.names.push_back(using_cols[u]);
    out.quals.push_back("");
    out.types.push_back(cond.using_types[u]);
    out.hidden.push_back(0);
    rel->chunk.cols.push_back(b.Finish());
  }
  auto append = [&](const Source& s, const std::vector<int64_t>& sel, bool is_left) {
    for (size_t col = 0; col < s.names.size(); ++col) {
      bool merged = false;
      for (const auto& [lu, ru] : cond.using_pairs) {
        merged |= static_cast<size_t>(is_left ? lu : ru) == col;
      }
      out.names.push_back(s.names[col]);
      out.quals.push_back(s.quals[col]);
      out.types.push_back(s.types[col]);
      out.hidden.push_back(merged || s.Hidden(col) ? 1 : 0);
      rel->chunk.cols.push_back(GatherOrNull(s.rel->chunk.cols[col], sel));
    }
  };
  append(l, rows.left, true);
  append(r, rows.right, false);
  rel->names = out.names;
  rel->types = out.types;
  out.rel = std::move(rel);
  return out;
}

const char* JoinTypeName(TableRef::JoinType type) {
  switch (type) {
    case TableRef::JoinType::kInner:
      return "inner";
    case TableRef::JoinType::kLeft:
      return "left";
    case TableRef::JoinType::kRight:
      return "right";
    case TableRef::JoinType::kFull:
      return "full";
    case TableRef::JoinType::kCross:
      return "cross";
  }
  return "?";
}

Result<Source> FromResolver::JoinPair(Source l, Source r, TableRef::JoinType type,
                                      const std::vector<const Expr*>& on,
                                      const std::vector<std::string>& using_cols) {
  OMEN_ASSIGN_OR_RETURN(JoinCondition cond, BindJoinCondition(q_, l, r, on, using_cols));
  steps_.push_back(std::string(cond.left.empty() ? "Nested Loop " : "Hash Join ") +
                   JoinTypeName(type) + " (" + std::to_string(cond.left.size()) + " keys" +
                   (cond.filter ? ", filter" : "") + ")");
  JoinRows rows;
  if (q_->execute) {
    OMEN_ASSIGN_OR_RETURN(rows, Matcher(q_, l.rel->chunk, r.rel->chunk, cond).Run(type));
  }
  return JoinedSource(q_, l, r, cond, using_cols, type, rows);
}

// A conjunct of a comma list / inner joins and the FROM items it uses.
struct Conjunct {
  const Expr* expr = nullptr;
  std::set<size_t> items;
  bool resolved = true;  // every column reference names one item's column
  bool applied = false;
};

// Which items c's column references name (c.resolved false when one names none, or several).
void Classify(const std::vector<Source>& items, Conjunct* c) {
  std::vector<std::pair<std::string, std::string>> cols;
  if (!CollectRefs(*c->expr, &cols)) {
    c->resolved = false;
    return;
  }
  for (const auto& [qual, name] : cols) {
    std::vector<size_t> hits;
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t k = 0; k < items[i].names.size(); ++k) {
        if (items[i].names[k] != name) continue;
        if (qual.empty() ? items[i].Hidden(k) : items[i].quals[k] != qual) continue;
        hits.push_back(i);
        break;
      }
    }
    if (hits.size() != 1) {
      c->resolved = false;
      return;
    }
    c->items.insert(hits[0]);
  }
}

// The conjuncts not applied yet that use item `next` and otherwise only items in `in`.
std::vector<Conjunct*> Joining(std::vector<Conjunct>& conj, size_t next,
                               const std::set<size_t>& in) {
  std::vector<Conjunct*> out;
  for (Conjunct& c : conj) {
    if (c.applied || !c.resolved || c.items.count(next) == 0) continue;
    bool covered = true;
    for (size_t x : c.items) covered &= x == next || in.count(x) > 0;
    if (covered) out.push_back(&c);
  }
  return out;
}

// The next item to join into `in`: one an equality conjunct links to it, else any; the
// smallest such.
size_t NextItem(const std::vector<Source>& items, std::vector<Conjunct>& conj,
                const std::set<size_t>& in) {
  size_t next = items.size();
  bool linked_next = false;
  for (size_t i = 0; i < items.size(); ++i) {
    if (in.count(i) > 0) continue;
    bool linked = false;
    for (const Conjunct* c : Joining(conj, i, in)) {
      linked |= c->items.size() > 1 && c->expr->kind == ExprKind::kOperator && c->expr->name == "=";
    }
    const int64_t rows = items[i].rel->chunk.size;
    if (next == items.size() || (linked && !linked_next) ||
        (linked == linked_next && rows < items[next].rel->chunk.size)) {
      next = i;
      linked_next = linked;
    }
  }
  return next;
}

// cur (the items joined in `order`) with its columns back in the items' order.
Source InItemOrder(const Source& cur, const std::vector<Source>& items,
                   const std::vector<size_t>& order) {
  std::vector<size_t> start(items.size(), 0);
  size_t pos = 0;
  for (size_t i : order) {
    start[i] = pos;
    pos += items[i].names.size();
  }
  Source out;
  auto rel = std::make_shared<Relation>();
  rel->chunk.size = cur.rel->chunk.size;
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t k = 0; k < items[i].names.size(); ++k) {
      const size_t c = start[i] + k;
      out.names.push_back(cur.names[c]);
      out.quals.push_back(cur.quals[c]);
      out.types.push_back(cur.types[c]);
      out.hidden.push_back(cur.Hidden(c) ? 1 : 0);
      rel->chunk.cols.push_back(cur.rel->chunk.cols[c]);
    }
  }
  rel->names = out.names;
  rel->types = out.types;
  out.rel = std::move(rel);
  return out;
}

void FromResolver::Flatten(const TableRef& t, std::vector<const TableRef*>* refs,
                           std::vector<Conjunct>* conj) {
  if (t.kind == TableRef::Kind::kJoin && t.using_columns.empty() && !t.natural &&
      (t.join_type == TableRef::JoinType::kInner || t.join_type == TableRef::JoinType::kCross)) {
    Flatten(*t.left, refs, conj);
    Flatten(*t.right, refs, conj);
    std::vector<const Expr*> on;
    Conjuncts(t.on.get(), &on);
    for (const Expr* c : on) conj->push_back(Conjunct{c, {}, true, false});
    return;
  }
  refs->push_back(&t);
}

Status CheckDistinctNames(const std::vector<const TableRef*>& refs) {
  std::set<std::string> seen;
  for (const TableRef* t : refs) {
    if (t->kind == TableRef::Kind::kJoin) continue;
    const std::string qual = t->alias.empty() && t->kind == TableRef::Kind::kFunction
                                 ? AsciiLower(t->function->name)
                                 : QualOf(*t);
    if (!qual.empty() && !seen.insert(qual).second) {
      return Status::SyntaxError("table name \"" + qual + "\" specified more than once")
          .WithSqlState("42712");
    }
  }
  return Status::OK();
}

Result<std::vector<Source>> FromResolver::Items(const std::vector<const TableRef*>& refs,
                                                std::vector<Conjunct>& conj) {
  // Every item's columns, to learn which items each conjunct uses; a table's come from its
  // definition so that its own conjuncts can go into its scan.
  std::vector<Source> items(refs.size());
  std::vector<bool> scanned(refs.size(), true);
  for (size_t i = 0; i < refs.size(); ++i) {
    const TableRef& t = *refs[i];
    const bool table = t.kind == TableRef::Kind::kTable &&
                       (t.schema.empty() || t.schema == "public") && q_->ctes.count(t.name) == 0 &&
                       !IsCatalogName(t.name);
    if (table) {
      OMEN_ASSIGN_OR_RETURN(items[i], Single(t));
      scanned[i] = items[i].table == nullptr;
    } else {
      OMEN_ASSIGN_OR_RETURN(items[i], Materialize(t, {}));
    }
  }
  for (Conjunct& c : conj) Classify(items, &c);
  // Each item filtered by the conjuncts that use it alone.
  for (size_t i = 0; i < items.size(); ++i) {
    std::vector<const Expr*> own;
    for (Conjunct& c : conj) {
      if (c.resolved && c.items.size() == 1 && *c.items.begin() == i) {
        own.push_back(c.expr);
        c.applied = true;
      }
    }
    if (scanned[i]) {
      OMEN_ASSIGN_OR_RETURN(items[i], Filter(std::move(items[i]), own, "WHERE"));
    } else {
      OMEN_ASSIGN_OR_RETURN(items[i], Materialize(*refs[i], own));
    }
  }
  return items;
}

Result<std::vector<SelectItem>> FromResolver::ScanItems(const TableRef& t) const {
  std::vector<SelectItem> items;
  auto def = q_->db->FindTable(t.name);
  if (def == nullptr) return Status::NotFound("relation \"" + t.name + "\" does not exist");
  if (!used_.all && t.column_aliases.empty()) {
    for (const auto& c : def->columns) {
      if (used_.names.count(c.name) == 0) continue;
      auto col = std::make_unique<Expr>();
      col->kind = ExprKind::kColumn;
      col->name = c.name;
      items.push_back(SelectItem{std::move(col), ""});
    }
  }
  if (items.empty() && !used_.all && t.column_aliases.empty()) {
    auto col = std::make_unique<Expr>();  // no column is needed: the rows still count
    col->kind = ExprKind::kColumn;
    col->name = def->columns[static_cast<size_t>(def->time_column)].name;
    items.push_back(SelectItem{std::move(col), ""});
  }
  if (items.empty()) {
    auto star = std::make_unique<Expr>();
    star->kind = ExprKind::kStar;
    items.push_back(SelectItem{std::move(star), ""});
  }
  return items;
}

Result<Source> FromResolver::Resolve(const SelectStmt& s) {
  used_ = NamesUsed{};
  CollectNames(s, &used_);
  std::vector<const TableRef*> refs;
  std::vector<Conjunct> conj;
  std::vector<const Expr*> where;
  Conjuncts(s.where.get(), &where);
  for (const Expr* w : where) conj.push_back(Conjunct{w, {}, true, false});
  for (const TableRef& t : s.from) Flatten(t, &refs, &conj);
  OMEN_RETURN_IF_ERROR(CheckDistinctNames(refs));
  OMEN_ASSIGN_OR_RETURN(std::vector<Source> items, Items(refs, conj));

  // Greedy inner joins: the smallest item first, then along equality conditions.
  size_t first = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    if (items[i].rel->chunk.size < items[first].rel->chunk.size) first = i;
  }
  Source cur = items[first];
  std::vector<size_t> order = {first};
  std::set<size_t> in = {first};
  while (order.size() < items.size()) {
    const size_t next = NextItem(items, conj, in);
    std::vector<const Expr*> on;
    for (Conjunct* c : Joining(conj, next, in)) {
      on.push_back(c->expr);
      c->applied = true;
    }
    OMEN_ASSIGN_OR_RETURN(
        cur, JoinPair(std::move(cur), items[next], TableRef::JoinType::kInner, on, {}));
    order.push_back(next);
    in.insert(next);
  }
  Source out = InItemOrder(cur, items, order);
  // The conjuncts left (subqueries, enclosing queries' columns, constants) filter the result:
  // with them the WHERE clause is applied in full.
  std::vector<const Expr*> rest;
  for (Conjunct& c : conj) {
    if (!c.applied) rest.push_back(c.expr);
  }
  OMEN_ASSIGN_OR_RETURN(out, Filter(std::move(out), rest, "WHERE"));
  out.filtered = true;
  std::string plan = "Join (" + std::to_string(items.size()) + " inputs";
  for (const std::string& step : steps_) plan += "; " + step;
  out.plan = plan + ") materialized (" + std::to_string(out.rel->chunk.size) + " rows)";
  return out;
}

}  // namespace

Result<Source> QueryRunner::Impl::ResolveFrom(const SelectStmt& s) {
  if (s.from.empty()) {
    Source src;
    src.rel = std::make_shared<Relation>();
    src.rel->chunk.size = 1;
    return src;
  }
  FromResolver from(this);
  if (s.from.size() == 1 && s.from[0].kind != TableRef::Kind::kJoin) return from.Single(s.from[0]);
  return from.Resolve(s);
}

}  // namespace omen::sql
