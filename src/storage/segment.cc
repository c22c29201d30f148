// Copyright 2026 The OmenDB Authors.

#include "storage/segment.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "common/crc32c.h"
#include "storage/rows.h"

namespace omen::storage {

using arrow::ArrayData;
using arrow::TypeId;

namespace {

template <typename T>
void MinMax(const ArrayData& a, bool* any, T* lo, T* hi) {
  const T* v = a.values.As<T>();
  T mn{}, mx{};
  bool first = true;
  if (a.null_count == 0 && a.length > 0) {
    mn = mx = v[0];
    for (int64_t i = 1; i < a.length; ++i) {
      mn = std::min(mn, v[i]);
      mx = std::max(mx, v[i]);
    }
    first = false;
  } else {
    for (int64_t i = 0; i < a.length; ++i) {
      if (!a.IsValid(i)) continue;
      if (first) {
        mn = mx = v[i];
        first = false;
      } else {
        mn = std::min(mn, v[i]);
        mx = std::max(mx, v[i]);
      }
    }
  }
  *any = !first;
  *lo = mn;
  *hi = mx;
}

template <typename T>
void FloatMinMax(const ArrayData& a, ColumnStats* s) {
  const T* v = a.values.As<T>();
  bool first = true;
  double mn = 0, mx = 0;
  for (int64_t i = 0; i < a.length; ++i) {
    if (!a.IsValid(i)) continue;
    double d = v[i];
    if (d != d) continue;  // NaN is left out of min/max
    if (first) {
      mn = mx = d;
      first = false;
    } else {
      mn = std::min(mn, d);
      mx = std::max(mx, d);
    }
  }
  s->has_minmax = !first;
  s->min = std::bit_cast<int64_t>(mn);
  s->max = std::bit_cast<int64_t>(mx);
}

template <typename T>
void IntStats(const ArrayData& a, ColumnStats* s) {
  T lo, hi;
  MinMax<T>(a, &s->has_minmax, &lo, &hi);
  s->min = lo;
  s->max = hi;
}

ColumnStats ComputeStats(const ArrayData& a) {
  ColumnStats s;
  s.null_count = a.null_count;
  switch (a.type.id) {
    case TypeId::kBool: {
      bool first = true;
      for (int64_t i = 0; i < a.length; ++i) {
        if (!a.IsValid(i)) continue;
        int64_t v = a.BoolValue(i) ? 1 : 0;
        s.min = first ? v : std::min(s.min, v);
        s.max = first ? v : std::max(s.max, v);
        first = false;
      }
      s.has_minmax = !first;
      break;
    }
    case TypeId::kInt16:
      IntStats<int16_t>(a, &s);
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kString:
      IntStats<int32_t>(a, &s);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      IntStats<int64_t>(a, &s);
      break;
    case TypeId::kFloat32:
      FloatMinMax<float>(a, &s);
      break;
    case TypeId::kFloat64:
      FloatMinMax<double>(a, &s);
      break;
  }
  return s;
}

ColumnStats MergeStats(const ColumnStats& a, const ColumnStats& b, bool is_float) {
  ColumnStats s;
  s.null_count = a.null_count + b.null_count;
  if (!a.has_minmax) {
    s = b;
    s.null_count = a.null_count + b.null_count;
    return s;
  }
  if (!b.has_minmax) {
    s = a;
    s.null_count = a.null_count + b.null_count;
    return s;
  }
  s.has_minmax = true;
  if (is_float) {
    s.min = std::bit_cast<int64_t>(
        std::min(std::bit_cast<double>(a.min), std::bit_cast<double>(b.min)));
    s.max = std::bit_cast<int64_t>(
        std::max(std::bit_cast<double>(a.max), std::bit_cast<double>(b.max)));
  } else {
    s.min = std::min(a.min, b.min);
    s.max = std::max(a.max, b.max);
  }
  return s;
}

int BitsFor(uint64_t v) { return v == 0 ? 0 : 64 - std::countl_zero(v); }

// Keys of the segment's order: time, or (code << shift) | (time - min_time).
std::vector<int64_t> BuildKeys(const arrow::RecordBatch& rows, const TableDef& def,
                               SegmentIndex* idx) {
  const ArrayData& t = rows.columns[def.time_column];
  std::vector<int64_t> keys(static_cast<size_t>(rows.num_rows));
  if (def.sort_column < 0) {
    std::memcpy(keys.data(), t.values.data, keys.size() * 8);
    idx->has_model = true;
    return keys;
  }
  const ArrayData& tag = rows.columns[def.sort_column];
  const uint64_t span = static_cast<uint64_t>(idx->max_time) - static_cast<uint64_t>(idx->min_time);
  idx->key_shift = static_cast<uint32_t>(BitsFor(span));
  const int code_bits = BitsFor(static_cast<uint64_t>(tag.dictionary->length) + 1);
  idx->has_model = idx->key_shift + code_bits <= 62;
  if (!idx->has_model) return {};
  for (int64_t i = 0; i < rows.num_rows; ++i) {
    // Nulls sort first: code -1 becomes 0, codes shift up by one.
    int64_t code = tag.IsValid(i) ? tag.Value<int32_t>(i) + 1 : 0;
    keys[i] = (code << idx->key_shift) + (t.Value<int64_t>(i) - idx->min_time);
  }
  return keys;
}

}  // namespace

Result<SegmentMeta> WriteSegment(Env* env, const std::string& base, uint64_t id,
                                 const TableDef& def, const arrow::RecordBatch& rows) {
  if (rows.num_rows <= 0) return Status::Internal("WriteSegment: no rows");
  SegmentIndex idx;
  const uint32_t batch_rows = (def.options.batch_rows + 7) / 8 * 8;
  idx.rows = static_cast<uint64_t>(rows.num_rows);
  idx.batch_rows = batch_rows;
  idx.num_batches = static_cast<uint32_t>((idx.rows + batch_rows - 1) / batch_rows);
  idx.num_columns = static_cast<uint32_t>(rows.columns.size());
  idx.sort_column = def.sort_column;
  const ArrayData& t = rows.columns[def.time_column];
  idx.min_time = idx.max_time = t.Value<int64_t>(0);
  for (int64_t i = 0; i < rows.num_rows; ++i) {
    idx.min_time = std::min(idx.min_time, t.Value<int64_t>(i));
    idx.max_time = std::max(idx.max_time, t.Value<int64_t>(i));
  }

  std::vector<std::shared_ptr<const arrow::Dictionary>> dicts;
  for (const ArrayData& a : rows.columns) dicts.push_back(a.dictionary);
  arrow::IpcWriteOptions options;
  options.compression = def.options.compression;
  std::string arrow_path = base + ".arrow";
  OMEN_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(arrow_path, /*truncate=*/true));
  OMEN_ASSIGN_OR_RETURN(auto writer,
                        arrow::IpcFileWriter::Open(file.get(), rows.schema, dicts, options));
  idx.column_stats.resize(idx.num_columns);
  for (uint32_t b = 0; b < idx.num_batches; ++b) {
    arrow::RecordBatch slice = Slice(rows, int64_t{b} * batch_rows, idx.BatchRows(b));
    std::vector<ColumnStats> stats;
    for (uint32_t c = 0; c < idx.num_columns; ++c) {
      stats.push_back(ComputeStats(slice.columns[c]));
      bool is_float = slice.columns[c].type.id == TypeId::kFloat32 ||
                      slice.columns[c].type.id == TypeId::kFloat64;
      idx.column_stats[c] =
          b == 0 ? stats.back() : MergeStats(idx.column_stats[c], stats.back(), is_float);
    }
    idx.batch_stats.push_back(std::move(stats));
    OMEN_RETURN_IF_ERROR(writer->WriteBatch(slice));
  }
  OMEN_RETURN_IF_ERROR(writer->Finish());
  OMEN_RETURN_IF_ERROR(file->Sync());
  OMEN_RETURN_IF_ERROR(file->Close());

