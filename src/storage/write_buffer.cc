// Copyright 2026 The OmenDB Authors.

#include "storage/write_buffer.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <thread>
#include <type_traits>

namespace omen::storage {

using arrow::TypeId;

namespace {

// Bytes per row a chunk stores for a column (booleans as one byte).
int RowWidth(TypeId id) {
  int w = arrow::ValueWidth(id);
  return w == 0 ? 1 : w;
}

// Chunk arrays of flushed buffers, kept for the buffers that follow. A 4 Mi-row buffer of
// TSBS rows is about 600 MB of arrays; freed, the allocator hands most of it back to the
// kernel, and new buffers then fault in zeroed pages (which this project's VMs back with
// host memory afresh: clear_page and page faults were 8% of line-protocol ingest's CPU).
// Arrays are taken back uninitialized: appends write every byte of a row they use.
class ChunkMemory {
 public:
  static constexpr size_t kMaxCachedBytes = size_t{1} << 30;

  static ChunkMemory& Get() {
    static ChunkMemory* cache = new ChunkMemory();  // never destroyed: chunks may outlive main
    return *cache;
  }

  uint8_t* Take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::vector<uint8_t*>& list = free_[bytes];
      if (!list.empty()) {
        uint8_t* p = list.back();
        list.pop_back();
        cached_ -= bytes;
        return p;
      }
    }
    return new uint8_t[bytes];
  }

  void Give(uint8_t* p, size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ + bytes <= kMaxCachedBytes) {
        free_[bytes].push_back(p);
        cached_ += bytes;
        return;
      }
    }
    delete[] p;
  }

 private:
  std::mutex mu_;
  std::unordered_map<size_t, std::vector<uint8_t*>> free_;  // by size
  size_t cached_ = 0;
};

}  // namespace

WriteBuffer::Chunk::~Chunk() {
  ChunkMemory& memory = ChunkMemory::Get();
  for (size_t c = 0; c < values.size(); ++c) {
    memory.Give(values[c].release(), value_bytes[c]);
    if (valid[c] != nullptr) memory.Give(valid[c].release(), kChunkRows);
  }
}

WriteBuffer::WriteBuffer(std::shared_ptr<const arrow::Schema> schema, int time_column)
    : schema_(std::move(schema)), time_column_(time_column), pools_(schema_->fields.size()) {
  for (const arrow::Field& f : schema_->fields) {
    chunk_bytes_ += kChunkRows * (RowWidth(f.type.id) + (f.nullable ? 1 : 0));
  }
}

void WriteBuffer::Reserve(int64_t n) {
  while (static_cast<int64_t>(chunks_.size()) * kChunkRows < rows_ + n) {
    auto chunk = std::make_shared<Chunk>();
    ChunkMemory& memory = ChunkMemory::Get();
    for (const arrow::Field& f : schema_->fields) {
      const size_t bytes = static_cast<size_t>(kChunkRows * RowWidth(f.type.id));
      chunk->values.emplace_back(memory.Take(bytes));
      chunk->value_bytes.push_back(static_cast<uint32_t>(bytes));
      chunk->valid.emplace_back(f.nullable ? memory.Take(kChunkRows) : nullptr);
    }
    chunks_.push_back(std::move(chunk));
  }
}

