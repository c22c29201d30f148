// Copyright 2026 The OmenDB Authors.

#include "sql/subquery.h"

#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace omen::sql {
namespace {

using exec::LType;
using exec::Value;
using exec::Vector;

// Restores the runner state a subquery run changes.
class ScopeGuard {
 public:
  ScopeGuard(QueryRunner::Impl* q, OuterScope scope, bool execute)
      : q_(q), explain_(q->explain), execute_(q->execute), depth_(q->depth) {
    q->outer.push_back(scope);
    q->explain = nullptr;
    q->execute = execute;
  }
  ~ScopeGuard() {
    q_->outer.pop_back();
    q_->explain = explain_;
    q_->execute = execute_;
    q_->depth = depth_;
  }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  QueryRunner::Impl* q_;
  std::vector<std::string>* explain_;
  bool execute_;
  int depth_;
};

// A key for a row of outer values (type tag and text of each).
std::string KeyOf(const std::vector<Value>& values) {
  std::string key;
  for (const Value& v : values) {
    key += static_cast<char>(v.type);
    if (v.null) {
      key += '\0';
      continue;
    }
    key += '\1';
    const Vector one = exec::ConstantVector(v, 1);
    const std::string text = exec::FormatValue(one, 0).value_or("");
    key += std::to_string(text.size()) + ":" + text;
  }
  return key;
}

class CorrelatedSubquery : public exec::ExternalFn {
 public:
  CorrelatedSubquery(QueryRunner::Impl* q, const Source& outer, std::shared_ptr<SelectStmt> s,
                     std::vector<int> refs, SubqueryKind kind, bool negated, LType type)
      : q_(q),
        stmt_(std::move(s)),
        refs_(std::move(refs)),
        kind_(kind),
        negated_(negated),
        type_(type) {
    // Only the outer columns' names, qualifiers and types are needed to bind the subquery again.
    outer_.names = outer.names;
    outer_.quals = outer.quals;
    outer_.types = outer.types;
    outer_.hidden = outer.hidden;
  }

  Result<Vector> Call(const std::vector<Vector>& args, int64_t n,
                      const exec::EvalContext& /*ctx*/) const override {
    std::lock_guard<std::mutex> lock(mu_);
    exec::VectorBuilder b(type_, n);
    std::vector<Value> outer(refs_.size());
    for (int64_t r = 0; r < n; ++r) {
      for (size_t k = 0; k < refs_.size(); ++k) outer[k] = args[k].Get(r);
      OMEN_ASSIGN_OR_RETURN(const Relation* rel, Rows(outer));
      if (kind_ == SubqueryKind::kIn) {
        OMEN_ASSIGN_OR_RETURN(Value v, In(*rel, args.back(), r));
        b.Append(v);
        continue;
      }
      OMEN_ASSIGN_OR_RETURN(Value v, Single(*rel));
      b.Append(v);
    }
    return b.Finish();
  }
  std::string name() const override { return "subquery"; }

 private:
  // The subquery's rows for one combination of outer values (run once, then cached).
  Result<const Relation*> Rows(const std::vector<Value>& outer) const {
    const std::string key = KeyOf(outer);
    auto it = cache_.find(key);
    if (it != cache_.end()) return &it->second;
    std::map<int, Value> values;
    for (size_t k = 0; k < refs_.size(); ++k) values[refs_[k]] = outer[k];
    OuterScope scope;
    scope.src = &outer_;
    scope.values = &values;
    ScopeGuard guard(q_, scope, true);
    OMEN_RETURN_IF_ERROR(q_->CheckCancel());
    OMEN_ASSIGN_OR_RETURN(Relation rel, q_->Run(*stmt_));
    if (kind_ != SubqueryKind::kExists && rel.names.size() != 1) {
      return Status::SyntaxError("subquery must return only one column");
    }
    return &cache_.emplace(key, std::move(rel)).first->second;
  }

