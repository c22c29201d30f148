// Copyright 2026 The OmenDB Authors.

#include "ingest/ilp_writer.h"

#include <cstring>
#include <limits>

namespace omen::ingest {

using storage::SqlType;

namespace {

inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// A fast hash for series keys (the measurement and tag set, often 100-300 bytes): 16 bytes per
// 64x64->128-bit multiply, as in wyhash.
uint64_t HashSeries(std::string_view s) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = k0 ^ n;
  for (; n >= 16; p += 16, n -= 16) h = Mix(Load64(p) ^ k1, Load64(p + 8) ^ h);
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else {
    for (size_t i = 0; i < n; ++i) a = (a << 8) | static_cast<unsigned char>(p[i]);
  }
  return Mix(a ^ k1, Mix(b ^ h, k0 ^ s.size()));
}

// Series (measurement and tag set bytes) -> the dictionary codes of its tag values: an open
// addressing table of (hash, entry) slots over one arena of entries (codes, then the key
// bytes), so that a lookup touches two places that can be prefetched a few lines ahead (with
// thousands of series the table does not stay in cache between a series' points).
class SeriesCache {
 public:
  // The codes stored for key, or null.
  const int32_t* Find(std::string_view key, uint64_t hash) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key_size == 0) return nullptr;
      if (s.hash == hash && s.key_size == key.size()) {
        const char* e = arena_.data() + s.offset;
        uint32_t n;
        std::memcpy(&n, e, 4);
        const char* k = e + 4 + 4 * static_cast<size_t>(n);
        if (std::memcmp(k, key.data(), key.size()) == 0) {
          return reinterpret_cast<const int32_t*>(e + 4);
        }
      }
    }
  }
  // Stores codes[0, n) for key (not present). False when the arena is full (4 GiB).
  bool Insert(std::string_view key, uint64_t hash, const int32_t* codes, uint32_t n) {
    const size_t offset = arena_.size();
    const size_t bytes = 4 + 4 * static_cast<size_t>(n) + ((key.size() + 3) & ~size_t{3});
    if (offset + bytes > std::numeric_limits<uint32_t>::max()) return false;
    if ((count_ + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(64, slots_.size() * 2));
    arena_.resize(offset + bytes);
    char* e = arena_.data() + offset;
    std::memcpy(e, &n, 4);
    if (n > 0) std::memcpy(e + 4, codes, 4 * static_cast<size_t>(n));
    std::memcpy(e + 4 + 4 * static_cast<size_t>(n), key.data(), key.size());
    size_t i = hash & mask_;
    while (slots_[i].key_size != 0) i = (i + 1) & mask_;
    slots_[i] = {hash, static_cast<uint32_t>(offset), static_cast<uint32_t>(key.size())};
    ++count_;
    return true;
  }
  // Prefetches the slot of hash, then (a few lines later, once the slot is in cache) the entry.
  void PrefetchSlot(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }
  void PrefetchEntry(uint64_t hash) const {
    if (slots_.empty()) return;
    const Slot& s = slots_[hash & mask_];
    if (s.key_size == 0) return;
    const char* e = arena_.data() + s.offset;
    const size_t bytes = std::min<size_t>(s.key_size + 64, 320);
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(e + b);
  }
  void Clear() {
    if (count_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    arena_.clear();
    count_ = 0;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;    // of the entry in arena_
    uint32_t key_size = 0;  // 0: empty (a series has at least its measurement)
  };
  void Rehash(size_t n) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    for (const Slot& s : old) {
      if (s.key_size == 0) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].key_size != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t mask_ = 0;
  size_t count_ = 0;
  std::vector<char> arena_;
};

}  // namespace

struct IlpWriter::TableState {
  std::string name;
  std::shared_ptr<const storage::TableDef> def;
  std::unique_ptr<storage::BatchBuilder> builder;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> col_of;
  std::vector<int> required;  // NOT NULL columns other than time
  // The keys of the last line, in order, and their columns: lines of one source repeat their
  // key order, so most keys resolve by one comparison.
  std::vector<std::string> last_keys;
  std::vector<int> last_cols;
  // Series (measurement and tag set bytes) seen since the builder began -> the dictionary codes
  // of its tag values in line order: a repeated series appends codes with no string lookups.
  SeriesCache series;
  uint64_t series_generation = 0;  // the builder's dictionary generation of series' codes
  uint64_t checked = 0;            // the Append call that last compared def with the catalog
};

