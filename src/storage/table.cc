// Copyright 2026 The OmenDB Authors.

#include "storage/table.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/logging.h"
#include "storage/batch.h"
#include "storage/checksummed_file.h"
#include "storage/rows.h"

namespace omen::storage {

using arrow::ArrayData;
using arrow::TypeId;

// ---------------------------------------------------------------------------------------------
// MANIFEST: "OMENMAN1 <length> <crc32c hex>\n" + JSON.

namespace {
constexpr char kManifestMagic[] = "OMENMAN1";
}  // namespace

std::string EncodeManifest(const Manifest& m) {
  nlohmann::json j;
  j["format"] = 1;
  j["table_id"] = m.table_id;
  j["next_segment_id"] = m.next_segment_id;
  j["floor_seq"] = m.floor_seq;
  j["partitions"] = nlohmann::json::array();
  for (const auto& [start, p] : m.partitions) {
    nlohmann::json segs = nlohmann::json::array();
    for (const SegmentMeta& s : p.segments) {
      segs.push_back({s.id, s.rows, s.min_time, s.max_time, s.bytes});
    }
    j["partitions"].push_back(
        {{"start", start}, {"flushed_seq", p.flushed_seq}, {"segments", segs}});
  }
  return FrameChecksummed(kManifestMagic, j.dump());
}

Result<Manifest> DecodeManifestJson(std::string_view body);

Result<Manifest> DecodeManifest(std::string_view bytes) {
  auto body = UnframeChecksummed(kManifestMagic, bytes);
  if (!body.ok()) return body.status().WithContext("manifest");
  try {
    return DecodeManifestJson(*body);
  } catch (const std::exception& e) {  // a field of the wrong JSON type
    return Status::Corruption(std::string("manifest: ") + e.what());
  }
}

Result<Manifest> DecodeManifestJson(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("partitions") ||
      !j["partitions"].is_array()) {
    return Status::Corruption("manifest: not a manifest document");
  }
  Manifest m;
  m.table_id = j.value("table_id", uint64_t{0});
  m.next_segment_id = j.value("next_segment_id", uint64_t{1});
  m.floor_seq = j.value("floor_seq", uint64_t{0});
  for (const auto& pj : j["partitions"]) {
    if (!pj.is_object() || !pj.contains("segments") || !pj["segments"].is_array()) {
      return Status::Corruption("manifest: bad partition entry");
    }
    ManifestPartition p;
    p.start = pj.value("start", int64_t{0});
    p.flushed_seq = pj.value("flushed_seq", uint64_t{0});
    for (const auto& sj : pj["segments"]) {
      if (!sj.is_array() || sj.size() != 5) return Status::Corruption("manifest: bad segment");
      SegmentMeta s;
      s.id = sj[0].get<uint64_t>();
      s.rows = sj[1].get<uint64_t>();
      s.min_time = sj[2].get<int64_t>();
      s.max_time = sj[3].get<int64_t>();
      s.bytes = sj[4].get<uint64_t>();
      if (s.id >= m.next_segment_id || s.id == 0) {
        return Status::Corruption("manifest: segment id");
      }
      for (const auto& [start, other] : m.partitions) {
        for (const SegmentMeta& o : other.segments) {
          if (o.id == s.id) return Status::Corruption("manifest: duplicate segment id");
        }
      }
      for (const SegmentMeta& o : p.segments) {
        if (o.id == s.id) return Status::Corruption("manifest: duplicate segment id");
      }
      p.segments.push_back(s);
    }
    if (m.partitions.count(p.start) != 0) return Status::Corruption("manifest: partition twice");
    m.partitions[p.start] = std::move(p);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------

Table::Table(Env* env, std::string dir, std::shared_ptr<const TableDef> def)
    : env_(env), dir_(std::move(dir)), def_(std::move(def)), schema_(def_->ArrowSchema()) {}

std::shared_ptr<const TableDef> Table::def() const {
  std::lock_guard<std::mutex> lock(mu_);
  return def_;
}

std::shared_ptr<const arrow::Schema> Table::schema() const {
  std::lock_guard<std::mutex> lock(mu_);
  return schema_;
}

void Table::SetDef(std::shared_ptr<const TableDef> def) {
  std::lock_guard<std::mutex> lock(mu_);
  def_ = std::move(def);
  schema_ = def_->ArrowSchema();
  for (auto& [start, p] : partitions_) p.active.reset();  // new buffers get the new schema
}

std::string Table::PartitionDir(int64_t start) const {
  return dir_ + "/" + PartitionName(def()->options.partition_by, start);
}

std::string Table::SegmentBase(int64_t start, uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof(name), "/%010" PRIu64, id);
  return PartitionDir(start) + name;
}

Status Table::Load(const std::string& quarantine_dir) {
  if (!env_->FileExists(dir_)) {
    OMEN_RETURN_IF_ERROR(env_->CreateDirs(dir_));
    OMEN_RETURN_IF_ERROR(env_->SyncDir(DirName(dir_)));
  }
  Manifest m;
  const std::string path = dir_ + "/MANIFEST";
  const std::shared_ptr<const TableDef> def = this->def();
  if (env_->FileExists(path)) {
    OMEN_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(path));
    auto decoded = DecodeManifest(bytes);
    if (!decoded.ok()) return decoded.status().WithContext(path);
    m = std::move(decoded).value();
    if (m.table_id != def->id) {
      // Left behind by a dropped table of the same name: not ours.
      Log(LogLevel::kWarn, "removing stale table directory %s", dir_.c_str());
      OMEN_RETURN_IF_ERROR(env_->RemoveAll(dir_));
      OMEN_RETURN_IF_ERROR(env_->CreateDirs(dir_));
      m = Manifest();
    }
  }
  m.table_id = def->id;
  bool changed = false;
  std::set<std::string> keep = {"MANIFEST"};
  // Every segment is opened (and its data file's CRC checked, a pass over all of it) on all
  // cores at once; the results are then taken in manifest order.
  std::vector<std::pair<int64_t, const SegmentMeta*>> to_open;
  for (const auto& [start, mp] : m.partitions) {
    for (const SegmentMeta& meta : mp.segments) to_open.emplace_back(start, &meta);
  }
  std::vector<Result<std::shared_ptr<Segment>>> opened(to_open.size(),
                                                       Status::Internal("segment not opened"));
  {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < to_open.size();) {
        opened[i] = Segment::Open(env_, SegmentBase(to_open[i].first, to_open[i].second->id),
                                  *to_open[i].second, *def);
      }
    };
    const size_t threads =
        std::min<size_t>(to_open.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }
  size_t next_opened = 0;
  for (auto& [start, mp] : m.partitions) {
    if (PartitionFor(def->options.partition_by, start).start != start) {
      return Status::Corruption(path + ": partition start is not a partition boundary");
    }
    PartitionState p;
    p.range = PartitionFor(def->options.partition_by, start);
    p.name = PartitionName(def->options.partition_by, start);
    p.flushed_seq = mp.flushed_seq;
    keep.insert(p.name);
    std::vector<SegmentMeta> good;
    for (const SegmentMeta& meta : mp.segments) {
      std::string base = SegmentBase(start, meta.id);
      Result<std::shared_ptr<Segment>> seg = std::move(opened[next_opened++]);
      if (!seg.ok() && !seg.status().IsCorruption() && !seg.status().IsNotFound()) {
        return seg.status();  // e.g. EIO, EMFILE: not the segment's fault; do not quarantine
      }
      if (!seg.ok()) {
        Log(LogLevel::kError, "segment %s is unreadable, quarantined and not served: %s",
            base.c_str(), seg.status().ToString().c_str());
        std::string qdir = quarantine_dir + "/" + def->name + "/" + p.name;
        (void)env_->CreateDirs(qdir);
        for (const char* ext : {".arrow", ".idx"}) {
          if (env_->FileExists(base + ext)) {
            char name[32];
            std::snprintf(name, sizeof(name), "/%010" PRIu64 "%s", meta.id, ext);
            OMEN_RETURN_IF_ERROR(env_->RenameFile(base + ext, qdir + name));
          }
        }
        changed = true;
        continue;
      }
      good.push_back(meta);
      p.segments.push_back(std::move(seg).value());
    }
    mp.segments = good;
    partitions_[start] = std::move(p);
  }
  next_segment_id_ = m.next_segment_id;
  floor_seq_ = m.floor_seq;
  // Remove files no manifest entry names: leftovers of an interrupted flush or compaction.
  OMEN_ASSIGN_OR_RETURN(auto children, env_->GetChildren(dir_));
  for (const std::string& child : children) {
    if (keep.count(child) == 0) {
      Log(LogLevel::kInfo, "removing unreferenced %s/%s", dir_.c_str(), child.c_str());
      OMEN_RETURN_IF_ERROR(env_->RemoveAll(dir_ + "/" + child));
    }
  }
  for (const auto& [start, p] : partitions_) {
    std::string pdir = dir_ + "/" + p.name;
    std::set<std::string> files;
    for (const auto& seg : p.segments) {
      std::string base = seg->base().substr(seg->base().rfind('/') + 1);
      files.insert(base + ".arrow");
      files.insert(base + ".idx");
    }
    auto kids = env_->GetChildren(pdir);
    if (!kids.ok()) continue;
    for (const std::string& f : *kids) {
      if (files.count(f) == 0) {
        Log(LogLevel::kInfo, "removing unreferenced %s/%s", pdir.c_str(), f.c_str());
        OMEN_RETURN_IF_ERROR(env_->RemoveAll(pdir + "/" + f));
      }
    }
  }
  if (changed || !env_->FileExists(path)) OMEN_RETURN_IF_ERROR(WriteManifest(m));
  return Status::OK();
}