  OMEN_ASSIGN_OR_RETURN(auto mapping, env->MapFile(arrow_path));
  idx.arrow_bytes = mapping->size();
  idx.arrow_crc = crc32c::Value(mapping->data(), mapping->size());
  std::vector<int64_t> keys = BuildKeys(rows, def, &idx);
  if (idx.has_model) {
    Segment::Model model(keys.data(), keys.size());
    idx.model = model.ToData();
  }
  std::string encoded = EncodeSegmentIndex(idx);
  OMEN_ASSIGN_OR_RETURN(auto idx_file, env->NewWritableFile(base + ".idx", /*truncate=*/true));
  OMEN_RETURN_IF_ERROR(idx_file->Append(encoded));
  OMEN_RETURN_IF_ERROR(idx_file->Sync());
  OMEN_RETURN_IF_ERROR(idx_file->Close());

  SegmentMeta meta;
  meta.id = id;
  meta.rows = idx.rows;
  meta.min_time = idx.min_time;
  meta.max_time = idx.max_time;
  meta.bytes = idx.arrow_bytes + encoded.size();
  return meta;
}

Result<std::shared_ptr<Segment>> Segment::Open(Env* env, const std::string& base,
                                               const SegmentMeta& meta, const TableDef& def,
                                               bool verify_checksum) {
  std::shared_ptr<Segment> seg(new Segment());
  seg->env_ = env;
  seg->base_ = base;
  seg->meta_ = meta;
  seg->time_column_ = def.time_column;
  OMEN_ASSIGN_OR_RETURN(std::string idx_bytes, env->ReadFile(base + ".idx"));
  auto idx = DecodeSegmentIndex(idx_bytes);
  if (!idx.ok()) return idx.status().WithContext(base + ".idx");
  seg->index_ = std::move(idx).value();
  const SegmentIndex& ix = seg->index_;
  OMEN_ASSIGN_OR_RETURN(auto mapping, env->MapFile(base + ".arrow"));
  if (mapping->size() != ix.arrow_bytes ||
      (verify_checksum && crc32c::Value(mapping->data(), mapping->size()) != ix.arrow_crc)) {
    return Status::Corruption(base + ".arrow: checksum mismatch");
  }
  auto reader = arrow::IpcFileReader::Open(mapping);
  if (!reader.ok()) return reader.status().WithContext(base + ".arrow");
  seg->reader_ = std::move(reader).value();
  const arrow::Schema& schema = *seg->reader_->schema();
  if (ix.rows != meta.rows || ix.num_columns != schema.fields.size() ||
      ix.num_columns > def.columns.size() ||
      seg->reader_->num_batches() != static_cast<int>(ix.num_batches) ||
      ix.sort_column != def.sort_column) {
    return Status::Corruption(base + ": index and data file disagree");
  }
  for (size_t c = 0; c < schema.fields.size(); ++c) {
    if (!(schema.fields[c].type == ArrowTypeOf(def.columns[c].type))) {
      return Status::Corruption(base + ": column types differ from the table's");
    }
  }
  for (uint32_t b = 0; b < ix.num_batches; ++b) {
    if (seg->reader_->batch_num_rows(static_cast<int>(b)) !=
        static_cast<int64_t>(ix.BatchRows(b))) {
      return Status::Corruption(base + ": batch row counts differ");
    }
  }
  if (ix.has_model) {
    seg->model_ = Model::FromData(ix.model);
    if (!seg->model_) return Status::Corruption(base + ".idx: invalid learned index");
  }
  seg->keys_ = std::make_unique<std::atomic<const KeyColumns*>[]>(ix.num_batches);
  for (uint32_t b = 0; b < ix.num_batches; ++b) seg->keys_[b].store(nullptr);
  if (ix.num_batches > 0) {
    OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch first, seg->reader_->ReadBatch(0, {def.time_column}));
    // Compressed bodies come back in owned buffers; mapped ones point into the mapping.
    const uint8_t* p = first.columns[0].values.data;
    seg->compressed_ = !(p >= mapping->data() && p < mapping->data() + mapping->size());
  }
  return seg;
}

