// Copyright 2026 The OmenDB Authors.
//
// Clients' catalog queries, as they send them, through SqlEngine::Execute: Grafana's
// PostgreSQL data source (version and TimescaleDB probes, schema/table/column pickers, the
// legacy query editor's metadata queries), psql 15's \l, \dt, \d, \d cpu, \dn, \du (captured
// with psql -E against PostgreSQL 15), pgjdbc 42.5's DatabaseMetaData (captured from
// PostgreSQL's statement log), psycopg 3's TypeInfo/RangeInfo/CompositeInfo/EnumInfo.fetch
// and pgx v5's LoadType. Each asserts the rows a client reads.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sql/engine.h"
#include "sql/parser.h"
#include "storage/test_database.h"

namespace omen::sql {
namespace {

using Row = std::vector<std::optional<std::string>>;

// ---- Query texts, verbatim ('%OID%' stands for the table's oid, as the clients fill it in).

// clang-format off
// Grafana (public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts).
constexpr char kGrafanaVersion[] =
    "SELECT current_setting('server_version_num')::int/100 as version";
constexpr char kGrafanaTimescale[] =
    "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'";
constexpr char kGrafanaSchemas[] = R"sql(SELECT schema_name AS "name"
    FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema',
                              'pg_catalog',
                              'pg_toast',
                              '_timescaledb_cache',
                              '_timescaledb_catalog',
                              '_timescaledb_internal',
                              '_timescaledb_config',
                              'timescaledb_information',
                              'timescaledb_experimental')
    ORDER BY schema_name)sql";
constexpr char kGrafanaTablesInSchema[] = R"sql(SELECT quote_ident(table_name) AS "table"
      FROM information_schema.tables
      WHERE quote_ident(table_schema) = 'public'
      ORDER BY 1)sql";
const std::string kSchemaConstraint = R"sql(
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          ))sql";
const std::string kGrafanaTables = R"sql(SELECT
    CASE WHEN )sql" + kSchemaConstraint + R"sql(
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
    ORDER BY CASE WHEN )sql" + kSchemaConstraint + R"sql( THEN 0 ELSE 1 END, 1)sql";
const std::string kGrafanaColumns = R"sql(SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('cpu'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('cpu'))[1]
          AND quote_ident(table_name) = (parse_ident('cpu'))[2]
        ELSE quote_ident(table_name) = 'cpu'
          AND )sql" + kSchemaConstraint + R"sql(
      END)sql";
const std::string kGrafanaQualifiedColumns = R"sql(SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('public.metrics'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('public.metrics'))[1]
          AND quote_ident(table_name) = (parse_ident('public.metrics'))[2]
        ELSE quote_ident(table_name) = 'public.metrics'
          AND )sql" + kSchemaConstraint + R"sql(
      END)sql";
// Grafana 9's showDatabases/showTables and the legacy (Angular) editor's meta_query.ts.
constexpr char kGrafanaDatabases[] = "SELECT datname FROM pg_database WHERE datistemplate = false";
const std::string kGrafanaOldTables = R"sql(select quote_ident(table_name) as "table" from information_schema.tables
    where quote_ident(table_schema) not in ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
      and table_type = 'BASE TABLE' and )sql" + kSchemaConstraint;
const std::string kLegacyConstraint = R"sql(
table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
))sql";
const std::string kGrafanaLegacyMetricTable = R"sql(
SELECT
	quote_ident(table_name) as table_name,
	( SELECT
	    quote_ident(column_name) as column_name
	  FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name IN ('timestamptz','timestamp')
    ORDER BY ordinal_position LIMIT 1
  ) AS time_column,
  ( SELECT
      quote_ident(column_name) AS column_name
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name='float8'
    ORDER BY ordinal_position LIMIT 1
  ) AS value_column
FROM information_schema.tables t
WHERE )sql" + kLegacyConstraint + R"sql( AND
  EXISTS
  ( SELECT 1
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name IN ('timestamptz','timestamp')
  ) AND
  EXISTS
  ( SELECT 1
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name='float8'
  )
LIMIT 1
;)sql";
const std::string kGrafanaLegacyTableQuery =
    "SELECT quote_ident(table_name) FROM information_schema.tables WHERE " + kLegacyConstraint +
    " ORDER BY table_name";
const std::string kGrafanaLegacyTimeColumns =
    "SELECT quote_ident(column_name) FROM information_schema.columns WHERE " + kLegacyConstraint +
    " AND table_name = 'cpu'"
    " AND data_type IN ('timestamp without time zone','timestamp with time zone','bigint',"
    "'integer','double precision','real') ORDER BY column_name";
const std::string kGrafanaLegacyDatatype =
    "SELECT udt_name FROM information_schema.columns WHERE " + kLegacyConstraint +
    " AND table_name = 'cpu' AND column_name = 'usage_user'";