namespace {

bool IsText(SqlType t) { return t == SqlType::kText || t == SqlType::kVarchar; }
bool IsInteger(SqlType t) {
  return t == SqlType::kSmallint || t == SqlType::kInteger || t == SqlType::kBigint;
}
bool IsFloat(SqlType t) { return t == SqlType::kReal || t == SqlType::kDouble; }

SqlType TypeOfField(FieldType f) {
  switch (f) {
    case FieldType::kFloat:
      return SqlType::kDouble;
    case FieldType::kInteger:
    case FieldType::kUnsigned:
      return SqlType::kBigint;
    case FieldType::kString:
      return SqlType::kText;
    case FieldType::kBoolean:
      return SqlType::kBoolean;
  }
  return SqlType::kText;
}

const char* FieldTypeName(FieldType f) {
  switch (f) {
    case FieldType::kFloat:
      return "float";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kUnsigned:
      return "unsigned";
    case FieldType::kString:
      return "string";
    case FieldType::kBoolean:
      return "boolean";
  }
  return "?";
}

// Whether a field value fits a column; a message when it does not.
std::string FieldFits(const Field& f, const storage::ColumnDef& c) {
  int64_t v = 0;
  switch (f.type) {
    case FieldType::kFloat:
      if (IsFloat(c.type)) return {};
      break;
    case FieldType::kInteger:
    case FieldType::kUnsigned:
      if (IsFloat(c.type)) return {};
      if (!IsInteger(c.type)) break;
      if (f.type == FieldType::kUnsigned) {
        if (f.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return "field \"" + std::string(f.key) + "\": unsigned value " + std::to_string(f.u) +
                 " is out of range for bigint";
        }
        v = static_cast<int64_t>(f.u);
      } else {
        v = f.i;
      }
      if ((c.type == SqlType::kInteger &&
           (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) ||
          (c.type == SqlType::kSmallint &&
           (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()))) {
        return "field \"" + std::string(f.key) + "\": value " + std::to_string(v) +
               " is out of range for " + storage::SqlTypeName(c.type);
      }
      return {};
    case FieldType::kString:
      if (IsText(c.type)) {
        if (c.max_length >= 0 && f.s.size() > static_cast<size_t>(c.max_length)) {
          return "field \"" + std::string(f.key) + "\": value too long for " +
                 storage::SqlTypeName(c.type) + "(" + std::to_string(c.max_length) + ")";
        }
        return {};
      }
      break;
    case FieldType::kBoolean:
      if (c.type == SqlType::kBoolean) return {};
      break;
  }
  return "field \"" + std::string(f.key) + "\" is type " + FieldTypeName(f.type) +
         ", but column \"" + c.name + "\" is type " + storage::SqlTypeName(c.type);
}

void AppendField(storage::BatchBuilder* b, int col, const Field& f, SqlType type) {
  switch (f.type) {
    case FieldType::kFloat:
      b->AppendDouble(col, f.f);
      return;
    case FieldType::kInteger:
      if (IsFloat(type)) {
        b->AppendDouble(col, static_cast<double>(f.i));
      } else {
        b->AppendInt(col, f.i);
      }
      return;
    case FieldType::kUnsigned:
      if (IsFloat(type)) {
        b->AppendDouble(col, static_cast<double>(f.u));
      } else {
        b->AppendInt(col, static_cast<int64_t>(f.u));
      }
      return;
    case FieldType::kString:
      b->AppendString(col, f.s);
      return;
    case FieldType::kBoolean:
      b->AppendBool(col, f.b);
      return;
  }
}

std::string LineMessage(std::string_view measurement, const std::string& why) {
  return "unable to write point to measurement '" + std::string(measurement) + "': " + why;
}

}  // namespace

IlpWriter::IlpWriter(storage::Database* db) : db_(db) {}
IlpWriter::~IlpWriter() = default;

Status IlpWriter::Reload(TableState* t, std::shared_ptr<const storage::TableDef> def) {
  if (t->builder != nullptr && t->builder->num_rows() > 0) OMEN_RETURN_IF_ERROR(FlushTable(t));
  t->def = std::move(def);
  t->builder = std::make_unique<storage::BatchBuilder>(t->def->ArrowSchema());
  t->builder->set_keep_dictionaries(true);
  t->series_generation = t->builder->dictionary_generation();
  t->col_of.clear();
  t->required.clear();
  for (size_t c = 0; c < t->def->columns.size(); ++c) {
    t->col_of.emplace(t->def->columns[c].name, static_cast<int>(c));
    if (!t->def->columns[c].nullable && static_cast<int>(c) != t->def->time_column) {
      t->required.push_back(static_cast<int>(c));
    }
  }
  t->last_keys.clear();
  t->last_cols.clear();
  t->series.Clear();
  resolved_ = nullptr;
  plan_for_ = nullptr;
  return Status::OK();
}

Result<IlpWriter::TableState*> IlpWriter::State(std::string_view measurement,
                                                const ParsedBatch& batch, const ParsedLine& line) {
  if (auto it = tables_.find(measurement); it != tables_.end()) {
    TableState* t = it->second.get();
    if (t->checked == append_count_ || t->builder->num_rows() > 0) return t;
    // Once per Append with no rows pending: the table as it is now (another writer or SQL may
    // have altered, dropped or re-created it since this writer last looked).
    t->checked = append_count_;
    auto def = db_->FindTable(t->name);
    if (def == t->def) return t;
    if (def != nullptr) {
      OMEN_RETURN_IF_ERROR(Reload(t, std::move(def)));
      return t;
    }
    resolved_ = nullptr;  // they may point at the state erased now
    plan_for_ = nullptr;
    tables_.erase(it);
  }
  auto t = std::make_unique<TableState>();
  t->checked = append_count_;
  t->name = std::string(measurement);
  auto def = db_->FindTable(t->name);
  if (def == nullptr) {
    // A new measurement: time, the line's tags, its fields.
    storage::TableDef nd;
    nd.name = t->name;
    nd.columns.push_back({"time", SqlType::kTimestamptz, false, -1});
    for (uint32_t k = line.tag_begin; k < line.tag_end; ++k) {
      nd.columns.push_back({std::string(batch.tags[k].key), SqlType::kText, true, -1});
    }
    for (uint32_t k = line.field_begin; k < line.field_end; ++k) {
      const Field& f = batch.fields[k];
      nd.columns.push_back({std::string(f.key), TypeOfField(f.type), true, -1});
    }
    auto created = db_->CreateTable(std::move(nd), "time", /*if_not_exists=*/true);
    if (!created.ok()) return created.status();
    def = db_->FindTable(t->name);
    if (def == nullptr) return Status::NotFound("table \"" + t->name + "\" was dropped");
  }
  OMEN_RETURN_IF_ERROR(Reload(t.get(), std::move(def)));
  TableState* raw = t.get();
  tables_.emplace(raw->name, std::move(t));
  return raw;
}

Result<std::string> IlpWriter::Resolve(TableState* t, const ParsedBatch& batch,
                                       const ParsedLine& line) {
  const uint32_t ntags = line.tag_end - line.tag_begin;
  const uint32_t n = ntags + (line.field_end - line.field_begin);
  if (line.keys_as_previous && resolved_ == t && slots_.size() == n) {
    // The keys of the previous point, resolved against this table's current schema: only the
    // value positions change.
    for (uint32_t k = 0; k < n; ++k) {
      slots_[k].index = k < ntags ? line.tag_begin + k : line.field_begin + (k - ntags);
    }
    return CheckSlots(t, batch);
  }
  resolved_ = nullptr;
  plan_for_ = nullptr;
  slots_.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    const bool is_tag = k < ntags;
    const uint32_t index = is_tag ? line.tag_begin + k : line.field_begin + (k - ntags);
    const std::string_view key = is_tag ? batch.tags[index].key : batch.fields[index].key;
    Slot& s = slots_[k];
    s.is_tag = is_tag;
    s.index = index;
    if (k < t->last_keys.size() && t->last_keys[k] == key) {
      s.col = t->last_cols[k];
    } else {
      auto it = t->col_of.find(key);
      if (it == t->col_of.end()) {
        if (key == "time") return std::string("the key \"time\" is reserved for the timestamp");
        // A new tag or field: a nullable column (the rows built so far go to storage first).
        storage::ColumnDef c{std::string(key),
                             is_tag ? SqlType::kText : TypeOfField(batch.fields[index].type), true,
                             -1};
        if (t->builder->num_rows() > 0) OMEN_RETURN_IF_ERROR(FlushTable(t));
        auto added = db_->AddColumn(t->name, c);
        if (!added.ok() && !added.status().IsAlreadyExists()) {
          if (added.status().code() == Status::Code::kInvalidArgument) {
            return std::string(added.status().message());
          }
          return added.status();
        }
        auto def = db_->FindTable(t->name);
        if (def == nullptr) return Status::NotFound("table \"" + t->name + "\" was dropped");
        OMEN_RETURN_IF_ERROR(Reload(t, std::move(def)));
        return Resolve(t, batch, line);  // every key again against the new schema
      }
      s.col = it->second;
      if (k >= t->last_keys.size()) {
        t->last_keys.resize(k + 1);
        t->last_cols.resize(k + 1, -1);
      }
      t->last_keys[k].assign(key);
      t->last_cols[k] = s.col;
    }
    if (s.col == t->def->time_column) {
      return std::string("the key \"time\" is reserved for the timestamp");
    }
  }
  resolved_ = t;
  return CheckSlots(t, batch);
}

