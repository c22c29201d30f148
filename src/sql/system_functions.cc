// Copyright 2026 The OmenDB Authors.

#include "sql/system_functions.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <utility>

#include "common/strings.h"
#include "sql/catalog_tables.h"
#include "sql/regex.h"

namespace omen::sql {
namespace {

using exec::ExprPtr;
using exec::LType;
using exec::Value;
using exec::Vector;

// Keywords quote_ident() must quote: every PostgreSQL 15 keyword that is not unreserved
// (pg_get_keywords() where catcode <> 'U').
// clang-format off
const char* const kQuotedKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for",
    "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike",
    "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is",
    "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null",
    "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps",
    "overlay", "placing", "position", "precision", "primary", "real", "references", "returning",
    "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
    "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"
};
// clang-format on

ExprPtr Row(std::string name, LType type, std::vector<ExprPtr> args, exec::RowFunction::Fn fn,
            bool strict = true, bool pure = true) {
  auto f = std::make_shared<exec::RowFunction>(std::move(name), type, std::move(fn), strict, pure);
  return exec::MakeExternal(std::move(f), type, std::move(args));
}

ExprPtr Const(Value v) { return exec::MakeConst(std::move(v)); }
ExprPtr TextConst(std::string s) { return Const(Value::Text(std::move(s))); }

std::string ArgTypes(const std::vector<ExprPtr>& args, const BindContext& ctx) {
  std::string s;
  for (size_t k = 0; k < args.size(); ++k) {
    if (k > 0) s += ", ";
    s += ctx.is_unknown(args[k].get()) ? "unknown" : exec::TypeName(args[k]->type);
  }
  return s;
}

Status NoFunction(const BindContext& ctx, const std::string& name,
                  const std::vector<ExprPtr>& args) {
  return UndefinedFunction("function " + name + "(" + ArgTypes(args, ctx) + ") does not exist",
                           ctx.location);
}

// Coerces args[k] to t (an untyped literal takes the type); 42883 when it cannot.
Status Want(const BindContext& ctx, const std::string& name, std::vector<ExprPtr>& args, size_t k,
            LType t) {
  if (args[k]->type == t) return Status::OK();
  const bool integral = exec::IsInteger(args[k]->type) || args[k]->type == LType::kOid;
  const bool ok = ctx.is_unknown(args[k].get()) || args[k]->type == LType::kNull ||
                  (exec::IsNumeric(args[k]->type) && exec::IsNumeric(t)) ||
                  (integral && (t == LType::kOid || exec::IsInteger(t))) ||
                  (exec::IsTimestamp(t) &&
                   (exec::IsTimestamp(args[k]->type) || args[k]->type == LType::kDate)) ||
                  (exec::IsArray(args[k]->type) && exec::IsArray(t));
  if (!ok) return NoFunction(ctx, name, args);
  auto c = ctx.coerce(std::move(args[k]), t);
  if (!c.ok()) return c.status();
  args[k] = std::move(*c);
  return Status::OK();
}

// Untyped literals become text; other arguments keep their types.
// An array argument (an untyped literal becomes text[]).
Status WantArray(const BindContext& ctx, const std::string& name, std::vector<ExprPtr>& args,
                 size_t k) {
  if (ctx.is_unknown(args[k].get()) || args[k]->type == LType::kNull) {
    return Want(ctx, name, args, k, LType::kTextArray);
  }
  if (!exec::IsArray(args[k]->type)) return NoFunction(ctx, name, args);
  return Status::OK();
}

Status UnknownToText(const BindContext& ctx, std::vector<ExprPtr>& args) {
  for (auto& a : args) {
    if (!ctx.is_unknown(a.get()) && a->type != LType::kNull) continue;
    OMEN_ASSIGN_OR_RETURN(a, ctx.coerce(std::move(a), LType::kText));
  }
  return Status::OK();
}

Status Arity(const BindContext& ctx, const std::string& name, const std::vector<ExprPtr>& args,
             size_t lo, size_t hi) {
  if (args.size() < lo || args.size() > hi) return NoFunction(ctx, name, args);
  return Status::OK();
}

std::string SessionUser(const BindContext& ctx) {
  auto u = ctx.q->settings().Get("session_authorization");
  return u.ok() ? *u : std::string("omendb");
}

std::string TrimSpaces(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// The schemas of search_path that exist, in order; pg_catalog first when implicit.
std::vector<std::optional<std::string>> SearchPathSchemas(const BindContext& ctx, bool implicit) {
  auto sp = ctx.q->settings().Get("search_path");
  const std::string path = sp.ok() ? *sp : std::string("public");
  std::vector<std::optional<std::string>> out;
  size_t p = 0;
  while (p <= path.size()) {
    size_t q = path.find(',', p);
    if (q == std::string::npos) q = path.size();
    std::string item = TrimSpaces(path.substr(p, q - p));
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    if (item != "$user" && LookupNamespaceOid("\"" + item + "\"")) out.emplace_back(item);
    p = q + 1;
  }
  if (implicit &&
      std::find(out.begin(), out.end(), std::optional<std::string>("pg_catalog")) == out.end()) {
    out.insert(out.begin(), std::string("pg_catalog"));
  }
  return out;
}

bool IsQuotedKeyword(const std::string& s) {
  for (const char* k : kQuotedKeywords) {
    if (s == k) return true;
  }
  return false;
}

std::string QuoteIdent(const std::string& s) {
  bool safe = !s.empty() && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
  for (char c : s) safe &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  if (safe && !IsQuotedKeyword(s)) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteLiteral(const std::string& s) {
  std::string out;
  bool backslash = false;
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\\') {
      out += '\\';
      backslash = true;
    }
    out += c;
  }
  return (backslash ? "E'" : "'") + out + "'";
}

Status InvalidIdent(const std::string& s) {
  return Status::InvalidArgument("string is not a valid identifier: \"" + s + "\"")
      .WithSqlState("22023");
}

// parse_ident(): the parts of a qualified identifier, quoted parts kept as written.
Result<std::vector<std::optional<std::string>>> ParseIdent(const std::string& s, bool strict) {
  std::vector<std::optional<std::string>> parts;
  size_t p = 0;
  auto space = [&]() {
    while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
  };
  space();
  while (true) {
    std::string part;
    if (p < s.size() && s[p] == '"') {
      ++p;
      while (true) {
        if (p >= s.size()) return InvalidIdent(s);
        if (s[p] == '"') {
          if (p + 1 < s.size() && s[p + 1] == '"') {
            part += '"';
            p += 2;
            continue;
          }
          ++p;
          break;
        }
        part += s[p++];
      }
      if (part.empty()) return InvalidIdent(s);
    } else {
      while (p < s.size() && (std::isalnum(static_cast<unsigned char>(s[p])) || s[p] == '_' ||
                              s[p] == '$' || static_cast<unsigned char>(s[p]) >= 0x80)) {
        part += static_cast<char>(std::tolower(static_cast<unsigned char>(s[p])));
        ++p;
      }
      if (part.empty()) return InvalidIdent(s);
    }
    parts.emplace_back(std::move(part));
    space();
    if (p < s.size() && s[p] == '.') {
      ++p;
      space();
      continue;
    }
    if (p < s.size() && strict) return InvalidIdent(s);
    return parts;
  }
}

std::vector<std::optional<std::string>> StringToArray(const std::string& s, const Value& delim,
                                                      const Value& null_str) {
  std::vector<std::optional<std::string>> out;
  if (s.empty()) return out;
  if (delim.null) {
    for (char c : s) out.emplace_back(std::string(1, c));
  } else if (delim.s.empty()) {
    out.emplace_back(s);
  } else {
    size_t p = 0, q;
    while ((q = s.find(delim.s, p)) != std::string::npos) {
      out.emplace_back(s.substr(p, q - p));
      p = q + delim.s.size();
    }
    out.emplace_back(s.substr(p));
  }
  if (!null_str.null) {
    for (auto& e : out) {
      if (e && *e == null_str.s) e.reset();
    }
  }
  return out;
}

Value ArrayValue(LType type, const std::vector<std::optional<std::string>>& elements) {
  Value v = Value::Text(exec::FormatArrayText(elements));
  v.type = type;
  return v;
}

// An element's text as a value of the array's element type.
Result<Value> ElementValue(LType array_type, const std::optional<std::string>& e) {
  const LType et = exec::ArrayElementType(array_type);
  if (!e) return Value::Null(et);
  return exec::CastValue(Value::Text(*e), et);
}

// The text of a value as an array element (nullopt for NULL).
std::optional<std::string> ElementText(const Value& v) {
  if (v.null) return std::nullopt;
  if (v.type == LType::kText || exec::IsArray(v.type)) return v.s;
  auto t = exec::CastValue(v, LType::kText);
  return t.ok() ? std::optional<std::string>(t->s) : std::nullopt;
}

int CompareValues(const Value& a, const Value& b) {
  const Vector x = exec::ConstantVector(a, 1), y = exec::ConstantVector(b, 1);
  return exec::CompareRows(x, 0, y, 0);
}

bool ApplyComparison(const std::string& op, int c) {
  if (op == "=") return c == 0;
  if (op == "<>" || op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

bool IsComparison(const std::string& op) {
  return op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" ||
         op == ">=";
}

// The type two values compare as, or kNull when they cannot be compared.
LType ComparisonType(LType a, LType b) {
  if (a == b) return a;
  const auto integral = [](LType t) { return exec::IsInteger(t) || t == LType::kOid; };
  if (integral(a) && integral(b)) return LType::kInt64;
  if (exec::IsNumeric(a) && exec::IsNumeric(b)) return LType::kFloat64;
  if ((exec::IsTimestamp(a) || a == LType::kDate) && (exec::IsTimestamp(b) || b == LType::kDate)) {
    return LType::kTimestampTz;
  }
  return LType::kNull;
}

// ~ ~* !~ !~* (sql/regex.h), the pattern compiled once per distinct pattern of a batch.
class RegexMatch : public exec::ExternalFn {
 public:
  RegexMatch(bool icase, bool negate) : icase_(icase), negate_(negate) {}
  Result<Vector> Call(const std::vector<Vector>& args, int64_t n,
                      const exec::EvalContext& /*ctx*/) const override {
    exec::VectorBuilder b(LType::kBool, n);
    std::string last;
    std::optional<Regex> re;
    for (int64_t r = 0; r < n; ++r) {
      if (args[0].IsNull(r) || args[1].IsNull(r)) {
        b.AppendNull();
        continue;
      }
      const std::string_view pattern = args[1].S(r);
      if (!re || pattern != last) {
        last = std::string(pattern);
        OMEN_ASSIGN_OR_RETURN(Regex compiled, Regex::Compile(last, icase_));
        re.emplace(std::move(compiled));
      }
      b.AppendInt(re->Search(args[0].S(r)) != negate_ ? 1 : 0);
    }
    return b.Finish();
  }
  std::string name() const override {
    return std::string(negate_ ? "!~" : "~") + (icase_ ? "*" : "");
  }

 private:
  bool icase_;
  bool negate_;
};

}  // namespace

namespace {

// current_setting, current_user & co., pg_backend_pid, pg_sleep.
// A null expression when `name` is none of them.
Result<ExprPtr> BindSessionFunction(const BindContext& ctx, const std::string& name,
                                    std::vector<ExprPtr>& args) {
  QueryRunner::Impl* q = ctx.q;
  auto arity = [&](size_t lo, size_t hi) { return Arity(ctx, name, args, lo, hi); };
  auto want = [&](size_t k, LType t) { return Want(ctx, name, args, k, t); };
  if (name == "current_setting") {
    OMEN_RETURN_IF_ERROR(arity(1, 2));
    OMEN_RETURN_IF_ERROR(want(0, LType::kText));
    if (args.size() == 2) OMEN_RETURN_IF_ERROR(want(1, LType::kBool));
    const SessionSettings* settings = &q->settings();
    return Row(name, LType::kText, std::move(args), [settings](const std::vector<Value>& a) {
      auto v = settings->Get(a[0].s);
      if (v.ok()) return Result<Value>(Value::Text(*v));
      if (a.size() > 1 && !a[1].null && a[1].i != 0)
        return Result<Value>(Value::Null(LType::kText));
      return Result<Value>(v.status());
    });
  }
  if (name == "current_database" || name == "current_catalog") {
    OMEN_RETURN_IF_ERROR(arity(0, 0));
    return TextConst(kDatabaseName);
  }
  if (name == "current_schema") {
    OMEN_RETURN_IF_ERROR(arity(0, 0));
    auto schemas = SearchPathSchemas(ctx, false);
    return schemas.empty() ? Const(Value::Null(LType::kText)) : TextConst(*schemas[0]);
  }
  if (name == "current_schemas") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kBool));
    auto with = ArrayValue(LType::kTextArray, SearchPathSchemas(ctx, true));
    auto without = ArrayValue(LType::kTextArray, SearchPathSchemas(ctx, false));
    return Row(name, LType::kTextArray, std::move(args), [with, without](const auto& a) {
      return Result<Value>(a[0].i != 0 ? with : without);
    });
  }
  if (name == "current_user" || name == "session_user" || name == "user" ||
      name == "current_role" || name == "getpgusername") {
    OMEN_RETURN_IF_ERROR(arity(0, 0));
    return TextConst(SessionUser(ctx));
  }
  if (name == "pg_backend_pid") {
    OMEN_RETURN_IF_ERROR(arity(0, 0));
    return Const(Value::Int(LType::kInt32, q->options.backend_pid));
  }
  if (name == "pg_is_in_recovery") {
    OMEN_RETURN_IF_ERROR(arity(0, 0));
    return Const(Value::Int(LType::kBool, 0));
  }
  if (name == "pg_sleep") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kFloat64));
    return Row(
        name, LType::kText, std::move(args),
        [q](const std::vector<Value>& a) -> Result<Value> {
          const auto end =
              std::chrono::steady_clock::now() +
              std::chrono::microseconds(static_cast<int64_t>(std::clamp(a[0].f, 0.0, 1e9) * 1e6));
          while (std::chrono::steady_clock::now() < end) {
            OMEN_RETURN_IF_ERROR(q->CheckCancel());
            const auto left = end - std::chrono::steady_clock::now();
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(10)));
          }
          return Value::Text("");  // void
        },
        true, false);
  }
  return ExprPtr();
}