void WriteBuffer::Append(const arrow::RecordBatch& batch, const uint32_t* rows, int64_t n,
                         uint64_t seq) {
  if (n == 0) return;
  if (first_seq_ == 0) first_seq_ = seq;
  last_seq_ = seq;
  bool contiguous = true;
  for (int64_t i = 1; contiguous && i < n; ++i) contiguous = rows[i] == rows[0] + i;
  for (size_t c = 0; c < schema_->fields.size(); ++c) {
    const arrow::ArrayData& a = batch.columns[c];
    const TypeId id = a.type.id;
    const int w = RowWidth(id);
    // Remap a batch-local dictionary to this buffer's pool once per batch.
    std::vector<int32_t> remap;
    if (id == TypeId::kString) {
      remap.resize(static_cast<size_t>(a.dictionary->length));
      std::lock_guard<std::mutex> lock(pool_mu_);
      Pool& pool = pools_[c];
      for (int64_t d = 0; d < a.dictionary->length; ++d) {
        std::string_view s = a.dictionary->Get(d);
        auto it = pool.codes.find(s);
        if (it == pool.codes.end()) {
          int32_t code = static_cast<int32_t>(pool.strings.size());
          pool.strings.emplace_back(s);
          it = pool.codes.emplace(pool.strings.back(), code).first;
        }
        remap[d] = it->second;
      }
    }
    if (contiguous && id == TypeId::kString && a.null_count == 0) {
      // A run of valid codes, remapped chunk by chunk.
      const int32_t* codes = a.values.As<int32_t>() + rows[0];
      ForChunkPieces(n, [&](Chunk& chunk, int64_t off, int64_t i, int64_t len) {
        int32_t* out = reinterpret_cast<int32_t*>(chunk.values[c].get()) + off;
        for (int64_t k = 0; k < len; ++k) out[k] = remap[codes[i + k]];
        if (chunk.valid[c] != nullptr) {
          std::memset(chunk.valid[c].get() + off, 1, static_cast<size_t>(len));
        }
      });
      continue;
    }
    if (contiguous && id != TypeId::kBool && id != TypeId::kString) {
      // Fast path: a run of rows copies chunk by chunk.
      ForChunkPieces(n, [&](Chunk& chunk, int64_t off, int64_t i, int64_t len) {
        const int64_t src = rows[0] + i;
        std::memcpy(chunk.values[c].get() + off * w, a.values.data + src * w,
                    static_cast<size_t>(len * w));
        if (chunk.valid[c] != nullptr) {
          if (a.null_count == 0) {
            std::memset(chunk.valid[c].get() + off, 1, static_cast<size_t>(len));
          } else {
            for (int64_t k = 0; k < len; ++k) chunk.valid[c][off + k] = a.IsValid(src + k);
          }
        }
      });
      continue;
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t src = rows[i];
      const int64_t dst = rows_ + i;
      Chunk& chunk = *chunks_[dst / kChunkRows];
      const int64_t off = dst % kChunkRows;
      const bool valid = a.IsValid(src);
      if (chunk.valid[c] != nullptr) chunk.valid[c][off] = valid ? 1 : 0;
      uint8_t* out = chunk.values[c].get() + off * w;
      if (id == TypeId::kBool) {
        *out = a.BoolValue(src) ? 1 : 0;
      } else if (id == TypeId::kString) {
        int32_t code = valid ? remap[a.values.As<int32_t>()[src]] : 0;
        std::memcpy(out, &code, 4);
      } else {
        std::memcpy(out, a.values.data + src * w, w);
      }
    }
  }
  const arrow::ArrayData& t = batch.columns[time_column_];
  for (int64_t i = 0; i < n; ++i) {
    int64_t ts = t.Value<int64_t>(rows[i]);
    if (ts < max_time_ && (rows_ + i) > 0) sorted_ = false;
    min_time_ = std::min(min_time_, ts);
    max_time_ = std::max(max_time_, ts);
  }
  rows_ += n;
}

void WriteBuffer::Publish() {
  published_rows_ = rows_;
  published_sorted_ = sorted_;
  published_min_ = min_time_;
  published_max_ = max_time_;
}

WriteBuffer::Snapshot WriteBuffer::TakeSnapshot() const {
  Snapshot s;
  s.schema = schema_;
  s.rows = published_rows_;
  s.time_column = time_column_;
  s.sorted = published_sorted_;
  s.min_time = published_min_;
  s.max_time = published_max_;
  size_t used = static_cast<size_t>((s.rows + kChunkRows - 1) / kChunkRows);
  s.chunks.assign(chunks_.begin(), chunks_.begin() + used);
  s.dictionaries.resize(schema_->fields.size());
  std::lock_guard<std::mutex> lock(pool_mu_);
  for (size_t c = 0; c < schema_->fields.size(); ++c) {
    if (schema_->fields[c].type.id != TypeId::kString) continue;
    const Pool& pool = pools_[c];
    if (pool.cached == nullptr ||
        pool.cached->length != static_cast<int64_t>(pool.strings.size())) {
      std::vector<std::string_view> views(pool.strings.begin(), pool.strings.end());
      pool.cached = arrow::Dictionary::Make(views);
    }
    s.dictionaries[c] = pool.cached;
  }
  return s;
}