Manifest Table::manifest() const {
  std::lock_guard<std::mutex> lock(mu_);
  Manifest m;
  m.table_id = def_->id;
  m.next_segment_id = next_segment_id_;
  m.floor_seq = floor_seq_;
  for (const auto& [start, p] : partitions_) {
    if (p.segments.empty() && p.flushed_seq == 0) continue;
    ManifestPartition mp;
    mp.start = start;
    mp.flushed_seq = p.flushed_seq;
    for (const auto& s : p.segments) mp.segments.push_back(s->meta());
    m.partitions[start] = std::move(mp);
  }
  return m;
}

Status Table::WriteManifest(const Manifest& m) {
  return WriteFileAtomic(env_, dir_ + "/MANIFEST", EncodeManifest(m));
}

uint64_t Table::AllocateSegmentId() {
  std::lock_guard<std::mutex> lock(mu_);
  return next_segment_id_++;
}

PartitionState& Table::GetPartition(int64_t t) {
  PartitionRange r = PartitionFor(def_->options.partition_by, t);
  auto it = partitions_.find(r.start);
  if (it != partitions_.end()) return it->second;
  PartitionState& p = partitions_[r.start];
  p.range = r;
  p.name = PartitionName(def_->options.partition_by, r.start);
  return p;
}

int64_t Table::Apply(const arrow::RecordBatch& batch, uint64_t seq) {
  const int64_t n = batch.num_rows;
  if (n == 0) return 0;
  std::shared_ptr<const TableDef> def;
  {
    std::lock_guard<std::mutex> lock(mu_);
    def = def_;
  }
  const ArrayData& t = batch.columns[def->time_column];
  // Group row ids by partition start (one group in the common case).
  int64_t lo = t.Value<int64_t>(0), hi = lo;
  for (int64_t i = 1; i < n; ++i) {
    lo = std::min(lo, t.Value<int64_t>(i));
    hi = std::max(hi, t.Value<int64_t>(i));
  }
  std::map<int64_t, std::vector<uint32_t>> groups;
  PartitionRange first = PartitionFor(def->options.partition_by, lo);
  if (hi < first.end) {
    std::vector<uint32_t>& ids = groups[first.start];
    ids.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) ids[i] = static_cast<uint32_t>(i);
  } else {
    for (int64_t i = 0; i < n; ++i) {
      groups[PartitionFor(def->options.partition_by, t.Value<int64_t>(i)).start].push_back(
          static_cast<uint32_t>(i));
    }
  }
  std::vector<std::pair<std::shared_ptr<WriteBuffer>, const std::vector<uint32_t>*>> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [start, ids] : groups) {
      PartitionState& p = GetPartition(start);
      if (seq <= std::max(p.flushed_seq, floor_seq_)) continue;  // already in segments
      if (p.active != nullptr &&
          p.active->published_rows() >= static_cast<int64_t>(def->options.flush_rows)) {
        // Sealed here rather than when the background thread next looks: while it is busy,
        // the active buffer would otherwise keep growing, and one large flush (sort, gather)
        // costs more per row than several of flush_rows.
        p.flushing.push_back(std::move(p.active));
      }
      if (p.active == nullptr) p.active = std::make_shared<WriteBuffer>(schema_, def->time_column);
      p.active->Reserve(static_cast<int64_t>(ids.size()));
      targets.emplace_back(p.active, &ids);
    }
  }
  int64_t applied = 0;
  for (auto& [buffer, ids] : targets) {
    buffer->Append(batch, ids->data(), static_cast<int64_t>(ids->size()), seq);
    applied += static_cast<int64_t>(ids->size());
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [buffer, ids] : targets) buffer->Publish();
  return applied;
}

