// Copyright 2026 The OmenDB Authors.

#include "storage/database.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>
#include <thread>

#include "common/logging.h"
#include "storage/batch.h"
#include "storage/rows.h"
#include "storage/wal_format.h"
#include "storage/wal_reader.h"

namespace omen::storage {

namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

class LogReporter : public WalReader::Reporter {
 public:
  void Corruption(size_t bytes, const Status& reason) override {
    Log(LogLevel::kWarn, "wal: dropped %zu bytes: %s", bytes, reason.ToString().c_str());
  }
};

}  // namespace

Database::Database(std::string dir, StorageOptions options)
    : dir_(std::move(dir)),
      options_(options),
      env_(options.env != nullptr ? options.env : Env::Default()) {}

Database::~Database() {
  if (!closed_ && wal_ != nullptr) {  // null: Open failed before the WAL was opened
    Status s = Close();
    if (!s.ok()) Log(LogLevel::kError, "close: %s", s.ToString().c_str());
  }
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& dir, StorageOptions options) {
  std::unique_ptr<Database> db(new Database(dir, options));
  OMEN_RETURN_IF_ERROR(db->Recover());
  if (options.background) {
    Database* d = db.get();
    d->flusher_.thread = std::thread([d] {
      if (d->options_.flush_nice != 0) {
        Status s = SetCurrentThreadNice(d->options_.flush_nice);
        if (!s.ok())
          Log(LogLevel::kDebug, "flush thread keeps its priority: %s", s.ToString().c_str());
      }
      d->RunWorker(&d->flusher_, "flush", &Database::FlushRound);
    });
    d->compactor_.thread =
        std::thread([d] { d->RunWorker(&d->compactor_, "compaction", &Database::CompactAll); });
  }
  return db;
}

Status Database::Recover() {
  OMEN_RETURN_IF_ERROR(env_->CreateDirs(dir_));
  OMEN_ASSIGN_OR_RETURN(lock_, env_->LockFile(dir_ + "/LOCK"));
  for (const char* sub : {"/catalog", "/tables", "/wal"}) {
    if (!env_->FileExists(dir_ + sub)) {
      OMEN_RETURN_IF_ERROR(env_->CreateDirs(dir_ + sub));
      OMEN_RETURN_IF_ERROR(env_->SyncDir(dir_));
    }
  }
  OMEN_ASSIGN_OR_RETURN(catalog_, Catalog::Open(env_, dir_ + "/catalog"));
  OMEN_ASSIGN_OR_RETURN(users_, UserStore::Open(env_, dir_ + "/catalog"));
  const std::string tables_dir = dir_ + "/tables";
  OMEN_RETURN_IF_ERROR(env_->CreateDirs(tables_dir));
  uint64_t max_seq = 0;
  std::set<std::string> names;
  for (const auto& def : catalog_->Tables()) {
    auto table = std::make_shared<Table>(env_, tables_dir + "/" + def->name, def);
    OMEN_RETURN_IF_ERROR(table->Load(dir_ + "/quarantine"));
    Manifest m = table->manifest();
    max_seq = std::max(max_seq, m.floor_seq);
    for (const auto& [start, p] : m.partitions) max_seq = std::max(max_seq, p.flushed_seq);
    tables_[def->name] = std::move(table);
    names.insert(def->name);
  }
  OMEN_ASSIGN_OR_RETURN(auto dirs, env_->GetChildren(tables_dir));
  for (const std::string& d : dirs) {
    if (names.count(d) == 0) {
      Log(LogLevel::kInfo, "removing directory of dropped table %s", d.c_str());
      OMEN_RETURN_IF_ERROR(env_->RemoveAll(tables_dir + "/" + d));
    }
  }
  const std::string wal_dir = dir_ + "/wal";
  OMEN_RETURN_IF_ERROR(env_->CreateDirs(wal_dir));
  LogReporter reporter;
  uint64_t last = 0;
  uint64_t replayed = 0;
  Status s = ReplayWal(
      env_, wal_dir, 0,
      [&](const WalRecord& rec) -> Status {
        if (rec.type != wal::RecordType::kBatch) return Status::OK();
        auto id = PeekBatchTableId(rec.payload);
        if (!id.ok()) {
          Log(LogLevel::kError, "wal record %llu: %s",
              static_cast<unsigned long long>(rec.sequence), id.status().ToString().c_str());
          return Status::OK();
        }
        auto def = catalog_->FindById(*id);
        if (def == nullptr) return Status::OK();  // table dropped since
        std::shared_ptr<Table> table = tables_[def->name];
        auto decoded = DecodeBatchRecord(rec.payload, table->schema());
        if (!decoded.ok()) {
          Log(LogLevel::kError, "wal record %llu skipped: %s",
              static_cast<unsigned long long>(rec.sequence), decoded.status().ToString().c_str());
          return Status::OK();
        }
        buffered_rows_.fetch_add(table->Apply(decoded->batch, rec.sequence));
        ++replayed;
        return Status::OK();
      },
      &reporter, &last);
  OMEN_RETURN_IF_ERROR(s);
  replayed_records_ = replayed;
  max_seq = std::max(max_seq, last);
  OMEN_ASSIGN_OR_RETURN(auto wal_files, env_->GetChildren(wal_dir));
  for (const std::string& name : wal_files) {
    uint64_t first = 0;
    if (wal::ParseFileName(name, &first) && first > 0) max_seq = std::max(max_seq, first - 1);
  }
  if (replayed > 0) {
    Log(LogLevel::kInfo, "recovered %llu WAL records (last sequence %llu)",
        static_cast<unsigned long long>(replayed), static_cast<unsigned long long>(last));
  }
  WalOptions wal_options;
  wal_options.sync = options_.sync;
  wal_options.max_file_bytes = options_.wal_file_bytes;
  wal_options.recycle_files = options_.wal_recycle_files;
  OMEN_ASSIGN_OR_RETURN(wal_, WalWriter::Open(env_, wal_dir, max_seq + 1, wal_options));
  return Status::OK();
}

