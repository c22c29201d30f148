// Copyright 2026 The OmenDB Authors.
//
// The SQL abstract syntax tree: what Parse() (sql/parser.h) builds from
// libpg_query's parse tree, before names and types are bound. Statements are
// plain owning values; expressions are trees of Expr. Locations are 0-based
// byte offsets into the statement text (-1 when unknown), as PostgreSQL reports
// them. Immutable once built; safe to share read-only. (ParseCache, sql/parse_cache.h, rewrites
// the constants and locations of a tree it built only while no caller holds that tree.)

#ifndef OMENDB_SQL_AST_H_
#define OMENDB_SQL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace omen::sql {

// A literal as written: integers that fit int64, other numerics as text (numeric), strings,
// booleans, NULL.
struct Literal {
  enum class Kind : uint8_t { kNull, kBool, kInt, kNumeric, kString };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  std::string text;  // kNumeric digits, kString value
};

enum class ExprKind : uint8_t {
  kColumn,      // name (qualifier optional)
  kStar,        // * or t.* in a select list
  kLiteral,     // literal
  kParam,       // $n (param_index)
  kFunc,        // name(args) [FILTER (WHERE filter)] [DISTINCT] [*]
  kOperator,    // name = operator symbol; args: 1 (prefix) or 2 operands
  kAnd,         // args
  kOr,          // args
  kNot,         // args[0]
  kIsNull,      // args[0] IS [NOT] NULL (negated)
  kIn,          // args[0] [NOT] IN (args[1..])
  kBetween,     // args[0] [NOT] BETWEEN args[1] AND args[2]
  kLike,        // args[0] [NOT] LIKE / ILIKE (case_insensitive) args[1]
  kCast,        // args[0]::type_name(typmods)
  kCase,        // CASE [case_arg] WHEN args[2k] THEN args[2k+1] ... [ELSE else_expr] END
  kCoalesce,    // COALESCE(args)
  kNullIf,      // NULLIF(args[0], args[1])
  kMinMax,      // GREATEST / LEAST (name) of args
  kIsDistinct,  // args[0] IS [NOT] DISTINCT FROM args[1] (negated: NOT DISTINCT)
  kSubquery,    // (SELECT ...) as a scalar: subquery
  kInSubquery,  // args[0] [NOT] IN (subquery)
  kExists,      // [NOT] EXISTS (subquery)
  kBoolTest,    // args[0] IS [NOT] TRUE/FALSE/UNKNOWN (name: "true", "false", "unknown")
  kSubscript,   // args[0][args[1]]
  kField,       // (args[0]).name
  kArray,       // ARRAY[args] or, with subquery, ARRAY(subquery)
  kAny,         // args[0] name ANY (args[1]) (an array), or ALL when all
};

struct OrderItem;
struct SelectStmt;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int location = -1;
  std::string name;       // column, function, operator, cast type, GREATEST/LEAST
  std::string qualifier;  // table qualifier of a column or star
  Literal literal;
  int param_index = 0;
  std::vector<std::unique_ptr<Expr>> args;
  bool negated = false;
  bool case_insensitive = false;
  bool all = false;  // kAny: op ALL (array); kBetween: BETWEEN SYMMETRIC
  // Functions.
  bool agg_star = false;
  bool distinct = false;
  std::unique_ptr<Expr> filter;
  std::vector<OrderItem> within_group;  // percentile_cont(...) WITHIN GROUP (ORDER BY ...)
  // Names of arguments given as name => value, parallel to args ("" for positional ones);
  // empty when the call has none.
  std::vector<std::string> arg_names;
  bool has_over = false;  // window call (OVER ...)
  std::vector<std::unique_ptr<Expr>> partition_by;
  std::vector<OrderItem> window_order;
  // Casts.
  std::vector<int64_t> typmods;
  // CASE.
  std::unique_ptr<Expr> case_arg;
  std::unique_ptr<Expr> else_expr;
  // Subqueries.
  std::shared_ptr<SelectStmt> subquery;
  // Window frame: ROWS BETWEEN frame_preceding PRECEDING AND frame_following FOLLOWING
  // (-1: UNBOUNDED; following 0: CURRENT ROW).
  bool rows_frame = false;
  int64_t frame_preceding = -1;
  int64_t frame_following = 0;
};

struct OrderItem {
  std::unique_ptr<Expr> expr;
  bool descending = false;
  enum class Nulls : uint8_t { kDefault, kFirst, kLast } nulls = Nulls::kDefault;
};

struct SelectItem {
  std::unique_ptr<Expr> expr;
  std::string alias;  // empty: none
};

// A FROM item: a table (schema.name), FROM (SELECT ...), FROM f(args) (a set-returning or
// scalar function), or a join of two items.
struct TableRef {
  enum class Kind : uint8_t { kTable, kSubquery, kFunction, kJoin };
  enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };
  Kind kind = Kind::kTable;
  std::string schema;  // "information_schema", "pg_catalog", "public" or empty
  std::string name;
  std::string alias;
  std::vector<std::string> column_aliases;  // alias(c1, c2, ...)
  int location = -1;
  std::shared_ptr<SelectStmt> subquery;  // kSubquery: FROM (SELECT ...) alias
  std::shared_ptr<Expr> function;        // kFunction: the call
  bool ordinality = false;               // kFunction: WITH ORDINALITY
  // kJoin: left JOIN right ON on / USING (using_columns) / NATURAL.
  JoinType join_type = JoinType::kInner;
  std::shared_ptr<TableRef> left, right;
  std::shared_ptr<Expr> on;
  std::vector<std::string> using_columns;
  bool natural = false;
};