std::vector<int64_t> Table::PartitionStarts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int64_t> out;
  for (const auto& [start, p] : partitions_) out.push_back(start);
  return out;
}

void Table::SealActive(int64_t start) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(start);
  if (it == partitions_.end() || it->second.active == nullptr) return;
  if (it->second.active->pending_rows() > 0) {
    it->second.flushing.push_back(std::move(it->second.active));
  }
  it->second.active.reset();
}

std::shared_ptr<WriteBuffer> Table::OldestFlushing(int64_t start) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(start);
  if (it == partitions_.end() || it->second.flushing.empty()) return nullptr;
  return it->second.flushing.front();
}

void Table::InstallFlush(int64_t start, const std::shared_ptr<WriteBuffer>& buffer,
                         std::shared_ptr<Segment> segment, uint64_t flushed_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  PartitionState& p = partitions_[start];
  auto it = std::find(p.flushing.begin(), p.flushing.end(), buffer);
  if (it != p.flushing.end()) p.flushing.erase(it);
  if (segment != nullptr) p.segments.push_back(std::move(segment));
  p.flushed_seq = std::max(p.flushed_seq, flushed_seq);
}

void Table::ReplaceSegments(int64_t start, const std::vector<uint64_t>& removed,
                            std::vector<std::shared_ptr<Segment>> added, bool drop_empty) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(start);
  if (it == partitions_.end()) return;
  PartitionState& p = it->second;
  std::vector<std::shared_ptr<Segment>> next;
  for (auto& s : p.segments) {
    if (std::find(removed.begin(), removed.end(), s->meta().id) == removed.end()) {
      next.push_back(s);
    }
  }
  for (auto& s : added) next.push_back(std::move(s));
  std::sort(next.begin(), next.end(),
            [](const auto& a, const auto& b) { return a->meta().id < b->meta().id; });
  p.segments = std::move(next);
  if (drop_empty && p.segments.empty() && p.active == nullptr && p.flushing.empty()) {
    partitions_.erase(it);
  }
}