std::string IlpWriter::CheckSlots(TableState* t, const ParsedBatch& batch) {
  // Types, duplicates across tags and fields, required columns.
  ++stamp_;
  if (stamp_ == 0) {
    std::fill(filled_.begin(), filled_.end(), 0);
    stamp_ = 1;
  }
  filled_.resize(std::max(filled_.size(), t->def->columns.size()), 0);
  for (const Slot& s : slots_) {
    const storage::ColumnDef& c = t->def->columns[static_cast<size_t>(s.col)];
    if (filled_[static_cast<size_t>(s.col)] == stamp_) {
      return "the key \"" + c.name + "\" is both a tag and a field";
    }
    filled_[static_cast<size_t>(s.col)] = stamp_;
    if (s.is_tag) {
      if (!IsText(c.type)) {
        return "tag \"" + c.name + "\" is a string, but column \"" + c.name + "\" is type " +
               storage::SqlTypeName(c.type);
      }
      if (c.max_length >= 0 &&
          batch.tags[s.index].value.size() > static_cast<size_t>(c.max_length)) {
        return "tag \"" + c.name + "\": value too long for " + storage::SqlTypeName(c.type) + "(" +
               std::to_string(c.max_length) + ")";
      }
    } else {
      std::string why = FieldFits(batch.fields[s.index], c);
      if (!why.empty()) return why;
    }
  }
  for (int c : t->required) {
    if (filled_[static_cast<size_t>(c)] != stamp_) {
      return "missing a value for column \"" + t->def->columns[static_cast<size_t>(c)].name +
             "\", which is NOT NULL";
    }
  }
  return std::string();
}

