// Copyright 2026 The OmenDB Authors.

#include "storage/users.h"

#include <nlohmann/json.hpp>

#include "storage/checksummed_file.h"

namespace omen::storage {
namespace {

constexpr char kMagic[] = "OMENUSR1";
constexpr int kFormatVersion = 1;

Status NoSuchRole(const std::string& name) {
  return Status::NotFound("role \"" + name + "\" does not exist").WithSqlState("42704");
}

}  // namespace

Result<std::unique_ptr<UserStore>> UserStore::Open(Env* env, std::string dir) {
  std::unique_ptr<UserStore> store(new UserStore(env, std::move(dir)));
  OMEN_RETURN_IF_ERROR(store->Load());
  return store;
}

Status UserStore::Load() {
  const std::string path = dir_ + "/USERS";
  if (!env_->FileExists(path)) return Status::OK();
  OMEN_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(path));
  auto body = UnframeChecksummed(kMagic, bytes);
  if (!body.ok()) return body.status().WithContext("users " + path);
  nlohmann::json j = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("users") || !j["users"].is_array()) {
    return Status::Corruption("users " + path + ": not a users document");
  }
  if (j.value("format", 0) != kFormatVersion) {
    return Status::NotSupported("users " + path + ": unknown format version");
  }
  try {
    next_oid_ = j.value("next_oid", kFirstOid);
    for (const auto& u : j["users"]) {
      UserRecord r;
      r.name = u.at("name").get<std::string>();
      r.password = u.value("password", std::string());
      r.superuser = u.value("superuser", false);
      r.login = u.value("login", true);
      r.builtin = u.value("builtin", false);
      r.oid = u.at("oid").get<uint32_t>();
      if (r.name.empty() || r.oid == 0 || r.oid >= next_oid_ || users_.count(r.name) != 0) {
        return Status::Corruption("users " + path + ": bad user entry");
      }
      users_[r.name] = std::move(r);
    }
  } catch (const std::exception& e) {  // a field of the wrong JSON type
    return Status::Corruption("users " + path + ": " + e.what());
  }
  return Status::OK();
}

std::string UserStore::Encode(const std::map<std::string, UserRecord>& users, uint32_t next_oid) {
  nlohmann::json j;
  j["format"] = kFormatVersion;
  j["next_oid"] = next_oid;
  j["users"] = nlohmann::json::array();
  for (const auto& [name, u] : users) {
    j["users"].push_back({{"name", u.name},
                          {"password", u.password},
                          {"superuser", u.superuser},
                          {"login", u.login},
                          {"builtin", u.builtin},
                          {"oid", u.oid}});
  }
  return FrameChecksummed(kMagic, j.dump(1) + "\n");
}

Status UserStore::Commit(std::map<std::string, UserRecord> users, uint32_t next_oid) {
  OMEN_RETURN_IF_ERROR(WriteFileAtomic(env_, dir_ + "/USERS", Encode(users, next_oid)));
  users_ = std::move(users);
  next_oid_ = next_oid;
  return Status::OK();
}

Status UserStore::Create(UserRecord user) {
  std::lock_guard<std::mutex> lock(mu_);
  if (users_.count(user.name) != 0) {
    return Status::AlreadyExists("role \"" + user.name + "\" already exists").WithSqlState("42710");
  }
  auto users = users_;
  user.oid = next_oid_;
  users[user.name] = std::move(user);
  return Commit(std::move(users), next_oid_ + 1);
}

Status UserStore::Update(UserRecord user) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = users_.find(user.name);
  if (it == users_.end()) return NoSuchRole(user.name);
  auto users = users_;
  user.oid = it->second.oid;
  users[user.name] = std::move(user);
  return Commit(std::move(users), next_oid_);
}

Status UserStore::Put(UserRecord user) {
  std::lock_guard<std::mutex> lock(mu_);
  auto users = users_;
  uint32_t next = next_oid_;
  auto it = users_.find(user.name);
  if (it != users_.end()) {
    user.oid = it->second.oid;
    const UserRecord& old = it->second;
    if (old.password == user.password && old.superuser == user.superuser &&
        old.login == user.login && old.builtin == user.builtin) {
      return Status::OK();
    }
  } else {
    user.oid = next++;
  }
  users[user.name] = std::move(user);
  return Commit(std::move(users), next);
}

Status UserStore::Drop(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (users_.count(name) == 0) return NoSuchRole(name);
  auto users = users_;
  users.erase(name);
  return Commit(std::move(users), next_oid_);
}

std::optional<UserRecord> UserStore::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::vector<UserRecord> UserStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<UserRecord> out;
  for (const auto& [name, u] : users_) out.push_back(u);
  return out;
}

}  // namespace omen::storage