// format_type, pg_get_userbyid, privileges, visibility, descriptions, sizes, reg* lookups.
// A null expression when `name` is none of them.
Result<ExprPtr> BindCatalogFunction(const BindContext& ctx, const std::string& name,
                                    std::vector<ExprPtr>& args) {
  QueryRunner::Impl* q = ctx.q;
  auto arity = [&](size_t lo, size_t hi) { return Arity(ctx, name, args, lo, hi); };
  auto want = [&](size_t k, LType t) { return Want(ctx, name, args, k, t); };
  if (name == "format_type") {
    OMEN_RETURN_IF_ERROR(arity(2, 2));
    OMEN_RETURN_IF_ERROR(want(0, LType::kOid));
    OMEN_RETURN_IF_ERROR(want(1, LType::kInt32));
    const storage::Database* db = q->db;
    return Row(
        name, LType::kText, std::move(args),
        [db](const std::vector<Value>& a) -> Result<Value> {
          if (a[0].null) return Value::Null(LType::kText);
          auto t = FormatType(static_cast<uint32_t>(a[0].i),
                              a[1].null ? -1 : static_cast<int32_t>(a[1].i), db);
          return Value::Text(t ? *t : std::string("???"));
        },
        false);
  }
  if (name == "pg_get_userbyid") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kOid));
    const std::string user = SessionUser(ctx);
    return Row(name, LType::kText, std::move(args), [user](const std::vector<Value>& a) {
      return Result<Value>(Value::Text(
          a[0].i == kOidSessionRole ? user : "unknown (OID=" + std::to_string(a[0].i) + ")"));
    });
  }
  if (name.rfind("has_", 0) == 0 && name.size() > 10 &&
      name.compare(name.size() - 10, 10, "_privilege") == 0) {
    OMEN_RETURN_IF_ERROR(arity(2, 4));
    return Const(Value::Int(LType::kBool, 1));  // the session's role owns everything
  }
  if (name == "pg_has_role") {
    OMEN_RETURN_IF_ERROR(arity(2, 3));
    return Const(Value::Int(LType::kBool, 1));
  }
  if (name == "pg_table_is_visible" || name == "pg_type_is_visible" ||
      name == "pg_function_is_visible") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kOid));
    return Row(name, LType::kBool, std::move(args),
               [](const auto&) { return Result<Value>(Value::Int(LType::kBool, 1)); });
  }
  if (name == "pg_relation_is_publishable") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    return Const(Value::Int(LType::kBool, 0));
  }
  if (name == "obj_description" || name == "col_description" || name == "shobj_description" ||
      name == "pg_get_expr" || name == "pg_get_indexdef" || name == "pg_get_constraintdef" ||
      name == "pg_get_viewdef" || name == "pg_get_triggerdef" || name == "pg_get_ruledef" ||
      name == "pg_get_partkeydef" || name == "pg_get_statisticsobjdef_columns" ||
      name == "pg_get_function_arguments" || name == "pg_get_function_result" ||
      name == "pg_get_function_identity_arguments") {
    OMEN_RETURN_IF_ERROR(arity(1, 3));
    OMEN_RETURN_IF_ERROR(UnknownToText(ctx, args));
    return Const(Value::Null(LType::kText));  // OmenDB keeps no comments, defaults or indexes
  }
  if (name == "pg_table_size" || name == "pg_relation_size" || name == "pg_total_relation_size" ||
      name == "pg_indexes_size" || name == "pg_database_size") {
    OMEN_RETURN_IF_ERROR(arity(1, 2));
    OMEN_RETURN_IF_ERROR(UnknownToText(ctx, args));
    return Const(Value::Null(LType::kInt64));  // sizes are not tracked per relation
  }
  if (name == "pg_size_pretty") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kInt64));
    return Row(name, LType::kText, std::move(args), [](const std::vector<Value>& a) {
      // PostgreSQL's pg_size_pretty: one spare bit for rounding half away from zero.
      int64_t size = a[0].i;
      constexpr int64_t kLimit = 10 * 1024, kLimit2 = kLimit * 2 - 1;
      if (std::llabs(size) < kLimit) {
        return Result<Value>(Value::Text(std::to_string(size) + " bytes"));
      }
      const char* units[] = {"kB", "MB", "GB", "TB", "PB"};
      size /= 512;
      size_t u = 0;
      while (u + 1 < 5 && std::llabs(size) >= kLimit2) {
        size /= 1024;
        ++u;
      }
      const int64_t v = (size + (size < 0 ? -1 : 1)) / 2;
      return Result<Value>(Value::Text(std::to_string(v) + " " + units[u]));
    });
  }
  if (name == "pg_encoding_to_char") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kInt32));
    return Row(name, LType::kText, std::move(args), [](const std::vector<Value>& a) {
      return Result<Value>(Value::Text(a[0].i == 6 ? "UTF8" : a[0].i == 0 ? "SQL_ASCII" : ""));
    });
  }
  if (name == "to_regtype" || name == "to_regclass" || name == "to_regnamespace") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    OMEN_RETURN_IF_ERROR(want(0, LType::kText));
    const storage::Database* db = q->db;
    const std::string which = name;
    return Row(name, LType::kOid, std::move(args),
               [db, which](const std::vector<Value>& a) -> Result<Value> {
                 std::optional<uint32_t> oid = which == "to_regtype" ? LookupTypeOid(a[0].s, db)
                                               : which == "to_regclass"
                                                   ? LookupRelationOid(a[0].s, db)
                                                   : LookupNamespaceOid(a[0].s);
                 return oid ? Value::Int(LType::kOid, *oid) : Value::Null(LType::kOid);
               });
  }
  if (name == "pg_typeof") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    const LType t = ctx.is_unknown(args[0].get()) ? LType::kNull : args[0]->type;
    auto n = FormatType(TypeOidOf(t), -1, q->db);
    return TextConst(t == LType::kNull ? "unknown" : n ? *n : exec::TypeName(t));
  }
  return ExprPtr();
}