void IlpWriter::BuildPlan(TableState* t, const ParsedBatch& batch) {
  plan_for_ = nullptr;
  plan_tags_.clear();
  plan_fields_.clear();
  plan_nulls_.clear();
  if (t->def->columns[static_cast<size_t>(t->def->time_column)].type == SqlType::kDate) return;
  for (const Slot& s : slots_) {
    const storage::ColumnDef& c = t->def->columns[static_cast<size_t>(s.col)];
    if (s.is_tag) {
      if (c.max_length >= 0) return;  // values need a length check
      plan_tags_.push_back(s.col);
      continue;
    }
    const FieldType type = batch.fields[s.index].type;
    FieldOp op;
    if (type == FieldType::kFloat && IsFloat(c.type)) {
      op = FieldOp::kDouble;
    } else if (type == FieldType::kInteger && IsFloat(c.type)) {
      op = FieldOp::kIntToDouble;
    } else if (type == FieldType::kUnsigned && IsFloat(c.type)) {
      op = FieldOp::kUnsignedToDouble;
    } else if (type == FieldType::kInteger && c.type == SqlType::kBigint) {
      op = FieldOp::kInt;
    } else if (type == FieldType::kString && IsText(c.type) && c.max_length < 0) {
      op = FieldOp::kString;
    } else if (type == FieldType::kBoolean && c.type == SqlType::kBoolean) {
      op = FieldOp::kBool;
    } else {
      return;  // a range or length check per value
    }
    plan_fields_.push_back({s.col, type, op});
  }
  for (size_t c = 0; c < t->def->columns.size(); ++c) {
    if (filled_[c] != stamp_ && static_cast<int>(c) != t->def->time_column) {
      plan_nulls_.push_back(static_cast<int>(c));
    }
  }
  plan_for_ = t;
}

