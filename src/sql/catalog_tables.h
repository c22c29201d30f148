// Copyright 2026 The OmenDB Authors.
//
// PostgreSQL's system catalogs as OmenDB emulates them for clients' metadata queries (psql's
// backslash commands, JDBC's DatabaseMetaData, Grafana's table picker, psycopg's and pgx's
// type loading): object identifiers, the built-in types with PostgreSQL's oids, and name <->
// oid lookups behind the reg* casts and format_type(). The pg_catalog and information_schema
// relations themselves are built by QueryRunner::Impl::CatalogRelation (catalog_tables.cc).
//
// Oids: pg_catalog 11, public 2200, information_schema 13000, the session's role 10, the
// database 16384; a user table with catalog id n has relation oid 16384 + 3n, its row type
// 16385 + 3n and that type's array 16386 + 3n (stable for the life of the table). Pure
// functions of their arguments; thread-safe.

#ifndef OMENDB_SQL_CATALOG_TABLES_H_
#define OMENDB_SQL_CATALOG_TABLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exec/types.h"
#include "storage/database.h"

namespace omen::sql {

// A row of pg_type for a built-in type (PostgreSQL 15's values).
struct BuiltinType {
  uint32_t oid;
  const char* name;
  int16_t len;
  bool byval;
  char type;  // typtype
  char category;
  bool preferred;
  uint32_t elem;
  uint32_t array;
  const char* input;
  const char* output;
  const char* receive;
  const char* send;
  const char* modin;
  const char* modout;
  char align;
  char storage;
  uint32_t collation;
  const char* subscript;
};
const BuiltinType* FindBuiltin(uint32_t oid);
std::vector<const BuiltinType*> BuiltinTypes();  // in oid order

// The name current_database() and the catalogs report.
inline constexpr char kDatabaseName[] = "omendb";

inline constexpr uint32_t kOidPgCatalog = 11, kOidPublic = 2200, kOidInformationSchema = 13000;
inline constexpr uint32_t kOidSessionRole = 10, kOidDatabase = 16384;

uint32_t TableOid(const storage::TableDef& t);
uint32_t TableRowTypeOid(const storage::TableDef& t);

// pg_type.oid of a column type.
uint32_t TypeOidOf(storage::SqlType t);
uint32_t TypeOidOf(exec::LType t);
// pg_attribute.atttypmod of a column: VARCHAR(n) is n + 4, others -1.
int32_t TypeModOf(const storage::ColumnDef& c);

// format_type(oid, typmod): "integer", "character varying(20)", "text[]", ...; nullopt for an
// unknown oid (PostgreSQL prints "???").
std::optional<std::string> FormatType(uint32_t oid, int32_t typmod, const storage::Database* db);

// The oid a reg* input names, or nullopt: a type ('int4', 'integer', 'text[]',
// 'pg_catalog.varchar', 'timestamp with time zone', a table's row type), a relation
// ('cpu', 'public.cpu', 'pg_class'), a schema.
std::optional<uint32_t> LookupTypeOid(std::string_view name, const storage::Database* db);
std::optional<uint32_t> LookupRelationOid(std::string_view name, const storage::Database* db);
std::optional<uint32_t> LookupNamespaceOid(std::string_view name);
// reg* output: the name of an oid, or the number when nothing has it.
std::string RelationNameOf(uint32_t oid, const storage::Database* db);
std::string NamespaceNameOf(uint32_t oid);
std::string TypeNameOf(uint32_t oid, const storage::Database* db);  // regtype: format_type

// The user table with relation oid `oid`, or null.
std::shared_ptr<const storage::TableDef> TableByOid(uint32_t oid, const storage::Database* db);

}  // namespace omen::sql

#endif  // OMENDB_SQL_CATALOG_TABLES_H_
