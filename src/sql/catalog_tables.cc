// Copyright 2026 The OmenDB Authors.

#include "sql/catalog_tables.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sql/query_internal.h"

namespace omen::sql {

using exec::LType;
using exec::Value;

namespace {

// The type of a column spec's type word.
LType SpecType(std::string_view t) {
  if (t == "oid") return LType::kOid;
  if (t == "bool") return LType::kBool;
  if (t == "int2") return LType::kInt16;
  if (t == "int4") return LType::kInt32;
  if (t == "int8") return LType::kInt64;
  if (t == "float4") return LType::kFloat32;
  if (t == "timestamptz") return LType::kTimestampTz;
  if (t == "text[]") return LType::kTextArray;
  if (t == "oid[]") return LType::kOidArray;
  if (t == "int2[]") return LType::kInt16Array;
  return LType::kText;  // text, name, "char"
}

// An empty relation with the columns of a spec: "name type, name type, ..." (types as
// PostgreSQL's catalogs spell them; name and "char" are text here).
std::shared_ptr<Relation> EmptyRelation(std::string_view spec) {
  auto rel = std::make_shared<Relation>();
  size_t p = 0;
  while (p < spec.size()) {
    size_t end = spec.find(',', p);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view col = spec.substr(p, end - p);
    while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
    const size_t space = col.find(' ');
    rel->names.emplace_back(col.substr(0, space));
    rel->types.push_back(SpecType(col.substr(space + 1)));
    rel->chunk.cols.push_back(exec::VectorBuilder(rel->types.back()).Finish());
    p = end + 1;
  }
  return rel;
}

// Builds a relation row by row.
class RelBuilder {
 public:
  explicit RelBuilder(std::string_view spec) : rel_(EmptyRelation(spec)) {
    for (LType t : rel_->types) builders_.emplace_back(t);
    rel_->chunk.cols.clear();
  }
  // REQUIRES: one value per column, in column order.
  void Row(std::initializer_list<Value> values) {
    size_t k = 0;
    for (const Value& v : values) builders_[k++].Append(v);
  }
  std::shared_ptr<Relation> Finish() {
    for (auto& b : builders_) rel_->chunk.cols.push_back(b.Finish());
    rel_->chunk.size = rel_->chunk.cols.empty() ? 0 : rel_->chunk.cols[0].size;
    return rel_;
  }