constexpr char kGrafanaLegacyAggregates[] =
    "SELECT DISTINCT proname FROM pg_aggregate INNER JOIN pg_proc ON pg_aggregate.aggfnoid = "
    "pg_proc.oid INNER JOIN pg_type ON pg_type.oid=pg_proc.prorettype WHERE pronargs=1 AND "
    "typname IN ('float8') AND aggkind='n' ORDER BY 1";
constexpr char kGrafanaLegacyValues[] =
    "SELECT DISTINCT quote_literal(hostname) FROM cpu WHERE time >= '2024-01-01T00:00:00Z' AND "
    "hostname IS NOT NULL ORDER BY 1 LIMIT 100";
constexpr char kPsqlList[] = R"sql(SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges"
FROM pg_catalog.pg_database d
ORDER BY 1;)sql";

constexpr char kPsqlTables[] = R"sql(SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;)sql";

constexpr char kPsqlDescribeLookup[] = R"sql(SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(cpu)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;)sql";

constexpr char kPsqlDescribeTable[] = R"sql(SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '%OID%';)sql";

constexpr char kPsqlDescribeColumns[] = R"sql(SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '%OID%' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;)sql";

constexpr char kPsqlDescribePolicies[] = R"sql(SELECT pol.polname, pol.polpermissive,
  CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
  CASE pol.polcmd
    WHEN 'r' THEN 'SELECT'
    WHEN 'a' THEN 'INSERT'
    WHEN 'w' THEN 'UPDATE'
    WHEN 'd' THEN 'DELETE'
    END AS cmd
FROM pg_catalog.pg_policy pol
WHERE pol.polrelid = '%OID%' ORDER BY 1;)sql";

constexpr char kPsqlDescribeStatistics[] = R"sql(SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS nsp, stxname,
pg_catalog.pg_get_statisticsobjdef_columns(oid) AS columns,
  'd' = any(stxkind) AS ndist_enabled,
  'f' = any(stxkind) AS deps_enabled,
  'm' = any(stxkind) AS mcv_enabled,
stxstattarget
FROM pg_catalog.pg_statistic_ext
WHERE stxrelid = '%OID%'
ORDER BY nsp, stxname;)sql";

constexpr char kPsqlDescribePublications[] = R"sql(SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
WHERE pc.oid ='%OID%' and pg_catalog.pg_relation_is_publishable('%OID%')
UNION
SELECT pubname
     , pg_get_expr(pr.prqual, c.oid)
     , (CASE WHEN pr.prattrs IS NOT NULL THEN
         (SELECT string_agg(attname, ', ')
           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                pg_catalog.pg_attribute
          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
        ELSE NULL END) FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
WHERE pr.prrelid = '%OID%'
UNION
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('%OID%')
ORDER BY 1;)sql";

constexpr char kPsqlDescribeInherits[] = R"sql(SELECT c.oid::pg_catalog.regclass
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhparent AND i.inhrelid = '%OID%'
  AND c.relkind != 'p' AND c.relkind != 'I'
ORDER BY inhseqno;)sql";

constexpr char kPsqlDescribePartitions[] = R"sql(SELECT c.oid::pg_catalog.regclass, c.relkind, inhdetachpending, pg_catalog.pg_get_expr(c.relpartbound, c.oid)
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhrelid AND i.inhparent = '%OID%'
ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.oid::pg_catalog.regclass::pg_catalog.text;)sql";

constexpr char kPsqlSchemas[] = R"sql(SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1;)sql";

constexpr char kPsqlRoles[] = R"sql(SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1;)sql";

constexpr char kPsqlRelations[] = R"sql(SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','v','m','S','f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;)sql";
constexpr char kJdbcTables[] = R"sql(SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND c.relname LIKE '%' AND (false  OR ( c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ) )  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME )sql";

constexpr char kJdbcAllTables[] = R"sql(SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME )sql";

constexpr char kJdbcColumns[] = R"sql(SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND c.relname LIKE 'cpu') c WHERE true  ORDER BY nspname,c.relname,attnum )sql";

constexpr char kJdbcTypeInfo[] = R"sql(SELECT t.typname,t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid)  WHERE n.nspname  != 'pg_toast' AND  (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid)))sql";

constexpr char kJdbcTypeCache[] = R"sql(SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  ORDER BY sp.r, pg_type.oid DESC)sql";

constexpr char kJdbcSchemas[] = R"sql(SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM)sql";

constexpr char kJdbcSchemasPattern[] = R"sql(SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  AND nspname LIKE 'pub%' ORDER BY TABLE_SCHEM)sql";

constexpr char kJdbcPrimaryKeys[] = R"sql(SELECT        result.TABLE_CAT,        result.TABLE_SCHEM,        result.TABLE_NAME,        result.COLUMN_NAME,        result.KEY_SEQ,        result.PK_NAME FROM      (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true  AND ct.relname = 'cpu' AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq)sql";

