// Copyright 2026 The OmenDB Authors.
//
// Walks libpg_query's JSON parse tree (PostgreSQL 15 node names; each node is
// {"NodeType": {fields}}). Every field is read defensively: a shape we do not
// know becomes NotSupported, never a crash.

#include "sql/parser.h"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

#include "common/strings.h"
#include "sql/pg_json.h"

namespace omen::sql {
namespace {

using Json = JsonNode;

class Transformer {
 public:
  explicit Transformer(std::string_view sql) : sql_(sql) {}
  Result<std::vector<Statement>> Statements(const Json& tree);

 private:
  Result<Statement> TransformStatement(const Json& raw);
  Result<SetStmt> VariableSet(const Json& f);
  Result<RoleStmt> Role(const std::string& type, const Json& f);
  Result<SelectStmt> Values(const Json& s, const Json& lists);
  Result<SelectStmt> Select(const Json& s);
  Result<CreateTableStmt> CreateTable(const Json& s);
  Result<DropTableStmt> DropTable(const Json& s);
  Result<AddColumnStmt> AlterTable(const Json& s);
  Result<InsertStmt> Insert(const Json& s);
  Result<ColumnSpec> Column(const Json& c);
  Result<std::unique_ptr<Expr>> Transform(const Json& node);
  Result<std::unique_ptr<Expr>> Const(const Json& c);
  Result<std::unique_ptr<Expr>> AExpr(const Json& a);
  Result<std::unique_ptr<Expr>> Func(const Json& f);
  Result<std::vector<std::unique_ptr<Expr>>> List(const Json& items);
  Result<std::vector<OrderItem>> Order(const Json& sort);
  Result<std::unique_ptr<Expr>> MaybeTransform(const Json& obj, const char* field);
  Result<TableRef> FromItem(const Json& node);
  Result<std::unique_ptr<Expr>> Indirection(const Json& f);
  // A WindowDef with the named window it refers to merged in (OVER w, OVER (w ORDER BY ...),
  // WINDOW x AS (w ...)), as PostgreSQL merges them; `name_is_reference` for an OVER clause,
  // where "name" names the window used rather than the one defined.
  struct WindowParts {
    const Json* partition;  // PARTITION BY list (a null node: none)
    const Json* order;      // ORDER BY list (a null node: none)
    const Json* frame;      // the WindowDef whose frameOptions/startOffset/endOffset apply
  };
  Result<WindowParts> ResolveWindow(const Json& w, bool name_is_reference, int depth = 0);

