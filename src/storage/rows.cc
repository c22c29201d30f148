// Copyright 2026 The OmenDB Authors.

#include "storage/rows.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <string_view>

namespace omen::storage {

using arrow::ArrayData;
using arrow::TypeId;

namespace {

// Merged sorted dictionary of the strings used by refs; codes[source][old code] -> new code.
std::shared_ptr<const arrow::Dictionary> MergeDictionaries(
    const std::vector<const arrow::RecordBatch*>& sources, const std::vector<RowRef>& refs, int col,
    std::vector<std::vector<int32_t>>* codes) {
  std::vector<std::vector<uint8_t>> used(sources.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    used[s].assign(static_cast<size_t>(sources[s]->columns[col].dictionary->length), 0);
  }
  bool any_nulls = false;
  std::vector<const int32_t*> codes_of(sources.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    any_nulls |= sources[s]->columns[col].null_count > 0;
    codes_of[s] = sources[s]->columns[col].values.As<int32_t>();
  }
  size_t total = 0;
  for (const auto* src : sources) total += static_cast<size_t>(src->num_rows);
  if (refs.size() == total) {
    // Every row, reordered (flush, compaction): the codes in storage order, read sequentially
    // rather than in the refs' order (a cache miss each when sorting by series).
    for (size_t s = 0; s < sources.size(); ++s) {
      const ArrayData& a = sources[s]->columns[col];
      for (int64_t i = 0; i < a.length; ++i) {
        if (a.null_count == 0 || a.IsValid(i)) used[s][codes_of[s][i]] = 1;
      }
    }
  } else if (!any_nulls && sources.size() == 1) {
    for (const RowRef& r : refs) used[0][codes_of[0][r.row]] = 1;
  } else {
    for (const RowRef& r : refs) {
      if (!any_nulls || sources[r.source]->columns[col].IsValid(r.row)) {
        used[r.source][codes_of[r.source][r.row]] = 1;
      }
    }
  }
  std::map<std::string_view, int32_t> merged;
  for (size_t s = 0; s < sources.size(); ++s) {
    const arrow::Dictionary& d = *sources[s]->columns[col].dictionary;
    for (int64_t i = 0; i < d.length; ++i) {
      if (used[s][i]) merged.emplace(d.Get(i), 0);
    }
  }
  std::vector<std::string_view> values;
  values.reserve(merged.size());
  for (auto& [str, code] : merged) {
    code = static_cast<int32_t>(values.size());
    values.push_back(str);
  }
  codes->assign(sources.size(), {});
  for (size_t s = 0; s < sources.size(); ++s) {
    const arrow::Dictionary& d = *sources[s]->columns[col].dictionary;
    (*codes)[s].assign(static_cast<size_t>(d.length), 0);
    for (int64_t i = 0; i < d.length; ++i) {
      if (used[s][i]) (*codes)[s][i] = merged[d.Get(i)];
    }
  }
  return arrow::Dictionary::Make(values);
}

// values[i] = the row refs[i] of its source's values (base: each source's values), for
// fixed-width values of type T.
// Gathers read rows sorted by series, far apart in time order: each is fetched this many refs
// ahead.
constexpr size_t kPrefetchAhead = 16;

template <typename T>
std::vector<T> GatherValues(const std::vector<const uint8_t*>& base,
                            const std::vector<RowRef>& refs) {
  std::vector<T> out(refs.size());
  if (base.size() == 1) {
    const uint8_t* src = base[0];
    const size_t n = refs.size();
    size_t i = 0;
    for (; i + kPrefetchAhead < n; ++i) {
      __builtin_prefetch(src + size_t{refs[i + kPrefetchAhead].row} * sizeof(T));
      std::memcpy(&out[i], src + size_t{refs[i].row} * sizeof(T), sizeof(T));
    }
    for (; i < n; ++i) std::memcpy(&out[i], src + size_t{refs[i].row} * sizeof(T), sizeof(T));
  } else {
    for (size_t i = 0; i < refs.size(); ++i) {
      std::memcpy(&out[i], base[refs[i].source] + size_t{refs[i].row} * sizeof(T), sizeof(T));
    }
  }
  return out;
}

// A stretch of refs reading consecutive rows of one source.
struct RefRun {
  uint32_t source;
  uint32_t row;
  uint32_t length;
};

// The runs of refs, or nothing when they are too short to pay off (under 4 rows on average:
// rows gathered one by one, as a flush's series reordering of arrival-ordered rows does). A
// compaction's merge of sorted segments reads each series as a run from each input.
std::vector<RefRun> RunsOf(const std::vector<RowRef>& refs) {
  std::vector<RefRun> runs;
  const size_t limit = refs.size() / 4;
  for (const RowRef& r : refs) {
    if (!runs.empty()) {
      RefRun& last = runs.back();
      if (last.source == r.source && last.row + last.length == r.row) {
        ++last.length;
        continue;
      }
    }
    if (runs.size() == limit) return {};
    runs.push_back({r.source, r.row, 1});
  }
  return runs;
}

template <typename T>
std::vector<T> GatherRuns(const std::vector<const uint8_t*>& base, const std::vector<RefRun>& runs,
                          int64_t n) {
  std::vector<T> out(static_cast<size_t>(n));
  T* dst = out.data();
  for (const RefRun& run : runs) {
    std::memcpy(dst, base[run.source] + size_t{run.row} * sizeof(T),
                size_t{run.length} * sizeof(T));
    dst += run.length;
  }
  return out;
}

// runs: RunsOf(refs) when not empty.
ArrayData GatherColumn(const std::vector<const arrow::RecordBatch*>& sources,
                       const std::vector<RowRef>& refs, const std::vector<RefRun>& runs, int col) {
  const ArrayData& first = sources[0]->columns[col];
  const TypeId id = first.type.id;
  const int64_t n = static_cast<int64_t>(refs.size());
  const int w = arrow::ValueWidth(id);
  ArrayData out;
  out.type = first.type;
  out.length = n;
  std::vector<std::vector<int32_t>> codes;
  if (id == TypeId::kString) out.dictionary = MergeDictionaries(sources, refs, col, &codes);
  bool any_nulls = false;
  for (const arrow::RecordBatch* src : sources) any_nulls |= src->columns[col].null_count > 0;
  if (!any_nulls && id != TypeId::kBool) {
    // No nulls (the common case): a typed copy per row, without validity.
    std::vector<const uint8_t*> base(sources.size());
    for (size_t s = 0; s < sources.size(); ++s) base[s] = sources[s]->columns[col].values.data;
    out.null_count = 0;
    if (!runs.empty()) {
      if (id == TypeId::kString) {
        std::vector<int32_t> values(static_cast<size_t>(n));
        int32_t* dst = values.data();
        for (const RefRun& run : runs) {
          const int32_t* src = reinterpret_cast<const int32_t*>(base[run.source]) + run.row;
          const int32_t* remap = codes[run.source].data();
          for (uint32_t k = 0; k < run.length; ++k) dst[k] = remap[src[k]];
          dst += run.length;
        }
        out.values = arrow::Buffer::FromVector(std::move(values));
      } else if (w == 8) {
        out.values = arrow::Buffer::FromVector(GatherRuns<uint64_t>(base, runs, n));
      } else if (w == 4) {
        out.values = arrow::Buffer::FromVector(GatherRuns<uint32_t>(base, runs, n));
      } else {
        out.values = arrow::Buffer::FromVector(GatherRuns<uint16_t>(base, runs, n));
      }
      return out;
    }
    if (id == TypeId::kString) {
      std::vector<int32_t> values(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const RowRef& r = refs[i];
        if (i + static_cast<int64_t>(kPrefetchAhead) < n) {
          const RowRef& ahead = refs[static_cast<size_t>(i) + kPrefetchAhead];
          __builtin_prefetch(base[ahead.source] + size_t{ahead.row} * 4);
        }
        int32_t code;
        std::memcpy(&code, base[r.source] + size_t{r.row} * 4, 4);
        values[i] = codes[r.source][code];
      }
      out.values = arrow::Buffer::FromVector(std::move(values));
    } else if (w == 8) {
      out.values = arrow::Buffer::FromVector(GatherValues<uint64_t>(base, refs));
    } else if (w == 4) {
      out.values = arrow::Buffer::FromVector(GatherValues<uint32_t>(base, refs));
    } else {
      out.values = arrow::Buffer::FromVector(GatherValues<uint16_t>(base, refs));
    }
    return out;
  }
  std::vector<uint8_t> values(arrow::ValuesBytes(id, n), 0);
  std::vector<uint8_t> validity(static_cast<size_t>(arrow::BitmapBytes(n)), 0);
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    const RowRef& r = refs[i];
    const ArrayData& a = sources[r.source]->columns[col];
    if (!a.IsValid(r.row)) {
      ++nulls;
      continue;
    }
    arrow::SetBit(validity.data(), i);
    if (id == TypeId::kBool) {
      if (a.BoolValue(r.row)) arrow::SetBit(values.data(), i);
    } else if (id == TypeId::kString) {
      int32_t code = codes[r.source][a.values.As<int32_t>()[r.row]];
      std::memcpy(values.data() + i * 4, &code, 4);
    } else {
      std::memcpy(values.data() + i * w, a.values.data + int64_t{r.row} * w, w);
    }
  }
  out.null_count = nulls;
  if (nulls > 0) out.validity = arrow::Buffer::FromVector(std::move(validity));
  out.values = arrow::Buffer::FromVector(std::move(values));
  return out;
}

}  // namespace