constexpr char kJdbcIndexInfo[] = R"sql(SELECT     tmp.TABLE_CAT,     tmp.TABLE_SCHEM,     tmp.TABLE_NAME,     tmp.NON_UNIQUE,     tmp.INDEX_QUALIFIER,     tmp.INDEX_NAME,     tmp.TYPE,     tmp.ORDINAL_POSITION,     trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS COLUMN_NAME,   CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint       WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS ASC_OR_DESC,     tmp.CARDINALITY,     tmp.PAGES,     tmp.FILTER_CONDITION FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,   CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,   (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,   ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,   i.indoption AS I_INDOPTION,   am.amname AS AM_NAME FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid) WHERE true  AND ct.relname = 'cpu') AS tmp ORDER BY NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION )sql";

constexpr char kJdbcMaxIndexKeys[] = R"sql(SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys')sql";

constexpr char kJdbcImportedKeys[] = R"sql(SELECT NULL::text AS PKTABLE_CAT, pkn.nspname AS PKTABLE_SCHEM, pkc.relname AS PKTABLE_NAME, pka.attname AS PKCOLUMN_NAME, NULL::text AS FKTABLE_CAT, fkn.nspname AS FKTABLE_SCHEM, fkc.relname AS FKTABLE_NAME, fka.attname AS FKCOLUMN_NAME, pos.n AS KEY_SEQ, CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS UPDATE_RULE, CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS DELETE_RULE, con.conname AS FK_NAME, pkic.relname AS PK_NAME, CASE  WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END AS DEFERRABILITY  FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,  pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,  pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f' AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid  AND fkc.relname = 'cpu' ORDER BY pkn.nspname,pkc.relname, con.conname,pos.n)sql";

constexpr char kJdbcResultSetColumns[] = R"sql(SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT %OID% AS oid , 1 AS attnum UNION ALL SELECT %OID%, 2 UNION ALL SELECT %OID%, 3 UNION ALL SELECT %OID%, 4 UNION ALL SELECT %OID%, 5 UNION ALL SELECT %OID%, 6 UNION ALL SELECT %OID%, 7 UNION ALL SELECT %OID%, 8 UNION ALL SELECT %OID%, 9 UNION ALL SELECT %OID%, 10 UNION ALL SELECT %OID%, 11) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum) )sql";
// psycopg 3 (psycopg/_typeinfo.py); %(name)s is the type name as a literal.
constexpr char kPsycopgTypeInfo[] = R"sql(SELECT
    typname AS name, oid, typarray AS array_oid,
    oid::regtype::text AS regtype, typdelim AS delimiter
FROM pg_type t
WHERE t.oid = to_regtype(%(name)s)
ORDER BY t.oid
)sql";
constexpr char kPsycopgTypeInfoOld[] = R"sql(SELECT
    typname AS name, oid, typarray AS array_oid,
    oid::regtype::text AS alt_name, typdelim AS delimiter
FROM pg_type t
WHERE t.oid = %(name)s::regtype
ORDER BY t.oid
)sql";
constexpr char kPsycopgRangeInfo[] = R"sql(SELECT t.typname AS name, t.oid AS oid, t.typarray AS array_oid,
    t.oid::regtype::text AS regtype,
    r.rngsubtype AS subtype_oid
FROM pg_type t
JOIN pg_range r ON t.oid = r.rngtypid
WHERE t.oid = to_regtype(%(name)s)
)sql";
constexpr char kPsycopgCompositeInfo[] = R"sql(SELECT
    t.typname AS name, t.oid AS oid, t.typarray AS array_oid,
    t.oid::regtype::text AS regtype,
    coalesce(a.fnames, '{}') AS field_names,
    coalesce(a.ftypes, '{}') AS field_types
FROM pg_type t
LEFT JOIN (
    SELECT
        attrelid,
        array_agg(attname) AS fnames,
        array_agg(atttypid) AS ftypes
    FROM (
        SELECT a.attrelid, a.attname, a.atttypid
        FROM pg_attribute a
        JOIN pg_type t ON t.typrelid = a.attrelid
        WHERE t.oid = to_regtype(%(name)s)
        AND a.attnum > 0
        AND NOT a.attisdropped
        ORDER BY a.attnum
    ) x
    GROUP BY attrelid
) a ON a.attrelid = t.typrelid
WHERE t.oid = to_regtype(%(name)s)
)sql";
constexpr char kPsycopgEnumInfo[] = R"sql(SELECT name, oid, array_oid, array_agg(label) AS labels
FROM (
    SELECT
        t.typname AS name, t.oid AS oid, t.typarray AS array_oid,
        e.enumlabel AS label
    FROM pg_type t
    LEFT JOIN  pg_enum e
    ON e.enumtypid = t.oid
    WHERE t.oid = to_regtype(%(name)s)
    ORDER BY e.enumsortorder
) x
GROUP BY name, oid, array_oid
)sql";