std::vector<uint32_t> SortedRowIds(const WriteBuffer::Snapshot& snap, int64_t lo, int64_t hi) {
  std::vector<uint32_t> ids;
  ids.reserve(static_cast<size_t>(snap.rows));
  for (int64_t r = 0; r < snap.rows; ++r) {
    int64_t t = snap.Time(r);
    if (t >= lo && t < hi) ids.push_back(static_cast<uint32_t>(r));
  }
  if (!snap.sorted) {
    std::stable_sort(ids.begin(), ids.end(),
                     [&](uint32_t a, uint32_t b) { return snap.Time(a) < snap.Time(b); });
  }
  return ids;
}

arrow::RecordBatch Materialize(const WriteBuffer::Snapshot& snap, int64_t lo, int64_t hi,
                               const std::vector<int>& columns,
                               const std::vector<uint32_t>* order) {
  std::vector<uint32_t> own;
  if (order == nullptr) {
    own = SortedRowIds(snap, lo, hi);
    order = &own;
  }
  const int64_t n = static_cast<int64_t>(order->size());
  std::vector<int> cols = columns;
  if (cols.empty()) {
    cols.resize(snap.schema->fields.size());
    std::iota(cols.begin(), cols.end(), 0);
  }
  bool run = n > 0;
  for (int64_t i = 0; run && i < n; ++i) run = (*order)[i] == (*order)[0] + i;
  arrow::RecordBatch out;
  auto schema = std::make_shared<arrow::Schema>();
  for (int c : cols) schema->fields.push_back(snap.schema->fields[c]);
  schema->metadata = snap.schema->metadata;
  out.schema = std::move(schema);
  out.num_rows = n;
  for (int c : cols) {
    const arrow::Field& f = snap.schema->fields[c];
    const TypeId id = f.type.id;
    const int w = RowWidth(id);
    arrow::ArrayData a;
    a.type = f.type;
    a.length = n;
    std::vector<uint8_t> validity;
    if (f.nullable) validity.assign(static_cast<size_t>(arrow::BitmapBytes(n)), 0);
    std::vector<uint8_t> values(arrow::ValuesBytes(id, n));
    int64_t nulls = 0;
    // Fast path: a contiguous ascending run of rows copies chunk by chunk.
    const bool contiguous = run && id != TypeId::kBool;
    if (contiguous) {
      int64_t i = 0;
      while (i < n) {
        const int64_t r = (*order)[0] + i;
        const WriteBuffer::Chunk& chunk = *snap.chunks[r / WriteBuffer::kChunkRows];
        const int64_t off = r % WriteBuffer::kChunkRows;
        const int64_t len = std::min(n - i, WriteBuffer::kChunkRows - off);
        std::memcpy(values.data() + i * w, chunk.values[c].get() + off * w,
                    static_cast<size_t>(len * w));
        const uint8_t* valid = chunk.valid[c].get();
        for (int64_t k = 0; k < len; ++k) {
          if (valid == nullptr || valid[off + k] != 0) {
            if (f.nullable) arrow::SetBit(validity.data(), i + k);
          } else {
            ++nulls;
          }
        }
        i += len;
      }
    }
    for (int64_t i = contiguous ? n : 0; i < n; ++i) {
      const int64_t r = (*order)[i];
      const WriteBuffer::Chunk& chunk = *snap.chunks[r / WriteBuffer::kChunkRows];
      const int64_t off = r % WriteBuffer::kChunkRows;
      bool valid = chunk.valid[c] == nullptr || chunk.valid[c][off] != 0;
      if (!valid) {
        ++nulls;
        continue;  // values stay zero
      }
      if (f.nullable) arrow::SetBit(validity.data(), i);
      const uint8_t* src = chunk.values[c].get() + off * w;
      if (id == TypeId::kBool) {
        if (*src) arrow::SetBit(values.data(), i);
      } else {
        std::memcpy(values.data() + i * w, src, w);
      }
    }
    a.null_count = nulls;
    if (nulls > 0) a.validity = arrow::Buffer::FromVector(std::move(validity));
    a.values = arrow::Buffer::FromVector(std::move(values));
    if (id == TypeId::kString) a.dictionary = snap.dictionaries[c];
    out.columns.push_back(std::move(a));
  }
  return out;
}