  std::string_view sql_;
  // The WINDOW clauses of the SELECTs being transformed, innermost last: name -> WindowDef.
  std::vector<std::map<std::string, const Json*>> windows_;
};

int Location(const Json& fields) {
  auto it = fields.find("location");
  return it != fields.end() && it->is_number_integer() ? static_cast<int>(it->get_int()) : -1;
}

// The node type and fields of {"NodeType": {...}}.
bool Unwrap(const Json& node, std::string* type, const Json** fields) {
  if (!node.is_object() || node.size() != 1) return false;
  *type = std::string(node.key(0));
  *fields = node.begin();
  return true;
}

// A String node's value, or "" (libpg_query: {"String": {"sval": "x"}}).
std::string StringValue(const Json& node) {
  std::string type;
  const Json* f;
  if (!Unwrap(node, &type, &f) || type != "String") return "";
  return f->value("sval", std::string());
}

// "a.b.c" parts of a name list, last part returned; qualifier gets the one before.
std::string LastName(const Json& names, std::string* qualifier) {
  std::string last;
  if (!names.is_array()) return last;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string part = StringValue(names[i]);
    if (i + 1 == names.size()) {
      last = part;
    } else if (qualifier != nullptr) {
      *qualifier = part;
    }
  }
  return last;
}

Result<std::vector<Statement>> Transformer::Statements(const Json& tree) {
  std::vector<Statement> out;
  if (!tree.is_object()) return Status::Internal("parse tree is not an object");
  auto stmts = tree.find("stmts");
  if (stmts == tree.end()) return out;  // empty input
  for (const Json& raw : *stmts) {
    OMEN_ASSIGN_OR_RETURN(Statement st, TransformStatement(raw));
    out.push_back(std::move(st));
  }
  return out;
}

// VALUES (...), (...) as a query: a UNION ALL of one-row SELECTs (columns column1, column2, ...)
// in a balanced tree, so that the column types resolve as PostgreSQL resolves VALUES (as a
// UNION) and deep recursion is avoided; ORDER BY/LIMIT/OFFSET apply to the whole.
Result<SelectStmt> Transformer::Values(const Json& s, const Json& lists) {
  std::vector<std::shared_ptr<SelectStmt>> rows;
  size_t width = 0;
  for (const Json& row : lists) {
    std::string lt;
    const Json* lf;
    if (!Unwrap(row, &lt, &lf) || lt != "List") return Status::Internal("bad VALUES row");
    OMEN_ASSIGN_OR_RETURN(auto values, List(lf->value("items", Json::array())));
    if (rows.empty()) {
      width = values.size();
    } else if (values.size() != width) {
      return Status::SyntaxError("VALUES lists must all be the same length").WithSqlState("42601");
    }
    auto one = std::make_shared<SelectStmt>();
    for (size_t k = 0; k < values.size(); ++k) {
      one->items.push_back(SelectItem{std::move(values[k]), "column" + std::to_string(k + 1)});
    }
    rows.push_back(std::move(one));
  }
  if (rows.empty()) return Status::SyntaxError("VALUES without rows").WithSqlState("42601");
  std::function<std::shared_ptr<SelectStmt>(size_t, size_t)> tree = [&](size_t lo, size_t hi) {
    if (hi - lo == 1) return rows[lo];
    const size_t mid = lo + (hi - lo) / 2;
    auto u = std::make_shared<SelectStmt>();
    u->set_op = "union";
    u->set_all = true;
    u->larg = tree(lo, mid);
    u->rarg = tree(mid, hi);
    return u;
  };
  SelectStmt out = std::move(*tree(0, rows.size()));
  if (auto it = s.find("sortClause"); it != s.end()) {
    OMEN_ASSIGN_OR_RETURN(out.order_by, Order(*it));
  }
  OMEN_ASSIGN_OR_RETURN(out.limit, MaybeTransform(s, "limitCount"));
  OMEN_ASSIGN_OR_RETURN(out.offset, MaybeTransform(s, "limitOffset"));
  return out;
}

Result<Statement> Transformer::TransformStatement(const Json& raw) {
  Statement st;
  st.location = raw.value("stmt_location", 0);
  st.length = raw.value("stmt_len", 0);
  std::string type;
  const Json* f;
  if (!raw.contains("stmt") || !Unwrap(raw["stmt"], &type, &f)) {
    return Status::Internal("statement without a node");
  }
  if (type == "SelectStmt") {
    OMEN_ASSIGN_OR_RETURN(SelectStmt s, Select(*f));
    st.node = std::move(s);
  } else if (type == "CreateStmt") {
    OMEN_ASSIGN_OR_RETURN(CreateTableStmt s, CreateTable(*f));
    st.node = std::move(s);
  } else if (type == "DropStmt") {
    OMEN_ASSIGN_OR_RETURN(DropTableStmt s, DropTable(*f));
    st.node = std::move(s);
  } else if (type == "AlterTableStmt") {
    OMEN_ASSIGN_OR_RETURN(AddColumnStmt s, AlterTable(*f));
    st.node = std::move(s);
  } else if (type == "InsertStmt") {
    OMEN_ASSIGN_OR_RETURN(InsertStmt s, Insert(*f));
    st.node = std::move(s);
  } else if (type == "DeleteStmt") {
    DeleteStmt d;
    d.table = f->value("relation", Json::object()).value("relname", std::string());
    if (f->contains("usingClause"))
      return Status::NotSupported("DELETE ... USING is not supported");
    if (f->contains("returningList")) return Status::NotSupported("RETURNING is not supported");
    OMEN_ASSIGN_OR_RETURN(d.where, MaybeTransform(*f, "whereClause"));
    st.node = std::move(d);
  } else if (type == "ExplainStmt") {
    ExplainStmt e;
    for (const Json& o : f->value("options", Json::array())) {
      std::string ot;
      const Json* of;
      if (!Unwrap(o, &ot, &of) || ot != "DefElem") continue;
      std::string name = of->value("defname", std::string());
      if (name == "analyze") e.analyze = true;
    }
    std::string qt;
    const Json* qf;
    if (!f->contains("query") || !Unwrap((*f)["query"], &qt, &qf) || qt != "SelectStmt") {
      return Status::NotSupported("EXPLAIN supports SELECT statements");
    }
    OMEN_ASSIGN_OR_RETURN(SelectStmt q, Select(*qf));
    e.query = std::make_shared<SelectStmt>(std::move(q));
    st.node = std::move(e);
  } else if (type == "CopyStmt") {
    CopyStmt c;
    c.is_from = f->value("is_from", false);
    c.filename = f->value("filename", std::string());
    if (auto rel = f->find("relation"); rel != f->end())
      c.table = rel->value("relname", std::string());
    for (const Json& a : f->value("attlist", Json::array())) c.columns.push_back(StringValue(a));
    if (auto q = f->find("query"); q != f->end()) {
      std::string qt;
      const Json* qf;
      if (!Unwrap(*q, &qt, &qf) || qt != "SelectStmt") {
        return Status::NotSupported("COPY (query) supports SELECT");
      }
      OMEN_ASSIGN_OR_RETURN(SelectStmt sq, Select(*qf));
      c.query = std::make_shared<SelectStmt>(std::move(sq));
    }
    if (f->contains("whereClause")) return Status::NotSupported("COPY ... WHERE is not supported");
    for (const Json& o : f->value("options", Json::array())) {
      std::string ot;
      const Json* of;
      if (!Unwrap(o, &ot, &of) || ot != "DefElem") continue;
      std::string name = of->value("defname", std::string());
      std::string value = "true";
      if (auto a = of->find("arg"); a != of->end()) {
        std::string at;
        const Json* af;
        if (Unwrap(*a, &at, &af)) {
          if (at == "String")
            value = af->value("sval", std::string());
          else if (at == "Integer")
            value = std::to_string(af->value("ival", 0));
          else if (at == "Boolean")
            value = af->value("boolval", false) ? "true" : "false";
        }
      }
      c.options.emplace_back(name, value);
    }
    st.node = std::move(c);
  } else if (type == "VariableSetStmt") {
    OMEN_ASSIGN_OR_RETURN(SetStmt v, VariableSet(*f));
    st.node = std::move(v);
  } else if (type == "VariableShowStmt") {
    ShowStmt v;
    v.name = AsciiLower(f->value("name", std::string()));
    if (v.name == "time zone") v.name = "timezone";
    st.node = std::move(v);
  } else if (type == "DeallocateStmt") {
    DeallocateStmt d;
    d.name = f->value("name", std::string());
    st.node = std::move(d);
  } else if (type == "DeclareCursorStmt") {
    DeclareCursorStmt d;
    d.name = f->value("portalname", std::string());
    const int options = f->value("options", 0);
    d.binary = (options & 0x1) != 0;  // CURSOR_OPT_BINARY
    d.hold = (options & 0x20) != 0;   // CURSOR_OPT_HOLD
    std::string qt;
    const Json* qf;
    if (!f->contains("query") || !Unwrap((*f)["query"], &qt, &qf) || qt != "SelectStmt") {
      return Status::NotSupported("DECLARE CURSOR supports SELECT queries");
    }
    OMEN_ASSIGN_OR_RETURN(SelectStmt q, Select(*qf));
    d.query = std::make_shared<SelectStmt>(std::move(q));
    st.node = std::move(d);
  } else if (type == "FetchStmt") {
    FetchStmt fs;
    const std::string dir = f->value("direction", std::string("FETCH_FORWARD"));
    fs.direction = dir == "FETCH_BACKWARD"   ? FetchStmt::Direction::kBackward
                   : dir == "FETCH_ABSOLUTE" ? FetchStmt::Direction::kAbsolute
                   : dir == "FETCH_RELATIVE" ? FetchStmt::Direction::kRelative
                                             : FetchStmt::Direction::kForward;
    // A missing count is 0 (libpg_query omits zero fields): FETCH RELATIVE 0, FORWARD 0.
    fs.count = f->value("howMany", int64_t{0});
    fs.name = f->value("portalname", std::string());
    fs.move = f->value("ismove", false);
    st.node = std::move(fs);
  } else if (type == "ClosePortalStmt") {
    CloseCursorStmt c;
    c.name = f->value("portalname", std::string());
    st.node = std::move(c);
  } else if (type == "CreateRoleStmt" || type == "AlterRoleStmt" || type == "DropRoleStmt") {
    OMEN_ASSIGN_OR_RETURN(RoleStmt r, Role(type, *f));
    st.node = std::move(r);
  } else if (type == "TransactionStmt") {
    TransactionStmt t;
    const std::string kind = f->value("kind", std::string());
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
      t.kind = TransactionStmt::Kind::kBegin;
      t.tag = kind == "TRANS_STMT_BEGIN" ? "BEGIN" : "START TRANSACTION";
    } else if (kind == "TRANS_STMT_COMMIT") {
      t.kind = TransactionStmt::Kind::kCommit;
      t.tag = "COMMIT";
    } else if (kind == "TRANS_STMT_ROLLBACK") {
      t.kind = TransactionStmt::Kind::kRollback;
      t.tag = "ROLLBACK";
    } else if (kind == "TRANS_STMT_SAVEPOINT") {
      t.tag = "SAVEPOINT";
    } else if (kind == "TRANS_STMT_RELEASE") {
      t.tag = "RELEASE";
    } else if (kind == "TRANS_STMT_ROLLBACK_TO") {
      t.tag = "ROLLBACK";
    } else {
      return Status::NotSupported("two-phase commit is not supported");
    }
    st.node = std::move(t);
  } else {
    std::string name = type.size() > 4 && type.substr(type.size() - 4) == "Stmt"
                           ? type.substr(0, type.size() - 4)
                           : type;
    return Status::NotSupported("statement " + name + " is not supported");
  }
  return st;
}