// quote_ident, quote_literal, quote_nullable, parse_ident.
// A null expression when `name` is none of them.
Result<ExprPtr> BindTextFunction(const BindContext& ctx, const std::string& name,
                                 std::vector<ExprPtr>& args) {
  auto arity = [&](size_t lo, size_t hi) { return Arity(ctx, name, args, lo, hi); };
  auto want = [&](size_t k, LType t) { return Want(ctx, name, args, k, t); };
  if (name == "quote_ident" || name == "quote_literal" || name == "quote_nullable") {
    OMEN_RETURN_IF_ERROR(arity(1, 1));
    if (!ctx.is_unknown(args[0].get()) && args[0]->type != LType::kText &&
        args[0]->type != LType::kNull) {
      if (name == "quote_ident") return NoFunction(ctx, name, args);
      args[0] = exec::MakeCast(std::move(args[0]), LType::kText);  // quote_literal(anyelement)
    }
    OMEN_RETURN_IF_ERROR(want(0, LType::kText));
    const bool ident = name == "quote_ident", nullable = name == "quote_nullable";
    return Row(
        name, LType::kText, std::move(args),
        [ident, nullable](const std::vector<Value>& a) -> Result<Value> {
          if (a[0].null) return nullable ? Value::Text("NULL") : Value::Null(LType::kText);
          return Value::Text(ident ? QuoteIdent(a[0].s) : QuoteLiteral(a[0].s));
        },
        false);
  }
  if (name == "parse_ident") {
    OMEN_RETURN_IF_ERROR(arity(1, 2));
    OMEN_RETURN_IF_ERROR(want(0, LType::kText));
    if (args.size() == 2) OMEN_RETURN_IF_ERROR(want(1, LType::kBool));
    return Row(name, LType::kTextArray, std::move(args),
               [](const std::vector<Value>& a) -> Result<Value> {
                 OMEN_ASSIGN_OR_RETURN(auto parts, ParseIdent(a[0].s, a.size() < 2 || a[1].i));
                 return ArrayValue(LType::kTextArray, parts);
               });
  }
  return ExprPtr();
}

