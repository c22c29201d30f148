// Copyright 2026 The OmenDB Authors.
//
// Database: the storage engine of one data directory (DESIGN.md "On disk"):
//
//   DATA/LOCK               held while open: a second process is refused
//   DATA/catalog/CATALOG    table definitions (Catalog)
//   DATA/catalog/USERS      roles and their password hashes (UserStore)
//   DATA/wal/*.wal          write-ahead log (WalWriter / ReplayWal)
//   DATA/tables/<t>/MANIFEST, <partition>/<id>.arrow|.idx   (Table, Segment)
//   DATA/quarantine/        segments that failed their checksums
//
// Write path: Insert validates a columnar batch, appends it to the WAL as one
// record, applies it to the partitions' write buffers in WAL order, and
// returns once the record is durable (group commit; StorageOptions::sync).
// A background thread flushes full buffers to segments, applies retention and
// removes WAL files whose rows are all in segments; a second thread compacts
// small segments beside it. Open recovers: catalog, manifests (quarantining bad segments,
// removing orphan files), WAL replay of everything not yet in segments.
//
// Thread-safety: every public method may be called from any thread.

#ifndef OMENDB_STORAGE_DATABASE_H_
#define OMENDB_STORAGE_DATABASE_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "storage/catalog.h"
#include "storage/table.h"
#include "storage/users.h"
#include "storage/wal_writer.h"

namespace omen::storage {

struct StorageOptions {
  Env* env = nullptr;  // null: Env::Default()
  bool sync = true;    // --sync=always (fsync before acknowledging) or off
  uint64_t wal_file_bytes = 64ull << 20;
  // Obsolete WAL files kept and overwritten by later ones (WalOptions::recycle_files): a
  // 4 Mi-row flush of TSBS rows frees about 8 files of 64 MiB.
  int wal_recycle_files = 8;
  bool background = true;  // run the flush/compaction thread
  int background_interval_ms = 50;
  // Nice value the flush thread asks for (0: left as it is). Writers wait on the flush when
  // back-pressure binds and compete with it for CPU before: a flush that gets the CPU first
  // keeps up (100M TSBS rows over ILP on 2 cores: 1.03M -> 1.30M rows/s at -10). Off by
  // default: a flush at -10 also takes the CPU from queries for the seconds it runs; the ILP
  // server raises its connections' value instead (no privilege needed, queries unaffected).
  // Below 0 needs CAP_SYS_NICE or RLIMIT_NICE; without, the thread keeps the process's value.
  int flush_nice = 0;
  // Flush the largest buffers while more rows than this are buffered in all tables.
  int64_t max_buffered_rows = 8ll << 20;
  // Compact a partition when it has at least this many segments below half the target size.
  int compaction_trigger = 4;
};

struct DatabaseStats {
  uint64_t wal_last_sequence = 0;
  uint64_t wal_fsyncs = 0;
  uint64_t flushes = 0;
  uint64_t compactions = 0;
  uint64_t rows_inserted = 0;
  int64_t buffered_rows = 0;
  uint64_t replayed_records = 0;
  uint64_t quarantined_segments = 0;
  uint64_t wal_bytes = 0;         // WAL record bytes written since open
  uint64_t wal_fsync_nanos = 0;   // time in group-commit fdatasyncs since open
  uint64_t wal_reused_files = 0;  // WAL files started by overwriting a kept obsolete one
};

struct TableStats {
  std::string name;
  uint64_t partitions = 0;
  uint64_t segments = 0;
  uint64_t segment_rows = 0;
  uint64_t segment_bytes = 0;  // .arrow + .idx on disk
  int64_t buffered_rows = 0;   // in write buffers (WAL-backed, not yet in segments)
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& dir, StorageOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Clean shutdown: stops the background thread, flushes every buffer, syncs the WAL.
  Status Close();

  // DDL. `time_column` empty: the first NOT NULL TIMESTAMP[TZ] column. options.sort_key empty:
  // the first TEXT/VARCHAR column (if any); "none": rows ordered by time alone.
  Result<std::shared_ptr<const TableDef>> CreateTable(TableDef def, const std::string& time_column,
                                                      bool if_not_exists = false);
  Status DropTable(const std::string& name, bool if_exists = false);
  Result<std::shared_ptr<const TableDef>> AddColumn(const std::string& table, ColumnDef column);
  std::shared_ptr<const TableDef> FindTable(const std::string& name) const;
  std::vector<std::shared_ptr<const TableDef>> Tables() const;
  const Catalog& catalog() const { return *catalog_; }
  // The roles that may connect (CREATE/ALTER/DROP USER; the server's authentication).
  UserStore& users() const { return *users_; }

