// Copyright 2026 The OmenDB Authors.
//
// Catalog: the persisted set of table definitions (DATA/catalog/CATALOG), with
// a version number bumped by every change. Each change is written atomically
// (temporary file, fsync, rename, directory fsync) before it becomes visible,
// so a crash leaves the old or the new catalog. The file is JSON behind a
// header line carrying its length and CRC32C; a corrupt catalog is an error,
// never silently replaced. Thread-safe; definitions are immutable snapshots.

#ifndef OMENDB_STORAGE_CATALOG_H_
#define OMENDB_STORAGE_CATALOG_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/env.h"
#include "storage/schema.h"

namespace omen::storage {

class Catalog {
 public:
  // Loads DIR/CATALOG, or starts empty when the file does not exist.
  static Result<std::unique_ptr<Catalog>> Open(Env* env, std::string dir);

  // Assigns the id, persists, and returns the stored definition. AlreadyExists for a taken name.
  Result<std::shared_ptr<const TableDef>> CreateTable(TableDef def);
  Status DropTable(const std::string& name);
  // Appends a nullable column (NOT NULL is refused: existing rows have no value).
  Result<std::shared_ptr<const TableDef>> AddColumn(const std::string& table, ColumnDef column);
  // Replaces the options of a table (validated by the caller).
  Result<std::shared_ptr<const TableDef>> SetOptions(const std::string& table,
                                                     TableOptions options);

  std::shared_ptr<const TableDef> Find(const std::string& name) const;
  std::shared_ptr<const TableDef> FindById(uint64_t id) const;
  std::vector<std::shared_ptr<const TableDef>> Tables() const;
  uint64_t version() const;

  // Serialization, exposed for tests.
  static std::string Encode(uint64_t version, uint64_t next_id,
                            const std::vector<std::shared_ptr<const TableDef>>& tables);

 private:
  Catalog(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  Status Load();
  Status LoadJson(const std::string& path, std::string_view body);
  // Persists `tables` as the next version; on success installs it.
  Status Commit(std::map<std::string, std::shared_ptr<const TableDef>> tables, uint64_t next_id);

  Env* const env_;
  const std::string dir_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const TableDef>> tables_;  // GUARDED_BY(mu_)
  uint64_t version_ = 0;                                           // GUARDED_BY(mu_)
  uint64_t next_id_ = 1;                                           // GUARDED_BY(mu_)
};

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_CATALOG_H_