// string_to_array, array_to_string, array_length/lower/upper, cardinality.
// A null expression when `name` is none of them.
Result<ExprPtr> BindArrayFunction(const BindContext& ctx, const std::string& name,
                                  std::vector<ExprPtr>& args) {
  auto arity = [&](size_t lo, size_t hi) { return Arity(ctx, name, args, lo, hi); };
  auto want = [&](size_t k, LType t) { return Want(ctx, name, args, k, t); };
  if (name == "string_to_array") {
    OMEN_RETURN_IF_ERROR(arity(2, 3));
    for (size_t k = 0; k < args.size(); ++k) OMEN_RETURN_IF_ERROR(want(k, LType::kText));
    return Row(
        name, LType::kTextArray, std::move(args),
        [](const std::vector<Value>& a) -> Result<Value> {
          if (a[0].null) return Value::Null(LType::kTextArray);
          return ArrayValue(LType::kTextArray,
                            StringToArray(a[0].s, a[1], a.size() > 2 ? a[2] : Value::Null()));
        },
        false);
  }
  if (name == "array_to_string") {
    OMEN_RETURN_IF_ERROR(arity(2, 3));
    OMEN_RETURN_IF_ERROR(WantArray(ctx, name, args, 0));
    for (size_t k = 1; k < args.size(); ++k) OMEN_RETURN_IF_ERROR(want(k, LType::kText));
    return Row(
        name, LType::kText, std::move(args),
        [](const std::vector<Value>& a) -> Result<Value> {
          if (a[0].null || a[1].null) return Value::Null(LType::kText);
          OMEN_ASSIGN_OR_RETURN(auto elements, exec::ParseArrayText(a[0].s));
          std::string out;
          bool first = true;
          for (const auto& e : elements) {
            if (!e && (a.size() < 3 || a[2].null)) continue;
            if (!first) out += a[1].s;
            out += e ? *e : a[2].s;
            first = false;
          }
          return Value::Text(out);
        },
        false);
  }
  if (name == "array_length" || name == "array_lower" || name == "array_upper" ||
      name == "cardinality") {
    OMEN_RETURN_IF_ERROR(arity(name == "cardinality" ? 1 : 2, name == "cardinality" ? 1 : 2));
    OMEN_RETURN_IF_ERROR(WantArray(ctx, name, args, 0));
    if (args.size() == 2) OMEN_RETURN_IF_ERROR(want(1, LType::kInt32));
    const std::string which = name;
    return Row(name, LType::kInt32, std::move(args),
               [which](const std::vector<Value>& a) -> Result<Value> {
                 OMEN_ASSIGN_OR_RETURN(auto elements, exec::ParseArrayText(a[0].s));
                 const auto len = static_cast<int64_t>(elements.size());
                 if (which == "cardinality") return Value::Int(LType::kInt32, len);
                 if (a[1].i != 1 || len == 0) return Value::Null(LType::kInt32);
                 return Value::Int(LType::kInt32, which == "array_lower" ? 1 : len);
               });
  }
  return ExprPtr();
}

}  // namespace

