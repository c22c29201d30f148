// Copyright 2026 The OmenDB Authors.
//
// UserStore: the persisted roles that may connect (DATA/catalog/USERS): name, password in
// PostgreSQL's stored form (rolpassword: a "SCRAM-SHA-256$..." verifier or an "md5..." hash;
// empty: no password), and the attributes OmenDB honours (superuser, login). Every change is
// written atomically (temporary file, fsync, rename) before it becomes visible, framed like
// CATALOG (header with length and CRC32C); a corrupt file is an error, never replaced. Hashing
// passwords is the caller's business (the server owns the cryptography). Thread-safe.

#ifndef OMENDB_STORAGE_USERS_H_
#define OMENDB_STORAGE_USERS_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/env.h"

namespace omen::storage {

struct UserRecord {
  std::string name;
  std::string password;  // rolpassword; empty: none (password authentication fails)
  bool superuser = false;
  bool login = true;
  // The server's own user (--user/--password): written at every start, not by SQL.
  bool builtin = false;
  uint32_t oid = 0;  // assigned by the store
};

class UserStore {
 public:
  // Role oids are counted from here, clear of the oids the SQL catalog gives tables and types.
  static constexpr uint32_t kFirstOid = 1000000000;

  // Loads DIR/USERS, or starts empty when the file does not exist.
  static Result<std::unique_ptr<UserStore>> Open(Env* env, std::string dir);

  // AlreadyExists (42710) for a taken name.
  Status Create(UserRecord user);
  // Replaces the record of user.name (its oid kept); NotFound (42704) when absent.
  Status Update(UserRecord user);
  // Creates or replaces (the server's own user at start); writes nothing when unchanged.
  Status Put(UserRecord user);
  // NotFound (42704) when absent.
  Status Drop(const std::string& name);

  std::optional<UserRecord> Find(const std::string& name) const;
  std::vector<UserRecord> List() const;  // by name

  // Serialization, exposed for tests.
  static std::string Encode(const std::map<std::string, UserRecord>& users, uint32_t next_oid);

 private:
  UserStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  Status Load();
  Status Commit(std::map<std::string, UserRecord> users, uint32_t next_oid);

  Env* const env_;
  const std::string dir_;
  mutable std::mutex mu_;
  std::map<std::string, UserRecord> users_;  // GUARDED_BY(mu_)
  uint32_t next_oid_ = kFirstOid;            // GUARDED_BY(mu_)
};

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_USERS_H_
