// Copyright 2026 The OmenDB Authors.

#include "storage/catalog.h"

#include <nlohmann/json.hpp>

#include "storage/checksummed_file.h"

namespace omen::storage {
namespace {

constexpr char kMagic[] = "OMENCAT1";
constexpr int kFormatVersion = 1;

nlohmann::json TableToJson(const TableDef& t) {
  nlohmann::json cols = nlohmann::json::array();
  for (const ColumnDef& c : t.columns) {
    cols.push_back({{"name", c.name},
                    {"type", SqlTypeName(c.type)},
                    {"nullable", c.nullable},
                    {"max_length", c.max_length}});
  }
  const TableOptions& o = t.options;
  return {{"id", t.id},
          {"name", t.name},
          {"columns", cols},
          {"time_column", t.columns[t.time_column].name},
          {"schema_version", t.schema_version},
          {"options",
           {{"partition_by", PartitionByName(o.partition_by)},
            {"compression", CompressionName(o.compression)},
            {"sort_key", o.sort_key},
            {"flush_rows", o.flush_rows},
            {"batch_rows", o.batch_rows},
            {"compact_target_rows", o.compact_target_rows},
            {"retention_us", o.retention_us}}}};
}

Result<TableDef> TableFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("columns") || !j["columns"].is_array()) {
    return Status::Corruption("catalog: table entry is not an object with columns");
  }
  TableDef t;
  t.id = j.value("id", uint64_t{0});
  t.name = j.value("name", std::string());
  t.schema_version = j.value("schema_version", uint64_t{1});
  for (const auto& c : j["columns"]) {
    if (!c.is_object()) return Status::Corruption("catalog: column entry is not an object");
    ColumnDef col;
    col.name = c.value("name", std::string());
    auto type = SqlTypeFromName(c.value("type", std::string()));
    if (!type) return Status::Corruption("catalog: unknown column type in " + t.name);
    col.type = *type;
    col.nullable = c.value("nullable", true);
    col.max_length = c.value("max_length", -1);
    t.columns.push_back(std::move(col));
  }
  const nlohmann::json opts = j.value("options", nlohmann::json::object());
  auto part = PartitionByFromName(opts.value("partition_by", std::string("day")));
  auto comp = CompressionFromName(opts.value("compression", std::string("none")));
  if (!part || !comp) return Status::Corruption("catalog: bad options in " + t.name);
  t.options.partition_by = *part;
  t.options.compression = *comp;
  t.options.sort_key = opts.value("sort_key", std::string());
  t.options.flush_rows = opts.value("flush_rows", t.options.flush_rows);
  t.options.batch_rows = opts.value("batch_rows", t.options.batch_rows);
  t.options.compact_target_rows = opts.value("compact_target_rows", t.options.compact_target_rows);
  t.options.retention_us = opts.value("retention_us", int64_t{0});
  Status s = ValidateTableDef(&t, j.value("time_column", std::string()));
  if (!s.ok()) return Status::Corruption("catalog: " + std::string(s.message()));
  return t;
}

}  // namespace

std::string Catalog::Encode(uint64_t version, uint64_t next_id,
                            const std::vector<std::shared_ptr<const TableDef>>& tables) {
  nlohmann::json j;
  j["format"] = kFormatVersion;
  j["version"] = version;
  j["next_table_id"] = next_id;
  j["tables"] = nlohmann::json::array();
  for (const auto& t : tables) j["tables"].push_back(TableToJson(*t));
  return FrameChecksummed(kMagic, j.dump(1));
}

Result<std::unique_ptr<Catalog>> Catalog::Open(Env* env, std::string dir) {
  OMEN_RETURN_IF_ERROR(env->CreateDirs(dir));
  std::unique_ptr<Catalog> catalog(new Catalog(env, std::move(dir)));
  OMEN_RETURN_IF_ERROR(catalog->Load());
  return catalog;
}

Status Catalog::Load() {
  std::string path = dir_ + "/CATALOG";
  if (!env_->FileExists(path)) return Status::OK();
  OMEN_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(path));
  auto body = UnframeChecksummed(kMagic, bytes);
  if (!body.ok()) return body.status().WithContext("catalog " + path);
  try {
    return LoadJson(path, *body);
  } catch (const std::exception& e) {  // a field of the wrong JSON type
    return Status::Corruption("catalog " + path + ": " + e.what());
  }
}