Result<ExprPtr> BindSystemFunction(const BindContext& ctx, const std::string& name,
                                   std::vector<ExprPtr> args) {
  for (auto* bind :
       {BindSessionFunction, BindCatalogFunction, BindTextFunction, BindArrayFunction}) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr e, bind(ctx, name, args));
    if (e != nullptr) return e;
  }
  return NoFunction(ctx, name, args);
}

Result<ExprPtr> BindSystemOperator(const BindContext& ctx, const std::string& op, ExprPtr a,
                                   ExprPtr b) {
  std::vector<ExprPtr> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  auto no_operator = [&]() {
    auto type = [&](const ExprPtr& e) {
      return ctx.is_unknown(e.get()) ? std::string("unknown")
                                     : std::string(exec::TypeName(e->type));
    };
    return UndefinedFunction(
        "operator does not exist: " + type(args[0]) + " " + op + " " + type(args[1]), ctx.location);
  };
  if (op == "~" || op == "~*" || op == "!~" || op == "!~*") {
    for (size_t k = 0; k < 2; ++k) {
      if (args[k]->type != LType::kText && !ctx.is_unknown(args[k].get()) &&
          args[k]->type != LType::kNull) {
        return no_operator();
      }
      OMEN_ASSIGN_OR_RETURN(args[k], ctx.coerce(std::move(args[k]), LType::kText));
    }
    auto fn = std::make_shared<RegexMatch>(op.find('*') != std::string::npos, op[0] == '!');
    return exec::MakeExternal(std::move(fn), LType::kBool, std::move(args));
  }
  if (op == "||" && (exec::IsArray(args[0]->type) || exec::IsArray(args[1]->type))) {
    // array || array, array || element, element || array.
    const LType at = exec::IsArray(args[0]->type) ? args[0]->type : args[1]->type;
    const LType et = exec::ArrayElementType(at);
    for (size_t k = 0; k < 2; ++k) {
      const bool array = exec::IsArray(args[k]->type) ||
                         (ctx.is_unknown(args[k].get()) && exec::IsArray(args[1 - k]->type));
      OMEN_ASSIGN_OR_RETURN(args[k], ctx.coerce(std::move(args[k]), array ? at : et));
    }
    const bool left_array = exec::IsArray(args[0]->type),
               right_array = exec::IsArray(args[1]->type);
    return Row(
        op, at, std::move(args),
        [at, left_array, right_array](const std::vector<Value>& v) -> Result<Value> {
          std::vector<std::optional<std::string>> out;
          for (size_t k = 0; k < 2; ++k) {
            const bool array = k == 0 ? left_array : right_array;
            if (!array) {
              out.push_back(ElementText(v[k]));
              continue;
            }
            if (v[k].null) continue;
            OMEN_ASSIGN_OR_RETURN(auto e, exec::ParseArrayText(v[k].s));
            out.insert(out.end(), e.begin(), e.end());
          }
          if (left_array && right_array && v[0].null && v[1].null) return Value::Null(at);
          return ArrayValue(at, out);
        },
        false);
  }
  if (op == "&" || op == "|" || op == "#" || op == "<<" || op == ">>") {
    for (size_t k = 0; k < 2; ++k) {
      if (ctx.is_unknown(args[k].get())) {
        OMEN_ASSIGN_OR_RETURN(args[k], ctx.coerce(std::move(args[k]), LType::kInt32));
      }
      if (!exec::IsInteger(args[k]->type)) return no_operator();
    }
    LType t = args[0]->type;
    if (op != "<<" && op != ">>") {
      if (args[1]->type == LType::kInt64 || t == LType::kInt64) {
        t = LType::kInt64;
      } else if (args[1]->type == LType::kInt32 || t == LType::kInt32) {
        t = LType::kInt32;
      }
      for (size_t k = 0; k < 2; ++k) args[k] = exec::MakeCast(std::move(args[k]), t);
    }
    const std::string which = op;
    return Row(op, t, std::move(args), [which, t](const std::vector<Value>& v) -> Result<Value> {
      const int64_t x = v[0].i, y = v[1].i;
      int64_t z = which == "&" ? (x & y) : which == "|" ? (x | y) : which == "#" ? (x ^ y) : 0;
      if (which == "<<" || which == ">>") {
        const int bits = t == LType::kInt16 ? 16 : t == LType::kInt32 ? 32 : 64;
        const int64_t s = y & (bits - 1);
        z = which == "<<" ? static_cast<int64_t>(static_cast<uint64_t>(x) << s) : x >> s;
        if (bits == 16) z = static_cast<int16_t>(z);
        if (bits == 32) z = static_cast<int32_t>(z);
      }
      return Value::Int(t, z);
    });
  }
  return no_operator();
}