Result<arrow::RecordBatch> Segment::ReadBatch(int b) const { return reader_->ReadBatch(b); }

Result<arrow::RecordBatch> Segment::ReadBatch(int b, const std::vector<int>& columns) const {
  return reader_->ReadBatch(b, columns);
}

Result<const Segment::KeyColumns*> Segment::BatchKeys(int b) const {
  if (const KeyColumns* k = keys_[b].load(std::memory_order_acquire)) return k;
  std::vector<int> cols = {time_column_};
  if (index_.sort_column >= 0) cols.push_back(index_.sort_column);
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, reader_->ReadBatch(b, cols));
  auto k = std::make_unique<KeyColumns>();
  const ArrayData& t = batch.columns[0];
  k->time = t.values.As<int64_t>();
  auto owners = std::make_shared<std::vector<std::shared_ptr<const void>>>();
  owners->push_back(t.values.owner);
  if (index_.sort_column >= 0) {
    const ArrayData& tag = batch.columns[1];
    if (tag.null_count > 0) {
      // Nulls carry code 0 in the data; keys use code + 1 with nulls as 0.
      auto codes = std::make_shared<std::vector<int32_t>>(static_cast<size_t>(tag.length));
      for (int64_t i = 0; i < tag.length; ++i) {
        (*codes)[i] = tag.IsValid(i) ? tag.Value<int32_t>(i) : -1;
      }
      k->codes = codes->data();
      owners->push_back(codes);
    } else {
      k->codes = tag.values.As<int32_t>();
      owners->push_back(tag.values.owner);
    }
  }
  k->owner = owners;
  std::lock_guard<std::mutex> lock(key_mu_);
  if (const KeyColumns* kept = keys_[b].load(std::memory_order_acquire)) return kept;
  const KeyColumns* out = k.get();
  key_store_.push_back(std::move(k));
  keys_[b].store(out, std::memory_order_release);
  return out;
}