// pgx v5 (conn.go LoadType and its helpers); $1 as the server substitutes it.
constexpr char kPgxTypeOid[] = "select %(name)s::text::regtype::oid;";
constexpr char kPgxTypType[] = "select typtype::text, typbasetype from pg_type where oid=%(oid)s";
constexpr char kPgxTypElem[] = "select typelem from pg_type where oid=%(oid)s";
constexpr char kPgxRangeElem[] = "select rngsubtype from pg_range where rngtypid=%(oid)s";
constexpr char kPgxTypRelid[] = "select typrelid from pg_type where oid=%(oid)s";
constexpr char kPgxFields[] = R"sql(select attname, atttypid
from pg_attribute
where attrelid=%(oid)s
	and not attisdropped
	and attnum > 0
order by attnum)sql";
// clang-format on

class CatalogTest : public storage::DatabaseTest {
 protected:
  CatalogTest() : DatabaseTest("omen_catalog_", Foreground()) {}
  void SetUp() override {
    DatabaseTest::SetUp();
    QueryOptions options;
    options.backend_pid = 4242;
    engine_ = std::make_unique<SqlEngine>(db_.get(), options);
    Query(
        "CREATE TABLE cpu (time timestamptz NOT NULL, hostname text, usage_user double precision, "
        "usage_system real, cores int, note varchar(20), ok boolean, d date, big bigint, "
        "small smallint, ts timestamp)");
    Query("CREATE TABLE metrics (time timestamptz NOT NULL, host text, value double precision)");
    Query(
        "INSERT INTO cpu (time, hostname, usage_user) VALUES ('2024-01-01 00:00:00+00', 'b', 1), "
        "('2024-01-01 00:01:00+00', 'a', 2), ('2024-01-01 00:02:00+00', NULL, 3)");
    oid_ = Scalar("SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname = 'cpu'");
  }
  void TearDown() override {
    engine_.reset();
    DatabaseTest::TearDown();
  }

  // Runs one statement; a failure fails the test (and returns no rows).
  QueryResult Query(const std::string& sql) {
    auto r = engine_->Execute(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << "\nin: " << sql;
    if (!r.ok() || r->empty()) return QueryResult();
    return std::move(r->back());
  }
  std::vector<Row> Rows(const std::string& sql) { return Query(sql).rows; }
  std::string Scalar(const std::string& sql) {
    auto rows = Rows(sql);
    EXPECT_EQ(rows.size(), 1u) << sql;
    if (rows.size() != 1 || rows[0].empty() || !rows[0][0]) return "";
    return *rows[0][0];
  }
  // The SQLSTATE of a statement that must fail.
  std::string ErrorOf(const std::string& sql) {
    auto r = engine_->Execute(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? "" : std::string(r.status().SqlState());
  }
  // Column k of every row (NULL as "<null>").
  static std::vector<std::string> Column(const std::vector<Row>& rows, size_t k) {
    std::vector<std::string> out;
    for (const Row& r : rows) out.push_back(k < r.size() && r[k] ? *r[k] : "<null>");
    return out;
  }
  static std::string Replace(std::string s, const std::string& from, const std::string& to) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
      s.replace(p, from.size(), to);
    }
    return s;
  }
  std::string WithOid(const std::string& sql) { return Replace(sql, "%OID%", oid_); }

  std::unique_ptr<SqlEngine> engine_;
  std::string oid_;
};

using Strings = std::vector<std::string>;

const Strings kCpuColumns = {"time", "hostname", "usage_user", "usage_system", "cores", "note",
                             "ok",   "d",        "big",        "small",        "ts"};

TEST_F(CatalogTest, GrafanaProbesAndPickers) {
  EXPECT_EQ(Scalar(kGrafanaVersion), "1500");
  EXPECT_TRUE(Rows(kGrafanaTimescale).empty());
  EXPECT_EQ(Column(Rows(kGrafanaSchemas), 0), Strings({"public"}));
  EXPECT_EQ(Column(Rows(kGrafanaTablesInSchema), 0), Strings({"cpu", "metrics"}));
  EXPECT_EQ(Column(Rows(kGrafanaTables), 0), Strings({"cpu", "metrics"}));
  auto cols = Rows(kGrafanaColumns);
  EXPECT_EQ(Column(cols, 0), Strings({"\"time\"", "hostname", "usage_user", "usage_system", "cores",
                                      "note", "ok", "d", "big", "small", "ts"}));
  EXPECT_EQ(Column(cols, 1), Strings({"timestamp with time zone", "text", "double precision",
                                      "real", "integer", "character varying", "boolean", "date",
                                      "bigint", "smallint", "timestamp without time zone"}));
  EXPECT_EQ(Column(Rows(kGrafanaQualifiedColumns), 0), Strings({"\"time\"", "host", "value"}));
  EXPECT_EQ(Column(Rows(kGrafanaDatabases), 0), Strings({"omendb"}));
  auto old = Column(Rows(kGrafanaOldTables), 0);
  std::sort(old.begin(), old.end());
  EXPECT_EQ(old, Strings({"cpu", "metrics"}));
}