bool IsRegType(const std::string& t) {
  return t == "regclass" || t == "regtype" || t == "regnamespace" || t == "regproc" ||
         t == "regprocedure" || t == "regrole";
}

Result<ExprPtr> BindRegCast(const BindContext& ctx, const std::string& type, ExprPtr arg) {
  const storage::Database* db = ctx.q->db;
  const std::string user = SessionUser(ctx);
  if (ctx.is_unknown(arg.get()) || arg->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(arg, ctx.coerce(std::move(arg), LType::kText));
  }
  std::vector<ExprPtr> args;
  if (arg->type == LType::kText) {
    if (type == "regproc" || type == "regprocedure") {
      // No functions are listed in pg_proc: a function name stays text ('array_in').
      args.push_back(std::move(arg));
      return Row(type, LType::kText, std::move(args), [](const std::vector<Value>& a) {
        std::string s = a[0].s;
        if (s.rfind("pg_catalog.", 0) == 0) s = s.substr(11);
        const size_t paren = s.find('(');
        return Result<Value>(Value::Text(paren == std::string::npos ? s : s.substr(0, paren)));
      });
    }
    args.push_back(std::move(arg));
    return Row(type, LType::kOid, std::move(args),
               [type, db, user](const std::vector<Value>& a) -> Result<Value> {
                 const std::string& s = a[0].s;
                 if (!s.empty() && std::all_of(s.begin(), s.end(), ::isdigit)) {
                   return exec::CastValue(a[0], LType::kOid);  // '16385'::regclass
                 }
                 std::optional<uint32_t> oid;
                 const char* what = "relation";
                 std::string state = "42P01";
                 if (type == "regclass") {
                   oid = LookupRelationOid(s, db);
                 } else if (type == "regtype") {
                   oid = LookupTypeOid(s, db);
                   what = "type";
                   state = "42704";
                 } else if (type == "regnamespace") {
                   oid = LookupNamespaceOid(s);
                   what = "schema";
                   state = "3F000";
                 } else {
                   if (s == user) oid = kOidSessionRole;
                   what = "role";
                   state = "42704";
                 }
                 if (!oid) {
                   return Status::NotFound(std::string(what) + " \"" + s + "\" does not exist")
                       .WithSqlState(state);
                 }
                 return Value::Int(LType::kOid, *oid);
               });
  }
  if (!exec::IsInteger(arg->type) && arg->type != LType::kOid) {
    return Status::DatatypeMismatch(
               std::string("cannot cast type ") + exec::TypeName(arg->type) + " to " + type,
               ctx.location + 1)
        .WithSqlState("42846");
  }
  // An oid prints as the name it stands for.
  args.push_back(std::move(arg));
  return Row(type, LType::kText, std::move(args),
             [type, db, user](const std::vector<Value>& a) -> Result<Value> {
               const auto oid = static_cast<uint32_t>(a[0].i);
               if (oid == 0) return Value::Text("-");  // InvalidOid
               if (type == "regclass") return Value::Text(RelationNameOf(oid, db));
               if (type == "regtype") return Value::Text(TypeNameOf(oid, db));
               if (type == "regnamespace") return Value::Text(NamespaceNameOf(oid));
               if (type == "regrole" && oid == kOidSessionRole) return Value::Text(user);
               return Value::Text(std::to_string(oid));
             });
}

Result<ExprPtr> BindSubscript(const BindContext& ctx, ExprPtr array, ExprPtr index) {
  if (!exec::IsArray(array->type)) {
    return Status::DatatypeMismatch(std::string("cannot subscript type ") +
                                        exec::TypeName(array->type) +
                                        " because it does not support subscripting",
                                    ctx.location + 1)
        .WithSqlState("42804");
  }
  if (ctx.is_unknown(index.get()) || index->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(index, ctx.coerce(std::move(index), LType::kInt32));
  }
  if (!exec::IsInteger(index->type)) {
    return Status::DatatypeMismatch("array subscript must have type integer", ctx.location + 1)
        .WithSqlState("42804");
  }
  const LType at = array->type, et = exec::ArrayElementType(at);
  std::vector<ExprPtr> args;
  args.push_back(std::move(array));
  args.push_back(std::move(index));
  return Row("subscript", et, std::move(args),
             [at, et](const std::vector<Value>& a) -> Result<Value> {
               OMEN_ASSIGN_OR_RETURN(auto elements, exec::ParseArrayText(a[0].s));
               const int64_t i = a[1].i;
               if (i < 1 || i > static_cast<int64_t>(elements.size())) return Value::Null(et);
               return ElementValue(at, elements[static_cast<size_t>(i - 1)]);
             });
}

Result<ExprPtr> BindField(const BindContext& ctx, ExprPtr record, const std::string& field) {
  if (record->type != LType::kText || (field != "x" && field != "n")) {
    return Status::NotSupported("field selection (" + field +
                                ") is supported only on information_schema._pg_expandarray()")
        .WithSqlState("0A000");
  }
  const size_t which = field == "x" ? 0 : 1;
  std::vector<ExprPtr> args;
  args.push_back(std::move(record));
  (void)ctx;
  return Row(
      field, LType::kInt64, std::move(args), [which](const std::vector<Value>& a) -> Result<Value> {
        // "(x,n)"
        const std::string& s = a[0].s;
        const size_t comma = s.find(',');
        if (s.size() < 5 || s.front() != '(' || s.back() != ')' || comma == std::string::npos) {
          return Status::InvalidArgument("malformed record literal: \"" + s + "\"")
              .WithSqlState("22P02");
        }
        const std::string part =
            which == 0 ? s.substr(1, comma - 1) : s.substr(comma + 1, s.size() - comma - 2);
        if (part.empty()) return Value::Null(LType::kInt64);
        return exec::CastValue(Value::Text(part), LType::kInt64);
      });
}