Result<RoleStmt> Transformer::Role(const std::string& type, const Json& f) {
  RoleStmt r;
  // A RoleSpec: a name, or CURRENT_USER/SESSION_USER (""); PUBLIC and CURRENT_ROLE refused.
  auto role_name = [](const Json& spec) -> Result<std::string> {
    const std::string kind = spec.value("roletype", std::string());
    if (kind == "ROLESPEC_CSTRING") return spec.value("rolename", std::string());
    if (kind == "ROLESPEC_CURRENT_USER" || kind == "ROLESPEC_SESSION_USER") return std::string();
    return Status::NotSupported("this role specification is not supported");
  };
  if (type == "DropRoleStmt") {
    r.kind = RoleStmt::Kind::kDrop;
    r.if_exists = f.value("missing_ok", false);
    for (const Json& item : f.value("roles", Json::array())) {
      std::string it;
      const Json* spec;
      if (!Unwrap(item, &it, &spec) || it != "RoleSpec") return Status::Internal("bad role");
      OMEN_ASSIGN_OR_RETURN(std::string name, role_name(*spec));
      if (name.empty()) return Status::NotSupported("DROP USER CURRENT_USER is not supported");
      r.names.push_back(std::move(name));
    }
    return r;
  }
  if (type == "CreateRoleStmt") {
    r.kind = RoleStmt::Kind::kCreate;
    r.is_user = f.value("stmt_type", std::string()) == "ROLESTMT_USER";
    r.names.push_back(f.value("role", std::string()));
  } else {
    r.kind = RoleStmt::Kind::kAlter;
    OMEN_ASSIGN_OR_RETURN(std::string name, role_name(f.value("role", Json::object())));
    r.names.push_back(std::move(name));
  }
  for (const Json& o : f.value("options", Json::array())) {
    std::string ot;
    const Json* of;
    if (!Unwrap(o, &ot, &of) || ot != "DefElem") continue;
    const std::string name = of->value("defname", std::string());
    std::string at;
    const Json* af = nullptr;
    const bool has_arg = of->contains("arg") && Unwrap((*of)["arg"], &at, &af);
    if (name == "password") {
      r.set_password = true;
      if (has_arg && at == "String") r.password = af->value("sval", std::string());
    } else if (name == "superuser" && has_arg && at == "Boolean") {
      r.superuser = af->value("boolval", false);
    } else if (name == "canlogin" && has_arg && at == "Boolean") {
      r.login = af->value("boolval", false);
    }
  }
  return r;
}

Result<SetStmt> Transformer::VariableSet(const Json& f) {
  SetStmt v;
  const std::string kind = f.value("kind", std::string());
  v.name = AsciiLower(f.value("name", std::string()));
  v.local = f.value("is_local", false);
  if (kind == "VAR_RESET_ALL") {
    v.kind = SetStmt::Kind::kResetAll;
    return v;
  }
  if (kind == "VAR_RESET") {
    v.kind = SetStmt::Kind::kReset;
    return v;
  }
  if (kind == "VAR_SET_DEFAULT" || kind == "VAR_SET_CURRENT") {
    v.kind = SetStmt::Kind::kDefault;
    return v;
  }
  if (kind == "VAR_SET_MULTI") {
    // SET TRANSACTION ... / SET SESSION CHARACTERISTICS: every statement is its own
    // transaction, so isolation and access modes change nothing.
    v.name = "transaction";
    return v;
  }
  if (kind != "VAR_SET_VALUE")
    return Status::NotSupported("SET form " + kind + " is not supported");
  for (const Json& a : f.value("args", Json::array())) {
    std::string at;
    const Json* af;
    if (!Unwrap(a, &at, &af) || at != "A_Const") {
      return Status::NotSupported("SET " + v.name + " takes only constant values");
    }
    OMEN_ASSIGN_OR_RETURN(auto c, Const(*af));
    std::string text;
    switch (c->literal.kind) {
      case Literal::Kind::kNull:
        return Status::InvalidArgument("SET " + v.name + " does not take NULL");
      case Literal::Kind::kBool:
        text = c->literal.b ? "on" : "off";
        break;
      case Literal::Kind::kInt:
        text = std::to_string(c->literal.i);
        break;
      case Literal::Kind::kNumeric:
      case Literal::Kind::kString:
        text = c->literal.text;
        break;
    }
    if (!v.value.empty()) v.value += ", ";
    v.value += text;
  }
  return v;
}

Result<std::unique_ptr<Expr>> Transformer::MaybeTransform(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::unique_ptr<Expr>();
  return Transform(*it);
}