TEST_F(CatalogTest, GrafanaLegacyEditor) {
  auto metric = Rows(kGrafanaLegacyMetricTable);
  ASSERT_EQ(metric.size(), 1u);
  EXPECT_EQ(metric[0], Row({"cpu", "\"time\"", "usage_user"}));
  EXPECT_EQ(Column(Rows(kGrafanaLegacyTableQuery), 0), Strings({"cpu", "metrics"}));
  EXPECT_EQ(Column(Rows(kGrafanaLegacyTimeColumns), 0),
            Strings({"big", "cores", "\"time\"", "ts", "usage_system", "usage_user"}));
  EXPECT_EQ(Scalar(kGrafanaLegacyDatatype), "float8");
  EXPECT_TRUE(Rows(kGrafanaLegacyAggregates).empty());
  EXPECT_EQ(Column(Rows(kGrafanaLegacyValues), 0), Strings({"'a'", "'b'"}));
}

TEST_F(CatalogTest, PsqlListTablesSchemasRoles) {
  auto l = Rows(kPsqlList);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], Row({"omendb", "omendb", "UTF8", "C", "C", std::nullopt, "libc", std::nullopt}));
  for (const char* q : {kPsqlTables, kPsqlRelations}) {
    auto dt = Rows(q);
    ASSERT_EQ(dt.size(), 2u);
    EXPECT_EQ(dt[0], Row({"public", "cpu", "table", "omendb"}));
    EXPECT_EQ(dt[1], Row({"public", "metrics", "table", "omendb"}));
  }
  EXPECT_EQ(Rows(kPsqlSchemas), std::vector<Row>({Row({"public", "omendb"})}));
  auto du = Query(kPsqlRoles);
  EXPECT_EQ(du.column_names[0], "rolname");
  ASSERT_EQ(du.rows.size(), 1u);
  EXPECT_EQ(du.rows[0],
            Row({"omendb", "t", "t", "t", "t", "t", "-1", std::nullopt, "{}", "t", "t"}));
}

TEST_F(CatalogTest, PsqlDescribeTable) {
  auto lookup = Rows(kPsqlDescribeLookup);
  ASSERT_EQ(lookup.size(), 1u);
  EXPECT_EQ(lookup[0], Row({oid_, "public", "cpu"}));
  EXPECT_TRUE(Rows(Replace(kPsqlDescribeLookup, "^(cpu)$", "^(nosuch)$")).empty());
  auto table = Rows(WithOid(kPsqlDescribeTable));
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0],
            Row({"0", "r", "f", "f", "f", "f", "f", "f", "f", "", "0", "", "p", "d", "heap"}));
  auto cols = Rows(WithOid(kPsqlDescribeColumns));
  ASSERT_EQ(cols.size(), 11u);
  EXPECT_EQ(Column(cols, 0), kCpuColumns);
  EXPECT_EQ(Column(cols, 1), Strings({"timestamp with time zone", "text", "double precision",
                                      "real", "integer", "character varying(20)", "boolean", "date",
                                      "bigint", "smallint", "timestamp without time zone"}));
  EXPECT_EQ(cols[0],
            Row({"time", "timestamp with time zone", std::nullopt, "t", std::nullopt, "", ""}));
  EXPECT_EQ(cols[1], Row({"hostname", "text", std::nullopt, "f", std::nullopt, "", ""}));
  for (const char* q : {kPsqlDescribePolicies, kPsqlDescribeStatistics, kPsqlDescribePublications,
                        kPsqlDescribeInherits, kPsqlDescribePartitions}) {
    EXPECT_TRUE(Rows(WithOid(q)).empty()) << q;
  }
}