Result<ExprPtr> BindArrayConstructor(const BindContext& ctx, std::vector<ExprPtr> elements) {
  LType t = LType::kNull;
  for (const auto& e : elements) {
    if (ctx.is_unknown(e.get()) || e->type == LType::kNull) continue;
    if (t == LType::kNull || t == e->type) {
      t = e->type;
    } else if (exec::IsNumeric(t) && exec::IsNumeric(e->type)) {
      t = ComparisonType(t, e->type) == LType::kInt64 ? LType::kInt64 : LType::kFloat64;
    } else if (t != e->type) {
      return Status::DatatypeMismatch(std::string("ARRAY types ") + exec::TypeName(t) + " and " +
                                          exec::TypeName(e->type) + " cannot be matched",
                                      ctx.location + 1);
    }
  }
  if (t == LType::kNull) t = LType::kText;
  auto at = exec::ArrayTypeOf(t);
  if (!at) {
    return Status::NotSupported(std::string("arrays of ") + exec::TypeName(t) +
                                " are not supported")
        .WithSqlState("0A000");
  }
  for (auto& e : elements) {
    OMEN_ASSIGN_OR_RETURN(e, ctx.coerce(std::move(e), t));
  }
  const LType array_type = *at;
  return Row(
      "array", array_type, std::move(elements),
      [array_type](const std::vector<Value>& a) -> Result<Value> {
        std::vector<std::optional<std::string>> out;
        for (const Value& v : a) out.push_back(ElementText(v));
        return ArrayValue(array_type, out);
      },
      false);
}

Result<ExprPtr> BindAnyAll(const BindContext& ctx, const std::string& op, bool all, ExprPtr lhs,
                           ExprPtr array) {
  if (!IsComparison(op)) {
    return Status::NotSupported("op ANY/ALL (array) supports comparison operators")
        .WithSqlState("0A000");
  }
  if (ctx.is_unknown(array.get()) || array->type == LType::kNull) {
    const LType lt = ctx.is_unknown(lhs.get()) ? LType::kText : lhs->type;
    auto at = exec::ArrayTypeOf(lt);
    OMEN_ASSIGN_OR_RETURN(array, ctx.coerce(std::move(array), at ? *at : LType::kTextArray));
  }
  if (!exec::IsArray(array->type)) {
    return UndefinedFunction("op ANY/ALL (array) requires array on right side", ctx.location);
  }
  const LType et = exec::ArrayElementType(array->type), at = array->type;
  if (ctx.is_unknown(lhs.get()) || lhs->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(lhs, ctx.coerce(std::move(lhs), et));
  }
  const LType ct = ComparisonType(lhs->type, et);
  if (ct == LType::kNull) {
    return UndefinedFunction(std::string("operator does not exist: ") + exec::TypeName(lhs->type) +
                                 " " + op + " " + exec::TypeName(et),
                             ctx.location);
  }
  std::vector<ExprPtr> args;
  args.push_back(std::move(lhs));
  args.push_back(std::move(array));
  return Row(
      all ? "all" : "any", LType::kBool, std::move(args),
      [op, all, at, ct](const std::vector<Value>& a) -> Result<Value> {
        if (a[1].null) return Value::Null(LType::kBool);
        OMEN_ASSIGN_OR_RETURN(auto elements, exec::ParseArrayText(a[1].s));
        if (elements.empty()) return Value::Int(LType::kBool, all ? 1 : 0);
        if (a[0].null) return Value::Null(LType::kBool);
        OMEN_ASSIGN_OR_RETURN(Value x, exec::CastValue(a[0], ct));
        bool saw_null = false;
        for (const auto& e : elements) {
          if (!e) {
            saw_null = true;
            continue;
          }
          OMEN_ASSIGN_OR_RETURN(Value y, ElementValue(at, e));
          OMEN_ASSIGN_OR_RETURN(y, exec::CastValue(y, ct));
          const bool hit = ApplyComparison(op, CompareValues(x, y));
          if (hit && !all) return Value::Int(LType::kBool, 1);
          if (!hit && all) return Value::Int(LType::kBool, 0);
        }
        if (saw_null) return Value::Null(LType::kBool);
        return Value::Int(LType::kBool, all ? 1 : 0);
      },
      false);
}

// ---- Set-returning functions

bool IsSetReturningFunction(const std::string& name) {
  return name == "generate_series" || name == "unnest" || name == "generate_subscripts" ||
         name == "_pg_expandarray";
}