Result<std::vector<std::unique_ptr<Expr>>> Transformer::List(const Json& items) {
  std::vector<std::unique_ptr<Expr>> out;
  if (!items.is_array()) return out;
  for (const Json& item : items) {
    OMEN_ASSIGN_OR_RETURN(auto e, Transform(item));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<OrderItem>> Transformer::Order(const Json& sort) {
  std::vector<OrderItem> out;
  if (!sort.is_array()) return out;
  for (const Json& node : sort) {
    std::string type;
    const Json* f;
    if (!Unwrap(node, &type, &f) || type != "SortBy") {
      return Status::NotSupported("ORDER BY item " + type + " is not supported");
    }
    OrderItem item;
    OMEN_ASSIGN_OR_RETURN(item.expr, MaybeTransform(*f, "node"));
    if (item.expr == nullptr) return Status::Internal("ORDER BY without an expression");
    std::string dir = f->value("sortby_dir", std::string());
    if (dir == "SORTBY_USING") return Status::NotSupported("ORDER BY ... USING is not supported");
    item.descending = dir == "SORTBY_DESC";
    std::string nulls = f->value("sortby_nulls", std::string());
    item.nulls = nulls == "SORTBY_NULLS_FIRST"  ? OrderItem::Nulls::kFirst
                 : nulls == "SORTBY_NULLS_LAST" ? OrderItem::Nulls::kLast
                                                : OrderItem::Nulls::kDefault;
    out.push_back(std::move(item));
  }
  return out;
}

Result<SelectStmt> Transformer::Select(const Json& s) {
  SelectStmt out;
  if (auto w = s.find("withClause"); w != s.end()) {
    if (w->value("recursive", false))
      return Status::NotSupported("WITH RECURSIVE is not supported");
    for (const Json& c : w->value("ctes", Json::array())) {
      std::string ct;
      const Json* cf;
      if (!Unwrap(c, &ct, &cf) || ct != "CommonTableExpr") continue;
      std::string qt;
      const Json* qf;
      if (!cf->contains("ctequery") || !Unwrap((*cf)["ctequery"], &qt, &qf) || qt != "SelectStmt") {
        return Status::NotSupported("WITH supports SELECT queries");
      }
      if (cf->contains("aliascolnames")) {
        return Status::NotSupported("WITH name(columns) is not supported");
      }
      OMEN_ASSIGN_OR_RETURN(SelectStmt q, Select(*qf));
      out.ctes.emplace_back(cf->value("ctename", std::string()),
                            std::make_shared<SelectStmt>(std::move(q)));
    }
  }
  if (const std::string op = s.value("op", std::string("SETOP_NONE")); op != "SETOP_NONE") {
    if (op != "SETOP_UNION") return Status::NotSupported("INTERSECT and EXCEPT are not supported");
    out.set_op = "union";
    out.set_all = s.value("all", false);
    OMEN_ASSIGN_OR_RETURN(SelectStmt l, Select(s.value("larg", Json::object())));
    OMEN_ASSIGN_OR_RETURN(SelectStmt r, Select(s.value("rarg", Json::object())));
    out.larg = std::make_shared<SelectStmt>(std::move(l));
    out.rarg = std::make_shared<SelectStmt>(std::move(r));
    if (auto it = s.find("sortClause"); it != s.end()) {
      OMEN_ASSIGN_OR_RETURN(out.order_by, Order(*it));
    }
    OMEN_ASSIGN_OR_RETURN(out.limit, MaybeTransform(s, "limitCount"));
    OMEN_ASSIGN_OR_RETURN(out.offset, MaybeTransform(s, "limitOffset"));
    return out;
  }
  if (auto v = s.find("valuesLists"); v != s.end()) return Values(s, *v);
  if (s.contains("intoClause")) return Status::NotSupported("SELECT INTO is not supported");
  if (s.contains("lockingClause")) return Status::NotSupported("FOR UPDATE/SHARE is not supported");
  // WINDOW w AS (...): OVER clauses of this query level may name w.
  windows_.emplace_back();
  struct PopWindows {
    std::vector<std::map<std::string, const Json*>>* w;
    ~PopWindows() { w->pop_back(); }
  } pop_windows{&windows_};
  for (const Json& node : s.value("windowClause", Json::array())) {
    std::string wt;
    const Json* wf;
    if (!Unwrap(node, &wt, &wf) || wt != "WindowDef") return Status::Internal("bad WINDOW clause");
    const std::string name = wf->value("name", std::string());
    if (!windows_.back().emplace(name, wf).second) {
      return Status::InvalidArgument("window \"" + name + "\" is already defined")
          .WithSqlState("42P20");
    }
  }
  if (auto it = s.find("distinctClause"); it != s.end() && it->is_array()) {
    out.distinct = true;
    for (const Json& d : *it) {
      if (d.is_object() && !d.empty()) {
        OMEN_ASSIGN_OR_RETURN(auto e, Transform(d));
        out.distinct_on.push_back(std::move(e));
      }
    }
  }
  if (auto it = s.find("targetList"); it != s.end()) {
    for (const Json& node : *it) {
      std::string type;
      const Json* f;
      if (!Unwrap(node, &type, &f) || type != "ResTarget") {
        return Status::Internal("select list item is not a ResTarget");
      }
      SelectItem item;
      item.alias = f->value("name", std::string());
      OMEN_ASSIGN_OR_RETURN(item.expr, MaybeTransform(*f, "val"));
      if (item.expr == nullptr) return Status::Internal("select item without a value");
      out.items.push_back(std::move(item));
    }
  }
  if (auto it = s.find("fromClause"); it != s.end()) {
    for (const Json& node : *it) {
      OMEN_ASSIGN_OR_RETURN(TableRef t, FromItem(node));
      out.from.push_back(std::move(t));
    }
  }
  OMEN_ASSIGN_OR_RETURN(out.where, MaybeTransform(s, "whereClause"));
  if (auto it = s.find("groupClause"); it != s.end()) {
    OMEN_ASSIGN_OR_RETURN(out.group_by, List(*it));
  }
  OMEN_ASSIGN_OR_RETURN(out.having, MaybeTransform(s, "havingClause"));
  if (auto it = s.find("sortClause"); it != s.end()) {
    OMEN_ASSIGN_OR_RETURN(out.order_by, Order(*it));
  }
  OMEN_ASSIGN_OR_RETURN(out.limit, MaybeTransform(s, "limitCount"));
  OMEN_ASSIGN_OR_RETURN(out.offset, MaybeTransform(s, "limitOffset"));
  return out;
}

// The alias name and column aliases of an {"aliasname": ..., "colnames": [...]} object.
void ReadAlias(const Json& f, TableRef* t) {
  auto a = f.find("alias");
  if (a == f.end() || !a->is_object()) return;
  t->alias = a->value("aliasname", std::string());
  for (const Json& c : a->value("colnames", Json::array())) {
    t->column_aliases.push_back(StringValue(c));
  }
}

Result<TableRef> Transformer::FromItem(const Json& node) {
  std::string type;
  const Json* f;
  if (!Unwrap(node, &type, &f)) return Status::Internal("bad FROM item");
  TableRef t;
  if (type == "RangeVar") {
    t.kind = TableRef::Kind::kTable;
    t.schema = f->value("schemaname", std::string());
    t.name = f->value("relname", std::string());
    t.location = Location(*f);
    ReadAlias(*f, &t);
    return t;
  }
  if (type == "RangeSubselect") {
    if (f->value("lateral", false)) return Status::NotSupported("LATERAL is not supported");
    std::string qt;
    const Json* qf;
    if (!f->contains("subquery") || !Unwrap((*f)["subquery"], &qt, &qf) || qt != "SelectStmt") {
      return Status::NotSupported("FROM (subquery) supports SELECT");
    }
    OMEN_ASSIGN_OR_RETURN(SelectStmt q, Select(*qf));
    t.kind = TableRef::Kind::kSubquery;
    t.subquery = std::make_shared<SelectStmt>(std::move(q));
    ReadAlias(*f, &t);
    return t;
  }
  if (type == "RangeFunction") {
    if (f->value("lateral", false)) return Status::NotSupported("LATERAL is not supported");
    if (f->value("is_rowsfrom", false)) return Status::NotSupported("ROWS FROM is not supported");
    if (f->contains("coldeflist")) {
      return Status::NotSupported("column definition lists are not supported");
    }
    const Json& fns = f->value("functions", Json::array());
    std::string lt;
    const Json* lf;
    if (fns.size() != 1 || !Unwrap(fns[0], &lt, &lf) || lt != "List") {
      return Status::NotSupported("FROM supports one function call per item");
    }
    const Json& items = lf->value("items", Json::array());
    if (items.empty()) return Status::Internal("FROM function without a call");
    OMEN_ASSIGN_OR_RETURN(auto call, Transform(items[0]));
    if (call->kind != ExprKind::kFunc) {
      return Status::NotSupported("FROM supports function calls, not other expressions");
    }
    t.kind = TableRef::Kind::kFunction;
    t.location = call->location;
    t.name = AsciiLower(call->name);
    t.function = std::move(call);
    t.ordinality = f->value("ordinality", false);
    ReadAlias(*f, &t);
    return t;
  }
  if (type == "JoinExpr") {
    const std::string jt = f->value("jointype", std::string());
    t.kind = TableRef::Kind::kJoin;
    if (jt == "JOIN_INNER") {
      t.join_type = TableRef::JoinType::kInner;
    } else if (jt == "JOIN_LEFT") {
      t.join_type = TableRef::JoinType::kLeft;
    } else if (jt == "JOIN_RIGHT") {
      t.join_type = TableRef::JoinType::kRight;
    } else if (jt == "JOIN_FULL") {
      t.join_type = TableRef::JoinType::kFull;
    } else {
      return Status::NotSupported("join type " + jt + " is not supported");
    }
    OMEN_ASSIGN_OR_RETURN(TableRef l, FromItem(f->value("larg", Json::object())));
    OMEN_ASSIGN_OR_RETURN(TableRef r, FromItem(f->value("rarg", Json::object())));
    t.left = std::make_shared<TableRef>(std::move(l));
    t.right = std::make_shared<TableRef>(std::move(r));
    t.natural = f->value("isNatural", false);
    for (const Json& c : f->value("usingClause", Json::array())) {
      t.using_columns.push_back(StringValue(c));
    }
    OMEN_ASSIGN_OR_RETURN(auto on, MaybeTransform(*f, "quals"));
    t.on = std::move(on);
    if (t.join_type == TableRef::JoinType::kInner && !t.on && t.using_columns.empty() &&
        !t.natural) {
      t.join_type = TableRef::JoinType::kCross;
    }
    if (f->contains("alias")) return Status::NotSupported("an alias on a join is not supported");
    return t;
  }
  return Status::NotSupported("FROM item " + type + " is not supported");
}

Result<ColumnSpec> Transformer::Column(const Json& node) {
  std::string type;
  const Json* f;
  if (!Unwrap(node, &type, &f) || type != "ColumnDef") {
    return Status::NotSupported("table constraints are not supported");
  }
  ColumnSpec c;
  c.name = f->value("colname", std::string());
  c.location = Location(*f);
  if (auto tn = f->find("typeName"); tn != f->end() && tn->is_object()) {
    c.type_name = LastName(tn->value("names", Json::array()), nullptr);
    if (tn->contains("arrayBounds")) return Status::NotSupported("array types are not supported");
    for (const Json& m : tn->value("typmods", Json::array())) {
      OMEN_ASSIGN_OR_RETURN(auto e, Transform(m));
      if (e->kind != ExprKind::kLiteral || e->literal.kind != Literal::Kind::kInt) {
        return Status::SyntaxError("type modifiers must be integer constants", c.location + 1);
      }
      c.typmods.push_back(e->literal.i);
    }
  }
  for (const Json& cn : f->value("constraints", Json::array())) {
    std::string ctype;
    const Json* cf;
    if (!Unwrap(cn, &ctype, &cf) || ctype != "Constraint") continue;
    std::string contype = cf->value("contype", std::string());
    if (contype == "CONSTR_NOTNULL") {
      c.not_null = true;
    } else if (contype == "CONSTR_NULL") {
      c.not_null = false;
    } else {
      return Status::NotSupported("column constraint " + contype.substr(7) + " is not supported");
    }
  }
  return c;
}

Result<CreateTableStmt> Transformer::CreateTable(const Json& s) {
  CreateTableStmt out;
  const Json rel = s.value("relation", Json::object());
  out.name = rel.value("relname", std::string());
  out.if_not_exists = s.value("if_not_exists", false);
  if (s.contains("inhRelations")) return Status::NotSupported("INHERITS is not supported");
  if (s.contains("partspec")) {
    return Status::NotSupported("PARTITION BY is not supported: use WITH (partition_by = ...)");
  }
  for (const Json& e : s.value("tableElts", Json::array())) {
    OMEN_ASSIGN_OR_RETURN(ColumnSpec c, Column(e));
    out.columns.push_back(std::move(c));
  }
  for (const Json& o : s.value("options", Json::array())) {
    std::string type;
    const Json* f;
    if (!Unwrap(o, &type, &f) || type != "DefElem") continue;
    std::string key = f->value("defname", std::string());
    std::string value;
    if (auto a = f->find("arg"); a != f->end()) {
      std::string at;
      const Json* af;
      if (Unwrap(*a, &at, &af)) {
        if (at == "String") {
          value = af->value("sval", std::string());
        } else if (at == "Integer") {
          value = std::to_string(af->value("ival", 0));
        } else if (at == "TypeName") {
          value = LastName(af->value("names", Json::array()), nullptr);
        } else {
          value = a->dump();
        }
      }
    }
    out.options.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

Result<DropTableStmt> Transformer::DropTable(const Json& s) {
  if (s.value("removeType", std::string()) != "OBJECT_TABLE") {
    return Status::NotSupported("DROP " + s.value("removeType", std::string("?")).substr(7) +
                                " is not supported");
  }
  DropTableStmt out;
  out.if_exists = s.value("missing_ok", false);
  for (const Json& obj : s.value("objects", Json::array())) {
    std::string type;
    const Json* f;
    if (!Unwrap(obj, &type, &f) || type != "List") continue;
    out.names.push_back(LastName(f->value("items", Json::array()), nullptr));
  }
  return out;
}

Result<AddColumnStmt> Transformer::AlterTable(const Json& s) {
  const Json rel = s.value("relation", Json::object());
  const Json cmds = s.value("cmds", Json::array());
  if (cmds.size() != 1) {
    return Status::NotSupported("ALTER TABLE supports one ADD COLUMN per statement");
  }
  std::string type;
  const Json* f;
  if (!Unwrap(cmds[0], &type, &f) || type != "AlterTableCmd" ||
      f->value("subtype", std::string()) != "AT_AddColumn") {
    return Status::NotSupported("ALTER TABLE supports only ADD COLUMN");
  }
  AddColumnStmt out;
  out.table = rel.value("relname", std::string());
  out.if_not_exists = f->value("missing_ok", false);
  OMEN_ASSIGN_OR_RETURN(out.column, Column(f->value("def", Json::object())));
  return out;
}

Result<InsertStmt> Transformer::Insert(const Json& s) {
  InsertStmt out;
  out.table = s.value("relation", Json::object()).value("relname", std::string());
  if (s.contains("onConflictClause")) return Status::NotSupported("ON CONFLICT is not supported");
  if (s.contains("returningList")) return Status::NotSupported("RETURNING is not supported");
  for (const Json& c : s.value("cols", Json::array())) {
    std::string type;
    const Json* f;
    if (Unwrap(c, &type, &f)) out.columns.push_back(f->value("name", std::string()));
  }
  std::string type;
  const Json* sel;
  if (!s.contains("selectStmt") || !Unwrap(s["selectStmt"], &type, &sel) || type != "SelectStmt") {
    return Status::NotSupported("INSERT without VALUES or SELECT is not supported");
  }
  if (auto v = sel->find("valuesLists"); v != sel->end()) {
    for (const Json& row : *v) {
      std::string lt;
      const Json* lf;
      if (!Unwrap(row, &lt, &lf) || lt != "List") return Status::Internal("bad VALUES row");
      OMEN_ASSIGN_OR_RETURN(auto values, List(lf->value("items", Json::array())));
      out.rows.push_back(std::move(values));
    }
    return out;
  }
  OMEN_ASSIGN_OR_RETURN(SelectStmt q, Select(*sel));
  out.select = std::make_unique<SelectStmt>(std::move(q));
  return out;
}

Result<std::unique_ptr<Expr>> Transformer::Const(const Json& c) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kLiteral;
  e->location = Location(c);
  Literal& l = e->literal;
  if (c.value("isnull", false)) {
    l.kind = Literal::Kind::kNull;
  } else if (auto it = c.find("ival"); it != c.end()) {
    l.kind = Literal::Kind::kInt;
    if (it->is_object() && it->contains("ival")) {
      l.i = it->value("ival", int64_t{0});
    } else {
      // libpg_query 15-4.0's JSON prints 0 and negative integers as {}: read the literal
      // from the statement text at its location.
      const int at = e->location;
      if (at < 0 || static_cast<size_t>(at) >= sql_.size()) {
        return Status::Internal("integer constant without a readable location");
      }
      std::string digits;
      for (size_t p = static_cast<size_t>(at); p < sql_.size(); ++p) {
        const char ch = sql_[p];
        if (std::isdigit(static_cast<unsigned char>(ch)) ||
            (p == static_cast<size_t>(at) && ch == '-')) {
          digits += ch;
        } else if (!(ch == ' ' && digits == "-")) {
          break;
        }
      }
      l.i = std::strtoll(digits.c_str(), nullptr, 10);
    }
  } else if (auto it = c.find("fval"); it != c.end()) {
    l.kind = Literal::Kind::kNumeric;
    l.text = it->value("fval", std::string());
    // Integers too large for int32 arrive as fval: keep int64 ones as integers.
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(l.text.c_str(), &end, 10);
    if (errno == 0 && end != nullptr && *end == '\0' && !l.text.empty()) {
      l.kind = Literal::Kind::kInt;
      l.i = v;
    }
  } else if (auto it = c.find("sval"); it != c.end()) {
    l.kind = Literal::Kind::kString;
    l.text = it->value("sval", std::string());
  } else if (auto it = c.find("boolval"); it != c.end()) {
    l.kind = Literal::Kind::kBool;
    l.b = it->value("boolval", false);
  } else if (c.contains("bsval")) {
    return Status::NotSupported("bit-string literals are not supported");
  } else {
    l.kind = Literal::Kind::kInt;  // {"ival": {}} prints as an empty object for 0
  }
  return e;
}

Result<std::unique_ptr<Expr>> Transformer::AExpr(const Json& a) {
  auto e = std::make_unique<Expr>();
  e->location = Location(a);
  const std::string kind = a.value("kind", std::string());
  std::string qual;
  e->name = LastName(a.value("name", Json::array()), &qual);
  std::unique_ptr<Expr> lhs, rhs;
  OMEN_ASSIGN_OR_RETURN(lhs, MaybeTransform(a, "lexpr"));
  auto rexpr = a.find("rexpr");
  if (kind == "AEXPR_IN" || kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN" ||
      kind == "AEXPR_BETWEEN_SYM" || kind == "AEXPR_NOT_BETWEEN_SYM") {
    std::string lt;
    const Json* lf;
    if (rexpr == a.end() || !Unwrap(*rexpr, &lt, &lf) || lt != "List") {
      return Status::NotSupported("IN (subquery) is not supported yet");
    }
    OMEN_ASSIGN_OR_RETURN(auto items, List(lf->value("items", Json::array())));
    if (kind == "AEXPR_IN") {
      e->kind = ExprKind::kIn;
      e->negated = e->name == "<>";
    } else {
      e->kind = ExprKind::kBetween;
      e->negated = kind == "AEXPR_NOT_BETWEEN" || kind == "AEXPR_NOT_BETWEEN_SYM";
      e->all = kind.find("SYM") != std::string::npos;
    }
    e->args.push_back(std::move(lhs));
    for (auto& item : items) e->args.push_back(std::move(item));
    return e;
  }
  if (rexpr != a.end()) {
    OMEN_ASSIGN_OR_RETURN(rhs, Transform(*rexpr));
  }
  if (kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL") {
    if (!qual.empty() && qual != "pg_catalog") {
      return Status::NotSupported("operator schema " + qual);
    }
    e->kind = ExprKind::kAny;
    e->all = kind == "AEXPR_OP_ALL";
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    return e;
  }
  if (kind == "AEXPR_OP") {
    if (!qual.empty() && qual != "pg_catalog") {
      return Status::NotSupported("operator schema " + qual);
    }
    e->kind = ExprKind::kOperator;
    if (lhs) e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
  } else if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {
    e->kind = ExprKind::kLike;
    e->case_insensitive = kind == "AEXPR_ILIKE";
    e->negated = e->name == "!~~" || e->name == "!~~*";
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
  } else if (kind == "AEXPR_NULLIF") {
    e->kind = ExprKind::kNullIf;
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
  } else if (kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT") {
    e->kind = ExprKind::kIsDistinct;
    e->negated = kind == "AEXPR_NOT_DISTINCT";
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
  } else {
    return Status::NotSupported("operator form " + kind.substr(6));
  }
  return e;
}

Result<std::unique_ptr<Expr>> Transformer::Func(const Json& f) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kFunc;
  e->location = Location(f);
  std::string qual;
  e->name = LastName(f.value("funcname", Json::array()), &qual);
  if (!qual.empty() && qual != "pg_catalog" && qual != "information_schema") {
    return Status::NotSupported("function schema " + qual);
  }
  e->agg_star = f.value("agg_star", false);
  e->distinct = f.value("agg_distinct", false);
  if (f.value("func_variadic", false)) return Status::NotSupported("VARIADIC calls");
  for (const Json& a : f.value("args", Json::array())) {
    std::string at;
    const Json* af;
    if (Unwrap(a, &at, &af) && at == "NamedArgExpr") {  // name => value
      OMEN_ASSIGN_OR_RETURN(auto v, MaybeTransform(*af, "arg"));
      if (v == nullptr) return Status::Internal("named argument without a value");
      e->arg_names.resize(e->args.size());
      e->arg_names.push_back(af->value("name", std::string()));
      e->args.push_back(std::move(v));
      continue;
    }
    OMEN_ASSIGN_OR_RETURN(auto v, Transform(a));
    e->args.push_back(std::move(v));
  }
  if (!e->arg_names.empty()) e->arg_names.resize(e->args.size());
  OMEN_ASSIGN_OR_RETURN(e->filter, MaybeTransform(f, "agg_filter"));
  if (f.value("agg_within_group", false)) {
    OMEN_ASSIGN_OR_RETURN(e->within_group, Order(f.value("agg_order", Json::array())));
  } else if (f.contains("agg_order")) {
    return Status::NotSupported("ORDER BY inside an aggregate call");
  }
  if (auto over = f.find("over"); over != f.end() && over->is_object()) {
    const Json* wf = &*over;  // the WindowDef's fields, not wrapped in a node
    e->has_over = true;
    WindowParts parts{&(*wf)["partitionClause"], &(*wf)["orderClause"], wf};
    if (wf->contains("name") || wf->contains("refname")) {
      OMEN_ASSIGN_OR_RETURN(parts, ResolveWindow(*wf, true));
    }
    wf = parts.frame;
    OMEN_ASSIGN_OR_RETURN(e->partition_by, List(*parts.partition));
    const int64_t opts = wf->value("frameOptions", int64_t{0});
    if (opts & 0x1) {  // FRAMEOPTION_NONDEFAULT
      if (!(opts & 0x4)) return Status::NotSupported("window frames other than ROWS");
      e->rows_frame = true;
      auto offset = [&](const char* field) -> Result<int64_t> {
        OMEN_ASSIGN_OR_RETURN(auto o, MaybeTransform(*wf, field));
        if (o == nullptr || o->kind != ExprKind::kLiteral ||
            o->literal.kind != Literal::Kind::kInt || o->literal.i < 0) {
          return Status::NotSupported(
              "window frame offsets must be non-negative integer constants");
        }
        return o->literal.i;
      };
      if (opts & 0x20) {
        e->frame_preceding = -1;  // UNBOUNDED PRECEDING
      } else if (opts & 0x200) {
        e->frame_preceding = 0;  // CURRENT ROW
      } else if (opts & 0x800) {
        OMEN_ASSIGN_OR_RETURN(e->frame_preceding, offset("startOffset"));
      } else {
        return Status::NotSupported("window frame start");
      }
      if (!(opts & 0x10) || (opts & 0x400)) {
        e->frame_following = 0;  // no BETWEEN, or AND CURRENT ROW
      } else if (opts & 0x100) {
        e->frame_following = -1;
      } else if (opts & 0x4000) {
        OMEN_ASSIGN_OR_RETURN(e->frame_following, offset("endOffset"));
      } else if (opts & 0x1000) {
        OMEN_ASSIGN_OR_RETURN(int64_t back, offset("endOffset"));
        e->frame_following = -back - 2;  // n PRECEDING as end: encoded below -1
      } else {
        return Status::NotSupported("window frame end");
      }
      if (opts & 0x2000) return Status::NotSupported("window frame starting after the current row");
    }
    OMEN_ASSIGN_OR_RETURN(e->window_order, Order(*parts.order));
  }
  return e;
}

Result<Transformer::WindowParts> Transformer::ResolveWindow(const Json& w, bool name_is_reference,
                                                            int depth) {
  const bool whole = name_is_reference && w.contains("name");  // OVER w
  const std::string ref =
      whole ? w.value("name", std::string()) : w.value("refname", std::string());
  if (ref.empty()) return WindowParts{&w["partitionClause"], &w["orderClause"], &w};
  const Json* base = nullptr;
  if (!windows_.empty()) {
    if (auto it = windows_.back().find(ref); it != windows_.back().end()) base = it->second;
  }
  if (base == nullptr || depth > 16) {
    return Status::NotFound("window \"" + ref + "\" does not exist").WithSqlState("42704");
  }
  OMEN_ASSIGN_OR_RETURN(WindowParts b, ResolveWindow(*base, false, depth + 1));
  if (whole) return b;
  // OVER (w ...) / WINDOW x AS (w ...): w's partitions, its ORDER BY unless this one has one,
  // this frame; PostgreSQL's errors for the rest.
  auto windowing = [](const std::string& m) {
    return Status::InvalidArgument(m).WithSqlState("42P20");
  };
  if (w.contains("partitionClause")) {
    return windowing("cannot override PARTITION BY clause of window \"" + ref + "\"");
  }
  WindowParts out{b.partition, b.order, &w};
  if (w.contains("orderClause")) {
    if (!b.order->is_null()) {
      return windowing("cannot override ORDER BY clause of window \"" + ref + "\"");
    }
    out.order = &w["orderClause"];
  }
  if (b.frame->value("frameOptions", int64_t{0}) & 0x1) {  // FRAMEOPTION_NONDEFAULT
    return windowing("cannot copy window \"" + ref + "\" because it has a frame clause");
  }
  return out;
}

// x[i], x[i][j], (x).field, x.field[i]: subscripts and field selections, innermost first.
Result<std::unique_ptr<Expr>> Transformer::Indirection(const Json& f) {
  OMEN_ASSIGN_OR_RETURN(auto cur, MaybeTransform(f, "arg"));
  if (cur == nullptr) return Status::Internal("indirection without an expression");
  for (const Json& step : f.value("indirection", Json::array())) {
    std::string st;
    const Json* sf;
    if (!Unwrap(step, &st, &sf)) return Status::Internal("bad indirection");
    auto e = std::make_unique<Expr>();
    e->location = cur->location;
    if (st == "A_Indices") {
      if (sf->value("is_slice", false)) return Status::NotSupported("array slices");
      OMEN_ASSIGN_OR_RETURN(auto index, MaybeTransform(*sf, "uidx"));
      if (index == nullptr) return Status::NotSupported("array slices");
      e->kind = ExprKind::kSubscript;
      e->args.push_back(std::move(cur));
      e->args.push_back(std::move(index));
    } else if (st == "String") {
      e->kind = ExprKind::kField;
      e->name = sf->value("sval", std::string());
      e->args.push_back(std::move(cur));
    } else {
      return Status::NotSupported("(x).* is not supported");
    }
    cur = std::move(e);
  }
  return cur;
}

Result<std::unique_ptr<Expr>> Transformer::Transform(const Json& node) {
  std::string type;
  const Json* f;
  if (!Unwrap(node, &type, &f)) return Status::Internal("expression node is not an object");
  auto e = std::make_unique<Expr>();
  e->location = Location(*f);
  if (type == "A_Const") return Const(*f);
  if (type == "ColumnRef") {
    const Json& fields = f->value("fields", Json::array());
    if (fields.empty()) return Status::Internal("empty column reference");
    std::string last_type;
    const Json* lf;
    if (Unwrap(fields.back(), &last_type, &lf) && last_type == "A_Star") {
      e->kind = ExprKind::kStar;
      if (fields.size() >= 2) e->qualifier = StringValue(fields[fields.size() - 2]);
      return e;
    }
    e->kind = ExprKind::kColumn;
    e->name = LastName(fields, &e->qualifier);
    return e;
  }
  if (type == "ParamRef") {
    e->kind = ExprKind::kParam;
    e->param_index = f->value("number", 0);
    return e;
  }
  if (type == "A_Expr") return AExpr(*f);
  if (type == "FuncCall") return Func(*f);
  if (type == "BoolExpr") {
    std::string op = f->value("boolop", std::string());
    e->kind = op == "AND_EXPR" ? ExprKind::kAnd : op == "OR_EXPR" ? ExprKind::kOr : ExprKind::kNot;
    OMEN_ASSIGN_OR_RETURN(e->args, List(f->value("args", Json::array())));
    return e;
  }
  if (type == "NullTest") {
    e->kind = ExprKind::kIsNull;
    e->negated = f->value("nulltesttype", std::string()) == "IS_NOT_NULL";
    OMEN_ASSIGN_OR_RETURN(auto arg, MaybeTransform(*f, "arg"));
    e->args.push_back(std::move(arg));
    return e;
  }
  if (type == "BooleanTest") {
    // x IS [NOT] TRUE/FALSE/UNKNOWN
    e->kind = ExprKind::kBoolTest;
    std::string t = f->value("booltesttype", std::string());  // IS_TRUE, IS_NOT_FALSE, ...
    e->negated = t.find("_NOT_") != std::string::npos;
    e->name = t.find("TRUE") != std::string::npos    ? "true"
              : t.find("FALSE") != std::string::npos ? "false"
                                                     : "unknown";
    OMEN_ASSIGN_OR_RETURN(auto arg, MaybeTransform(*f, "arg"));
    e->args.push_back(std::move(arg));
    return e;
  }
  if (type == "TypeCast") {
    e->kind = ExprKind::kCast;
    OMEN_ASSIGN_OR_RETURN(auto arg, MaybeTransform(*f, "arg"));
    e->args.push_back(std::move(arg));
    const Json tn = f->value("typeName", Json::object());
    e->name = LastName(tn.value("names", Json::array()), nullptr);
    if (tn.contains("arrayBounds")) e->name += "[]";
    for (const Json& m : tn.value("typmods", Json::array())) {
      OMEN_ASSIGN_OR_RETURN(auto mod, Transform(m));
      if (mod->kind == ExprKind::kLiteral && mod->literal.kind == Literal::Kind::kInt) {
        e->typmods.push_back(mod->literal.i);
      }
    }
    return e;
  }
  if (type == "CaseExpr") {
    e->kind = ExprKind::kCase;
    OMEN_ASSIGN_OR_RETURN(e->case_arg, MaybeTransform(*f, "arg"));
    for (const Json& w : f->value("args", Json::array())) {
      std::string wt;
      const Json* wf;
      if (!Unwrap(w, &wt, &wf) || wt != "CaseWhen") return Status::Internal("bad CASE arm");
      OMEN_ASSIGN_OR_RETURN(auto when, MaybeTransform(*wf, "expr"));
      OMEN_ASSIGN_OR_RETURN(auto then, MaybeTransform(*wf, "result"));
      e->args.push_back(std::move(when));
      e->args.push_back(std::move(then));
    }
    OMEN_ASSIGN_OR_RETURN(e->else_expr, MaybeTransform(*f, "defresult"));
    return e;
  }
  if (type == "CoalesceExpr") {
    e->kind = ExprKind::kCoalesce;
    OMEN_ASSIGN_OR_RETURN(e->args, List(f->value("args", Json::array())));
    return e;
  }
  if (type == "MinMaxExpr") {
    e->kind = ExprKind::kMinMax;
    e->name = f->value("op", std::string()) == "IS_GREATEST" ? "greatest" : "least";
    OMEN_ASSIGN_OR_RETURN(e->args, List(f->value("args", Json::array())));
    return e;
  }
  if (type == "SQLValueFunction") {
    // CURRENT_TIMESTAMP, CURRENT_USER, ...: a function call without arguments.
    e->kind = ExprKind::kFunc;
    std::string op = f->value("op", std::string());
    e->name = op.size() > 6 ? op.substr(6) : op;  // SVFOP_CURRENT_TIMESTAMP -> CURRENT_TIMESTAMP
    e->name = AsciiLower(e->name);
    return e;
  }
  if (type == "CollateClause") {  // COLLATE x: OmenDB compares text bytewise (the C collation)
    OMEN_ASSIGN_OR_RETURN(auto arg, MaybeTransform(*f, "arg"));
    if (arg == nullptr) return Status::Internal("COLLATE without an expression");
    return arg;
  }
  if (type == "A_Indirection") return Indirection(*f);
  if (type == "A_ArrayExpr") {
    e->kind = ExprKind::kArray;
    OMEN_ASSIGN_OR_RETURN(e->args, List(f->value("elements", Json::array())));
    return e;
  }
  if (type == "SubLink") {
    std::string kind = f->value("subLinkType", std::string());
    std::string qt;
    const Json* qf;
    if (!f->contains("subselect") || !Unwrap((*f)["subselect"], &qt, &qf) || qt != "SelectStmt") {
      return Status::NotSupported("subquery form");
    }
    OMEN_ASSIGN_OR_RETURN(SelectStmt q, Select(*qf));
    e->subquery = std::make_shared<SelectStmt>(std::move(q));
    if (kind == "EXPR_SUBLINK") {
      e->kind = ExprKind::kSubquery;
    } else if (kind == "EXISTS_SUBLINK") {
      e->kind = ExprKind::kExists;
    } else if (kind == "ARRAY_SUBLINK") {
      e->kind = ExprKind::kArray;
    } else if (kind == "ANY_SUBLINK") {
      std::string op = LastName(f->value("operName", Json::array()), nullptr);
      if (!op.empty() && op != "=") return Status::NotSupported("op ANY (subquery) other than =");
      e->kind = ExprKind::kInSubquery;
      OMEN_ASSIGN_OR_RETURN(auto lhs, MaybeTransform(*f, "testexpr"));
      e->args.push_back(std::move(lhs));
    } else {
      return Status::NotSupported("subquery form " + kind);
    }
    return e;
  }
  return Status::NotSupported("expression " + type);
}

}  // namespace

Result<std::vector<Statement>> Parse(std::string_view sql) {
  std::string text(sql);
  PgQueryParseResult r = pg_query_parse(text.c_str());
  if (r.error != nullptr) {
    Status s = Status::SyntaxError(r.error->message, r.error->cursorpos);
    pg_query_free_parse_result(r);
    return s;
  }
  auto tree = JsonDocument::Parse(r.parse_tree == nullptr ? "" : r.parse_tree);
  pg_query_free_parse_result(r);
  if (!tree.ok()) {
    // libpg_query copies identifier and string bytes through unchanged: invalid UTF-8 in them
    // makes invalid JSON (its JSON is otherwise well-formed).
    return Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\"");
  }
  try {
    return Transformer(text).Statements((*tree)->root());
  } catch (const std::exception& e) {  // std::bad_alloc, or a conversion the tree surprised
    return Status::Internal(std::string("parse tree: ") + e.what());
  }
}