Status Database::Close() {
  if (closed_ || wal_ == nullptr) return Status::OK();
  flusher_.StopAndJoin();
  compactor_.StopAndJoin();
  Status s = Checkpoint();
  Status c = wal_->Close();
  closed_ = true;
  lock_.reset();
  return s.ok() ? c : s;
}

std::shared_ptr<Table> Database::GetTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(tables_mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Table>> Database::AllTables() const {
  std::lock_guard<std::mutex> lock(tables_mu_);
  std::vector<std::shared_ptr<Table>> out;
  for (const auto& [name, t] : tables_) out.push_back(t);
  return out;
}

std::shared_ptr<const TableDef> Database::FindTable(const std::string& name) const {
  return catalog_->Find(name);
}

std::vector<std::shared_ptr<const TableDef>> Database::Tables() const { return catalog_->Tables(); }

// ---------------------------------------------------------------------------------------------
// DDL.

Result<std::shared_ptr<const TableDef>> Database::CreateTable(TableDef def,
                                                              const std::string& time_column,
                                                              bool if_not_exists) {
  // Default sort key: the first TEXT column (the series tag, e.g. hostname), chosen because it
  // wins for TSBS-style data (omendb-bench layout; docs/storage.md). 'none' turns it off.
  if (def.options.sort_key.empty()) {
    for (const ColumnDef& c : def.columns) {
      if (c.type == SqlType::kText || c.type == SqlType::kVarchar) {
        def.options.sort_key = c.name;
        break;
      }
    }
  } else if (def.options.sort_key == "none") {
    def.options.sort_key.clear();
  }
  OMEN_RETURN_IF_ERROR(ValidateTableDef(&def, time_column));
  std::unique_lock<std::shared_mutex> gate(gate_);
  std::lock_guard<std::mutex> maint(maint_mu_);
  if (auto existing = catalog_->Find(def.name)) {
    if (if_not_exists) return existing;
    return Status::AlreadyExists("relation \"" + def.name + "\" already exists");
  }
  OMEN_ASSIGN_OR_RETURN(auto stored, catalog_->CreateTable(std::move(def)));
  auto table = std::make_shared<Table>(env_, dir_ + "/tables/" + stored->name, stored);
  OMEN_RETURN_IF_ERROR(table->Load(dir_ + "/quarantine"));
  std::lock_guard<std::mutex> lock(tables_mu_);
  tables_[stored->name] = std::move(table);
  return stored;
}

Status Database::DropTable(const std::string& name, bool if_exists) {
  std::unique_lock<std::shared_mutex> gate(gate_);
  std::lock_guard<std::mutex> compact(compact_mu_);  // no merge writing into its directory
  std::lock_guard<std::mutex> maint(maint_mu_);
  if (catalog_->Find(name) == nullptr) {
    if (if_exists) return Status::OK();
    return Status::NotFound("table \"" + name + "\" does not exist");
  }
  OMEN_RETURN_IF_ERROR(catalog_->DropTable(name));
  std::shared_ptr<Table> table;
  {
    std::lock_guard<std::mutex> lock(tables_mu_);
    table = tables_[name];
    tables_.erase(name);
  }
  buffered_rows_.fetch_sub(table->BufferedRows());
  // Open scans keep their segments mapped; unlinking is safe.
  Status s = env_->RemoveAll(table->dir());
  if (!s.ok()) Log(LogLevel::kWarn, "drop table %s: %s", name.c_str(), s.ToString().c_str());
  return Status::OK();
}

Result<std::shared_ptr<const TableDef>> Database::AddColumn(const std::string& table_name,
                                                            ColumnDef column) {
  std::unique_lock<std::shared_mutex> gate(gate_);
  std::lock_guard<std::mutex> compact(compact_mu_);
  std::lock_guard<std::mutex> maint(maint_mu_);
  std::shared_ptr<Table> table = GetTable(table_name);
  if (table == nullptr) return Status::NotFound("table \"" + table_name + "\" does not exist");
  // Buffers hold rows of the old schema: put them in segments first.
  OMEN_RETURN_IF_ERROR(FlushTable(table.get()));
  OMEN_ASSIGN_OR_RETURN(auto def, catalog_->AddColumn(table_name, std::move(column)));
  table->SetDef(def);
  return def;
}

// ---------------------------------------------------------------------------------------------
// Writes and reads.

Status Database::Insert(const std::string& table_name, const arrow::RecordBatch& batch) {
  if (batch.num_rows == 0) return Status::OK();
  // Back-pressure: while flushes lag far behind, writers wait (holding no lock) instead of
  // growing memory.
  if (options_.background) {
    for (int spins = 0; buffered_rows_.load() > 2 * options_.max_buffered_rows && spins < 6000;
         ++spins) {
      flusher_.Kick();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::shared_lock<std::shared_mutex> gate(gate_);
  std::shared_ptr<Table> table = GetTable(table_name);
  if (table == nullptr) return Status::NotFound("table \"" + table_name + "\" does not exist");
  const auto def = table->def();
  OMEN_RETURN_IF_ERROR(ValidateBatch(batch, *table->schema()));
  const std::string payload = EncodeBatchRecord(def->id, batch);
  uint64_t seq;
  {
    std::lock_guard<std::mutex> apply(apply_mu_);
    OMEN_ASSIGN_OR_RETURN(seq, wal_->Append(wal::RecordType::kBatch, payload, [&](uint64_t s) {
      buffered_rows_.fetch_add(table->Apply(batch, s));
    }));
  }
  gate.unlock();
  rows_inserted_.fetch_add(static_cast<uint64_t>(batch.num_rows));
  return wal_->WaitDurable(seq);
}

Result<TableScan> Database::Scan(const std::string& table_name, const ScanSpec& spec) const {
  std::shared_ptr<Table> table = GetTable(table_name);
  if (table == nullptr) return Status::NotFound("table \"" + table_name + "\" does not exist");
  const auto def = table->def();
  for (int c : spec.columns) {
    if (c < 0 || c >= static_cast<int>(def->columns.size())) {
      return Status::InvalidArgument("scan: column index out of range");
    }
  }
  if (spec.tag_column >= 0 &&
      (spec.tag_column >= static_cast<int>(def->columns.size()) ||
       ArrowTypeOf(def->columns[spec.tag_column].type).id != arrow::TypeId::kString)) {
    return Status::InvalidArgument("scan: tag filter column must be a text column");
  }
  return table->TakeScan(spec);  // Result<TableScan>
}

// ---------------------------------------------------------------------------------------------
// Flush, compaction, delete.

namespace {

// Writes rows as segment `base`, syncs the directories and opens it. On failure it removes
// what it wrote: a flush or compaction that fails is retried with a new segment id, and its
// files would otherwise pile up (no MANIFEST names them yet).
Result<std::pair<SegmentMeta, std::shared_ptr<Segment>>> WriteAndOpenSegment(
    Env* env, const std::string& base, uint64_t id, const TableDef& def,
    const arrow::RecordBatch& rows, const std::vector<std::string>& sync_dirs) {
  auto attempt = [&]() -> Result<std::pair<SegmentMeta, std::shared_ptr<Segment>>> {
    OMEN_ASSIGN_OR_RETURN(SegmentMeta meta, WriteSegment(env, base, id, def, rows));
    for (const std::string& d : sync_dirs) OMEN_RETURN_IF_ERROR(env->SyncDir(d));
    OMEN_ASSIGN_OR_RETURN(auto segment, Segment::Open(env, base, meta, def, false));
    return std::make_pair(meta, std::move(segment));
  };
  auto out = attempt();
  if (!out.ok()) {
    (void)env->RemoveFile(base + ".arrow");
    (void)env->RemoveFile(base + ".idx");
  }
  return out;
}

}  // namespace

Status Database::FlushPartition(Table* table, int64_t start, bool seal) {
  if (seal) {
    std::lock_guard<std::mutex> apply(apply_mu_);
    table->SealActive(start);
  }
  const auto def = table->def();
  while (auto buffer = table->OldestFlushing(start)) {
    const uint64_t t0 = env_->NowMicros();
    WriteBuffer::Snapshot snap = buffer->TakeSnapshot();
    if (snap.rows == 0) {
      table->InstallFlush(start, buffer, nullptr, 0);
      continue;
    }
    arrow::RecordBatch rows = MaterializeForSegment(snap, def->sort_column);
    const uint64_t id = table->AllocateSegmentId();
    const std::string pdir = table->PartitionDir(start);
    if (!env_->FileExists(pdir)) {
      OMEN_RETURN_IF_ERROR(env_->CreateDirs(pdir));
      OMEN_RETURN_IF_ERROR(env_->SyncDir(table->dir()));
    }
    const std::string base = table->SegmentBase(start, id);
    OMEN_ASSIGN_OR_RETURN(auto written,
                          WriteAndOpenSegment(env_, base, id, *def, rows, {pdir, table->dir()}));
    auto& [meta, segment] = written;
    // The WAL records behind these rows must be durable before the MANIFEST claims them:
    // otherwise a power loss could keep this half of a batch and lose the other.
    OMEN_RETURN_IF_ERROR(wal_->Sync());
    Manifest m = table->manifest();
    ManifestPartition& mp = m.partitions[start];
    mp.start = start;
    mp.segments.push_back(meta);
    mp.flushed_seq = std::max(mp.flushed_seq, buffer->last_sequence());
    OMEN_RETURN_IF_ERROR(table->WriteManifest(m));
    table->InstallFlush(start, buffer, std::move(segment), buffer->last_sequence());
    buffered_rows_.fetch_sub(snap.rows);
    flushes_.fetch_add(1);
    Log(LogLevel::kDebug, "flushed %lld rows of %s into segment %llu in %.1f ms",
        static_cast<long long>(snap.rows), def->name.c_str(), static_cast<unsigned long long>(id),
        static_cast<double>(env_->NowMicros() - t0) / 1000.0);
  }
  return Status::OK();
}

Status Database::FlushTable(Table* table) {
  for (int64_t start : table->PartitionStarts()) {
    OMEN_RETURN_IF_ERROR(FlushPartition(table, start, /*seal=*/true));
  }
  return Status::OK();
}

Status Database::RemoveObsoleteWal() {
  uint64_t keep_from;
  {
    std::lock_guard<std::mutex> apply(apply_mu_);
    keep_from = wal_->last_sequence() + 1;
    for (const auto& t : AllTables()) {
      uint64_t s = t->MinBufferedSequence();
      if (s != 0) keep_from = std::min(keep_from, s);
    }
  }
  return wal_->RemoveObsoleteFiles(keep_from - 1);
}

Status Database::Checkpoint() {
  std::lock_guard<std::mutex> maint(maint_mu_);
  for (const auto& t : AllTables()) OMEN_RETURN_IF_ERROR(FlushTable(t.get()));
  OMEN_RETURN_IF_ERROR(wal_->Rotate());
  return RemoveObsoleteWal();
}

Status Database::CompactPartition(Table* table, int64_t start, bool* did) {
  *did = false;
  const auto def = table->def();
  const uint64_t target = def->options.compact_target_rows;
  std::vector<std::shared_ptr<Segment>> inputs;
  uint64_t total = 0;
  for (const auto& s : table->Segments(start)) {
    if (s->meta().rows >= target / 2) continue;
    if (total + s->meta().rows > target && inputs.size() >= 2) break;
    inputs.push_back(s);
    total += s->meta().rows;
  }
  if (static_cast<int>(inputs.size()) < options_.compaction_trigger) return Status::OK();
  const uint64_t t0 = env_->NowMicros();
  std::vector<arrow::RecordBatch> batches;
  const auto schema = table->schema();
  for (const auto& s : inputs) {
    for (int b = 0; b < s->num_batches(); ++b) {
      OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, s->ReadBatch(b));
      batches.push_back(ExtendToTable(std::move(batch), *def, schema));
    }
  }
  std::vector<const arrow::RecordBatch*> sources;
  for (const auto& b : batches) sources.push_back(&b);
  arrow::RecordBatch rows =
      Gather(sources, SortedRefs(sources, def->time_column, def->sort_column));
  batches.clear();
  const uint64_t id = table->AllocateSegmentId();
  const std::string base = table->SegmentBase(start, id);
  OMEN_ASSIGN_OR_RETURN(
      auto written, WriteAndOpenSegment(env_, base, id, *def, rows, {table->PartitionDir(start)}));
  auto& [meta, segment] = written;
  std::vector<uint64_t> removed;
  for (const auto& s : inputs) removed.push_back(s->meta().id);
  // Install beside flushes, which may have added segments to the partition meanwhile; nothing
  // removed the inputs (that takes compact_mu_), which the check below confirms.
  std::lock_guard<std::mutex> maint(maint_mu_);
  Manifest m = table->manifest();
  ManifestPartition& mp = m.partitions[start];
  std::vector<SegmentMeta> kept;
  for (const SegmentMeta& s : mp.segments) {
    if (std::find(removed.begin(), removed.end(), s.id) == removed.end()) kept.push_back(s);
  }
  if (kept.size() + removed.size() != mp.segments.size()) {
    (void)env_->RemoveFile(base + ".arrow");
    (void)env_->RemoveFile(base + ".idx");
    return Status::Aborted("compaction inputs of " + def->name + " changed during the merge");
  }
  kept.push_back(meta);
  mp.segments = kept;
  OMEN_RETURN_IF_ERROR(table->WriteManifest(m));
  table->ReplaceSegments(start, removed, {segment}, false);
  for (const auto& s : inputs) {
    (void)env_->RemoveFile(s->base() + ".arrow");  // scans holding it keep their mapping
    (void)env_->RemoveFile(s->base() + ".idx");
  }
  compactions_.fetch_add(1);
  *did = true;
  Log(LogLevel::kDebug, "compacted %zu segments (%llu rows) of %s into %llu in %.1f ms",
      inputs.size(), static_cast<unsigned long long>(total), def->name.c_str(),
      static_cast<unsigned long long>(id), static_cast<double>(env_->NowMicros() - t0) / 1000.0);
  return Status::OK();
}

Status Database::CompactAll() {
  std::lock_guard<std::mutex> compact(compact_mu_);
  for (const auto& t : AllTables()) {
    for (int64_t start : t->PartitionStarts()) {
      bool did = true;
      while (did) OMEN_RETURN_IF_ERROR(CompactPartition(t.get(), start, &did));
    }
  }
  return Status::OK();
}

Status Database::RewriteForDelete(Table* table, int64_t lo, int64_t hi, bool whole_only,
                                  uint64_t* deleted) {
  *deleted = 0;
  OMEN_RETURN_IF_ERROR(FlushTable(table));
  const auto def = table->def();
  const auto schema = table->schema();
  Manifest m = table->manifest();
  struct Change {
    int64_t start;
    std::vector<uint64_t> removed;
    std::vector<std::shared_ptr<Segment>> added;
    bool drop_partition = false;
  };
  std::vector<Change> changes;
  for (int64_t start : table->PartitionStarts()) {
    PartitionRange r = PartitionFor(def->options.partition_by, start);
    if (r.end <= lo || r.start >= hi) continue;
    Change change;
    change.start = start;
    const bool whole = r.start >= lo && r.end <= hi;
    if (!whole && whole_only) continue;
    for (const auto& seg : table->Segments(start)) {
      const SegmentIndex& ix = seg->index();
      if (ix.max_time < lo || ix.min_time >= hi) continue;
      std::vector<arrow::RecordBatch> batches;
      std::vector<RowRef> keep;
      for (int b = 0; b < seg->num_batches(); ++b) {
        OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, seg->ReadBatch(b));
        const arrow::ArrayData& t = batch.columns[def->time_column];
        for (int64_t i = 0; i < batch.num_rows; ++i) {
          int64_t ts = t.Value<int64_t>(i);
          if (whole || (ts >= lo && ts < hi)) {
            ++*deleted;
          } else {
            keep.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(i)});
          }
        }
        batches.push_back(ExtendToTable(std::move(batch), *def, schema));
      }
      change.removed.push_back(seg->meta().id);
      if (!keep.empty()) {
        std::vector<const arrow::RecordBatch*> sources;
        for (const auto& b : batches) sources.push_back(&b);
        arrow::RecordBatch rows = Gather(sources, keep);
        const uint64_t id = table->AllocateSegmentId();
        const std::string base = table->SegmentBase(start, id);
        OMEN_ASSIGN_OR_RETURN(SegmentMeta meta, WriteSegment(env_, base, id, *def, rows));
        OMEN_ASSIGN_OR_RETURN(auto segment, Segment::Open(env_, base, meta, *def, false));
        change.added.push_back(std::move(segment));
      }
    }
    change.drop_partition = whole;
    if (!change.removed.empty() || whole) changes.push_back(std::move(change));
  }
  if (changes.empty()) return Status::OK();
  for (const Change& c : changes) {
    if (c.drop_partition) {
      m.partitions.erase(c.start);
      continue;
    }
    OMEN_RETURN_IF_ERROR(env_->SyncDir(table->PartitionDir(c.start)));
    ManifestPartition& mp = m.partitions[c.start];
    std::vector<SegmentMeta> kept;
    for (const SegmentMeta& s : mp.segments) {
      if (std::find(c.removed.begin(), c.removed.end(), s.id) == c.removed.end()) {
        kept.push_back(s);
      }
    }
    for (const auto& s : c.added) kept.push_back(s->meta());
    mp.segments = kept;
  }
  // Every row of the table up to now is in segments: nothing older may be replayed.
  m.floor_seq = std::max(m.floor_seq, wal_->last_sequence());
  m.next_segment_id = std::max(m.next_segment_id, table->manifest().next_segment_id);
  OMEN_RETURN_IF_ERROR(table->WriteManifest(m));
  table->SetFloor(m.floor_seq);
  for (Change& c : changes) {
    std::vector<std::string> old_files;
    for (const auto& s : table->Segments(c.start)) {
      if (std::find(c.removed.begin(), c.removed.end(), s->meta().id) != c.removed.end()) {
        old_files.push_back(s->base());
      }
    }
    table->ReplaceSegments(c.start, c.removed, std::move(c.added), /*drop_empty=*/true);
    for (const std::string& base : old_files) {
      (void)env_->RemoveFile(base + ".arrow");
      (void)env_->RemoveFile(base + ".idx");
    }
    if (c.drop_partition) (void)env_->RemoveAll(table->PartitionDir(c.start));
  }
  return Status::OK();
}

