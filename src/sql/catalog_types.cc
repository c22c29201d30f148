// Copyright 2026 The OmenDB Authors.

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "sql/catalog_tables.h"
#include "sql/query_internal.h"

namespace omen::sql {
namespace {

using exec::LType;
using exec::Value;

// clang-format off
const BuiltinType kBuiltinTypes[] = {
    {16, "bool", 1, true, 'b', 'B', true, 0, 1000, "boolin", "boolout", "boolrecv", "boolsend", "-", "-", 'c', 'p', 0, "-"},
    {17, "bytea", -1, false, 'b', 'U', false, 0, 1001, "byteain", "byteaout", "bytearecv", "byteasend", "-", "-", 'i', 'x', 0, "-"},
    {18, "char", 1, true, 'b', 'Z', false, 0, 1002, "charin", "charout", "charrecv", "charsend", "-", "-", 'c', 'p', 0, "-"},
    {19, "name", 64, false, 'b', 'S', false, 18, 1003, "namein", "nameout", "namerecv", "namesend", "-", "-", 'c', 'p', 950, "raw_array_subscript_handler"},
    {20, "int8", 8, true, 'b', 'N', false, 0, 1016, "int8in", "int8out", "int8recv", "int8send", "-", "-", 'd', 'p', 0, "-"},
    {21, "int2", 2, true, 'b', 'N', false, 0, 1005, "int2in", "int2out", "int2recv", "int2send", "-", "-", 's', 'p', 0, "-"},
    {22, "int2vector", -1, false, 'b', 'A', false, 21, 1006, "int2vectorin", "int2vectorout", "int2vectorrecv", "int2vectorsend", "-", "-", 'i', 'p', 0, "array_subscript_handler"},
    {23, "int4", 4, true, 'b', 'N', false, 0, 1007, "int4in", "int4out", "int4recv", "int4send", "-", "-", 'i', 'p', 0, "-"},
    {24, "regproc", 4, true, 'b', 'N', false, 0, 1008, "regprocin", "regprocout", "regprocrecv", "regprocsend", "-", "-", 'i', 'p', 0, "-"},
    {25, "text", -1, false, 'b', 'S', true, 0, 1009, "textin", "textout", "textrecv", "textsend", "-", "-", 'i', 'x', 100, "-"},
    {26, "oid", 4, true, 'b', 'N', true, 0, 1028, "oidin", "oidout", "oidrecv", "oidsend", "-", "-", 'i', 'p', 0, "-"},
    {27, "tid", 6, false, 'b', 'U', false, 0, 1010, "tidin", "tidout", "tidrecv", "tidsend", "-", "-", 's', 'p', 0, "-"},
    {28, "xid", 4, true, 'b', 'U', false, 0, 1011, "xidin", "xidout", "xidrecv", "xidsend", "-", "-", 'i', 'p', 0, "-"},
    {29, "cid", 4, true, 'b', 'U', false, 0, 1012, "cidin", "cidout", "cidrecv", "cidsend", "-", "-", 'i', 'p', 0, "-"},
    {30, "oidvector", -1, false, 'b', 'A', false, 26, 1013, "oidvectorin", "oidvectorout", "oidvectorrecv", "oidvectorsend", "-", "-", 'i', 'p', 0, "array_subscript_handler"},
    {114, "json", -1, false, 'b', 'U', false, 0, 199, "json_in", "json_out", "json_recv", "json_send", "-", "-", 'i', 'x', 0, "-"},
    {142, "xml", -1, false, 'b', 'U', false, 0, 143, "xml_in", "xml_out", "xml_recv", "xml_send", "-", "-", 'i', 'x', 0, "-"},
    {143, "_xml", -1, false, 'b', 'A', false, 142, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {199, "_json", -1, false, 'b', 'A', false, 114, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {600, "point", 16, false, 'b', 'G', false, 701, 1017, "point_in", "point_out", "point_recv", "point_send", "-", "-", 'd', 'p', 0, "raw_array_subscript_handler"},
    {650, "cidr", -1, false, 'b', 'I', false, 0, 651, "cidr_in", "cidr_out", "cidr_recv", "cidr_send", "-", "-", 'i', 'm', 0, "-"},
    {651, "_cidr", -1, false, 'b', 'A', false, 650, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {700, "float4", 4, true, 'b', 'N', false, 0, 1021, "float4in", "float4out", "float4recv", "float4send", "-", "-", 'i', 'p', 0, "-"},
    {701, "float8", 8, true, 'b', 'N', true, 0, 1022, "float8in", "float8out", "float8recv", "float8send", "-", "-", 'd', 'p', 0, "-"},
    {705, "unknown", -2, false, 'p', 'X', false, 0, 0, "unknownin", "unknownout", "unknownrecv", "unknownsend", "-", "-", 'c', 'p', 0, "-"},
    {790, "money", 8, true, 'b', 'N', false, 0, 791, "cash_in", "cash_out", "cash_recv", "cash_send", "-", "-", 'd', 'p', 0, "-"},
    {791, "_money", -1, false, 'b', 'A', false, 790, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {829, "macaddr", 6, false, 'b', 'U', false, 0, 1040, "macaddr_in", "macaddr_out", "macaddr_recv", "macaddr_send", "-", "-", 'i', 'p', 0, "-"},
    {869, "inet", -1, false, 'b', 'I', true, 0, 1041, "inet_in", "inet_out", "inet_recv", "inet_send", "-", "-", 'i', 'm', 0, "-"},
    {1000, "_bool", -1, false, 'b', 'A', false, 16, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1001, "_bytea", -1, false, 'b', 'A', false, 17, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1002, "_char", -1, false, 'b', 'A', false, 18, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1003, "_name", -1, false, 'b', 'A', false, 19, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 950, "array_subscript_handler"},
    {1005, "_int2", -1, false, 'b', 'A', false, 21, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1006, "_int2vector", -1, false, 'b', 'A', false, 22, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1007, "_int4", -1, false, 'b', 'A', false, 23, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1008, "_regproc", -1, false, 'b', 'A', false, 24, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1009, "_text", -1, false, 'b', 'A', false, 25, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 100, "array_subscript_handler"},
    {1010, "_tid", -1, false, 'b', 'A', false, 27, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1011, "_xid", -1, false, 'b', 'A', false, 28, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1012, "_cid", -1, false, 'b', 'A', false, 29, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1013, "_oidvector", -1, false, 'b', 'A', false, 30, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1014, "_bpchar", -1, false, 'b', 'A', false, 1042, 0, "array_in", "array_out", "array_recv", "array_send", "bpchartypmodin", "bpchartypmodout", 'i', 'x', 100, "array_subscript_handler"},
    {1015, "_varchar", -1, false, 'b', 'A', false, 1043, 0, "array_in", "array_out", "array_recv", "array_send", "varchartypmodin", "varchartypmodout", 'i', 'x', 100, "array_subscript_handler"},
    {1016, "_int8", -1, false, 'b', 'A', false, 20, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {1017, "_point", -1, false, 'b', 'A', false, 600, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {1021, "_float4", -1, false, 'b', 'A', false, 700, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1022, "_float8", -1, false, 'b', 'A', false, 701, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {1028, "_oid", -1, false, 'b', 'A', false, 26, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1033, "aclitem", 12, false, 'b', 'U', false, 0, 1034, "aclitemin", "aclitemout", "-", "-", "-", "-", 'i', 'p', 0, "-"},
    {1034, "_aclitem", -1, false, 'b', 'A', false, 1033, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1040, "_macaddr", -1, false, 'b', 'A', false, 829, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1041, "_inet", -1, false, 'b', 'A', false, 869, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1042, "bpchar", -1, false, 'b', 'S', false, 0, 1014, "bpcharin", "bpcharout", "bpcharrecv", "bpcharsend", "bpchartypmodin", "bpchartypmodout", 'i', 'x', 100, "-"},
    {1043, "varchar", -1, false, 'b', 'S', false, 0, 1015, "varcharin", "varcharout", "varcharrecv", "varcharsend", "varchartypmodin", "varchartypmodout", 'i', 'x', 100, "-"},
    {1082, "date", 4, true, 'b', 'D', false, 0, 1182, "date_in", "date_out", "date_recv", "date_send", "-", "-", 'i', 'p', 0, "-"},
    {1083, "time", 8, true, 'b', 'D', false, 0, 1183, "time_in", "time_out", "time_recv", "time_send", "timetypmodin", "timetypmodout", 'd', 'p', 0, "-"},
    {1114, "timestamp", 8, true, 'b', 'D', false, 0, 1115, "timestamp_in", "timestamp_out", "timestamp_recv", "timestamp_send", "timestamptypmodin", "timestamptypmodout", 'd', 'p', 0, "-"},
    {1115, "_timestamp", -1, false, 'b', 'A', false, 1114, 0, "array_in", "array_out", "array_recv", "array_send", "timestamptypmodin", "timestamptypmodout", 'd', 'x', 0, "array_subscript_handler"},
    {1182, "_date", -1, false, 'b', 'A', false, 1082, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1183, "_time", -1, false, 'b', 'A', false, 1083, 0, "array_in", "array_out", "array_recv", "array_send", "timetypmodin", "timetypmodout", 'd', 'x', 0, "array_subscript_handler"},
    {1184, "timestamptz", 8, true, 'b', 'D', true, 0, 1185, "timestamptz_in", "timestamptz_out", "timestamptz_recv", "timestamptz_send", "timestamptztypmodin", "timestamptztypmodout", 'd', 'p', 0, "-"},
    {1185, "_timestamptz", -1, false, 'b', 'A', false, 1184, 0, "array_in", "array_out", "array_recv", "array_send", "timestamptztypmodin", "timestamptztypmodout", 'd', 'x', 0, "array_subscript_handler"},
    {1186, "interval", 16, false, 'b', 'T', true, 0, 1187, "interval_in", "interval_out", "interval_recv", "interval_send", "intervaltypmodin", "intervaltypmodout", 'd', 'p', 0, "-"},
    {1187, "_interval", -1, false, 'b', 'A', false, 1186, 0, "array_in", "array_out", "array_recv", "array_send", "intervaltypmodin", "intervaltypmodout", 'd', 'x', 0, "array_subscript_handler"},
    {1231, "_numeric", -1, false, 'b', 'A', false, 1700, 0, "array_in", "array_out", "array_recv", "array_send", "numerictypmodin", "numerictypmodout", 'i', 'x', 0, "array_subscript_handler"},
    {1263, "_cstring", -1, false, 'b', 'A', false, 2275, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {1266, "timetz", 12, false, 'b', 'D', false, 0, 1270, "timetz_in", "timetz_out", "timetz_recv", "timetz_send", "timetztypmodin", "timetztypmodout", 'd', 'p', 0, "-"},
    {1270, "_timetz", -1, false, 'b', 'A', false, 1266, 0, "array_in", "array_out", "array_recv", "array_send", "timetztypmodin", "timetztypmodout", 'd', 'x', 0, "array_subscript_handler"},
    {1560, "bit", -1, false, 'b', 'V', false, 0, 1561, "bit_in", "bit_out", "bit_recv", "bit_send", "bittypmodin", "bittypmodout", 'i', 'x', 0, "-"},
    {1561, "_bit", -1, false, 'b', 'A', false, 1560, 0, "array_in", "array_out", "array_recv", "array_send", "bittypmodin", "bittypmodout", 'i', 'x', 0, "array_subscript_handler"},
    {1562, "varbit", -1, false, 'b', 'V', true, 0, 1563, "varbit_in", "varbit_out", "varbit_recv", "varbit_send", "varbittypmodin", "varbittypmodout", 'i', 'x', 0, "-"},
    {1563, "_varbit", -1, false, 'b', 'A', false, 1562, 0, "array_in", "array_out", "array_recv", "array_send", "varbittypmodin", "varbittypmodout", 'i', 'x', 0, "array_subscript_handler"},
    {1700, "numeric", -1, false, 'b', 'N', false, 0, 1231, "numeric_in", "numeric_out", "numeric_recv", "numeric_send", "numerictypmodin", "numerictypmodout", 'i', 'm', 0, "-"},
    {2202, "regprocedure", 4, true, 'b', 'N', false, 0, 2207, "regprocedurein", "regprocedureout", "regprocedurerecv", "regproceduresend", "-", "-", 'i', 'p', 0, "-"},
    {2205, "regclass", 4, true, 'b', 'N', false, 0, 2210, "regclassin", "regclassout", "regclassrecv", "regclasssend", "-", "-", 'i', 'p', 0, "-"},
    {2206, "regtype", 4, true, 'b', 'N', false, 0, 2211, "regtypein", "regtypeout", "regtyperecv", "regtypesend", "-", "-", 'i', 'p', 0, "-"},
    {2207, "_regprocedure", -1, false, 'b', 'A', false, 2202, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {2210, "_regclass", -1, false, 'b', 'A', false, 2205, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {2211, "_regtype", -1, false, 'b', 'A', false, 2206, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {2249, "record", -1, false, 'p', 'P', false, 0, 2287, "record_in", "record_out", "record_recv", "record_send", "-", "-", 'd', 'x', 0, "-"},
    {2275, "cstring", -2, false, 'p', 'P', false, 0, 1263, "cstring_in", "cstring_out", "cstring_recv", "cstring_send", "-", "-", 'c', 'p', 0, "-"},
    {2276, "any", 4, true, 'p', 'P', false, 0, 0, "any_in", "any_out", "-", "-", "-", "-", 'i', 'p', 0, "-"},
    {2277, "anyarray", -1, false, 'p', 'P', false, 0, 0, "anyarray_in", "anyarray_out", "anyarray_recv", "anyarray_send", "-", "-", 'd', 'x', 0, "-"},
    {2278, "void", 4, true, 'p', 'P', false, 0, 0, "void_in", "void_out", "void_recv", "void_send", "-", "-", 'i', 'p', 0, "-"},
    {2279, "trigger", 4, true, 'p', 'P', false, 0, 0, "trigger_in", "trigger_out", "-", "-", "-", "-", 'i', 'p', 0, "-"},
    {2283, "anyelement", 4, true, 'p', 'P', false, 0, 0, "anyelement_in", "anyelement_out", "-", "-", "-", "-", 'i', 'p', 0, "-"},
    {2287, "_record", -1, false, 'p', 'P', false, 2249, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {2950, "uuid", 16, false, 'b', 'U', false, 0, 2951, "uuid_in", "uuid_out", "uuid_recv", "uuid_send", "-", "-", 'c', 'p', 0, "-"},
    {2951, "_uuid", -1, false, 'b', 'A', false, 2950, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {3802, "jsonb", -1, false, 'b', 'U', false, 0, 3807, "jsonb_in", "jsonb_out", "jsonb_recv", "jsonb_send", "-", "-", 'i', 'x', 0, "jsonb_subscript_handler"},
    {3807, "_jsonb", -1, false, 'b', 'A', false, 3802, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {3904, "int4range", -1, false, 'r', 'R', false, 0, 3905, "range_in", "range_out", "range_recv", "range_send", "-", "-", 'i', 'x', 0, "-"},
    {3905, "_int4range", -1, false, 'b', 'A', false, 3904, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {3906, "numrange", -1, false, 'r', 'R', false, 0, 3907, "range_in", "range_out", "range_recv", "range_send", "-", "-", 'i', 'x', 0, "-"},
    {3907, "_numrange", -1, false, 'b', 'A', false, 3906, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {3908, "tsrange", -1, false, 'r', 'R', false, 0, 3909, "range_in", "range_out", "range_recv", "range_send", "-", "-", 'd', 'x', 0, "-"},
    {3909, "_tsrange", -1, false, 'b', 'A', false, 3908, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {3910, "tstzrange", -1, false, 'r', 'R', false, 0, 3911, "range_in", "range_out", "range_recv", "range_send", "-", "-", 'd', 'x', 0, "-"},
    {3911, "_tstzrange", -1, false, 'b', 'A', false, 3910, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {3912, "daterange", -1, false, 'r', 'R', false, 0, 3913, "range_in", "range_out", "range_recv", "range_send", "-", "-", 'i', 'x', 0, "-"},
    {3913, "_daterange", -1, false, 'b', 'A', false, 3912, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {3926, "int8range", -1, false, 'r', 'R', false, 0, 3927, "range_in", "range_out", "range_recv", "range_send", "-", "-", 'd', 'x', 0, "-"},
    {3927, "_int8range", -1, false, 'b', 'A', false, 3926, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'd', 'x', 0, "array_subscript_handler"},
    {4089, "regnamespace", 4, true, 'b', 'N', false, 0, 4090, "regnamespacein", "regnamespaceout", "regnamespacerecv", "regnamespacesend", "-", "-", 'i', 'p', 0, "-"},
    {4090, "_regnamespace", -1, false, 'b', 'A', false, 4089, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {4096, "regrole", 4, true, 'b', 'N', false, 0, 4097, "regrolein", "regroleout", "regrolerecv", "regrolesend", "-", "-", 'i', 'p', 0, "-"},
    {4097, "_regrole", -1, false, 'b', 'A', false, 4096, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", 'i', 'x', 0, "array_subscript_handler"},
    {4451, "int4multirange", -1, false, 'm', 'R', false, 0, 6150, "multirange_in", "multirange_out", "multirange_recv", "multirange_send", "-", "-", 'i', 'x', 0, "-"},
    {4532, "nummultirange", -1, false, 'm', 'R', false, 0, 6151, "multirange_in", "multirange_out", "multirange_recv", "multirange_send", "-", "-", 'i', 'x', 0, "-"},
    {4533, "tsmultirange", -1, false, 'm', 'R', false, 0, 6152, "multirange_in", "multirange_out", "multirange_recv", "multirange_send", "-", "-", 'd', 'x', 0, "-"},
    {4534, "tstzmultirange", -1, false, 'm', 'R', false, 0, 6153, "multirange_in", "multirange_out", "multirange_recv", "multirange_send", "-", "-", 'd', 'x', 0, "-"},
    {4535, "datemultirange", -1, false, 'm', 'R', false, 0, 6155, "multirange_in", "multirange_out", "multirange_recv", "multirange_send", "-", "-", 'i', 'x', 0, "-"},
    {4536, "int8multirange", -1, false, 'm', 'R', false, 0, 6157, "multirange_in", "multirange_out", "multirange_recv", "multirange_send", "-", "-", 'd', 'x', 0, "-"},
};
// clang-format on

const BuiltinType* FindBuiltinByName(std::string_view name) {
  for (const BuiltinType& t : kBuiltinTypes) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

// PostgreSQL's SQL-standard spellings of built-in types (format_type without a typmod).
const char* StandardName(uint32_t oid) {
  switch (oid) {
    case 16:
      return "boolean";
    case 18:
      return "\"char\"";
    case 20:
      return "bigint";
    case 21:
      return "smallint";
    case 23:
      return "integer";
    case 700:
      return "real";
    case 701:
      return "double precision";
    case 1042:
      return "character";
    case 1043:
      return "character varying";
    case 1083:
      return "time without time zone";
    case 1114:
      return "timestamp without time zone";
    case 1184:
      return "timestamp with time zone";
    case 1266:
      return "time with time zone";
    case 1562:
      return "bit varying";
    default:
      return nullptr;
  }
}

// Relations of pg_catalog with their PostgreSQL oids (for 'pg_class'::regclass and friends).
struct CatalogRelationOid {
  const char* name;
  uint32_t oid;
};
const CatalogRelationOid kCatalogRelationOids[] = {
    {"pg_type", 1247},
    {"pg_attribute", 1249},
    {"pg_proc", 1255},
    {"pg_class", 1259},
    {"pg_authid", 1260},
    {"pg_database", 1262},
    {"pg_tablespace", 1213},
    {"pg_namespace", 2615},
    {"pg_index", 2610},
    {"pg_constraint", 2606},
    {"pg_inherits", 2611},
    {"pg_attrdef", 2604},
    {"pg_description", 2609},
    {"pg_am", 2601},
    {"pg_extension", 3079},
    {"pg_range", 3541},
    {"pg_enum", 3501},
    {"pg_collation", 3456},
    {"pg_trigger", 2620},
    {"pg_policy", 3256},
    {"pg_auth_members", 1261},
    {"pg_statistic_ext", 3381},
    {"pg_publication", 6104},
    {"pg_publication_rel", 6106},
    {"pg_publication_namespace", 6237},
    {"pg_aggregate", 2600},
    {"pg_settings", 12186},
    {"pg_roles", 12001},
    {"pg_user", 12005},
    {"pg_tables", 12020},
    {"pg_views", 12016},
    {"pg_indexes", 12041},
};

std::string StripQuotes(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == '"' && i + 2 < s.size() && s[i + 1] == '"') ++i;
    }
    return out;
  }
  return AsciiLower(s);
}

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// Splits "schema.name" (either part may be quoted) into its parts; the schema is empty when
// not given. Names are folded to lower case unless quoted.
std::pair<std::string, std::string> SplitQualified(std::string_view text) {
  const std::string s = Trim(text);
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == '.' && !quoted) {
      return {StripQuotes(Trim(s.substr(0, i))), StripQuotes(Trim(s.substr(i + 1)))};
    }
  }
  return {"", StripQuotes(s)};
}

}  // namespace

const BuiltinType* FindBuiltin(uint32_t oid) {
  for (const BuiltinType& t : kBuiltinTypes) {
    if (t.oid == oid) return &t;
  }
  return nullptr;
}

std::vector<const BuiltinType*> BuiltinTypes() {
  std::vector<const BuiltinType*> out;
  for (const BuiltinType& t : kBuiltinTypes) out.push_back(&t);
  return out;
}

uint32_t TableOid(const storage::TableDef& t) { return static_cast<uint32_t>(16384 + 3 * t.id); }
uint32_t TableRowTypeOid(const storage::TableDef& t) { return TableOid(t) + 1; }

uint32_t TypeOidOf(storage::SqlType t) {
  switch (t) {
    case storage::SqlType::kBoolean:
      return 16;
    case storage::SqlType::kSmallint:
      return 21;
    case storage::SqlType::kInteger:
      return 23;
    case storage::SqlType::kBigint:
      return 20;
    case storage::SqlType::kReal:
      return 700;
    case storage::SqlType::kDouble:
      return 701;
    case storage::SqlType::kText:
      return 25;
    case storage::SqlType::kVarchar:
      return 1043;
    case storage::SqlType::kTimestamp:
      return 1114;
    case storage::SqlType::kTimestamptz:
      return 1184;
    case storage::SqlType::kDate:
      return 1082;
  }
  return 25;
}

uint32_t TypeOidOf(LType t) {
  switch (t) {
    case LType::kNull:
      return 705;
    case LType::kBool:
      return 16;
    case LType::kInt16:
      return 21;
    case LType::kInt32:
      return 23;
    case LType::kInt64:
      return 20;
    case LType::kFloat32:
      return 700;
    case LType::kFloat64:
      return 701;
    case LType::kNumeric:
      return 1700;
    case LType::kText:
      return 25;
    case LType::kTimestamp:
      return 1114;
    case LType::kTimestampTz:
      return 1184;
    case LType::kDate:
      return 1082;
    case LType::kInterval:
      return 1186;
    case LType::kOid:
      return 26;
    case LType::kTextArray:
      return 1009;
    case LType::kInt16Array:
      return 1005;
    case LType::kInt32Array:
      return 1007;
    case LType::kInt64Array:
      return 1016;
    case LType::kOidArray:
      return 1028;
    case LType::kTime:
      return 1083;
  }
  return 25;
}

int32_t TypeModOf(const storage::ColumnDef& c) {
  return c.type == storage::SqlType::kVarchar && c.max_length >= 0 ? c.max_length + 4 : -1;
}

std::shared_ptr<const storage::TableDef> TableByOid(uint32_t oid, const storage::Database* db) {
  if (db == nullptr || oid < 16384 || (oid - 16384) % 3 != 0) return nullptr;
  for (const auto& t : db->Tables()) {
    if (TableOid(*t) == oid) return t;
  }
  return nullptr;
}

std::optional<std::string> FormatType(uint32_t oid, int32_t typmod, const storage::Database* db) {
  if (const BuiltinType* t = FindBuiltin(oid)) {
    if (t->elem != 0 && t->name[0] == '_') {  // an array type (not int2vector, oidvector)
      auto e = FormatType(t->elem, typmod, db);
      return e ? *e + "[]" : std::optional<std::string>();
    }
    std::string name = StandardName(oid) != nullptr ? StandardName(oid) : t->name;
    if (typmod >= 0) {
      if (oid == 1043 || oid == 1042) {
        name += "(" + std::to_string(typmod - 4) + ")";
      } else if (oid == 1700 && typmod >= 4) {
        const int32_t m = typmod - 4;
        name += "(" + std::to_string((m >> 16) & 0xffff) + "," + std::to_string(m & 0xffff) + ")";
      } else if (oid == 1114 || oid == 1184) {
        const bool tz = oid == 1184;
        name = "timestamp(" + std::to_string(typmod) +
               (tz ? ") with time zone" : ") without time zone");
      }
    }
    return name;
  }
  for (const auto& t :
       db != nullptr ? db->Tables() : std::vector<std::shared_ptr<const storage::TableDef>>()) {
    if (TableRowTypeOid(*t) == oid) return t->name;
    if (TableRowTypeOid(*t) + 1 == oid) return t->name + "[]";
  }
  return std::nullopt;
}

std::optional<uint32_t> LookupTypeOid(std::string_view text, const storage::Database* db) {
  std::string s = Trim(text);
  bool array = false;
  if (s.size() > 2 && s.substr(s.size() - 2) == "[]") {
    array = true;
    s = Trim(s.substr(0, s.size() - 2));
  }
  // A type modifier ("varchar(20)", "numeric(10,2)") names the same type.
  if (!s.empty() && s.back() == ')') {
    const size_t open = s.rfind('(');
    if (open != std::string::npos) s = Trim(s.substr(0, open));
  }
  auto [schema, name] = SplitQualified(s);
  if (!schema.empty() && schema != "pg_catalog" && schema != "public") return std::nullopt;
  // Multi-word and alias spellings of built-in types.
  static const std::pair<const char*, const char*> kAliases[] = {
      {"integer", "int4"},
      {"int", "int4"},
      {"smallint", "int2"},
      {"bigint", "int8"},
      {"real", "float4"},
      {"double precision", "float8"},
      {"float", "float8"},
      {"boolean", "bool"},
      {"character varying", "varchar"},
      {"character", "bpchar"},
      {"decimal", "numeric"},
      {"timestamp without time zone", "timestamp"},
      {"timestamp with time zone", "timestamptz"},
      {"time without time zone", "time"},
      {"time with time zone", "timetz"},
      {"bit varying", "varbit"},
  };
  std::string canon = name;
  for (size_t p; (p = canon.find("  ")) != std::string::npos;) canon.erase(p, 1);
  for (const auto& [alias, real] : kAliases) {
    if (canon == alias) canon = real;
  }
  uint32_t oid = 0;
  if (schema != "public") {
    if (const BuiltinType* t = FindBuiltinByName(canon)) oid = t->oid;
  }
  if (oid == 0 && schema != "pg_catalog" && db != nullptr) {
    for (const auto& t : db->Tables()) {
      if (t->name == name) oid = TableRowTypeOid(*t);
      if ("_" + t->name == name) oid = TableRowTypeOid(*t) + 1;
    }
  }
  if (oid == 0) return std::nullopt;
  if (!array) return oid;
  if (const BuiltinType* t = FindBuiltin(oid)) {
    return t->array != 0 ? std::optional<uint32_t>(t->array) : std::nullopt;
  }
  return oid + 1;  // a table's row type: its array type follows it
}

std::optional<uint32_t> LookupRelationOid(std::string_view text, const storage::Database* db) {
  auto [schema, name] = SplitQualified(text);
  if (schema.empty() || schema == "pg_catalog") {
    for (const auto& r : kCatalogRelationOids) {
      if (name == r.name) return r.oid;
    }
  }
  if ((schema.empty() || schema == "public") && db != nullptr) {
    if (auto t = db->FindTable(name)) return TableOid(*t);
  }
  return std::nullopt;
}

std::optional<uint32_t> LookupNamespaceOid(std::string_view text) {
  const std::string name = StripQuotes(Trim(text));
  if (name == "pg_catalog") return kOidPgCatalog;
  if (name == "public") return kOidPublic;
  if (name == "information_schema") return kOidInformationSchema;
  return std::nullopt;
}

std::string RelationNameOf(uint32_t oid, const storage::Database* db) {
  for (const auto& r : kCatalogRelationOids) {
    if (r.oid == oid) return r.name;
  }
  if (auto t = TableByOid(oid, db)) return t->name;
  return std::to_string(oid);
}

std::string NamespaceNameOf(uint32_t oid) {
  switch (oid) {
    case kOidPgCatalog:
      return "pg_catalog";
    case kOidPublic:
      return "public";
    case kOidInformationSchema:
      return "information_schema";
    default:
      return std::to_string(oid);
  }
}

std::string TypeNameOf(uint32_t oid, const storage::Database* db) {
  auto name = FormatType(oid, -1, db);
  return name ? *name : std::to_string(oid);
}

}  // namespace omen::sql