Status Catalog::LoadJson(const std::string& path, std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("tables") || !j["tables"].is_array()) {
    return Status::Corruption("catalog " + path + ": not a catalog document");
  }
  if (j.value("format", 0) != kFormatVersion) {
    return Status::NotSupported("catalog " + path + ": unknown format version");
  }
  version_ = j.value("version", uint64_t{0});
  next_id_ = j.value("next_table_id", uint64_t{1});
  for (const auto& tj : j["tables"]) {
    OMEN_ASSIGN_OR_RETURN(TableDef t, TableFromJson(tj));
    if (t.id == 0 || t.id >= next_id_) return Status::Corruption("catalog: bad table id");
    std::string name = t.name;
    tables_[name] = std::make_shared<const TableDef>(std::move(t));
  }
  return Status::OK();
}

Status Catalog::Commit(std::map<std::string, std::shared_ptr<const TableDef>> tables,
                       uint64_t next_id) {
  std::vector<std::shared_ptr<const TableDef>> list;
  for (const auto& [name, t] : tables) list.push_back(t);
  OMEN_RETURN_IF_ERROR(
      WriteFileAtomic(env_, dir_ + "/CATALOG", Encode(version_ + 1, next_id, list)));
  tables_ = std::move(tables);
  next_id_ = next_id;
  ++version_;
  return Status::OK();
}

Result<std::shared_ptr<const TableDef>> Catalog::CreateTable(TableDef def) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tables_.count(def.name) != 0) {
    return Status::AlreadyExists("relation \"" + def.name + "\" already exists");
  }
  def.id = next_id_;
  auto stored = std::make_shared<const TableDef>(std::move(def));
  auto tables = tables_;
  tables[stored->name] = stored;
  OMEN_RETURN_IF_ERROR(Commit(std::move(tables), next_id_ + 1));
  return stored;
}

Status Catalog::DropTable(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tables_.count(name) == 0) {
    return Status::NotFound("table \"" + name + "\" does not exist");
  }
  auto tables = tables_;
  tables.erase(name);
  return Commit(std::move(tables), next_id_);
}

Result<std::shared_ptr<const TableDef>> Catalog::AddColumn(const std::string& table,
                                                           ColumnDef column) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(table);
  if (it == tables_.end()) return Status::NotFound("table \"" + table + "\" does not exist");
  if (it->second->ColumnIndex(column.name) >= 0) {
    return Status::AlreadyExists("column \"" + column.name + "\" of relation \"" + table +
                                 "\" already exists");
  }
  if (!column.nullable) {
    return Status::InvalidArgument("column \"" + column.name +
                                   "\" cannot be added as NOT NULL: existing rows have no value");
  }
  auto def = std::make_shared<TableDef>(*it->second);
  def->columns.push_back(std::move(column));
  def->schema_version++;
  auto tables = tables_;
  tables[table] = def;
  OMEN_RETURN_IF_ERROR(Commit(std::move(tables), next_id_));
  return std::shared_ptr<const TableDef>(def);
}

Result<std::shared_ptr<const TableDef>> Catalog::SetOptions(const std::string& table,
                                                            TableOptions options) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(table);
  if (it == tables_.end()) return Status::NotFound("table \"" + table + "\" does not exist");
  auto def = std::make_shared<TableDef>(*it->second);
  def->options = std::move(options);
  OMEN_RETURN_IF_ERROR(ValidateTableDef(def.get(), def->columns[def->time_column].name));
  def->schema_version++;
  auto tables = tables_;
  tables[table] = def;
  OMEN_RETURN_IF_ERROR(Commit(std::move(tables), next_id_));
  return std::shared_ptr<const TableDef>(def);
}

std::shared_ptr<const TableDef> Catalog::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

std::shared_ptr<const TableDef> Catalog::FindById(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, t] : tables_) {
    if (t->id == id) return t;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const TableDef>> Catalog::Tables() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const TableDef>> out;
  for (const auto& [name, t] : tables_) out.push_back(t);
  return out;
}

uint64_t Catalog::version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return version_;
}

}  // namespace omen::storage