Result<uint64_t> Database::DeleteRange(const std::string& table_name, int64_t lo, int64_t hi) {
  std::unique_lock<std::shared_mutex> gate(gate_);
  std::lock_guard<std::mutex> compact(compact_mu_);
  std::lock_guard<std::mutex> maint(maint_mu_);
  std::shared_ptr<Table> table = GetTable(table_name);
  if (table == nullptr) return Status::NotFound("table \"" + table_name + "\" does not exist");
  uint64_t deleted = 0;
  OMEN_RETURN_IF_ERROR(RewriteForDelete(table.get(), lo, hi, false, &deleted));
  return deleted;
}

Result<uint64_t> Database::DropPartitionsBefore(const std::string& table_name, int64_t cutoff) {
  std::unique_lock<std::shared_mutex> gate(gate_);
  std::lock_guard<std::mutex> compact(compact_mu_);
  std::lock_guard<std::mutex> maint(maint_mu_);
  std::shared_ptr<Table> table = GetTable(table_name);
  if (table == nullptr) return Status::NotFound("table \"" + table_name + "\" does not exist");
  uint64_t deleted = 0;
  OMEN_RETURN_IF_ERROR(RewriteForDelete(table.get(), kMinTime, cutoff, true, &deleted));
  return deleted;
}