arrow::RecordBatch Gather(const std::vector<const arrow::RecordBatch*>& sources,
                          const std::vector<RowRef>& refs) {
  arrow::RecordBatch out;
  out.schema = sources.at(0)->schema;
  out.num_rows = static_cast<int64_t>(refs.size());
  const std::vector<RefRun> runs = RunsOf(refs);
  for (size_t c = 0; c < sources[0]->columns.size(); ++c) {
    out.columns.push_back(GatherColumn(sources, refs, runs, static_cast<int>(c)));
  }
  return out;
}

namespace {

// rank[s][code]: position of the string in the merged sorted order of every source's dictionary.
std::vector<std::vector<int32_t>> DictionaryRanks(
    const std::vector<const arrow::RecordBatch*>& sources, int col) {
  std::map<std::string_view, int32_t> merged;
  for (const auto* src : sources) {
    const arrow::Dictionary& d = *src->columns[col].dictionary;
    for (int64_t i = 0; i < d.length; ++i) merged.emplace(d.Get(i), 0);
  }
  int32_t next = 0;
  for (auto& [str, rank] : merged) rank = next++;
  std::vector<std::vector<int32_t>> ranks;
  for (const auto* src : sources) {
    const arrow::Dictionary& d = *src->columns[col].dictionary;
    std::vector<int32_t> r(static_cast<size_t>(d.length));
    for (int64_t i = 0; i < d.length; ++i) r[i] = merged[d.Get(i)];
    ranks.push_back(std::move(r));
  }
  return ranks;
}

// Stable sort of refs by keys that exploits existing order: the maximal non-decreasing runs
// (each flushed segment is one) are merged pairwise, log2(runs) linear passes.
std::vector<RowRef> MergeSortedRuns(const std::vector<RowRef>& refs,
                                    const std::vector<std::pair<int32_t, int64_t>>& keys) {
  const size_t n = refs.size();
  std::vector<uint32_t> order(n), tmp(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  std::vector<size_t> bounds = {0};
  for (size_t i = 1; i < n; ++i) {
    if (keys[i] < keys[i - 1]) bounds.push_back(i);
  }
  bounds.push_back(n);
  auto less = [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; };
  while (bounds.size() > 2) {
    std::vector<size_t> next = {0};
    for (size_t r = 0; r + 1 < bounds.size(); r += 2) {
      const size_t lo = bounds[r], mid = bounds[r + 1];
      const size_t hi = r + 2 < bounds.size() ? bounds[r + 2] : mid;
      // std::merge takes from the first range on ties: stable.
      std::merge(order.begin() + lo, order.begin() + mid, order.begin() + mid, order.begin() + hi,
                 tmp.begin() + lo, less);
      next.push_back(hi);
    }
    order.swap(tmp);
    bounds = std::move(next);
  }
  std::vector<RowRef> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = refs[order[i]];
  return out;
}

bool TimeSorted(const arrow::RecordBatch& b, int time_column) {
  const int64_t* t = b.columns[time_column].values.As<int64_t>();
  for (int64_t i = 1; i < b.num_rows; ++i) {
    if (t[i] < t[i - 1]) return false;
  }
  return true;
}

}  // namespace

std::vector<RowRef> SortedRefs(const std::vector<const arrow::RecordBatch*>& sources,
                               int time_column, int sort_column) {
  std::vector<RowRef> refs;
  for (size_t s = 0; s < sources.size(); ++s) {
    for (int64_t r = 0; r < sources[s]->num_rows; ++r) {
      refs.push_back({static_cast<uint32_t>(s), static_cast<uint32_t>(r)});
    }
  }
  auto time = [&](const RowRef& r) {
    return sources[r.source]->columns[time_column].Value<int64_t>(r.row);
  };
  if (sort_column < 0) {
    std::vector<std::pair<int32_t, int64_t>> keys(refs.size());
    for (size_t i = 0; i < refs.size(); ++i) keys[i] = {0, time(refs[i])};
    return MergeSortedRuns(refs, keys);
  }
  // Series rank per row (nulls first as -1), from integer ranks, never string compares.
  const auto ranks = DictionaryRanks(sources, sort_column);
  auto rank = [&](const RowRef& r) -> int32_t {
    const ArrayData& a = sources[r.source]->columns[sort_column];
    return a.IsValid(r.row) ? ranks[r.source][a.values.As<int32_t>()[r.row]] : -1;
  };
  if (sources.size() == 1 && TimeSorted(*sources[0], time_column)) {
    // Already in time order: a stable counting sort by rank is enough (O(n)).
    const size_t buckets = ranks[0].size() + 1;
    std::vector<size_t> start(buckets + 1, 0);
    for (const RowRef& r : refs) start[static_cast<size_t>(rank(r) + 1) + 1]++;
    for (size_t b = 1; b <= buckets; ++b) start[b] += start[b - 1];
    std::vector<RowRef> out(refs.size());
    for (const RowRef& r : refs) out[start[static_cast<size_t>(rank(r) + 1)]++] = r;
    return out;
  }
  std::vector<std::pair<int32_t, int64_t>> keys(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) keys[i] = {rank(refs[i]), time(refs[i])};
  return MergeSortedRuns(refs, keys);
}

// Rows [offset, offset+length) of a column; values zero-copy, bitmaps copied when unaligned.
ArrayData SliceColumn(const ArrayData& a, int64_t offset, int64_t length) {
  ArrayData s;
  s.type = a.type;
  s.length = length;
  s.dictionary = a.dictionary;
  auto copy_bits = [&](const arrow::Buffer& src) {
    std::vector<uint8_t> bits(static_cast<size_t>(arrow::BitmapBytes(length)), 0);
    for (int64_t i = 0; i < length; ++i) {
      if (arrow::GetBit(src.data, offset + i)) arrow::SetBit(bits.data(), i);
    }
    return arrow::Buffer::FromVector(std::move(bits));
  };
  const int w = arrow::ValueWidth(a.type.id);
  if (w == 0) {
    s.values = copy_bits(a.values);
  } else {
    s.values = a.values;
    s.values.data = a.values.data + offset * w;
    s.values.size = static_cast<size_t>(length * w);
  }
  if (a.null_count > 0) {
    int64_t nulls = 0;
    for (int64_t i = 0; i < length; ++i)
      nulls += arrow::GetBit(a.validity.data, offset + i) ? 0 : 1;
    s.null_count = nulls;
    if (nulls > 0) {
      if (offset % 8 == 0) {
        s.validity = a.validity;
        s.validity.data = a.validity.data + offset / 8;
        s.validity.size = static_cast<size_t>(arrow::BitmapBytes(length));
      } else {
        s.validity = copy_bits(a.validity);
      }
    }
  }
  return s;
}

namespace {

template <typename T>
std::vector<T> TakeValues(const T* v, const std::vector<uint32_t>& rows) {
  std::vector<T> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = v[rows[i]];
  return out;
}

}  // namespace

// Rows `rows` of a column (dictionary shared, not rebuilt).
ArrayData TakeColumn(const ArrayData& a, const std::vector<uint32_t>& rows) {
  ArrayData out;
  out.type = a.type;
  out.length = static_cast<int64_t>(rows.size());
  out.dictionary = a.dictionary;
  switch (arrow::ValueWidth(a.type.id)) {
    case 2:
      out.values = arrow::Buffer::FromVector(TakeValues(a.values.As<int16_t>(), rows));
      break;
    case 4:
      out.values = arrow::Buffer::FromVector(TakeValues(a.values.As<int32_t>(), rows));
      break;
    case 8:
      out.values = arrow::Buffer::FromVector(TakeValues(a.values.As<int64_t>(), rows));
      break;
    default: {  // booleans
      std::vector<uint8_t> bits(static_cast<size_t>(arrow::BitmapBytes(out.length)), 0);
      for (size_t i = 0; i < rows.size(); ++i) {
        if (a.BoolValue(rows[i])) arrow::SetBit(bits.data(), static_cast<int64_t>(i));
      }
      out.values = arrow::Buffer::FromVector(std::move(bits));
    }
  }
  if (a.null_count > 0) {
    std::vector<uint8_t> bits(static_cast<size_t>(arrow::BitmapBytes(out.length)), 0);
    int64_t nulls = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (a.IsValid(rows[i])) {
        arrow::SetBit(bits.data(), static_cast<int64_t>(i));
      } else {
        ++nulls;
      }
    }
    out.null_count = nulls;
    if (nulls > 0) out.validity = arrow::Buffer::FromVector(std::move(bits));
  }
  return out;
}

arrow::RecordBatch Slice(const arrow::RecordBatch& batch, int64_t offset, int64_t length) {
  arrow::RecordBatch out;
  out.schema = batch.schema;
  out.num_rows = length;
  for (const ArrayData& a : batch.columns) out.columns.push_back(SliceColumn(a, offset, length));
  return out;
}

}  // namespace omen::storage