TEST_F(CatalogTest, JdbcDatabaseMetaData) {
  for (const char* q : {kJdbcTables, kJdbcAllTables}) {
    auto t = Rows(q);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0],
              Row({std::nullopt, "public", "cpu", "TABLE", std::nullopt, "", "", "", "", ""}));
    EXPECT_EQ(*t[1][2], "metrics");
  }
  auto c = Query(kJdbcColumns);
  ASSERT_EQ(c.rows.size(), 11u);
  EXPECT_EQ(c.column_names[2], "attname");
  EXPECT_EQ(Column(c.rows, 2), kCpuColumns);
  EXPECT_EQ(Column(c.rows, 3),
            Strings({"1184", "25", "701", "700", "23", "1043", "16", "1082", "20", "21", "1114"}));
  EXPECT_EQ(Column(c.rows, 4), Strings({"t", "f", "f", "f", "f", "f", "f", "f", "f", "f", "f"}));
  EXPECT_EQ(Column(c.rows, 5)[5], "24");  // varchar(20)'s typmod
  EXPECT_EQ(Column(c.rows, 8), Strings({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}));
  EXPECT_EQ(Column(c.rows, 14), Strings(11, "b"));
  auto types = Rows(kJdbcTypeInfo);
  auto names = Column(types, 0);
  for (const char* t : {"int4", "text", "timestamptz", "float8", "varchar", "bool", "_cpu"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), t), names.end()) << t;
  }
  EXPECT_GT(types.size(), 100u);
  EXPECT_EQ(std::find(names.begin(), names.end(), "cpu"), names.end());  // a table's row type
  EXPECT_EQ(Rows(kJdbcTypeCache).size(), types.size() + 2);              // ... is not listed
  EXPECT_EQ(Column(Rows(kJdbcSchemas), 0), Strings({"information_schema", "pg_catalog", "public"}));
  EXPECT_EQ(Column(Rows(kJdbcSchemasPattern), 0), Strings({"public"}));
  EXPECT_TRUE(Rows(kJdbcPrimaryKeys).empty());
  EXPECT_TRUE(Rows(kJdbcIndexInfo).empty());
  EXPECT_EQ(Scalar(kJdbcMaxIndexKeys), "32");
  EXPECT_TRUE(Rows(kJdbcImportedKeys).empty());
  auto rs = Rows(WithOid(kJdbcResultSetColumns));
  ASSERT_EQ(rs.size(), 11u);
  EXPECT_EQ(rs[0], Row({oid_, "1", "time", "cpu", "public", "t", std::nullopt}));
}

TEST_F(CatalogTest, PsycopgTypeInfo) {
  auto info = [&](const char* q, const std::string& name) {
    return Rows(Replace(q, "%(name)s", "'" + name + "'"));
  };
  EXPECT_EQ(info(kPsycopgTypeInfo, "int4"),
            std::vector<Row>({Row({"int4", "23", "1007", "integer", ","})}));
  EXPECT_EQ(
      info(kPsycopgTypeInfo, "timestamp with time zone"),
      std::vector<Row>({Row({"timestamptz", "1184", "1185", "timestamp with time zone", ","})}));
  EXPECT_TRUE(info(kPsycopgTypeInfo, "nosuch").empty());
  EXPECT_EQ(info(kPsycopgTypeInfoOld, "varchar")[0][3], "character varying");
  EXPECT_EQ(ErrorOf(Replace(kPsycopgTypeInfoOld, "%(name)s", "'nosuch'")), "42704");
  EXPECT_EQ(info(kPsycopgRangeInfo, "int4range"),
            std::vector<Row>({Row({"int4range", "3904", "3905", "int4range", "23"})}));
  EXPECT_TRUE(info(kPsycopgRangeInfo, "int4").empty());
  auto composite = info(kPsycopgCompositeInfo, "cpu");
  ASSERT_EQ(composite.size(), 1u);
  EXPECT_EQ(composite[0][0], "cpu");
  EXPECT_EQ(composite[0][4],
            "{time,hostname,usage_user,usage_system,cores,note,ok,d,big,small,ts}");
  EXPECT_EQ(composite[0][5], "{1184,25,701,700,23,1043,16,1082,20,21,1114}");
  auto plain = info(kPsycopgCompositeInfo, "int8");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0][4], "{}");
  EXPECT_EQ(info(kPsycopgEnumInfo, "text"),
            std::vector<Row>({Row({"text", "25", "1009", "{NULL}"})}));
}

TEST_F(CatalogTest, PgxLoadType) {
  auto oid_of = [&](const std::string& name) {
    return Scalar(Replace(kPgxTypeOid, "%(name)s", "'" + name + "'::text"));
  };
  auto with = [&](const char* q, const std::string& oid) {
    return Rows(Replace(q, "%(oid)s", oid));
  };
  EXPECT_EQ(oid_of("int4"), "23");
  EXPECT_EQ(oid_of("_int4"), "1007");
  EXPECT_EQ(with(kPgxTypType, "23"), std::vector<Row>({Row({"b", "0"})}));
  EXPECT_EQ(with(kPgxTypElem, oid_of("_int4")), std::vector<Row>({Row({"23"})}));
  EXPECT_EQ(with(kPgxRangeElem, oid_of("int4range")), std::vector<Row>({Row({"23"})}));
  const std::string row_type = oid_of("cpu");
  EXPECT_EQ(with(kPgxTypType, row_type), std::vector<Row>({Row({"c", "0"})}));
  EXPECT_EQ(with(kPgxTypRelid, row_type), std::vector<Row>({Row({oid_})}));
  auto fields = with(kPgxFields, oid_);
  EXPECT_EQ(Column(fields, 0), kCpuColumns);
  EXPECT_EQ(*fields[5][1], "1043");
  EXPECT_EQ(ErrorOf(Replace(kPgxTypeOid, "%(name)s", "'nosuch'")), "42704");
}