bool IlpWriter::AppendPlanned(TableState* t, const ParsedBatch& batch, const ParsedLine& line,
                              int64_t time, uint64_t hash) {
  const Field* fields = batch.fields.data() + line.field_begin;
  const size_t nfields = plan_fields_.size();
  for (size_t k = 0; k < nfields; ++k) {
    if (fields[k].type != plan_fields_[k].type) return false;
  }
  storage::BatchBuilder* b = t->builder.get();
  b->AppendInt(t->def->time_column, time);
  const int32_t* code = t->series.Find(line.series, hash);
  if (code == nullptr) {
    codes_.resize(plan_tags_.size());
    for (size_t j = 0; j < plan_tags_.size(); ++j) {
      codes_[j] = b->Intern(plan_tags_[j], batch.tags[line.tag_begin + j].value);
    }
    t->series.Insert(line.series, hash, codes_.data(), static_cast<uint32_t>(codes_.size()));
    code = codes_.data();
  }
  for (size_t j = 0; j < plan_tags_.size(); ++j) b->AppendCode(plan_tags_[j], code[j]);
  for (size_t k = 0; k < nfields; ++k) {
    const Field& f = fields[k];
    const int col = plan_fields_[k].col;
    switch (plan_fields_[k].op) {
      case FieldOp::kInt:
        b->AppendInt(col, f.i);
        break;
      case FieldOp::kIntToDouble:
        b->AppendDouble(col, static_cast<double>(f.i));
        break;
      case FieldOp::kUnsignedToDouble:
        b->AppendDouble(col, static_cast<double>(f.u));
        break;
      case FieldOp::kDouble:
        b->AppendDouble(col, f.f);
        break;
      case FieldOp::kString:
        b->AppendString(col, f.s);
        break;
      case FieldOp::kBool:
        b->AppendBool(col, f.b);
        break;
    }
  }
  for (int c : plan_nulls_) b->AppendNull(c);
  return true;
}

Result<int64_t> IlpWriter::Append(const ParsedBatch& batch, int64_t now_us,
                                  std::vector<LineError>* errors) {
  int64_t added = 0;
  TableState* t = nullptr;
  ++append_count_;
  // The series hashes first, so that the loop can prefetch the cache entries of the lines ahead.
  const size_t nlines = batch.lines.size();
  hashes_.resize(nlines);
  for (size_t i = 0; i < nlines; ++i) hashes_[i] = HashSeries(batch.lines[i].series);
  constexpr size_t kSlotAhead = 8, kEntryAhead = 4;
  for (size_t i = 0; i < nlines; ++i) {
    const ParsedLine& line = batch.lines[i];
    if (t != nullptr) {
      if (i + kSlotAhead < nlines) t->series.PrefetchSlot(hashes_[i + kSlotAhead]);
      if (i + kEntryAhead < nlines) t->series.PrefetchEntry(hashes_[i + kEntryAhead]);
    }
    if (t == nullptr || t->name != line.measurement) {
      auto st = State(line.measurement, batch, line);
      if (!st.ok()) {
        if (st.status().code() != Status::Code::kInvalidArgument) return st.status();
        errors->push_back(
            {line.line_no, LineMessage(line.measurement, std::string(st.status().message()))});
        t = nullptr;
        continue;
      }
      t = *st;
    }
    const int64_t time = line.has_time ? line.time_us : now_us;
    // Lines with the keys of the last one (the common case: one source, one schema) skip the
    // key resolution and the checks when their values need none.
    if (line.keys_as_previous && plan_for_ == t && resolved_ == t &&
        slots_.size() == plan_tags_.size() + plan_fields_.size() &&
        line.tag_end - line.tag_begin == plan_tags_.size() &&
        line.field_end - line.field_begin == plan_fields_.size() &&
        time >= storage::kMinTimestamp && time <= storage::kMaxTimestamp &&
        AppendPlanned(t, batch, line, time, hashes_[i])) {
      ++added;
      ++pending_rows_;
      continue;
    }
    OMEN_ASSIGN_OR_RETURN(std::string why, Resolve(t, batch, line));
    if (!why.empty()) {
      errors->push_back({line.line_no, LineMessage(line.measurement, why)});
      continue;
    }
    if (time < storage::kMinTimestamp || time > storage::kMaxTimestamp) {
      errors->push_back({line.line_no, LineMessage(line.measurement, "timestamp out of range")});
      continue;
    }
    storage::BatchBuilder* b = t->builder.get();
    const int time_col = t->def->time_column;
    const SqlType time_type = t->def->columns[static_cast<size_t>(time_col)].type;
    if (time_type == SqlType::kDate) {
      b->AppendInt(time_col, time >= 0 ? time / 86400000000 : -((-time - 1) / 86400000000) - 1);
    } else {
      b->AppendInt(time_col, time);
    }
    filled_[static_cast<size_t>(time_col)] = stamp_;
    const int32_t* code = t->series.Find(line.series, hashes_[i]);
    if (code == nullptr) {
      codes_.clear();
      for (const Slot& s : slots_) {
        if (s.is_tag) codes_.push_back(b->Intern(s.col, batch.tags[s.index].value));
      }
      t->series.Insert(line.series, hashes_[i], codes_.data(),
                       static_cast<uint32_t>(codes_.size()));
      code = codes_.data();
    }
    for (const Slot& s : slots_) {
      if (s.is_tag) {
        b->AppendCode(s.col, *code++);
      } else {
        AppendField(b, s.col, batch.fields[s.index],
                    t->def->columns[static_cast<size_t>(s.col)].type);
      }
    }
    for (size_t c = 0; c < t->def->columns.size(); ++c) {
      if (filled_[c] != stamp_) b->AppendNull(static_cast<int>(c));
    }
    if (resolved_ == t && plan_for_ != t) BuildPlan(t, batch);
    ++added;
    ++pending_rows_;
  }
  return added;
}