void Table::SetFloor(uint64_t floor_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  floor_seq_ = std::max(floor_seq_, floor_seq);
}

std::vector<std::shared_ptr<Segment>> Table::Segments(int64_t start) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(start);
  return it == partitions_.end() ? std::vector<std::shared_ptr<Segment>>() : it->second.segments;
}

int64_t Table::BufferedRows() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t rows = 0;
  for (const auto& [start, p] : partitions_) {
    if (p.active) rows += p.active->published_rows();
    for (const auto& b : p.flushing) rows += b->published_rows();
  }
  return rows;
}

std::pair<int64_t, int64_t> Table::LargestActive() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::pair<int64_t, int64_t> best{0, 0};
  for (const auto& [start, p] : partitions_) {
    if (p.active && p.active->published_rows() > best.second) {
      best = {start, p.active->published_rows()};
    }
  }
  return best;
}

uint64_t Table::MinBufferedSequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t min_seq = 0;
  auto consider = [&](const std::shared_ptr<WriteBuffer>& b) {
    if (b && b->pending_rows() > 0 && (min_seq == 0 || b->first_sequence() < min_seq)) {
      min_seq = b->first_sequence();
    }
  };
  for (const auto& [start, p] : partitions_) {
    consider(p.active);
    for (const auto& b : p.flushing) consider(b);
  }
  return min_seq;
}

// ---------------------------------------------------------------------------------------------
// Scans.

namespace {

bool Overlaps(int64_t a_lo, int64_t a_hi_incl, int64_t lo, int64_t hi_excl) {
  return a_hi_incl >= lo && a_lo < hi_excl;
}

}  // namespace

namespace {

// Whether per-series lookups should find the rows of spec's time range in a sort-key segment:
// the range covers under half of the segment's time span and the segment has many rows per
// series (each series costs two model searches; a scan costs a time check per row).
bool UseSeriesLookups(const Segment& seg, const ScanSpec& spec) {
  const SegmentIndex& ix = seg.index();
  if (ix.sort_column < 0 || !ix.has_model) return false;
  const auto& dict = seg.dictionary(ix.sort_column);
  const int64_t series = (dict == nullptr ? 0 : dict->length) + 1;
  if (series * 32 > seg.rows()) return false;
  const double span = static_cast<double>(ix.max_time) - static_cast<double>(ix.min_time) + 1;
  const double lo = static_cast<double>(std::max(spec.min_time, ix.min_time));
  const double hi = static_cast<double>(std::min(spec.max_time, ix.max_time + 1));
  return (hi - lo) < span / 2;
}

// Tasks for the row ranges (ascending, disjoint) of a sort-key segment: one task per batch that
// holds any of them, with the explicit rows.
void AddRowListTasks(const std::shared_ptr<Segment>& seg,
                     const std::vector<std::pair<int64_t, int64_t>>& ranges,
                     const std::vector<int32_t>& codes, std::vector<TableScan::Task>* tasks,
                     ScanStats* stats) {
  const int64_t batch_rows = seg->index().batch_rows;
  TableScan::Task task;
  task.batch = -1;
  auto finish = [&] {
    if (task.batch < 0 || task.rows.empty()) return;
    task.segment = seg;
    task.begin = task.rows.front();
    task.end = int64_t{task.rows.back()} + 1;
    task.codes = codes;
    stats->rows_estimated += static_cast<int64_t>(task.rows.size());
    tasks->push_back(std::move(task));
    task = TableScan::Task();
  };
  for (auto [begin, end] : ranges) {
    for (int64_t r = begin; r < end;) {
      const int b = static_cast<int>(r / batch_rows);
      if (b != task.batch) {
        finish();
        task.batch = b;
      }
      const int64_t base = int64_t{b} * batch_rows;
      const int64_t stop = std::min(end, base + batch_rows);
      for (; r < stop; ++r) task.rows.push_back(static_cast<uint32_t>(r - base));
    }
  }
  finish();
}

}  // namespace