TEST_F(CatalogTest, SessionAndCatalogFunctions) {
  EXPECT_EQ(Rows("SELECT current_setting('TimeZone'), current_setting('nosuch.x', true), "
                 "current_database(), current_schema(), current_schemas(true), "
                 "current_schemas(false), current_user, session_user, user, pg_backend_pid(), "
                 "version() LIKE 'PostgreSQL 15%'"),
            std::vector<Row>({Row({"UTC", std::nullopt, "omendb", "public", "{pg_catalog,public}",
                                   "{public}", "omendb", "omendb", "omendb", "4242", "t"})}));
  EXPECT_EQ(ErrorOf("SELECT current_setting('nosuch')"), "42704");
  Query("SET search_path TO information_schema, public");
  EXPECT_EQ(Scalar("SELECT current_schemas(true)"), "{pg_catalog,information_schema,public}");
  EXPECT_EQ(Scalar("SELECT format_type(1043, 24) || '|' || format_type(1009, -1) || '|' || "
                   "format_type(23, NULL) || '|' || format_type(99999, -1) || '|' || "
                   "format_type(1700, 655366) || '|' || format_type(22, -1)"),
            "character varying(20)|text[]|integer|???|numeric(10,2)|int2vector");
  EXPECT_EQ(Rows("SELECT quote_ident('time'), quote_ident('Cpu'), quote_ident('a\"b'), "
                 "quote_ident('x_1'), quote_literal('it''s'), parse_ident('\"Foo\".bar'), "
                 "string_to_array('a,b,,c', ','), string_to_array('a b', NULL), "
                 "array_to_string(ARRAY['x', NULL, 'z'], '-', '*')"),
            std::vector<Row>({Row({"\"time\"", "\"Cpu\"", "\"a\"\"b\"", "x_1", "'it''s'",
                                   "{Foo,bar}", "{a,b,\"\",c}", "{a,\" \",b}", "x-*-z"})}));
  EXPECT_EQ(Rows("SELECT has_table_privilege('cpu', 'select'), pg_table_is_visible(" + oid_ +
                 "), obj_description(" + oid_ +
                 ", 'pg_class'), pg_get_userbyid(10), "
                 "pg_encoding_to_char(6), 'cpu'::regclass::oid::text = '" +
                 oid_ + "', " + oid_ +
                 "::regclass, 'int4'::regtype, 23::regtype, "
                 "'pg_class'::regclass::oid"),
            std::vector<Row>({Row(
                {"t", "t", std::nullopt, "omendb", "UTF8", "t", "cpu", "23", "integer", "1259"})}));
  EXPECT_EQ(ErrorOf("SELECT 'nosuch'::regclass"), "42P01");
  Query("SET statement_timeout = 100");
  EXPECT_EQ(ErrorOf("SELECT pg_sleep(10)"), "57014");
}

TEST_F(CatalogTest, ArraysRegexAndSetReturningFunctions) {
  EXPECT_EQ(Rows("SELECT 'abc' ~ 'b', 'abc' ~* 'B', 'abc' !~ 'b', 'abc' !~* 'B', "
                 "'pg_toast' OPERATOR(pg_catalog.~) '^pg_' COLLATE pg_catalog.default, 5 & 3, "
                 "5 | 3, 5 # 3, 1 << 4"),
            std::vector<Row>({Row({"t", "t", "f", "f", "t", "1", "7", "6", "16"})}));
  EXPECT_EQ(ErrorOf("SELECT 'a' ~ '('"), "2201B");
  // Linear-time matching: long subjects neither backtrack nor exhaust the stack.
  EXPECT_EQ(Rows("SELECT repeat('ab', 500000) ~ '^(a|b)*$', repeat('a', 500000) ~ '(a|aa)*c', "
                 "'aaa' ~ '^a{2,3}$', 'aaaa' ~ '^a{2,3}$', 'é' ~ '^.$', 'X' ~* '[^x]'"),
            std::vector<Row>({Row({"t", "f", "t", "f", "t", "f"})}));
  EXPECT_EQ(Rows("SELECT 1 = any('{1,2}'), 3 = any(array[1,2]), 'a' = all('{a,a}'), "
                 "NULL::int = any('{}'::int[]), 2 = any('{1,NULL}'::int[]), "
                 "(current_schemas(true))[2], (current_schemas(true))[5], "
                 "array_length('{}'::text[], 1), cardinality(array['a']), "
                 "array_upper(ARRAY[1,2,3], 1), '{1,2}'::int2[] || 3::int2"),
            std::vector<Row>({Row({"t", "f", "t", "f", std::nullopt, "public", std::nullopt,
                                   std::nullopt, "1", "3", "{1,2,3}"})}));
  EXPECT_EQ(Rows("SELECT x, n FROM generate_series(1, 10, 4) AS x, "
                 "generate_series(timestamptz '2024-01-01', '2024-01-01 01:00', '1 hour') AS n "
                 "ORDER BY 1, 2"),
            std::vector<Row>(
                {Row({"1", "2024-01-01 00:00:00+00"}), Row({"1", "2024-01-01 01:00:00+00"}),
                 Row({"5", "2024-01-01 00:00:00+00"}), Row({"5", "2024-01-01 01:00:00+00"}),
                 Row({"9", "2024-01-01 00:00:00+00"}), Row({"9", "2024-01-01 01:00:00+00"})}));
  EXPECT_EQ(Rows("SELECT generate_series(1, 3), unnest(ARRAY['a', 'b'])"),
            std::vector<Row>({Row({"1", "a"}), Row({"2", "b"}), Row({"3", std::nullopt})}));
  EXPECT_EQ(Rows("SELECT s.r, i FROM unnest('{x,y}'::text[]) WITH ORDINALITY AS s(r, n) "
                 "JOIN generate_series(1, 2) g(i) ON i = n ORDER BY 2"),
            std::vector<Row>({Row({"x", "1"}), Row({"y", "2"})}));
  EXPECT_EQ(ErrorOf("SELECT generate_series(1, 2, 0)"), "22023");
}