// ---------------------------------------------------------------------------------------------
// Background work.

Status Database::BackgroundRound() {
  std::lock_guard<std::mutex> maint(maint_mu_);
  int64_t buffered = 0;
  for (const auto& t : AllTables()) {
    const auto def = t->def();
    for (int64_t start : t->PartitionStarts()) {
      // Retry failed flushes first (they must land in order), then full buffers.
      OMEN_RETURN_IF_ERROR(FlushPartition(t.get(), start, /*seal=*/false));
    }
    auto [start, rows] = t->LargestActive();
    while (rows >= static_cast<int64_t>(def->options.flush_rows)) {
      OMEN_RETURN_IF_ERROR(FlushPartition(t.get(), start, /*seal=*/true));
      std::tie(start, rows) = t->LargestActive();
    }
    buffered += t->BufferedRows();
  }
  while (buffered > options_.max_buffered_rows) {
    std::shared_ptr<Table> biggest;
    std::pair<int64_t, int64_t> best{0, 0};
    for (const auto& t : AllTables()) {
      auto cand = t->LargestActive();
      if (cand.second > best.second) {
        best = cand;
        biggest = t;
      }
    }
    if (biggest == nullptr) break;
    OMEN_RETURN_IF_ERROR(FlushPartition(biggest.get(), best.first, /*seal=*/true));
    buffered -= best.second;
  }
  if (flushes_.load() != flushes_at_kick_) {  // new segments: maybe something to merge
    flushes_at_kick_ = flushes_.load();
    compactor_.Kick();
  }
  return RemoveObsoleteWal();
}