  // Appends a batch in the table's column order (see storage/batch.h). Returns after the WAL
  // record is durable (or written, with sync off). On error nothing of the batch is applied.
  Status Insert(const std::string& table, const arrow::RecordBatch& batch);

  // A consistent snapshot of the table's rows in [min_time, max_time).
  Result<TableScan> Scan(const std::string& table, const ScanSpec& spec) const;

  // Flushes every buffer of every table to segments and removes WAL files no longer needed.
  Status Checkpoint();
  // Runs one round of compaction on every table now (also the compaction thread's round, beside
  // the flushes).
  Status CompactAll();
  // Deletes rows with time in [lo, hi): whole partitions are dropped, others rewritten.
  // Returns the number of rows deleted.
  Result<uint64_t> DeleteRange(const std::string& table, int64_t lo, int64_t hi);
  // Retention: drops every partition that ends at or before `cutoff`. Returns rows dropped.
  Result<uint64_t> DropPartitionsBefore(const std::string& table, int64_t cutoff);

  DatabaseStats stats() const;
  std::vector<TableStats> table_stats() const;
  const std::string& dir() const { return dir_; }

 private:
  Database(std::string dir, StorageOptions options);
  Status Recover();
  std::shared_ptr<Table> GetTable(const std::string& name) const;
  std::vector<std::shared_ptr<Table>> AllTables() const;

  // Maintenance (REQUIRE maint_mu_ held).
  Status FlushPartition(Table* table, int64_t start, bool seal);
  Status FlushTable(Table* table);
  // REQUIRES: compact_mu_ held and maint_mu_ not held: the merge runs unlocked, beside flushes,
  // and takes maint_mu_ only to install its segment.
  Status CompactPartition(Table* table, int64_t start, bool* did);
  Status RewriteForDelete(Table* table, int64_t lo, int64_t hi, bool whole_only, uint64_t* deleted);
  Status RemoveObsoleteWal();
  // A maintenance thread: runs its round every background_interval_ms or when kicked, backing
  // off after failures, until stopped.
  struct Worker {
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;  // GUARDED_BY(mu)
    bool kick = false;  // GUARDED_BY(mu)
    std::thread thread;
    void Kick();
    void StopAndJoin();
  };
  void RunWorker(Worker* w, const char* what, Status (Database::*round)());
  // The background thread's round: flushes, WAL truncation, retention.
  Status FlushRound();
  // Drops partitions past each table's retention (takes the gate and maintenance locks).
  Status ApplyRetention();
  Status BackgroundRound();

  const std::string dir_;
  const StorageOptions options_;
  Env* const env_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<WalWriter> wal_;

  mutable std::mutex tables_mu_;
  std::map<std::string, std::shared_ptr<Table>> tables_;  // GUARDED_BY(tables_mu_)

  // Inserts hold gate_ shared; DDL and deletes hold it exclusively.
  mutable std::shared_mutex gate_;
  // Serializes WAL append + apply (and buffer sealing against them).
  std::mutex apply_mu_;
  // Serializes flush, compaction installs, delete and manifest writes.
  std::mutex maint_mu_;
  // Held for a whole compaction, and by whatever removes segments or tables (DROP, DELETE,
  // retention, ADD COLUMN) so that none happens under a running merge. Taken before maint_mu_.
  std::mutex compact_mu_;

  Worker flusher_;
  Worker compactor_;
  bool closed_ = false;

  std::atomic<uint64_t> flushes_{0};
  uint64_t flushes_at_kick_ = 0;  // background thread only
  std::atomic<uint64_t> compactions_{0};
  std::atomic<uint64_t> rows_inserted_{0};
  std::atomic<int64_t> buffered_rows_{0};  // rows in write buffers (for back-pressure)
  uint64_t replayed_records_ = 0;
  uint64_t quarantined_ = 0;
};

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_DATABASE_H_