int64_t Segment::NearLowerBound(int64_t from, int64_t key) const {
  constexpr int64_t kNear = 16;
  const int64_t stop = std::min(rows(), from + kNear);
  for (int64_t r = from; r < stop; ++r) {
    const int b = static_cast<int>(r / index_.batch_rows);
    auto k = BatchKeys(b);
    if (!k.ok()) return -1;  // the caller's lookup reports it
    if (KeyAt(**k, r - int64_t{b} * index_.batch_rows) >= key) return r;
  }
  return stop == rows() ? stop : -1;
}

Result<const std::vector<int64_t>*> Segment::SeriesStarts() const {
  if (const auto* s = series_starts_.load(std::memory_order_acquire)) return s;
  if (index_.sort_column < 0 || !index_.has_model) {
    return Status::Internal("SeriesStarts without a composite-key model");
  }
  const auto& dict = dictionary(index_.sort_column);
  const int64_t n = dict == nullptr ? 0 : dict->length;
  auto starts = std::make_unique<std::vector<int64_t>>();
  starts->reserve(static_cast<size_t>(n) + 2);
  for (int64_t c = 0; c <= n; ++c) {  // key code c is series c - 1
    OMEN_ASSIGN_OR_RETURN(int64_t row, LowerBoundKey(c << index_.key_shift));
    starts->push_back(row);
  }
  starts->push_back(rows());
  std::lock_guard<std::mutex> lock(key_mu_);
  if (const auto* s = series_starts_.load(std::memory_order_acquire)) return s;
  series_starts_store_ = std::move(starts);
  series_starts_.store(series_starts_store_.get(), std::memory_order_release);
  return series_starts_store_.get();
}

