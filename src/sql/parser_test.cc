// Copyright 2026 The OmenDB Authors.

#include "sql/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace omen::sql {
namespace {

const SelectStmt& AsSelect(const Statement& s) { return std::get<SelectStmt>(s.node); }

TEST(Parser, CreateTableWithTypesConstraintsAndOptions) {
  auto r = Parse(
      "CREATE TABLE IF NOT EXISTS cpu (time timestamptz NOT NULL, host text, v double precision,"
      " n varchar(20), d date, b boolean, s smallint) WITH (partition_by = 'hour', sort_key = "
      "none)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const auto& c = std::get<CreateTableStmt>((*r)[0].node);
  EXPECT_EQ(c.name, "cpu");
  EXPECT_TRUE(c.if_not_exists);
  ASSERT_EQ(c.columns.size(), 7u);
  EXPECT_EQ(c.columns[0].type_name, "timestamptz");
  EXPECT_TRUE(c.columns[0].not_null);
  EXPECT_EQ(c.columns[2].type_name, "float8");
  EXPECT_EQ(c.columns[3].type_name, "varchar");
  ASSERT_EQ(c.columns[3].typmods.size(), 1u);
  EXPECT_EQ(c.columns[3].typmods[0], 20);
  EXPECT_EQ(c.columns[5].type_name, "bool");
  EXPECT_EQ(c.columns[6].type_name, "int2");
  ASSERT_EQ(c.options.size(), 2u);
  EXPECT_EQ(c.options[0], (std::pair<std::string, std::string>("partition_by", "hour")));
  EXPECT_EQ(c.options[1].second, "none");
}

TEST(Parser, DropAlterInsert) {
  auto r = Parse(
      "DROP TABLE IF EXISTS a, b; ALTER TABLE t ADD COLUMN x int; "
      "INSERT INTO t (a, b) VALUES (1, 'x'), (-2, NULL), (3000000000, 1.5), (0, true)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  const auto& d = std::get<DropTableStmt>((*r)[0].node);
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.names, (std::vector<std::string>{"a", "b"}));
  const auto& a = std::get<AddColumnStmt>((*r)[1].node);
  EXPECT_EQ(a.table, "t");
  EXPECT_EQ(a.column.name, "x");
  EXPECT_EQ(a.column.type_name, "int4");
  const auto& ins = std::get<InsertStmt>((*r)[2].node);
  EXPECT_EQ(ins.table, "t");
  EXPECT_EQ(ins.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(ins.rows.size(), 4u);
  EXPECT_EQ(ins.rows[0][0]->literal.i, 1);
  EXPECT_EQ(ins.rows[0][1]->literal.text, "x");
  EXPECT_EQ(ins.rows[1][0]->literal.i, -2);
  EXPECT_EQ(ins.rows[1][1]->literal.kind, Literal::Kind::kNull);
  EXPECT_EQ(ins.rows[2][0]->literal.kind, Literal::Kind::kInt);
  EXPECT_EQ(ins.rows[2][0]->literal.i, 3000000000LL);
  EXPECT_EQ(ins.rows[2][1]->literal.kind, Literal::Kind::kNumeric);
  EXPECT_EQ(ins.rows[2][1]->literal.text, "1.5");
  EXPECT_EQ(ins.rows[3][0]->literal.i, 0);
  EXPECT_EQ(ins.rows[3][1]->literal.kind, Literal::Kind::kBool);
  EXPECT_GT((*r)[2].location, 0);
}

TEST(Parser, SelectClauses) {
  auto r = Parse(
      "SELECT time_bucket('5 minutes', time) AS b, count(*), avg(v) FILTER (WHERE v > 1), "
      "percentile_cont(0.5) WITHIN GROUP (ORDER BY v), 'x'::int4, CASE WHEN v IS NULL THEN 0 "
      "ELSE v END, coalesce(a, 1), greatest(a, b), lag(v) OVER (PARTITION BY host ORDER BY time) "
      "FROM cpu AS c WHERE time >= '2024-01-01' AND host IN ('a','b') AND v NOT BETWEEN 1 AND 2 "
      "AND name ILIKE 'x%' AND NOT (a <> b) GROUP BY 1, host HAVING count(*) > 2 "
      "ORDER BY b DESC NULLS FIRST, 2 LIMIT 10 OFFSET 2");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const SelectStmt& s = AsSelect((*r)[0]);
  ASSERT_EQ(s.items.size(), 9u);
  EXPECT_EQ(s.items[0].alias, "b");
  EXPECT_EQ(s.items[0].expr->kind, ExprKind::kFunc);
  EXPECT_EQ(s.items[0].expr->name, "time_bucket");
  EXPECT_TRUE(s.items[1].expr->agg_star);
  ASSERT_NE(s.items[2].expr->filter, nullptr);
  EXPECT_EQ(s.items[3].expr->within_group.size(), 1u);
  EXPECT_EQ(s.items[4].expr->kind, ExprKind::kCast);
  EXPECT_EQ(s.items[4].expr->name, "int4");
  EXPECT_EQ(s.items[5].expr->kind, ExprKind::kCase);
  ASSERT_NE(s.items[5].expr->else_expr, nullptr);
  EXPECT_EQ(s.items[6].expr->kind, ExprKind::kCoalesce);
  EXPECT_EQ(s.items[7].expr->kind, ExprKind::kMinMax);
  EXPECT_TRUE(s.items[8].expr->has_over);
  EXPECT_EQ(s.items[8].expr->partition_by.size(), 1u);
  ASSERT_EQ(s.from.size(), 1u);
  EXPECT_EQ(s.from[0].name, "cpu");
  EXPECT_EQ(s.from[0].alias, "c");
  ASSERT_NE(s.where, nullptr);
  EXPECT_EQ(s.where->kind, ExprKind::kAnd);
  ASSERT_EQ(s.where->args.size(), 5u);
  EXPECT_EQ(s.where->args[0]->kind, ExprKind::kOperator);
  EXPECT_EQ(s.where->args[0]->name, ">=");
  EXPECT_EQ(s.where->args[1]->kind, ExprKind::kIn);
  EXPECT_EQ(s.where->args[1]->args.size(), 3u);
  EXPECT_EQ(s.where->args[2]->kind, ExprKind::kBetween);
  EXPECT_TRUE(s.where->args[2]->negated);
  EXPECT_EQ(s.where->args[3]->kind, ExprKind::kLike);
  EXPECT_TRUE(s.where->args[3]->case_insensitive);
  EXPECT_EQ(s.where->args[4]->kind, ExprKind::kNot);
  EXPECT_EQ(s.group_by.size(), 2u);
  ASSERT_NE(s.having, nullptr);
  ASSERT_EQ(s.order_by.size(), 2u);
  EXPECT_TRUE(s.order_by[0].descending);
  EXPECT_EQ(s.order_by[0].nulls, OrderItem::Nulls::kFirst);
  EXPECT_EQ(s.limit->literal.i, 10);
  EXPECT_EQ(s.offset->literal.i, 2);
}

TEST(Parser, DistinctOnStarAndParams) {
  auto r = Parse("SELECT DISTINCT ON (host) host, t.* FROM cpu t WHERE v = $1 ORDER BY host");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const SelectStmt& s = AsSelect((*r)[0]);
  EXPECT_TRUE(s.distinct);
  EXPECT_EQ(s.distinct_on.size(), 1u);
  EXPECT_EQ(s.items[1].expr->kind, ExprKind::kStar);
  EXPECT_EQ(s.items[1].expr->qualifier, "t");
  EXPECT_EQ(s.where->args[1]->kind, ExprKind::kParam);
  EXPECT_EQ(s.where->args[1]->param_index, 1);
  auto d = Parse("SELECT DISTINCT a FROM t");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(AsSelect((*d)[0]).distinct);
  EXPECT_TRUE(AsSelect((*d)[0]).distinct_on.empty());
}

TEST(Parser, JoinsFunctionsInFromAndArrays) {
  auto r = Parse(
      "SELECT s[1], (x).n, ARRAY[1, 2], ARRAY(SELECT 1), a = ANY(b), c COLLATE pg_catalog.default, "
      "'{1}'::int2[], n.nspname OPERATOR(pg_catalog.~) '^p' FROM t1, pg_catalog.pg_class c "
      "JOIN t2 USING (k) LEFT JOIN generate_series(1, 3) WITH ORDINALITY AS g(v, n) ON true "
      "CROSS JOIN information_schema.tables");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const SelectStmt& s = AsSelect((*r)[0]);
  ASSERT_EQ(s.items.size(), 8u);
  EXPECT_EQ(s.items[0].expr->kind, ExprKind::kSubscript);
  EXPECT_EQ(s.items[1].expr->kind, ExprKind::kField);
  EXPECT_EQ(s.items[1].expr->name, "n");
  EXPECT_EQ(s.items[2].expr->kind, ExprKind::kArray);
  EXPECT_EQ(s.items[2].expr->args.size(), 2u);
  EXPECT_EQ(s.items[3].expr->kind, ExprKind::kArray);
  EXPECT_NE(s.items[3].expr->subquery, nullptr);
  EXPECT_EQ(s.items[4].expr->kind, ExprKind::kAny);
  EXPECT_FALSE(s.items[4].expr->all);
  EXPECT_EQ(s.items[5].expr->kind, ExprKind::kColumn);  // COLLATE is dropped
  EXPECT_EQ(s.items[6].expr->name, "int2[]");
  EXPECT_EQ(s.items[7].expr->name, "~");
  ASSERT_EQ(s.from.size(), 2u);
  EXPECT_EQ(s.from[0].kind, TableRef::Kind::kTable);
  const TableRef& cross = s.from[1];
  ASSERT_EQ(cross.kind, TableRef::Kind::kJoin);
  EXPECT_EQ(cross.join_type, TableRef::JoinType::kCross);
  EXPECT_EQ(cross.right->schema, "information_schema");
  const TableRef& left = *cross.left;
  ASSERT_EQ(left.kind, TableRef::Kind::kJoin);
  EXPECT_EQ(left.join_type, TableRef::JoinType::kLeft);
  EXPECT_NE(left.on, nullptr);
  EXPECT_EQ(left.right->kind, TableRef::Kind::kFunction);
  EXPECT_EQ(left.right->name, "generate_series");
  EXPECT_TRUE(left.right->ordinality);
  EXPECT_EQ(left.right->column_aliases, (std::vector<std::string>{"v", "n"}));
  const TableRef& inner = *left.left;
  EXPECT_EQ(inner.join_type, TableRef::JoinType::kInner);
  EXPECT_EQ(inner.using_columns, (std::vector<std::string>{"k"}));
  EXPECT_EQ(inner.left->schema, "pg_catalog");
  EXPECT_EQ(inner.left->alias, "c");
}

TEST(Parser, SyntaxErrorsCarryPositionAndSqlState) {
  auto r = Parse("SELEC 1");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsSyntaxError());
  EXPECT_STREQ(r.status().SqlState(), "42601");
  EXPECT_EQ(r.status().position(), 1);
  EXPECT_NE(r.status().message().find("SELEC"), std::string_view::npos);
  auto r2 = Parse("SELECT a FROM t WHERE");
  ASSERT_FALSE(r2.ok());
  EXPECT_TRUE(r2.status().IsSyntaxError());
  EXPECT_GT(r2.status().position(), 15);
}

TEST(Parser, UnsupportedIsNotSupportedNotACrash) {
  for (const char* sql :
       {"SELECT 1 INTERSECT SELECT 2", "SELECT * FROM a JOIN b ON a.x = b.x FOR UPDATE",
        "UPDATE t SET a = 1", "CREATE INDEX i ON t (a)", "SELECT * FROM LATERAL (SELECT 1) s",
        "SELECT 1 EXCEPT SELECT 2", "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
        "DROP VIEW v", "ALTER TABLE t DROP COLUMN a", "CREATE TABLE t (a int PRIMARY KEY)"}) {
    auto r = Parse(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_TRUE(r.status().IsNotSupported()) << sql << ": " << r.status().ToString();
    EXPECT_STREQ(r.status().SqlState(), "0A000");
  }
}

TEST(Parser, EmptyInputAndComments) {
  for (const char* sql : {"", ";", "  -- ping", "/* c */ ;;"}) {
    auto r = Parse(sql);
    ASSERT_TRUE(r.ok()) << sql;
    EXPECT_TRUE(r->empty()) << sql;
  }
}

TEST(Parser, MalformedInputNeverCrashes) {
  const std::string good =
      "SELECT time_bucket('1 hour', time), host, avg(v) FROM cpu WHERE time BETWEEN "
      "'2024-01-01T00:00:00Z' AND '2024-01-02T00:00:00Z' AND host IN ('a', 'b') GROUP BY 1, 2 "
      "ORDER BY 1 DESC LIMIT 5; INSERT INTO t VALUES (1, 'a', NULL, -3.5e2)";
  for (size_t cut = 0; cut <= good.size(); ++cut) {
    auto r = Parse(good.substr(0, cut));
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsSyntaxError() || r.status().IsNotSupported())
          << cut << ": " << r.status().ToString();
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string s = good;
    for (int k = 0; k < 3; ++k) s[rng() % s.size()] = static_cast<char>(1 + rng() % 255);
    auto r = Parse(s);
    if (!r.ok()) {
      EXPECT_NE(r.status().code(), Status::Code::kInternal) << r.status().ToString();
    }
  }
}

TEST(Parser, RoleStatements) {
  auto r = Parse(
      "CREATE USER bob WITH PASSWORD 'x' SUPERUSER CREATEDB; CREATE ROLE r; "
      "ALTER USER CURRENT_USER PASSWORD NULL; ALTER ROLE bob NOLOGIN; DROP USER IF EXISTS a, b");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 5u);
  const auto& create = std::get<RoleStmt>((*r)[0].node);
  EXPECT_EQ(create.kind, RoleStmt::Kind::kCreate);
  EXPECT_TRUE(create.is_user);
  EXPECT_EQ(create.names, std::vector<std::string>{"bob"});
  EXPECT_TRUE(create.set_password);
  EXPECT_EQ(create.password, std::optional<std::string>("x"));
  EXPECT_EQ(create.superuser, std::optional<bool>(true));
  EXPECT_FALSE(create.login.has_value());
  EXPECT_FALSE(std::get<RoleStmt>((*r)[1].node).is_user);
  const auto& self = std::get<RoleStmt>((*r)[2].node);
  EXPECT_EQ(self.kind, RoleStmt::Kind::kAlter);
  EXPECT_EQ(self.names, std::vector<std::string>{""});
  EXPECT_TRUE(self.set_password);
  EXPECT_FALSE(self.password.has_value());
  EXPECT_EQ(std::get<RoleStmt>((*r)[3].node).login, std::optional<bool>(false));
  const auto& drop = std::get<RoleStmt>((*r)[4].node);
  EXPECT_EQ(drop.kind, RoleStmt::Kind::kDrop);
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Parse("ALTER ROLE PUBLIC PASSWORD 'x'").status().IsNotSupported());
}