namespace {

// Visits every expression node and FROM item below a statement (parents first).
struct Walker {
  const std::function<void(Expr*)>& on_expr;
  const std::function<void(TableRef*)>& on_table;

  void Visit(Expr* e) {
    if (e == nullptr) return;
    on_expr(e);
    for (auto& a : e->args) Visit(a.get());
    Visit(e->filter.get());
    for (auto& o : e->within_group) Visit(o.expr.get());
    for (auto& p : e->partition_by) Visit(p.get());
    for (auto& o : e->window_order) Visit(o.expr.get());
    Visit(e->case_arg.get());
    Visit(e->else_expr.get());
    Visit(e->subquery.get());
  }
  void Visit(TableRef* t) {
    on_table(t);
    Visit(t->subquery.get());
    Visit(t->function.get());
    if (t->left != nullptr) Visit(t->left.get());
    if (t->right != nullptr) Visit(t->right.get());
    Visit(t->on.get());
  }
  void Visit(SelectStmt* s) {
    if (s == nullptr) return;
    for (auto& [name, cte] : s->ctes) Visit(cte.get());
    Visit(s->larg.get());
    Visit(s->rarg.get());
    for (auto& e : s->distinct_on) Visit(e.get());
    for (auto& i : s->items) Visit(i.expr.get());
    for (auto& t : s->from) Visit(&t);
    Visit(s->where.get());
    for (auto& e : s->group_by) Visit(e.get());
    Visit(s->having.get());
    for (auto& o : s->order_by) Visit(o.expr.get());
    Visit(s->limit.get());
    Visit(s->offset.get());
  }
};

}  // namespace