  Result<Value> Single(const Relation& rel) const {
    switch (kind_) {
      case SubqueryKind::kExists:
        return Value::Int(LType::kBool, (rel.chunk.size > 0) != negated_);
      case SubqueryKind::kScalar:
        if (rel.chunk.size > 1) {
          return Status::InvalidArgument(
                     "more than one row returned by a subquery used as an expression")
              .WithSqlState("21000");
        }
        if (rel.chunk.size == 0) return Value::Null(type_);
        return exec::CastValue(rel.chunk.cols[0].Get(0), type_);
      case SubqueryKind::kArray: {
        OMEN_ASSIGN_OR_RETURN(Value v, ArrayOfColumn(rel));
        v.type = type_;
        return v;
      }
      case SubqueryKind::kIn:
        break;
    }
    return Status::Internal("subquery kind");
  }

  // lhs [NOT] IN (rows), as PostgreSQL: NULL when no row matches and a NULL was seen.
  Result<Value> In(const Relation& rel, const Vector& lhs, int64_t r) const {
    if (rel.chunk.size == 0) return Value::Int(LType::kBool, negated_ ? 1 : 0);
    if (lhs.IsNull(r)) return Value::Null(LType::kBool);
    const Value x = lhs.Get(r);
    const Vector one = exec::ConstantVector(x, 1);
    bool saw_null = false;
    for (int64_t k = 0; k < rel.chunk.size; ++k) {
      const Vector& col = rel.chunk.cols[0];
      if (col.IsNull(k)) {
        saw_null = true;
        continue;
      }
      OMEN_ASSIGN_OR_RETURN(Value y, exec::CastValue(col.Get(k), x.type));
      const Vector other = exec::ConstantVector(y, 1);
      if (exec::CompareRows(one, 0, other, 0) == 0) {
        return Value::Int(LType::kBool, negated_ ? 0 : 1);
      }
    }
    if (saw_null) return Value::Null(LType::kBool);
    return Value::Int(LType::kBool, negated_ ? 1 : 0);
  }

  QueryRunner::Impl* q_;
  std::shared_ptr<SelectStmt> stmt_;
  Source outer_;
  std::vector<int> refs_;
  SubqueryKind kind_;
  bool negated_;
  LType type_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Relation> cache_;
};

}  // namespace

Result<Relation> ProbeSubquery(QueryRunner::Impl* q, const Source& outer, const SelectStmt& s,
                               std::vector<int>* refs) {
  OuterScope scope;
  scope.src = &outer;
  scope.refs = refs;
  ScopeGuard guard(q, scope, false);
  return q->Run(s);
}

exec::ExprPtr MakeCorrelatedSubquery(QueryRunner::Impl* q, const Source& outer,
                                     std::shared_ptr<SelectStmt> s, std::vector<int> refs,
                                     SubqueryKind kind, bool negated, LType type,
                                     std::vector<exec::ExprPtr> args) {
  q->serial = true;
  auto fn = std::make_shared<CorrelatedSubquery>(q, outer, std::move(s), std::move(refs), kind,
                                                 negated, type);
  return exec::MakeExternal(std::move(fn), type, std::move(args));
}

Result<Value> ArrayOfColumn(const Relation& r) {
  if (r.names.size() != 1) return Status::SyntaxError("subquery must return only one column");
  auto at = exec::ArrayTypeOf(r.types[0]);
  if (!at) {
    return Status::NotSupported(std::string("arrays of ") + exec::TypeName(r.types[0]) +
                                " are not supported")
        .WithSqlState("0A000");
  }
  std::vector<std::optional<std::string>> elements;
  for (int64_t k = 0; k < r.chunk.size; ++k)
    elements.push_back(exec::FormatValue(r.chunk.cols[0], k));
  Value v = Value::Text(exec::FormatArrayText(elements));
  v.type = *at;
  return v;
}

}  // namespace omen::sql