 private:
  std::shared_ptr<Relation> rel_;
  std::vector<exec::VectorBuilder> builders_;
};

Value T(std::string s) { return Value::Text(std::move(s)); }
Value I(int64_t x) { return Value::Int(LType::kInt64, x); }
Value B(bool b) { return Value::Int(LType::kBool, b ? 1 : 0); }
Value C(char c) { return Value::Text(std::string(1, c)); }
Value N() { return Value::Null(); }

using Tables = std::vector<std::shared_ptr<const storage::TableDef>>;

Tables SortedTables(const storage::Database* db) {
  Tables t = db->Tables();
  std::sort(t.begin(), t.end(), [](const auto& x, const auto& y) { return x->name < y->name; });
  return t;
}

std::shared_ptr<Relation> PgNamespace() {
  RelBuilder b("oid oid, nspname name, nspowner oid, nspacl text[]");
  // clang-format off
  b.Row({I(kOidPgCatalog), T("pg_catalog"), I(kOidSessionRole), N()});
  // clang-format on
  // clang-format off
  b.Row({I(kOidPublic), T("public"), I(kOidSessionRole), N()});
  // clang-format on
  // clang-format off
  b.Row({I(kOidInformationSchema), T("information_schema"), I(kOidSessionRole), N()});
  // clang-format on
  return b.Finish();
}

std::shared_ptr<Relation> PgClass(const Tables& tables) {
  RelBuilder b(
      "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam "
      "oid, relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible "
      "int4, reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, relkind "
      "char, relnatts int2, relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass "
      "bool, relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, relreplident "
      "char, relispartition bool, relrewrite oid, relfrozenxid oid, relminmxid oid, relacl text[], "
      "reloptions text[], relpartbound text");
  for (const auto& t : tables) {
    const int64_t oid = TableOid(*t);
    // clang-format off
    b.Row({I(oid), T(t->name), I(kOidPublic), I(TableRowTypeOid(*t)), I(0), I(kOidSessionRole),
          I(2), I(oid), I(0), I(0), Value::Float(LType::kFloat32, -1), I(0), I(0), B(false),
          B(false), C('p'), C('r'), I(static_cast<int64_t>(t->columns.size())), I(0), B(false),
          B(false), B(false), B(false), B(false), B(true), C('d'), B(false), I(0), I(0), I(0), N(),
          N(), N()});
    // clang-format on
  }
  return b.Finish();
}

// Storage facts of a column type: typlen, typbyval, typalign, typstorage.
const BuiltinType& BuiltinOf(uint32_t oid) {
  const BuiltinType* t = FindBuiltin(oid);
  return t != nullptr ? *t : *FindBuiltin(25);
}

std::shared_ptr<Relation> PgAttribute(const Tables& tables) {
  RelBuilder b(
      "attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2, "
      "attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage "
      "char, attcompression char, attnotnull bool, atthasdef bool, atthasmissing bool, attidentity "
      "char, attgenerated char, attisdropped bool, attislocal bool, attinhcount int4, attcollation "
      "oid, attacl text[], attoptions text[], attfdwoptions text[], attmissingval text");
  for (const auto& t : tables) {
    for (size_t k = 0; k < t->columns.size(); ++k) {
      const storage::ColumnDef& c = t->columns[k];
      const BuiltinType& bt = BuiltinOf(TypeOidOf(c.type));
      // clang-format off
      b.Row({I(TableOid(*t)), T(c.name), I(bt.oid), I(-1), I(bt.len),
            I(static_cast<int64_t>(k) + 1), I(0), I(-1), I(TypeModOf(c)), B(bt.byval), C(bt.align),
            C(bt.storage), T(""), B(!c.nullable), B(false), B(false), T(""), T(""), B(false),
            B(true), I(0), I(bt.collation != 0 ? 100 : 0), N(), N(), N(), N()});
      // clang-format on
    }
  }
  return b.Finish();
}

std::shared_ptr<Relation> PgType(const Tables& tables) {
  RelBuilder b(
      "oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype "
      "char, typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid "
      "oid, typsubscript text, typelem oid, typarray oid, typinput text, typoutput text, "
      "typreceive text, typsend text, typmodin text, typmodout text, typanalyze text, typalign "
      "char, typstorage char, typnotnull bool, typbasetype oid, typtypmod int4, typndims int4, "
      "typcollation oid, typdefaultbin text, typdefault text, typacl text[]");
  for (const BuiltinType* bt : BuiltinTypes()) {
    const BuiltinType& t = *bt;
    // clang-format off
    b.Row({I(t.oid), T(t.name), I(kOidPgCatalog), I(kOidSessionRole), I(t.len), B(t.byval),
          C(t.type), C(t.category), B(t.preferred), B(true), C(','), I(0), T(t.subscript),
          I(t.elem), I(t.array), T(t.input), T(t.output), T(t.receive), T(t.send), T(t.modin),
          T(t.modout), T(t.category == 'A' ? "array_typanalyze" : "-"), C(t.align), C(t.storage),
          B(false), I(0), I(-1), I(0), I(t.collation), N(), N(), N()});
    // clang-format on
  }
  for (const auto& t : tables) {
    const int64_t row = TableRowTypeOid(*t);
    // clang-format off
    b.Row({I(row), T(t->name), I(kOidPublic), I(kOidSessionRole), I(-1), B(false), C('c'), C('C'),
          B(false), B(true), C(','), I(TableOid(*t)), T("-"), I(0), I(row + 1), T("record_in"),
          T("record_out"), T("record_recv"), T("record_send"), T("-"), T("-"), T("-"), C('d'),
          C('x'), B(false), I(0), I(-1), I(0), I(0), N(), N(), N()});
    // clang-format on
    // clang-format off
    b.Row({I(row + 1), T("_" + t->name), I(kOidPublic), I(kOidSessionRole), I(-1), B(false), C('b'),
          C('A'), B(false), B(true), C(','), I(0), T("array_subscript_handler"), I(row), I(0),
          T("array_in"), T("array_out"), T("array_recv"), T("array_send"), T("-"), T("-"),
          T("array_typanalyze"), C('d'), C('x'), B(false), I(0), I(-1), I(0), I(0), N(), N(), N()});
    // clang-format on
  }
  return b.Finish();
}

std::shared_ptr<Relation> PgRange() {
  RelBuilder b(
      "rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, rngsubopc oid, "
      "rngcanonical text, rngsubdiff text");
  // clang-format off
  b.Row({I(3904), I(23), I(4451), I(0), I(1978), T("int4range_canonical"), T("int4range_subdiff")});
  // clang-format on
  // clang-format off
  b.Row({I(3906), I(1700), I(4532), I(0), I(3125), T("-"), T("numrange_subdiff")});
  // clang-format on
  // clang-format off
  b.Row({I(3908), I(1114), I(4533), I(0), I(3128), T("-"), T("tsrange_subdiff")});
  // clang-format on
  // clang-format off
  b.Row({I(3910), I(1184), I(4534), I(0), I(3127), T("-"), T("tstzrange_subdiff")});
  // clang-format on
  // clang-format off
  b.Row({I(3912), I(1082), I(4535), I(0), I(3122), T("daterange_canonical"),
        T("daterange_subdiff")});
  // clang-format on
  // clang-format off
  b.Row({I(3926), I(20), I(4536), I(0), I(3124), T("int8range_canonical"), T("int8range_subdiff")});
  // clang-format on
  return b.Finish();
}

std::shared_ptr<Relation> PgDatabase() {
  RelBuilder b(
      "oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool, "
      "datallowconn bool, datconnlimit int4, datfrozenxid oid, datminmxid oid, dattablespace oid, "
      "datcollate text, datctype text, daticulocale text, datcollversion text, datacl text[]");
  // clang-format off
  b.Row({I(kOidDatabase), T(kDatabaseName), I(kOidSessionRole), I(6), C('c'), B(false), B(true),
        I(-1), I(0), I(1), I(1663), T("C"), T("C"), N(), N(), N()});
  // clang-format on
  return b.Finish();
}

// The roles: the database's users (the server's own user as oid 10, the owner of everything),
// and the session user when it is not one of them (embedded use).
std::shared_ptr<Relation> PgRoles(const storage::Database* db, const std::string& user,
                                  const std::string& which) {
  struct Role {
    std::string name;
    uint32_t oid;
    bool super, login;
  };
  std::vector<Role> roles;
  bool have_user = false;
  for (const storage::UserRecord& u : db->users().List()) {
    roles.push_back({u.name, u.builtin ? kOidSessionRole : u.oid, u.superuser, u.login});
    have_user |= u.name == user;
  }
  if (!have_user) roles.insert(roles.begin(), Role{user, kOidSessionRole, true, true});
  if (which == "pg_user") {
    RelBuilder b(
        "usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls "
        "bool, passwd text, valuntil timestamptz, useconfig text[]");
    for (const Role& r : roles) {
      if (!r.login) continue;
      // clang-format off
      b.Row({T(r.name), I(r.oid), B(r.super), B(r.super), B(r.super), B(r.super), T("********"),
            N(), N()});
      // clang-format on
    }
    return b.Finish();
  }
  const bool authid = which == "pg_authid";
  RelBuilder b(authid ? "oid oid, rolname name, rolsuper bool, rolinherit bool, "
                        "rolcreaterole bool, rolcreatedb bool, rolcanlogin bool, "
                        "rolreplication bool, rolbypassrls bool, rolconnlimit int4, "
                        "rolpassword text, rolvaliduntil timestamptz, rolconfig text[]"
                      : "rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, "
                        "rolcreatedb bool, rolcanlogin bool, rolreplication bool, "
                        "rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz, "
                        "rolbypassrls bool, rolconfig text[], oid oid");
  for (const Role& r : roles) {
    if (authid) {
      // clang-format off
      b.Row({I(r.oid), T(r.name), B(r.super), B(true), B(r.super), B(r.super), B(r.login),
            B(r.super), B(r.super), I(-1), N(), N(), N()});
      // clang-format on
    } else {
      // clang-format off
      b.Row({T(r.name), B(r.super), B(true), B(r.super), B(r.super), B(r.login), B(r.super), I(-1),
            T("********"), N(), B(r.super), N(), I(r.oid)});
      // clang-format on
    }
  }
  return b.Finish();
}

std::shared_ptr<Relation> PgSettings(const SessionSettings& settings) {
  RelBuilder b(
      "name text, setting text, unit text, category text, short_desc text, extra_desc text, "
      "context text, vartype text, source text, min_val text, max_val text, enumvals text[], "
      "boot_val text, reset_val text, sourcefile text, sourceline int4, pending_restart bool");
  for (const auto& [name, value] : settings.All()) {
    // clang-format off
    b.Row({T(name), T(value), N(), T("Client Connection Defaults"), T(""), N(), T("user"),
          T("string"), T("session"), N(), N(), N(), T(value), T(value), N(), N(), B(false)});
    // clang-format on
  }
  return b.Finish();
}

std::shared_ptr<Relation> PgAm() {
  RelBuilder b("oid oid, amname name, amhandler text, amtype char");
  // clang-format off
  b.Row({I(2), T("heap"), T("heap_tableam_handler"), C('t')});
  // clang-format on
  // clang-format off
  b.Row({I(403), T("btree"), T("bthandler"), C('i')});
  // clang-format on
  // clang-format off
  b.Row({I(405), T("hash"), T("hashhandler"), C('i')});
  // clang-format on
  return b.Finish();
}

std::shared_ptr<Relation> PgTablespace() {
  RelBuilder b("oid oid, spcname name, spcowner oid, spcacl text[], spcoptions text[]");
  // clang-format off
  b.Row({I(1663), T("pg_default"), I(kOidSessionRole), N(), N()});
  // clang-format on
  // clang-format off
  b.Row({I(1664), T("pg_global"), I(kOidSessionRole), N(), N()});
  // clang-format on
  return b.Finish();
}

std::shared_ptr<Relation> PgCollation() {
  RelBuilder b(
      "oid oid, collname name, collnamespace oid, collowner oid, collprovider char, "
      "collisdeterministic bool, collencoding int4, collcollate text, collctype text, "
      "colliculocale text, collversion text");
  // clang-format off
  b.Row({I(100), T("default"), I(kOidPgCatalog), I(kOidSessionRole), C('d'), B(true), I(-1), N(),
        N(), N(), N()});
  // clang-format on
  // clang-format off
  b.Row({I(950), T("C"), I(kOidPgCatalog), I(kOidSessionRole), C('c'), B(true), I(-1), T("C"),
        T("C"), N(), N()});
  // clang-format on
  // clang-format off
  b.Row({I(951), T("POSIX"), I(kOidPgCatalog), I(kOidSessionRole), C('c'), B(true), I(-1),
        T("POSIX"), T("POSIX"), N(), N()});
  // clang-format on
  return b.Finish();
}

std::shared_ptr<Relation> PgTables(const Tables& tables, const std::string& user) {
  RelBuilder b(
      "schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool, "
      "hasrules bool, hastriggers bool, rowsecurity bool");
  for (const auto& t : tables) {
    // clang-format off
    b.Row({T("public"), T(t->name), T(user), N(), B(false), B(false), B(false), B(false)});
    // clang-format on
  }
  return b.Finish();
}

// Catalogs OmenDB has no rows for: only their columns.
std::shared_ptr<Relation> EmptyCatalog(const std::string& name) {
  static const std::pair<const char*, const char*> kEmpty[] = {
      {"pg_extension",
       "oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, extversion "
       "text, extconfig oid[], extcondition text[]"},
      {"pg_enum", "oid oid, enumtypid oid, enumsortorder float4, enumlabel name"},
      {"pg_index",
       "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, "
       "indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool, "
       "indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, "
       "indisreplident bool, indkey int2[], indcollation oid[], indclass oid[], indoption int2[], "
       "indexprs text, indpred text"},
      {"pg_constraint",
       "oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred "
       "bool, convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, "
       "confrelid oid, confupdtype char, confdeltype char, confmatchtype char, conislocal bool, "
       "coninhcount int4, connoinherit bool, conkey int2[], confkey int2[], conpfeqop oid[], "
       "conppeqop oid[], conffeqop oid[], confdelsetcols int2[], conexclop oid[], conbin text"},
      {"pg_inherits", "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool"},
      {"pg_attrdef", "oid oid, adrelid oid, adnum int2, adbin text"},
      {"pg_description", "objoid oid, classoid oid, objsubid int4, description text"},
      {"pg_auth_members", "roleid oid, member oid, grantor oid, admin_option bool"},
      {"pg_proc",
       "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, "
       "prorows float4, provariadic oid, prosupport text, prokind char, prosecdef bool, "
       "proleakproof bool, proisstrict bool, proretset bool, provolatile char, proparallel char, "
       "pronargs int2, pronargdefaults int2, prorettype oid, proargtypes oid[], proallargtypes "
       "oid[], proargmodes text[], proargnames text[], proargdefaults text, protrftypes oid[], "
       "prosrc text, probin text, prosqlbody text, proconfig text[], proacl text[]"},
      {"pg_aggregate",
       "aggfnoid oid, aggkind char, aggnumdirectargs int2, aggtransfn text, aggfinalfn text, "
       "aggtranstype oid, agginitval text"},
      {"pg_policy",
       "oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], "
       "polqual text, polwithcheck text"},
      {"pg_statistic_ext",
       "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4, "
       "stxkeys int2[], stxkind text[], stxexprs text"},
      {"pg_publication",
       "oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, "
       "pubdelete bool, pubtruncate bool, pubviaroot bool"},
      {"pg_publication_namespace", "oid oid, pnpubid oid, pnnspid oid"},
      {"pg_publication_rel", "oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]"},
      {"pg_trigger",
       "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled "
       "char, tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, "
       "tgdeferrable bool, tginitdeferred bool, tgnargs int2, tgattr int2[], tgargs text, tgqual "
       "text, tgoldtable name, tgnewtable name"},
      {"pg_views", "schemaname name, viewname name, viewowner name, definition text"},
      {"pg_matviews",
       "schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes bool, "
       "ispopulated bool, definition text"},
      {"pg_indexes",
       "schemaname name, tablename name, indexname name, tablespace name, indexdef text"},
      {"pg_sequence",
       "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, "
       "seqcache int8, seqcycle bool"},
      {"pg_foreign_table", "ftrelid oid, ftserver oid, ftoptions text[]"},
      {"pg_rewrite",
       "oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool, "
       "ev_qual text, ev_action text"},
  };
  for (const auto& [n, spec] : kEmpty) {
    if (name == n) return EmptyRelation(spec);
  }
  return nullptr;
}

// information_schema.columns' facts about one column type.
struct ColumnFacts {
  std::optional<int64_t> octet_length, precision, radix, scale, datetime_precision;
};

ColumnFacts FactsOf(const storage::ColumnDef& c) {
  ColumnFacts f;
  switch (c.type) {
    case storage::SqlType::kSmallint:
      f = {std::nullopt, 16, 2, 0, std::nullopt};
      break;
    case storage::SqlType::kInteger:
      f = {std::nullopt, 32, 2, 0, std::nullopt};
      break;
    case storage::SqlType::kBigint:
      f = {std::nullopt, 64, 2, 0, std::nullopt};
      break;
    case storage::SqlType::kReal:
      f = {std::nullopt, 24, 2, std::nullopt, std::nullopt};
      break;
    case storage::SqlType::kDouble:
      f = {std::nullopt, 53, 2, std::nullopt, std::nullopt};
      break;
    case storage::SqlType::kText:
      f.octet_length = 1073741824;
      break;
    case storage::SqlType::kVarchar:
      f.octet_length = c.max_length >= 0 ? int64_t{c.max_length} * 4 : 1073741824;
      break;
    case storage::SqlType::kTimestamp:
    case storage::SqlType::kTimestamptz:
      f.datetime_precision = 6;
      break;
    case storage::SqlType::kDate:
      f.datetime_precision = 0;
      break;
    case storage::SqlType::kBoolean:
      break;
  }
  return f;
}

Value Opt(const std::optional<int64_t>& v) { return v ? I(*v) : N(); }

std::shared_ptr<Relation> InfoColumns(const Tables& tables) {
  RelBuilder b(
      "table_catalog text, table_schema text, table_name text, column_name text, ordinal_position "
      "int4, column_default text, is_nullable text, data_type text, character_maximum_length int4, "
      "character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, "
      "numeric_scale int4, datetime_precision int4, interval_type text, udt_catalog text, "
      "udt_schema text, udt_name text, dtd_identifier text, is_identity text, is_generated text, "
      "is_updatable text");
  for (const auto& t : tables) {
    for (size_t c = 0; c < t->columns.size(); ++c) {
      const auto& col = t->columns[c];
      const ColumnFacts f = FactsOf(col);
      const std::string pos = std::to_string(c + 1);
      // clang-format off
      b.Row({T(kDatabaseName), T("public"), T(t->name), T(col.name), I(static_cast<int64_t>(c) + 1),
            N(), T(col.nullable ? "YES" : "NO"),
            T(col.type == storage::SqlType::kVarchar ? "character varying" : storage::SqlTypeName(col.type)),
            col.max_length >= 0 ? I(col.max_length) : N(), Opt(f.octet_length), Opt(f.precision),
            Opt(f.radix), Opt(f.scale), Opt(f.datetime_precision), N(), T(kDatabaseName),
            T("pg_catalog"), T(BuiltinOf(TypeOidOf(col.type)).name), T(pos), T("NO"), T("NEVER"),
            T("YES")});
      // clang-format on
    }
  }
  return b.Finish();
}

std::shared_ptr<Relation> InfoTables(const Tables& tables) {
  RelBuilder b(
      "table_catalog text, table_schema text, table_name text, table_type text, "
      "self_referencing_column_name text, reference_generation text, user_defined_type_catalog "
      "text, user_defined_type_schema text, user_defined_type_name text, is_insertable_into text, "
      "is_typed text, commit_action text");
  for (const auto& t : tables) {
    // clang-format off
    b.Row({T(kDatabaseName), T("public"), T(t->name), T("BASE TABLE"), N(), N(), N(), N(), N(),
          T("YES"), T("NO"), N()});
    // clang-format on
  }
  return b.Finish();
}

std::shared_ptr<Relation> InfoSchemata(const std::string& user) {
  RelBuilder b(
      "catalog_name text, schema_name text, schema_owner text, default_character_set_catalog text, "
      "default_character_set_schema text, default_character_set_name text, sql_path text");
  for (const char* s : {"information_schema", "pg_catalog", "public"}) {
    // clang-format off
    b.Row({T(kDatabaseName), T(s), T(user), N(), N(), N(), N()});
    // clang-format on
  }
  return b.Finish();
}

std::shared_ptr<Relation> InfoEmpty(const std::string& name) {
  std::vector<const char*> cols;
  if (name == "views") {
    cols = {"table_catalog",        "table_schema",
            "table_name",           "view_definition",
            "check_option",         "is_updatable",
            "is_insertable_into",   "is_trigger_updatable",
            "is_trigger_deletable", "is_trigger_insertable_into"};
  } else if (name == "table_constraints") {
    cols = {"constraint_catalog", "constraint_schema", "constraint_name", "table_catalog",
            "table_schema",       "table_name",        "constraint_type", "is_deferrable",
            "initially_deferred", "enforced",          "nulls_distinct"};
  } else if (name == "key_column_usage") {
    cols = {"constraint_catalog", "constraint_schema", "constraint_name",
            "table_catalog",      "table_schema",      "table_name",
            "column_name",        "ordinal_position",  "position_in_unique_constraint"};
  } else {
    return nullptr;
  }
  auto rel = std::make_shared<Relation>();
  for (const char* c : cols) {
    const LType t =
        std::string(c).find("position") != std::string::npos ? LType::kInt32 : LType::kText;
    rel->names.push_back(c);
    rel->types.push_back(t);
    rel->chunk.cols.push_back(exec::VectorBuilder(t).Finish());
  }
  return rel;
}

}  // namespace

Result<std::shared_ptr<Relation>> QueryRunner::Impl::CatalogRelation(const std::string& schema,
                                                                     const std::string& name) {
  const std::string key = schema + "." + name;
  if (auto it = catalog.find(key); it != catalog.end()) return it->second;
  const Tables tables = SortedTables(db);
  const auto session_user = settings().Get("session_authorization");
  const std::string user = session_user.ok() ? *session_user : std::string("omendb");
  std::shared_ptr<Relation> rel;
  if (schema == "information_schema") {
    if (name == "tables") {
      rel = InfoTables(tables);
    } else if (name == "columns") {
      rel = InfoColumns(tables);
    } else if (name == "schemata") {
      rel = InfoSchemata(user);
    } else {
      rel = InfoEmpty(name);
    }
  } else if (name == "pg_namespace") {
    rel = PgNamespace();
  } else if (name == "pg_class") {
    rel = PgClass(tables);
  } else if (name == "pg_attribute") {
    rel = PgAttribute(tables);
  } else if (name == "pg_type") {
    rel = PgType(tables);
  } else if (name == "pg_range") {
    rel = PgRange();
  } else if (name == "pg_database") {
    rel = PgDatabase();
  } else if (name == "pg_roles" || name == "pg_user" || name == "pg_authid") {
    rel = PgRoles(db, user, name);
  } else if (name == "pg_settings") {
    rel = PgSettings(settings());
  } else if (name == "pg_am") {
    rel = PgAm();
  } else if (name == "pg_tablespace") {
    rel = PgTablespace();
  } else if (name == "pg_collation") {
    rel = PgCollation();
  } else if (name == "pg_tables") {
    rel = PgTables(tables, user);
  } else {
    rel = EmptyCatalog(name);
  }
  if (rel == nullptr) {
    return Status::NotFound("relation \"" + key + "\" does not exist");
  }
  catalog[key] = rel;
  return rel;
}

}  // namespace omen::sql