arrow::RecordBatch MaterializeForSegment(const WriteBuffer::Snapshot& snap, int sort_column) {
  constexpr int64_t kRows = WriteBuffer::kChunkRows;
  const auto& fields = snap.schema->fields;
  const size_t ncols = fields.size();
  const int64_t n = snap.rows;
  auto code_at = [&](size_t c, int64_t r) {
    return reinterpret_cast<const int32_t*>(snap.chunks[r / kRows]->values[c].get())[r % kRows];
  };
  auto valid_at = [&](size_t c, int64_t r) {
    const uint8_t* v = snap.chunks[r / kRows]->valid[c].get();
    return v == nullptr || v[r % kRows] != 0;
  };
  // Per string column: the used strings, sorted, and each pool code's rank among them.
  std::vector<std::vector<int32_t>> rank(ncols);
  std::vector<std::shared_ptr<const arrow::Dictionary>> dicts(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    if (fields[c].type.id != TypeId::kString) continue;
    const arrow::Dictionary& d = *snap.dictionaries[c];
    std::vector<uint8_t> used(static_cast<size_t>(d.length), 0);
    for (int64_t r = 0; r < n; ++r) {
      if (valid_at(c, r)) used[static_cast<size_t>(code_at(c, r))] = 1;
    }
    std::vector<int32_t> codes;
    for (int64_t k = 0; k < d.length; ++k) {
      if (used[static_cast<size_t>(k)]) codes.push_back(static_cast<int32_t>(k));
    }
    std::sort(codes.begin(), codes.end(),
              [&](int32_t a, int32_t b) { return d.Get(a) < d.Get(b); });
    rank[c].assign(static_cast<size_t>(d.length), 0);
    std::vector<std::string_view> views;
    views.reserve(codes.size());
    for (size_t i = 0; i < codes.size(); ++i) {
      rank[c][static_cast<size_t>(codes[i])] = static_cast<int32_t>(i);
      views.push_back(d.Get(codes[i]));
    }
    dicts[c] = arrow::Dictionary::Make(views);
  }
  // The order: a stable counting sort by series (arrival order within one), then time within
  // each series unless the buffer arrived in time order.
  std::vector<uint32_t> order;
  if (sort_column < 0) {
    order = SortedRowIds(snap, std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int64_t>::max());
  } else {
    const size_t sc = static_cast<size_t>(sort_column);
    const size_t buckets = rank[sc].size() + 1;  // bucket 0: nulls
    std::vector<uint32_t> key(static_cast<size_t>(n));
    std::vector<size_t> start(buckets + 1, 0);
    for (int64_t r = 0; r < n; ++r) {
      key[r] = valid_at(sc, r) ? static_cast<uint32_t>(rank[sc][code_at(sc, r)]) + 1 : 0;
      start[key[r] + 1]++;
    }
    for (size_t b = 1; b <= buckets; ++b) start[b] += start[b - 1];
    order.resize(static_cast<size_t>(n));
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (int64_t r = 0; r < n; ++r) order[next[key[r]]++] = static_cast<uint32_t>(r);
    if (!snap.sorted) {
      for (size_t b = 0; b < buckets; ++b) {
        std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start[b]),
                         order.begin() + static_cast<std::ptrdiff_t>(start[b + 1]),
                         [&](uint32_t a, uint32_t z) { return snap.Time(a) < snap.Time(z); });
      }
    }
  }
  // Where each source row goes.
  std::vector<uint32_t> dest(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) dest[order[static_cast<size_t>(i)]] = static_cast<uint32_t>(i);
  arrow::RecordBatch out;
  out.schema = snap.schema;
  out.num_rows = n;
  out.columns.resize(ncols);
  auto scatter_column = [&](size_t c) {
    const arrow::Field& f = fields[c];
    const TypeId id = f.type.id;
    const int w = RowWidth(id);
    arrow::ArrayData a;
    a.type = f.type;
    a.length = n;
    std::vector<uint8_t> validity;
    if (f.nullable) validity.assign(static_cast<size_t>(arrow::BitmapBytes(n)), 0);
    // Every value is written (nulls as zeros), so the buffer need not be zeroed first.
    const size_t bytes = arrow::ValuesBytes(id, n);
    std::shared_ptr<uint8_t[]> values(new uint8_t[std::max<size_t>(bytes, 1)]);
    if (id == TypeId::kBool) std::memset(values.get(), 0, bytes);
    // Chunk arrays of this column, looked up once: row r is at base[r / kRows] + r % kRows.
    std::vector<const uint8_t*> base(snap.chunks.size()), valid(snap.chunks.size());
    for (size_t k = 0; k < snap.chunks.size(); ++k) {
      base[k] = snap.chunks[k]->values[c].get();
      valid[k] = snap.chunks[k]->valid[c].get();
    }
    const bool any_valid_array =
        f.nullable && std::any_of(valid.begin(), valid.end(), [](const uint8_t* v) { return v; });
    int64_t nulls = 0;
    uint8_t* out_bytes = values.get();
    // Rows are scattered, not gathered: source rows are read in order and each written at
    // its place (dest[r]). Gathering a series (one row in every few thousand) reads a new
    // cache line and often a new page for every value; scattering writes one sequential
    // stream per series, a few hundred KB of lines that stay in cache until filled.
    auto copy_rows = [&](auto value_type) {
      using T = decltype(value_type);
      T* out_values = reinterpret_cast<T*>(out_bytes);
      for (size_t k = 0; k < base.size(); ++k) {
        const int64_t first = static_cast<int64_t>(k) * kRows;
        const int64_t len = std::min<int64_t>(kRows, n - first);
        const T* src = reinterpret_cast<const T*>(base[k]);
        const uint32_t* to = dest.data() + first;
        const uint8_t* v = any_valid_array ? valid[k] : nullptr;
        for (int64_t off = 0; off < len; ++off) {
          const uint32_t i = to[off];
          if (v != nullptr && v[off] == 0) {
            ++nulls;
            out_values[i] = T{};
            continue;
          }
          if (f.nullable) arrow::SetBit(validity.data(), i);
          T x;
          std::memcpy(&x, src + off, sizeof(T));
          if constexpr (std::is_same_v<T, int32_t>) {
            if (id == TypeId::kString) x = rank[c][static_cast<size_t>(x)];
          }
          out_values[i] = x;
        }
      }
    };
    switch (w) {
      case 8:
        copy_rows(int64_t{});
        break;
      case 4:
        copy_rows(int32_t{});
        break;
      case 2:
        copy_rows(int16_t{});
        break;
      default:  // booleans: one byte a row in chunks, bits here
        for (int64_t r = 0; r < n; ++r) {
          const size_t k = static_cast<size_t>(r / kRows);
          const size_t off = static_cast<size_t>(r % kRows);
          const uint32_t i = dest[static_cast<size_t>(r)];
          if (valid[k] != nullptr && valid[k][off] == 0) {
            ++nulls;
            continue;
          }
          if (f.nullable) arrow::SetBit(validity.data(), i);
          if (base[k][off]) arrow::SetBit(out_bytes, i);
        }
    }
    a.null_count = nulls;
    if (nulls > 0) a.validity = arrow::Buffer::FromVector(std::move(validity));
    a.values.data = values.get();
    a.values.size = bytes;
    a.values.owner = std::move(values);
    if (id == TypeId::kString) a.dictionary = dicts[c];
    out.columns[c] = std::move(a);
  };
  // Columns are independent: a second thread scatters half of them. A flush runs while
  // writers wait on back-pressure, and it would otherwise leave the second core idle.
  if (n >= (int64_t{1} << 14) && ncols > 1) {
    std::thread helper([&] {
      for (size_t c = 1; c < ncols; c += 2) scatter_column(c);
    });
    for (size_t c = 0; c < ncols; c += 2) scatter_column(c);
    helper.join();
  } else {
    for (size_t c = 0; c < ncols; ++c) scatter_column(c);
  }
  return out;
}

}  // namespace omen::storage