// CollectParams finds every placeholder of a statement, wherever the tree holds it.
TEST(Parser, CollectParamsFindsEveryPlaceholder) {
  auto r = Parse(
      "WITH c AS (SELECT $1 AS a) SELECT $2 + a, (SELECT $3) FROM c JOIN generate_series(1, $4) "
      "g ON g = $5 WHERE a IN ($6, $7) AND EXISTS (SELECT 1 WHERE $8) GROUP BY 1, 2 HAVING "
      "count(*) FILTER (WHERE $9) > 0 ORDER BY sum($10) OVER (PARTITION BY $11) LIMIT $12 "
      "OFFSET $13");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<int> seen;
  for (Expr* e : CollectParams(&(*r)[0])) seen.push_back(e->param_index);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}));
  auto ins = Parse("INSERT INTO t VALUES ($1, $2), ($3, now())");
  ASSERT_TRUE(ins.ok());
  EXPECT_EQ(CollectParams(&(*ins)[0]).size(), 3u);
  auto del = Parse("DELETE FROM t WHERE time < $1");
  ASSERT_TRUE(del.ok());
  Expr* p = CollectParams(&(*del)[0]).at(0);
  BindParam(p, std::string("2024-01-01"), "timestamptz");
  EXPECT_EQ(p->kind, ExprKind::kCast);
  EXPECT_EQ(p->name, "timestamptz");
  EXPECT_EQ(p->args.at(0)->literal.text, "2024-01-01");
  BindParam(p, std::nullopt, "");  // a node bound before is bound again
  EXPECT_EQ(p->kind, ExprKind::kLiteral);
  EXPECT_EQ(p->literal.kind, Literal::Kind::kNull);
  EXPECT_EQ(p->param_index, 1);
}

}  // namespace
}  // namespace omen::sql
