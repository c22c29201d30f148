// Copyright 2026 The OmenDB Authors.
//
// DatabaseTest: a GoogleTest fixture holding a Database in a fresh directory named after the
// running test (under ::testing::TempDir(), with the process id), removed again after the test.
// For tests only (it includes gtest). Fixtures that hold servers or engines over db_ release
// them in their own TearDown before calling DatabaseTest::TearDown().

#ifndef OMENDB_STORAGE_TEST_DATABASE_H_
#define OMENDB_STORAGE_TEST_DATABASE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>

#include "common/env.h"
#include "storage/database.h"

namespace omen::storage {

class DatabaseTest : public ::testing::Test {
 protected:
  // Unsynced by default: the tests need no durability.
  static StorageOptions Unsynced() {
    StorageOptions o;
    o.sync = false;
    return o;
  }
  // Unsynced, without background flush and compaction threads (deterministic engine tests).
  static StorageOptions Foreground() {
    StorageOptions o = Unsynced();
    o.background = false;
    return o;
  }
  explicit DatabaseTest(std::string prefix, StorageOptions options = Unsynced())
      : prefix_(std::move(prefix)), options_(options) {}

  void SetUp() override {
    dir_ = ::testing::TempDir() + prefix_ + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    (void)Env::Default()->RemoveAll(dir_);
    auto db = Database::Open(dir_, options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override {
    db_.reset();
    (void)Env::Default()->RemoveAll(dir_);
  }
  // Closes and opens the database again (what a restart sees).
  void Reopen() {
    db_.reset();
    auto db = Database::Open(dir_, options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  std::string dir_;
  std::unique_ptr<Database> db_;

 private:
  const std::string prefix_;
  const StorageOptions options_;
};

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_TEST_DATABASE_H_