namespace {

Status ZeroStep() {
  return Status::InvalidArgument("step size cannot equal zero").WithSqlState("22023");
}

// generate_series over integers, numerics or timestamps.
Result<SetFunction> BindGenerateSeries(const BindContext& ctx, std::vector<ExprPtr>* args) {
  std::vector<ExprPtr>& a = *args;
  const std::string name = "generate_series";
  OMEN_RETURN_IF_ERROR(Arity(ctx, name, a, 2, 3));
  // Dates and timestamps make a timestamp series (timestamptz unless one is a timestamp
  // without time zone, as PostgreSQL resolves it); numbers an integer or numeric one.
  LType t = LType::kNull;
  bool time = false, tz = false, plain = false;
  for (size_t k = 0; k < 2; ++k) {
    if (ctx.is_unknown(a[k].get()) || a[k]->type == LType::kNull) continue;
    const LType x = a[k]->type;
    if (exec::IsTimestamp(x) || x == LType::kDate) {
      time = true;
      tz |= x == LType::kTimestampTz;
      plain |= x == LType::kTimestamp;
    } else if (!exec::IsNumeric(x)) {
      return NoFunction(ctx, name, a);
    } else {
      t = t == LType::kNull || t == x             ? x
          : ComparisonType(t, x) == LType::kInt64 ? LType::kInt64
                                                  : LType::kNumeric;
    }
  }
  if (time) {
    if (t != LType::kNull) return NoFunction(ctx, name, a);
    t = plain && !tz ? LType::kTimestamp : LType::kTimestampTz;
  }
  if (t == LType::kNull) return NoFunction(ctx, name, a);
  if (exec::IsInteger(t) && a.size() == 3 && !ctx.is_unknown(a[2].get())) {
    if (!exec::IsInteger(a[2]->type)) {
      t = exec::IsNumeric(a[2]->type) ? LType::kNumeric : t;
    } else if (a[2]->type == LType::kInt64) {
      t = LType::kInt64;
    }
  }
  if (exec::IsNumeric(t) && !exec::IsInteger(t)) t = LType::kNumeric;
  if (!exec::IsNumeric(t) && !exec::IsTimestamp(t)) return NoFunction(ctx, name, a);
  for (size_t k = 0; k < 2; ++k) OMEN_RETURN_IF_ERROR(Want(ctx, name, a, k, t));
  if (a.size() == 3) {
    OMEN_RETURN_IF_ERROR(Want(ctx, name, a, 2, exec::IsTimestamp(t) ? LType::kInterval : t));
  }
  QueryRunner::Impl* q = ctx.q;
  SetFunction f{name, t, nullptr};
  f.rows = [t, q](const std::vector<Value>& v) -> Result<Vector> {
    exec::VectorBuilder b(t);
    for (const Value& x : v) {
      if (x.null) return b.Finish();
    }
    auto check = [&]() -> Status {
      if ((b.size() & 0xffff) != 0) return Status::OK();
      OMEN_RETURN_IF_ERROR(q->CheckCancel());
      return q->Charge(0x10000 * 8);
    };
    if (exec::IsTimestamp(t)) {
      const exec::Interval step = v.size() > 2 ? v[2].iv : exec::Interval{0, 0, 0};
      const __int128 span = step.Span();
      if (span == 0) return ZeroStep();
      for (int64_t cur = v[0].i; span > 0 ? cur <= v[1].i : cur >= v[1].i;) {
        OMEN_RETURN_IF_ERROR(check());
        b.AppendInt(cur);
        const int64_t next = exec::AddInterval(cur, step);
        if (next == cur) break;
        cur = next;
      }
    } else if (exec::IsInteger(t)) {
      const int64_t step = v.size() > 2 ? v[2].i : 1;
      if (step == 0) return ZeroStep();
      for (int64_t cur = v[0].i; step > 0 ? cur <= v[1].i : cur >= v[1].i;) {
        OMEN_RETURN_IF_ERROR(check());
        b.AppendInt(cur);
        if (__builtin_add_overflow(cur, step, &cur)) break;
      }
    } else {
      const double step = v.size() > 2 ? v[2].f : 1;
      if (step == 0) return ZeroStep();
      for (double cur = v[0].f; step > 0 ? cur <= v[1].f : cur >= v[1].f; cur += step) {
        OMEN_RETURN_IF_ERROR(check());
        b.AppendFloat(cur);
      }
    }
    return b.Finish();
  };
  return f;
}

}  // namespace

Result<SetFunction> BindSetFunction(const BindContext& ctx, const std::string& name,
                                    std::vector<ExprPtr>* args) {
  if (name == "generate_series") return BindGenerateSeries(ctx, args);
  std::vector<ExprPtr>& a = *args;
  OMEN_RETURN_IF_ERROR(Arity(ctx, name, a, 1, name == "generate_subscripts" ? 3 : 1));
  if (ctx.is_unknown(a[0].get()) || a[0]->type == LType::kNull) {
    OMEN_RETURN_IF_ERROR(Want(ctx, name, a, 0, LType::kTextArray));
  }
  if (!exec::IsArray(a[0]->type)) return NoFunction(ctx, name, a);
  const LType at = a[0]->type;
  if (name == "generate_subscripts") {
    OMEN_RETURN_IF_ERROR(Arity(ctx, name, a, 2, 3));
    OMEN_RETURN_IF_ERROR(Want(ctx, name, a, 1, LType::kInt32));
    if (a.size() == 3) OMEN_RETURN_IF_ERROR(Want(ctx, name, a, 2, LType::kBool));
  }
  SetFunction f{name, LType::kNull, nullptr};
  f.type = name == "unnest"                ? exec::ArrayElementType(at)
           : name == "generate_subscripts" ? LType::kInt32
                                           : LType::kText;  // _pg_expandarray: "(x,n)"
  const std::string which = name;
  const LType t = f.type;
  f.rows = [which, at, t](const std::vector<Value>& v) -> Result<Vector> {
    exec::VectorBuilder b(t);
    if (v[0].null) return b.Finish();
    OMEN_ASSIGN_OR_RETURN(auto elements, exec::ParseArrayText(v[0].s));
    const auto len = static_cast<int64_t>(elements.size());
    if (which == "generate_subscripts") {
      if (v[1].null || v[1].i != 1) return b.Finish();
      const bool reverse = v.size() > 2 && !v[2].null && v[2].i != 0;
      for (int64_t k = 1; k <= len; ++k) b.AppendInt(reverse ? len + 1 - k : k);
      return b.Finish();
    }
    for (int64_t k = 0; k < len; ++k) {
      const auto& e = elements[static_cast<size_t>(k)];
      if (which == "unnest") {
        OMEN_ASSIGN_OR_RETURN(Value x, ElementValue(at, e));
        b.Append(x);
      } else {
        b.AppendStr("(" + (e ? *e : std::string()) + "," + std::to_string(k + 1) + ")");
      }
    }
    return b.Finish();
  };
  return f;
}

}  // namespace omen::sql