// "The last (first) row of each series" (ScanSpec::series_edge) over sort-key segments visited
// from the newest (oldest) data: per series, a bound on the time of the candidate already found.
// A segment is skipped when every series it holds has a candidate strictly later (earlier) than
// any of its rows in the range, so its candidates could never win. Without this every segment
// of a long table contributes one row per series; with it, data written in time order reads
// only the latest segment. Segments whose dictionaries hold the same values share one check.
class SeriesEdgePruner {
 public:
  explicit SeriesEdgePruner(const ScanSpec& spec)
      : last_(spec.series_edge == ScanSpec::SeriesEdge::kLast),
        lo_(spec.min_time),
        hi_(spec.max_time) {}

  // Orders segments so that the ones holding the edge-most rows come first.
  void Sort(std::vector<std::pair<std::shared_ptr<Segment>, bool>>* segments) const {
    std::stable_sort(segments->begin(), segments->end(), [&](const auto& a, const auto& b) {
      const int64_t na = Near(a.first->index()), nb = Near(b.first->index());
      return last_ ? na > nb : na < nb;
    });
  }

  // Whether no series of seg can have its answer there.
  bool Covered(const Segment& seg) {
    const SegmentIndex& ix = seg.index();
    const int64_t near = Near(ix);
    const auto& stats = ix.column_stats;
    const bool nulls = static_cast<size_t>(ix.sort_column) >= stats.size() ||
                       stats[static_cast<size_t>(ix.sort_column)].null_count > 0;
    if (nulls && !(has_null_ && Beyond(null_bound_, near))) return false;
    const auto& dict = seg.dictionary(ix.sort_column);
    if (dict == nullptr || dict->length == 0) return true;  // only the null series
    for (Class& c : classes_) {
      if (!SameValues(*c.dict, *dict)) continue;
      if (!Beyond(c.worst, near)) c.worst = Worst(*dict);  // bounds only move outward
      return Beyond(c.worst, near);
    }
    const int64_t worst = Worst(*dict);
    if (classes_.size() < kMaxClasses) classes_.push_back({dict, worst});
    return Beyond(worst, near);
  }

  // Series `code` (-1: null) of seg has rows in the range: its candidate is at least as near the
  // edge as the segment's far end.
  void Found(const Segment& seg, int32_t code) {
    const int64_t far = Far(seg.index());
    if (code < 0) {
      null_bound_ = has_null_ ? Nearer(null_bound_, far) : far;
      has_null_ = true;
      return;
    }
    auto [it, inserted] =
        bounds_.try_emplace(seg.dictionary(seg.index().sort_column)->Get(code), far);
    if (!inserted) it->second = Nearer(it->second, far);
  }

 private:
  static constexpr size_t kMaxClasses = 16;
  struct Class {
    std::shared_ptr<const arrow::Dictionary> dict;
    int64_t worst;  // the farthest bound over its values (the far extreme: one has none)
  };

  // The segment's in-range time nearest to / farthest from the edge.
  int64_t Near(const SegmentIndex& ix) const {
    return last_ ? std::min(ix.max_time, hi_ - 1) : std::max(ix.min_time, lo_);
  }
  int64_t Far(const SegmentIndex& ix) const {
    return last_ ? std::max(ix.min_time, lo_) : std::min(ix.max_time, hi_ - 1);
  }
  bool Beyond(int64_t bound, int64_t t) const { return last_ ? bound > t : bound < t; }
  int64_t Nearer(int64_t a, int64_t b) const { return last_ ? std::max(a, b) : std::min(a, b); }

  int64_t Worst(const arrow::Dictionary& dict) const {
    const int64_t none =
        last_ ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    int64_t worst =
        last_ ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    for (int64_t i = 0; i < dict.length; ++i) {
      auto it = bounds_.find(dict.Get(i));
      if (it == bounds_.end()) return none;
      worst = last_ ? std::min(worst, it->second) : std::max(worst, it->second);
    }
    return worst;
  }