Result<int64_t> Segment::LowerBoundKey(int64_t key) const {
  int64_t lo = 0, hi = rows();
  if (model_) {
    index::ApproxPos pos = model_->Search(key);
    lo = static_cast<int64_t>(pos.lo);
    hi = static_cast<int64_t>(pos.hi);
  }
  // Binary search for the first key >= key in [lo, hi); the model guarantees it lies there.
  // Invariant: keys before lo are < key, keys from hi on are >= key. Each round searches the
  // part of [lo, hi) inside one batch on its raw key arrays (one BatchKeys call per batch).
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const int b = static_cast<int>(mid / index_.batch_rows);
    OMEN_ASSIGN_OR_RETURN(const KeyColumns* k, BatchKeys(b));
    const int64_t base = int64_t{b} * index_.batch_rows;
    const int64_t wl = std::max(lo, base);
    const int64_t wh = std::min<int64_t>(hi, base + index_.BatchRows(static_cast<uint32_t>(b)));
    int64_t l = wl, h = wh;
    while (l < h) {
      const int64_t m = l + (h - l) / 2;
      if (KeyAt(*k, m - base) < key) {
        l = m + 1;
      } else {
        h = m;
      }
    }
    if (l == wh) {
      lo = wh;  // the whole window is below key
    } else {
      hi = l;
      if (l > wl) lo = l;  // key at l - 1 is below key
    }
  }
  return lo;
}

Result<std::pair<int64_t, int64_t>> Segment::TimeRowRange(int64_t lo, int64_t hi) const {
  if (index_.sort_column >= 0) return Status::Internal("TimeRowRange on a sort-key segment");
  if (hi <= lo || hi <= index_.min_time || lo > index_.max_time) {
    return std::pair<int64_t, int64_t>(0, 0);
  }
  int64_t begin = 0, end = rows();
  if (lo > index_.min_time) {
    OMEN_ASSIGN_OR_RETURN(begin, LowerBoundKey(lo));
  }
  if (hi <= index_.max_time) {
    OMEN_ASSIGN_OR_RETURN(end, LowerBoundKey(hi));
  }
  return std::pair<int64_t, int64_t>(begin, end);
}

Result<std::pair<int64_t, int64_t>> Segment::SeriesRowRange(int32_t code, int64_t lo,
                                                            int64_t hi) const {
  if (index_.sort_column < 0) return Status::Internal("SeriesRowRange without a sort key");
  lo = std::max(lo, index_.min_time);
  hi = std::min(hi, index_.max_time + 1);
  if (hi <= lo) return std::pair<int64_t, int64_t>(0, 0);
  const int64_t c = int64_t{code} + 1;
  if (!index_.has_model) {
    // Composite key did not fit: LowerBoundKey's comparison still works on the computed key
    // only when it fits, so scan the batches' keys directly.
    return Status::NotSupported("segment has no composite-key model");
  }
  // Ends that coincide with the series' own come from the kept series starts.
  const std::vector<int64_t>* starts = series_starts_.load(std::memory_order_acquire);
  const bool known = starts != nullptr && c + 1 < static_cast<int64_t>(starts->size());
  int64_t begin, end;
  if (known && lo == index_.min_time) {
    begin = (*starts)[static_cast<size_t>(c)];
  } else {
    OMEN_ASSIGN_OR_RETURN(begin, LowerBoundKey((c << index_.key_shift) + (lo - index_.min_time)));
  }
  const int64_t end_key = (c << index_.key_shift) + (hi - index_.min_time);
  if (known && hi == index_.max_time + 1) {
    end = (*starts)[static_cast<size_t>(c) + 1];
  } else if (const int64_t near = NearLowerBound(begin, end_key); near >= 0) {
    end = near;  // a short range (a point lookup): a few keys after begin
  } else {
    OMEN_ASSIGN_OR_RETURN(end, LowerBoundKey(end_key));
  }
  return std::pair<int64_t, int64_t>(begin, end);
}

std::optional<int32_t> Segment::FindCode(int col, std::string_view value) const {
  const auto& d = reader_->dictionary(col);
  if (d == nullptr) return std::nullopt;
  int64_t lo = 0, hi = d->length;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (d->Get(mid) < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < d->length && d->Get(lo) == value) return static_cast<int32_t>(lo);
  return std::nullopt;
}

}  // namespace omen::storage