TEST_F(CatalogTest, JoinsUsingNaturalAndHiddenColumns) {
  Query("CREATE TABLE a (time timestamptz NOT NULL, k int, v text)");
  Query("CREATE TABLE b (time timestamptz NOT NULL, k int, w text)");
  Query(
      "INSERT INTO a VALUES ('2024-01-01', 1, 'a1'), ('2024-01-02', 2, 'a2'), "
      "('2024-01-03', NULL, 'a3')");
  Query(
      "INSERT INTO b VALUES ('2024-01-02', 2, 'b2'), ('2024-01-05', 3, 'b3'), "
      "('2024-01-06', 2, 'b2bis')");
  auto full = Query("SELECT * FROM a FULL JOIN b USING (k) ORDER BY k, v, w");
  EXPECT_EQ(full.column_names, Strings({"k", "time", "v", "time", "w"}));
  EXPECT_EQ(Column(full.rows, 0), Strings({"1", "2", "2", "3", "<null>"}));
  EXPECT_EQ(Column(full.rows, 4), Strings({"<null>", "b2", "b2bis", "b3", "<null>"}));
  EXPECT_EQ(
      Rows("SELECT a.k, b.k, k FROM a LEFT JOIN b USING (k) ORDER BY a.v, b.w"),
      std::vector<Row>({Row({"1", std::nullopt, "1"}), Row({"2", "2", "2"}), Row({"2", "2", "2"}),
                        Row({std::nullopt, std::nullopt, std::nullopt})}));
  EXPECT_EQ(Scalar("SELECT count(*) FROM a NATURAL JOIN b"), "1");  // time and k both match
  EXPECT_EQ(ErrorOf("SELECT time FROM a JOIN b ON a.k = b.k"), "42702");
  EXPECT_EQ(ErrorOf("SELECT * FROM a, a"), "42712");
  EXPECT_EQ(ErrorOf("SELECT * FROM a JOIN b USING (v)"), "42703");
  EXPECT_EQ(Rows("SELECT x.v, y.w FROM a x, b y WHERE x.k = y.k AND y.w <> 'b2' ORDER BY 1"),
            std::vector<Row>({Row({"a2", "b2bis"})}));
  auto plan =
      Column(Rows("EXPLAIN SELECT a.v FROM a JOIN b ON a.k = b.k LEFT JOIN b c ON c.w < a.v"), 0);
  bool hash = false, loop = false;
  for (const auto& line : plan) {
    hash |= line.find("Hash Join inner (1 keys)") != std::string::npos;
    loop |= line.find("Nested Loop left (0 keys, filter)") != std::string::npos;
  }
  EXPECT_TRUE(hash && loop) << ::testing::PrintToString(plan);
  auto parsed =
      Parse("SELECT a.v, b.k FROM a JOIN b ON a.k = b.k WHERE b.w = $1 AND a.k > $2::int");
  ASSERT_TRUE(parsed.ok());
  auto described = engine_->Describe((*parsed)[0]);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->column_names, Strings({"v", "k"}));
  EXPECT_EQ(described->column_types, Strings({"text", "integer"}));
  EXPECT_EQ(described->param_types, Strings({"text", "integer"}));
  EXPECT_EQ(
      Rows("SELECT v, (SELECT count(*) FROM b WHERE b.k = a.k), "
           "EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.w = 'b3'), "
           "k IN (SELECT k FROM b WHERE b.w LIKE a.v || '%' OR b.k > 2), "
           "ARRAY(SELECT w FROM b WHERE b.k = a.k ORDER BY w) FROM a ORDER BY v"),
      std::vector<Row>({Row({"a1", "0", "f", "f", "{}"}), Row({"a2", "2", "f", "f", "{b2,b2bis}"}),
                        Row({"a3", "0", "f", std::nullopt, "{}"})}));
}

}  // namespace
}  // namespace omen::sql