  static bool SameValues(const arrow::Dictionary& a, const arrow::Dictionary& b) {
    if (&a == &b) return true;
    if (a.length != b.length) return false;
    const int32_t* oa = a.offsets.As<int32_t>();
    const int32_t* ob = b.offsets.As<int32_t>();
    for (int64_t i = 0; i <= a.length; ++i) {
      if (oa[i] - oa[0] != ob[i] - ob[0]) return false;
    }
    return std::memcmp(a.data.data + oa[0], b.data.data + ob[0],
                       static_cast<size_t>(oa[a.length] - oa[0])) == 0;
  }

  bool last_;
  int64_t lo_, hi_;
  absl::flat_hash_map<std::string_view, int64_t> bounds_;  // views into held dictionaries
  bool has_null_ = false;
  int64_t null_bound_ = 0;
  std::vector<Class> classes_;
};

arrow::RecordBatch ExtendToTable(arrow::RecordBatch batch, const TableDef& def,
                                 const std::shared_ptr<const arrow::Schema>& schema) {
  for (size_t c = batch.columns.size(); c < def.columns.size(); ++c) {
    batch.columns.push_back(MakeNullArray(ArrowTypeOf(def.columns[c].type), batch.num_rows));
  }
  batch.schema = schema;
  return batch;
}

