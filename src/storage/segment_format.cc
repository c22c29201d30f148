// Copyright 2026 The OmenDB Authors.

#include "storage/segment_format.h"

#include <cstring>

#include "common/coding.h"
#include "common/crc32c.h"

namespace omen::storage {
namespace {

void PutStats(std::string* out, const ColumnStats& s) {
  out->push_back(s.has_minmax ? 1 : 0);
  PutFixed64(out, static_cast<uint64_t>(s.min));
  PutFixed64(out, static_cast<uint64_t>(s.max));
  PutFixed64(out, static_cast<uint64_t>(s.null_count));
}

bool GetStats(ByteReader* r, ColumnStats* s) {
  std::string_view flag;
  uint64_t a, b, c;
  if (!r->GetBytes(1, &flag) || !r->GetFixed64(&a) || !r->GetFixed64(&b) || !r->GetFixed64(&c)) {
    return false;
  }
  s->has_minmax = flag[0] != 0;
  s->min = static_cast<int64_t>(a);
  s->max = static_cast<int64_t>(b);
  s->null_count = static_cast<int64_t>(c);
  return true;
}

void PutDouble(std::string* out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutFixed64(out, bits);
}

bool GetDouble(ByteReader* r, double* d) {
  uint64_t bits;
  if (!r->GetFixed64(&bits)) return false;
  std::memcpy(d, &bits, 8);
  return true;
}

}  // namespace

std::string EncodeSegmentIndex(const SegmentIndex& idx) {
  std::string body;
  PutFixed64(&body, idx.arrow_bytes);
  PutFixed32(&body, idx.arrow_crc);
  PutFixed64(&body, idx.rows);
  PutFixed32(&body, idx.batch_rows);
  PutFixed32(&body, idx.num_batches);
  PutFixed32(&body, idx.num_columns);
  PutFixed64(&body, static_cast<uint64_t>(idx.min_time));
  PutFixed64(&body, static_cast<uint64_t>(idx.max_time));
  PutFixed32(&body, static_cast<uint32_t>(idx.sort_column));
  PutFixed32(&body, idx.key_shift);
  body.push_back(idx.has_model ? 1 : 0);
  for (const ColumnStats& s : idx.column_stats) PutStats(&body, s);
  for (const auto& batch : idx.batch_stats) {
    for (const ColumnStats& s : batch) PutStats(&body, s);
  }
  if (idx.has_model) {
    const auto& m = idx.model;
    PutFixed64(&body, m.epsilon);
    PutFixed64(&body, m.epsilon_recursive);
    PutFixed64(&body, m.n);
    PutFixed64(&body, static_cast<uint64_t>(m.first_key));
    PutFixed64(&body, static_cast<uint64_t>(m.last_key));
    PutFixed32(&body, static_cast<uint32_t>(m.levels.size()));
    for (const auto& level : m.levels) {
      PutFixed64(&body, level.size());
      for (const auto& seg : level) {
        PutFixed64(&body, static_cast<uint64_t>(seg.first_key));
        PutDouble(&body, seg.slope);
        PutDouble(&body, seg.intercept);
      }
    }
  }
  std::string out(kSegmentIndexMagic, 8);
  PutFixed32(&out, kSegmentIndexVersion);
  PutFixed64(&out, body.size());
  out += body;
  PutFixed32(&out, crc32c::Mask(crc32c::Value(body.data(), body.size())));
  return out;
}

Result<SegmentIndex> DecodeSegmentIndex(std::string_view bytes) {
  if (bytes.size() < kSegmentIndexHeader + kSegmentIndexTrailer ||
      std::memcmp(bytes.data(), kSegmentIndexMagic, 8) != 0) {
    return Status::Corruption("segment index: bad magic or too short");
  }
  ByteReader head(bytes.substr(8, 12));
  uint32_t version;
  uint64_t body_len;
  if (!head.GetFixed32(&version) || !head.GetFixed64(&body_len)) {
    return Status::Corruption("segment index: truncated header");
  }
  if (version != kSegmentIndexVersion) {
    return Status::NotSupported("segment index: unknown version " + std::to_string(version));
  }
  if (body_len != bytes.size() - kSegmentIndexHeader - kSegmentIndexTrailer) {
    return Status::Corruption("segment index: length does not match the file");
  }
  std::string_view body = bytes.substr(kSegmentIndexHeader, body_len);
  uint32_t stored = DecodeFixed32(bytes.data() + kSegmentIndexHeader + body_len);
  if (crc32c::Unmask(stored) != crc32c::Value(body.data(), body.size())) {
    return Status::Corruption("segment index: checksum mismatch");
  }
  ByteReader r(body);
  SegmentIndex idx;
  uint64_t min_t, max_t;
  uint32_t sort_col;
  std::string_view flag;
  if (!r.GetFixed64(&idx.arrow_bytes) || !r.GetFixed32(&idx.arrow_crc) ||
      !r.GetFixed64(&idx.rows) || !r.GetFixed32(&idx.batch_rows) ||
      !r.GetFixed32(&idx.num_batches) || !r.GetFixed32(&idx.num_columns) || !r.GetFixed64(&min_t) ||
      !r.GetFixed64(&max_t) || !r.GetFixed32(&sort_col) || !r.GetFixed32(&idx.key_shift) ||
      !r.GetBytes(1, &flag)) {
    return Status::Corruption("segment index: truncated body");
  }
  idx.min_time = static_cast<int64_t>(min_t);
  idx.max_time = static_cast<int64_t>(max_t);
  idx.sort_column = static_cast<int32_t>(sort_col);
  idx.has_model = flag[0] != 0;
  const uint64_t stats_bytes = 25;
  if (idx.batch_rows == 0 || idx.num_columns == 0 || idx.key_shift > 63 || idx.sort_column < -1 ||
      idx.sort_column >= static_cast<int32_t>(idx.num_columns) ||
      idx.num_columns > body.size() / stats_bytes ||
      uint64_t{idx.num_batches} + 1 > body.size() / stats_bytes / idx.num_columns ||
      idx.rows / idx.batch_rows + (idx.rows % idx.batch_rows != 0 ? 1 : 0) != idx.num_batches) {
    return Status::Corruption("segment index: inconsistent counts");
  }
  idx.column_stats.resize(idx.num_columns);
  for (ColumnStats& s : idx.column_stats) {
    if (!GetStats(&r, &s)) return Status::Corruption("segment index: truncated stats");
  }
  idx.batch_stats.assign(idx.num_batches, std::vector<ColumnStats>(idx.num_columns));
  for (auto& batch : idx.batch_stats) {
    for (ColumnStats& s : batch) {
      if (!GetStats(&r, &s)) return Status::Corruption("segment index: truncated batch stats");
    }
  }
  if (idx.has_model) {
    auto& m = idx.model;
    uint64_t first, last;
    uint32_t levels;
    if (!r.GetFixed64(&m.epsilon) || !r.GetFixed64(&m.epsilon_recursive) || !r.GetFixed64(&m.n) ||
        !r.GetFixed64(&first) || !r.GetFixed64(&last) || !r.GetFixed32(&levels) || levels > 64) {
      return Status::Corruption("segment index: truncated model");
    }
    m.first_key = static_cast<int64_t>(first);
    m.last_key = static_cast<int64_t>(last);
    for (uint32_t l = 0; l < levels; ++l) {
      uint64_t count;
      if (!r.GetFixed64(&count) || count > r.remaining() / 24) {
        return Status::Corruption("segment index: bad model level");
      }
      std::vector<index::Segment<int64_t>> level(count);
      for (auto& seg : level) {
        uint64_t key;
        if (!r.GetFixed64(&key) || !GetDouble(&r, &seg.slope) || !GetDouble(&r, &seg.intercept)) {
          return Status::Corruption("segment index: truncated model segment");
        }
        seg.first_key = static_cast<int64_t>(key);
      }
      m.levels.push_back(std::move(level));
    }
    if (m.n != idx.rows) return Status::Corruption("segment index: model size differs from rows");
  }
  if (r.remaining() != 0) return Status::Corruption("segment index: trailing bytes");
  return idx;
}

}  // namespace omen::storage