Status InsertBatch(storage::Database* db, PendingBatch* b) {
  const int64_t rows = b->batch.num_rows;
  for (int attempt = 0;; ++attempt) {
    auto def = db->FindTable(b->table);
    if (def == nullptr) return Status::NotFound("table \"" + b->table + "\" was dropped");
    // Columns added by another writer since the batch was begun: NULL in these rows.
    if (def->columns.size() > b->batch.columns.size()) {
      auto schema = def->ArrowSchema();
      for (size_t c = b->batch.columns.size(); c < def->columns.size(); ++c) {
        b->batch.columns.push_back(storage::MakeNullArray(schema->fields[c].type, rows));
      }
      b->batch.schema = schema;
    }
    Status s = db->Insert(b->table, b->batch);
    // A column added between FindTable and Insert (AddColumn holds the table while it flushes,
    // so the window is wide): once more with the new schema. Each retry follows another
    // writer's progress, and columns are finite; the bound is a backstop.
    if (s.ok() || attempt >= 1000 || s.code() != Status::Code::kInvalidArgument ||
        db->FindTable(b->table) == def) {
      return s;
    }
  }
}

Result<std::optional<PendingBatch>> IlpWriter::TakeTable(TableState* t) {
  if (t->builder == nullptr || t->builder->num_rows() == 0) return std::optional<PendingBatch>();
  pending_rows_ -= t->builder->num_rows();
  auto finished = t->builder->Finish();
  // The codes stay valid while the builder keeps its dictionaries.
  if (!finished.ok() || t->builder->dictionary_generation() != t->series_generation) {
    t->series.Clear();
    t->series_generation = t->builder->dictionary_generation();
  }
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, std::move(finished));
  return std::optional<PendingBatch>(PendingBatch{t->name, std::move(batch)});
}

Status IlpWriter::FlushTable(TableState* t) {
  OMEN_ASSIGN_OR_RETURN(std::optional<PendingBatch> b, TakeTable(t));
  if (!b.has_value()) return Status::OK();
  OMEN_RETURN_IF_ERROR(InsertBatch(db_, &*b));
  written_[b->table] += b->batch.num_rows;
  return Status::OK();
}

Result<std::vector<PendingBatch>> IlpWriter::TakeBatches() {
  std::vector<PendingBatch> out;
  for (auto& [name, t] : tables_) {
    OMEN_ASSIGN_OR_RETURN(std::optional<PendingBatch> b, TakeTable(t.get()));
    if (b.has_value()) out.push_back(std::move(*b));
  }
  pending_rows_ = 0;
  return out;
}

Status IlpWriter::Flush() {
  Status first;
  for (auto& [name, t] : tables_) {
    Status s = FlushTable(t.get());
    if (!s.ok() && first.ok()) first = s;
  }
  pending_rows_ = 0;
  return first;
}

}  // namespace omen::ingest