Result<TableScan> Table::TakeScan(const ScanSpec& spec) const {
  TableScan scan;
  scan.spec_ = spec;
  std::vector<std::pair<std::shared_ptr<Segment>, bool>> segments;
  std::shared_ptr<const arrow::Schema> full;
  {
    std::lock_guard<std::mutex> lock(mu_);
    scan.def_ = def_;
    full = schema_;  // def_'s, built once
    for (const auto& [start, p] : partitions_) {
      scan.stats_.partitions_total++;
      scan.stats_.segments_total += static_cast<int>(p.segments.size());
      if (!(p.range.end > spec.min_time && p.range.start < spec.max_time)) continue;
      scan.stats_.partitions_scanned++;
      for (const auto& s : p.segments) segments.emplace_back(s, true);
      auto add_buffer = [&](const std::shared_ptr<WriteBuffer>& b) {
        if (b == nullptr || b->published_rows() == 0) return;
        WriteBuffer::Snapshot snap = b->TakeSnapshot();
        if (!Overlaps(snap.min_time, snap.max_time, spec.min_time, spec.max_time)) return;
        scan.buffers_.push_back(std::move(snap));
      };
      for (const auto& b : p.flushing) add_buffer(b);
      add_buffer(p.active);
    }
  }
  const TableDef& def = *scan.def_;
  if (scan.spec_.columns.empty()) {
    for (size_t c = 0; c < def.columns.size(); ++c)
      scan.spec_.columns.push_back(static_cast<int>(c));
  }
  auto schema = std::make_shared<arrow::Schema>();
  schema->fields.reserve(scan.spec_.columns.size());
  for (int c : scan.spec_.columns) schema->fields.push_back(full->fields[c]);
  schema->metadata = full->metadata;
  scan.schema_ = schema;

  const bool tag_filter = spec.tag_column >= 0;
  const bool series_edge = spec.series_edge != ScanSpec::SeriesEdge::kNone && !tag_filter;
  SeriesEdgePruner pruner(spec);
  if (series_edge) pruner.Sort(&segments);
  for (auto& [seg, unused] : segments) {
    const SegmentIndex& ix = seg->index();
    if (!Overlaps(ix.min_time, ix.max_time, spec.min_time, spec.max_time)) continue;
    const bool edge_lookups = series_edge && ix.sort_column >= 0 && ix.has_model;
    if (edge_lookups && pruner.Covered(*seg)) continue;
    std::vector<int32_t> codes;
    if (tag_filter) {
      if (spec.tag_column >= seg->num_columns()) continue;  // column added later: all null
      for (const std::string& v : spec.tag_values) {
        if (auto code = seg->FindCode(spec.tag_column, v)) codes.push_back(*code);
      }
      if (codes.empty()) continue;
    }
    scan.stats_.segments_scanned++;
    scan.stats_.min_time = std::min(scan.stats_.min_time, std::max(ix.min_time, spec.min_time));
    scan.stats_.max_time = std::max(scan.stats_.max_time, std::min(ix.max_time, spec.max_time - 1));
    std::vector<std::pair<int64_t, int64_t>> ranges;
    bool exact = false;  // ranges hold exactly the rows in the time range
    if (ix.sort_column >= 0 && tag_filter && spec.tag_column == ix.sort_column && ix.has_model) {
      for (int32_t code : codes) {
        OMEN_ASSIGN_OR_RETURN(auto r, seg->SeriesRowRange(code, spec.min_time, spec.max_time));
        if (r.second > r.first) ranges.push_back(r);
      }
      codes.clear();  // the ranges are exact
      exact = true;
    } else if (ix.sort_column < 0) {
      OMEN_ASSIGN_OR_RETURN(auto r, seg->TimeRowRange(spec.min_time, spec.max_time));
      if (r.second > r.first) ranges.push_back(r);
    } else if (edge_lookups) {
      // Series boundaries are found once per segment and kept: a range that covers the
      // segment's then needs no lookups at all.
      OMEN_RETURN_IF_ERROR(seg->SeriesStarts().status());
      const auto& dict = seg->dictionary(ix.sort_column);
      const int64_t n = dict == nullptr ? 0 : dict->length;
      const bool last = spec.series_edge == ScanSpec::SeriesEdge::kLast;
      for (int64_t code = -1; code < n; ++code) {  // -1: the null series
        OMEN_ASSIGN_OR_RETURN(
            auto r, seg->SeriesRowRange(static_cast<int32_t>(code), spec.min_time, spec.max_time));
        if (r.second <= r.first) continue;
        const int64_t row = last ? r.second - 1 : r.first;
        ranges.emplace_back(row, row + 1);
        pruner.Found(*seg, static_cast<int32_t>(code));
      }
      AddRowListTasks(seg, ranges, codes, &scan.tasks_, &scan.stats_);
      continue;
    } else if (UseSeriesLookups(*seg, spec)) {
      // A narrow time range over (series, time)-ordered rows: one learned-index lookup pair per
      // series beats checking every row's time. The rows go into per-batch row lists below.
      const auto& dict = seg->dictionary(ix.sort_column);
      const int64_t n = dict == nullptr ? 0 : dict->length;
      for (int64_t code = -1; code < n; ++code) {  // -1: the null series
        OMEN_ASSIGN_OR_RETURN(
            auto r, seg->SeriesRowRange(static_cast<int32_t>(code), spec.min_time, spec.max_time));
        if (r.second > r.first) ranges.push_back(r);
      }
      AddRowListTasks(seg, ranges, codes, &scan.tasks_, &scan.stats_);
      continue;
    } else {
      ranges.emplace_back(0, seg->rows());  // time filtered per row in ReadTask
    }
    for (auto [begin, end] : ranges) {
      for (int64_t b = begin / ix.batch_rows; b * int64_t{ix.batch_rows} < end; ++b) {
        const int64_t base = b * int64_t{ix.batch_rows};
        if (!codes.empty()) {
          const ColumnStats& st = ix.batch_stats[b][spec.tag_column];
          bool any = false;
          for (int32_t c : codes) any |= st.has_minmax && c >= st.min && c <= st.max;
          if (!any) {
            scan.stats_.batches_pruned++;
            continue;
          }
        }
        TableScan::Task task;
        task.segment = seg;
        task.batch = static_cast<int>(b);
        if (ix.sort_column >= 0 && !exact) {
          // Rows are ordered by series: check time per row unless the batch lies inside.
          const ColumnStats& ts = ix.batch_stats[b][def.time_column];
          task.time_filter = !(ts.has_minmax && ts.min >= spec.min_time && ts.max < spec.max_time);
        }
        task.begin = std::max(begin, base) - base;
        task.end = std::min<int64_t>(end, base + ix.BatchRows(static_cast<uint32_t>(b))) - base;
        task.codes = codes;
        scan.stats_.rows_estimated += task.end - task.begin;
        scan.tasks_.push_back(std::move(task));
      }
    }
  }
  for (size_t i = 0; i < scan.buffers_.size(); ++i) {
    TableScan::Task task;
    task.buffer = static_cast<int>(i);
    scan.stats_.buffers_scanned++;
    const auto& snap = scan.buffers_[i];
    scan.stats_.min_time = std::min(scan.stats_.min_time, std::max(snap.min_time, spec.min_time));
    scan.stats_.max_time =
        std::max(scan.stats_.max_time, std::min(snap.max_time, spec.max_time - 1));
    if (snap.min_time >= spec.min_time && snap.max_time < spec.max_time) {
      scan.stats_.rows_estimated += snap.rows;  // the whole buffer is in range: no row pass
    } else {
      for (int64_t r = 0; r < snap.rows; ++r) {
        int64_t t = snap.Time(r);
        scan.stats_.rows_estimated += (t >= spec.min_time && t < spec.max_time) ? 1 : 0;
      }
    }
    scan.tasks_.push_back(std::move(task));
  }
  return scan;
}