bool WalkStatement(Statement* st, const std::function<void(Expr*)>& on_expr,
                   const std::function<void(TableRef*)>& on_table) {
  Walker w{on_expr, on_table};
  if (auto* s = std::get_if<SelectStmt>(&st->node)) {
    w.Visit(s);
  } else if (auto* s = std::get_if<InsertStmt>(&st->node)) {
    for (auto& row : s->rows) {
      for (auto& e : row) w.Visit(e.get());
    }
    w.Visit(s->select.get());
  } else if (auto* s = std::get_if<DeleteStmt>(&st->node)) {
    w.Visit(s->where.get());
  } else if (auto* s = std::get_if<ExplainStmt>(&st->node)) {
    w.Visit(s->query.get());
  } else if (auto* s = std::get_if<CopyStmt>(&st->node)) {
    w.Visit(s->query.get());
  } else if (auto* s = std::get_if<DeclareCursorStmt>(&st->node)) {
    w.Visit(s->query.get());
  } else {
    return false;
  }
  return true;
}

std::vector<Expr*> CollectParams(Statement* st) {
  std::vector<Expr*> out;
  WalkStatement(
      st,
      [&](Expr* e) {
        if (e->kind == ExprKind::kParam) out.push_back(e);
      },
      [](TableRef*) {});
  // A subtree shared by two parents (shared_ptr) is listed once.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void BindParam(Expr* node, const std::optional<std::string>& value, const std::string& cast_type) {
  Literal lit;
  if (value.has_value()) {
    lit.kind = Literal::Kind::kString;
    lit.text = *value;
  }
  node->args.clear();
  if (cast_type.empty()) {
    node->kind = ExprKind::kLiteral;
    node->literal = std::move(lit);
    node->name.clear();
    return;
  }
  auto arg = std::make_unique<Expr>();
  arg->kind = ExprKind::kLiteral;
  arg->location = node->location;
  arg->literal = std::move(lit);
  node->kind = ExprKind::kCast;
  node->name = cast_type;
  node->literal = Literal();
  node->args.push_back(std::move(arg));
}

}  // namespace omen::sql