struct SelectStmt {
  // WITH name AS (query), in order.
  std::vector<std::pair<std::string, std::shared_ptr<SelectStmt>>> ctes;
  // UNION [ALL] of larg and rarg (then order_by/limit/offset apply to the union).
  std::string set_op;  // "" or "union"
  bool set_all = false;
  std::shared_ptr<SelectStmt> larg, rarg;
  bool distinct = false;
  std::vector<std::unique_ptr<Expr>> distinct_on;
  std::vector<SelectItem> items;
  std::vector<TableRef> from;
  std::unique_ptr<Expr> where;
  std::vector<std::unique_ptr<Expr>> group_by;
  std::unique_ptr<Expr> having;
  std::vector<OrderItem> order_by;
  std::unique_ptr<Expr> limit;
  std::unique_ptr<Expr> offset;
};

struct ColumnSpec {
  std::string name;
  std::string type_name;  // as libpg_query spells it: "int4", "timestamptz", "varchar", ...
  std::vector<int64_t> typmods;
  bool not_null = false;
  int location = -1;
};

struct CreateTableStmt {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::vector<std::pair<std::string, std::string>> options;  // WITH (key = value)
  bool if_not_exists = false;
};

struct DropTableStmt {
  std::vector<std::string> names;
  bool if_exists = false;
};

struct AddColumnStmt {
  std::string table;
  ColumnSpec column;
  bool if_not_exists = false;
};

struct InsertStmt {
  std::string table;
  std::vector<std::string> columns;                      // empty: all, in table order
  std::vector<std::vector<std::unique_ptr<Expr>>> rows;  // VALUES
  std::unique_ptr<SelectStmt> select;                    // INSERT ... SELECT
};

struct DeleteStmt {
  std::string table;
  std::unique_ptr<Expr> where;
};

struct ExplainStmt {
  bool analyze = false;
  std::shared_ptr<SelectStmt> query;
};

struct CopyStmt {
  std::string table;                  // COPY table ...
  std::vector<std::string> columns;   // optional column list
  std::shared_ptr<SelectStmt> query;  // COPY (query) TO ...
  bool is_from = false;
  std::string filename;                                      // empty: STDIN/STDOUT
  std::vector<std::pair<std::string, std::string>> options;  // format, header, delimiter, ...
};

// SET name TO value | SET name TO DEFAULT | RESET name | RESET ALL (and SET TIME ZONE).
struct SetStmt {
  enum class Kind { kValue, kDefault, kReset, kResetAll };
  Kind kind = Kind::kValue;
  std::string name;   // lower case; "timezone" for SET TIME ZONE
  std::string value;  // kValue: the values joined by ", " (PostgreSQL's GUC list form)
  bool local = false;
};

struct ShowStmt {
  std::string name;  // lower case; "all" for SHOW ALL
};

// BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK/ABORT, SAVEPOINT, ...: OmenDB runs every
// statement as its own transaction; the session only tracks the client's block.
struct TransactionStmt {
  enum class Kind { kBegin, kCommit, kRollback, kOther };
  Kind kind = Kind::kOther;
  std::string tag;  // the command tag PostgreSQL answers with
};

// DEALLOCATE [PREPARE] name | ALL: prepared statements live in the wire protocol session,
// which removes them; the engine only answers the command tag.
struct DeallocateStmt {
  std::string name;  // empty: ALL
};

// CREATE USER|ROLE name [WITH] options, ALTER USER|ROLE name|CURRENT_USER [WITH] options,
// DROP USER|ROLE [IF EXISTS] names. The options OmenDB honours: PASSWORD 'p' | NULL,
// [NO]SUPERUSER, [NO]LOGIN; others (CREATEDB, VALID UNTIL, ...) are accepted and ignored.
struct RoleStmt {
  enum class Kind : uint8_t { kCreate, kAlter, kDrop };
  Kind kind = Kind::kCreate;
  bool is_user = true;             // CREATE USER (LOGIN by default) rather than CREATE ROLE
  std::vector<std::string> names;  // one, except for DROP; "" for CURRENT_USER/SESSION_USER
  bool if_exists = false;          // DROP ... IF EXISTS
  bool set_password = false;       // PASSWORD given (password empty with it: PASSWORD NULL)
  std::optional<std::string> password;
  std::optional<bool> superuser;
  std::optional<bool> login;
};

// DECLARE name [NO SCROLL|SCROLL] CURSOR [WITH HOLD|WITHOUT HOLD] FOR query.
struct DeclareCursorStmt {
  std::string name;
  bool hold = false;    // WITH HOLD: survives the end of the transaction block
  bool binary = false;  // BINARY (not supported)
  std::shared_ptr<SelectStmt> query;
};

// FETCH|MOVE [direction] [FROM|IN] name, and CLOSE name|ALL.
struct FetchStmt {
  enum class Direction : uint8_t { kForward, kBackward, kAbsolute, kRelative };
  Direction direction = Direction::kForward;
  int64_t count = 1;  // FORWARD/BACKWARD ALL: INT64_MAX
  std::string name;
  bool move = false;
};
struct CloseCursorStmt {
  std::string name;  // empty: CLOSE ALL
};

struct Statement {
  std::variant<SelectStmt, CreateTableStmt, DropTableStmt, AddColumnStmt, InsertStmt, DeleteStmt,
               ExplainStmt, CopyStmt, SetStmt, ShowStmt, TransactionStmt, DeallocateStmt, RoleStmt,
               DeclareCursorStmt, FetchStmt, CloseCursorStmt>
      node;
  int location = 0;  // offset of the statement in the text given to Parse
  int length = 0;    // 0: to the end
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_AST_H_