Result<arrow::RecordBatch> TableScan::ReadTask(size_t i) const {
  const Task& task = tasks_.at(i);
  const TableDef& def = *def_;
  const bool tag_filter = spec_.tag_column >= 0;
  if (task.segment == nullptr) {
    const WriteBuffer::Snapshot& snap = buffers_[task.buffer];
    std::vector<uint32_t> ids = SortedRowIds(snap, spec_.min_time, spec_.max_time);
    if (tag_filter) {
      const auto& dict = snap.dictionaries[spec_.tag_column];
      std::vector<uint8_t> match(static_cast<size_t>(dict->length), 0);
      for (int64_t d = 0; d < dict->length; ++d) {
        for (const std::string& v : spec_.tag_values) match[d] |= dict->Get(d) == v ? 1 : 0;
      }
      std::vector<uint32_t> kept;
      for (uint32_t r : ids) {
        const auto& chunk = *snap.chunks[r / WriteBuffer::kChunkRows];
        const int64_t off = r % WriteBuffer::kChunkRows;
        const uint8_t* valid = chunk.valid[spec_.tag_column].get();
        if (valid != nullptr && valid[off] == 0) continue;
        int32_t code;
        std::memcpy(&code, chunk.values[spec_.tag_column].get() + off * 4, 4);
        if (match[code]) kept.push_back(r);
      }
      ids = std::move(kept);
    }
    arrow::RecordBatch out = Materialize(snap, spec_.min_time, spec_.max_time, spec_.columns, &ids);
    out.schema = schema_;
    return out;
  }
  // Read only what is needed: the projected columns, plus time and tag for row filters.
  const bool time_per_row = task.time_filter;
  const int stored = task.segment->num_columns();
  std::vector<int> wanted;
  auto want = [&](int c) {
    if (c >= stored) return -1;
    auto it = std::find(wanted.begin(), wanted.end(), c);
    if (it != wanted.end()) return static_cast<int>(it - wanted.begin());
    wanted.push_back(c);
    return static_cast<int>(wanted.size()) - 1;
  };
  std::vector<int> pos;
  for (int c : spec_.columns) pos.push_back(want(c));
  const int time_pos = time_per_row ? want(def.time_column) : -1;
  const int tag_pos = task.codes.empty() ? -1 : want(spec_.tag_column);
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, task.segment->ReadBatch(task.batch, wanted));
  std::vector<uint32_t> keep;
  const bool filtered = !task.codes.empty() || time_per_row || !task.rows.empty();
  if (filtered) {
    size_t n = 0;
    if (!task.rows.empty()) {
      keep = task.rows;  // (not sized to the batch first: a few rows of a long batch)
      n = keep.size();
    } else {
      keep.resize(static_cast<size_t>(task.end - task.begin));
      if (time_per_row) {
        // Branch-free selection: write every row id, advance only past matches.
        const int64_t* t = batch.columns[time_pos].values.As<int64_t>();
        const int64_t lo = spec_.min_time, hi = spec_.max_time;
        for (int64_t r = task.begin; r < task.end; ++r) {
          keep[n] = static_cast<uint32_t>(r);
          n += static_cast<size_t>((t[r] >= lo) & (t[r] < hi));
        }
      } else {
        for (int64_t r = task.begin; r < task.end; ++r) keep[n++] = static_cast<uint32_t>(r);
      }
    }
    keep.resize(n);
    if (tag_pos >= 0) {
      const ArrayData& tag = batch.columns[tag_pos];
      const int32_t* codes = tag.values.As<int32_t>();
      size_t m = 0;
      for (uint32_t r : keep) {
        keep[m] = r;
        bool hit = tag.IsValid(r) &&
                   std::find(task.codes.begin(), task.codes.end(), codes[r]) != task.codes.end();
        m += hit ? 1 : 0;
      }
      keep.resize(m);
    }
  }
  arrow::RecordBatch out;
  out.schema = schema_;
  const int64_t rows = filtered ? static_cast<int64_t>(keep.size()) : task.end - task.begin;
  out.num_rows = rows;
  for (size_t k = 0; k < spec_.columns.size(); ++k) {
    const int c = spec_.columns[k];
    if (pos[k] < 0) {  // added after this segment was written
      out.columns.push_back(MakeNullArray(ArrowTypeOf(def.columns[c].type), rows));
      continue;
    }
    const ArrayData& a = batch.columns[pos[k]];
    if (!filtered) {
      out.columns.push_back(SliceColumn(a, task.begin, rows));
      continue;
    }
    out.columns.push_back(TakeColumn(a, keep));
  }
  return out;
}

Result<bool> TableScan::Next(arrow::RecordBatch* out) {
  while (next_ < tasks_.size()) {
    OMEN_ASSIGN_OR_RETURN(*out, ReadTask(next_++));
    if (out->num_rows > 0) return true;
  }
  return false;
}

}  // namespace omen::storage