Status Database::ApplyRetention() {
  const int64_t now = static_cast<int64_t>(env_->NowMicros());
  for (const auto& t : AllTables()) {
    const auto def = t->def();
    if (def->options.retention_us <= 0) continue;
    const int64_t cutoff = now - def->options.retention_us;
    bool any = false;
    for (int64_t start : t->PartitionStarts()) {
      any |= PartitionFor(def->options.partition_by, start).end <= cutoff;
    }
    if (!any) continue;  // nothing to drop: do not block writers
    // Never wait on the gate here: writers holding it may be waiting for this thread's flushes.
    std::unique_lock<std::shared_mutex> gate(gate_, std::try_to_lock);
    if (!gate.owns_lock()) continue;  // next round
    std::lock_guard<std::mutex> compact(compact_mu_);
    std::lock_guard<std::mutex> maint(maint_mu_);
    if (GetTable(def->name) != t) continue;  // dropped (and maybe recreated) meanwhile
    uint64_t dropped = 0;
    OMEN_RETURN_IF_ERROR(RewriteForDelete(t.get(), kMinTime, cutoff, true, &dropped));
    if (dropped > 0) {
      Log(LogLevel::kInfo, "retention: dropped %llu rows of %s older than %lld",
          static_cast<unsigned long long>(dropped), def->name.c_str(),
          static_cast<long long>(cutoff));
    }
  }
  return Status::OK();
}

void Database::Worker::Kick() {
  {
    std::lock_guard<std::mutex> lock(mu);
    kick = true;
  }
  cv.notify_one();
}

void Database::Worker::StopAndJoin() {
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  if (thread.joinable()) thread.join();
}

void Database::RunWorker(Worker* w, const char* what, Status (Database::*round)()) {
  int backoff_ms = options_.background_interval_ms;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(w->mu);
      w->cv.wait_for(lock, std::chrono::milliseconds(backoff_ms),
                     [&] { return w->stop || w->kick; });
      if (w->stop) return;
      w->kick = false;
    }
    Status s = (this->*round)();
    if (s.ok()) {
      backoff_ms = options_.background_interval_ms;
    } else {
      Log(LogLevel::kWarn, "background %s failed, will retry: %s", what, s.ToString().c_str());
      backoff_ms = std::min(backoff_ms * 2, 2000);
    }
  }
}

Status Database::FlushRound() {
  OMEN_RETURN_IF_ERROR(BackgroundRound());
  return ApplyRetention();
}

DatabaseStats Database::stats() const {
  DatabaseStats s;
  s.wal_last_sequence = wal_->last_sequence();
  s.wal_fsyncs = wal_->fsync_count();
  s.flushes = flushes_.load();
  s.compactions = compactions_.load();
  s.rows_inserted = rows_inserted_.load();
  for (const auto& t : AllTables()) s.buffered_rows += t->BufferedRows();
  s.replayed_records = replayed_records_;
  s.quarantined_segments = quarantined_;
  s.wal_bytes = wal_->bytes_written();
  s.wal_fsync_nanos = wal_->fsync_nanos();
  s.wal_reused_files = wal_->reused_files();
  return s;
}

std::vector<TableStats> Database::table_stats() const {
  std::vector<TableStats> out;
  for (const auto& t : AllTables()) {
    TableStats s;
    s.name = t->def()->name;
    for (int64_t start : t->PartitionStarts()) {
      ++s.partitions;
      for (const auto& seg : t->Segments(start)) {
        ++s.segments;
        s.segment_rows += seg->meta().rows;
        s.segment_bytes += seg->meta().bytes;
      }
    }
    s.buffered_rows = t->BufferedRows();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace omen::storage
