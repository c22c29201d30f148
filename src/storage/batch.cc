// Copyright 2026 The OmenDB Authors.

#include "storage/batch.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "common/coding.h"

namespace omen::storage {

using arrow::ArrayData;
using arrow::Buffer;
using arrow::TypeId;

namespace {

constexpr uint32_t kBatchMagicV1 = 0x48544142;  // "BATH": values as stored in memory
constexpr uint32_t kBatchMagic = 0x32544142;    // "BAT2": integers narrowed (below)
// The width byte of a column whose values are written as they are (floats, booleans).
constexpr uint8_t kRawValues = 0xff;

// Integer-like columns (ints, timestamps, dates, dictionary codes) are written as a base
// (the smallest value) and each value's distance from it in the fewest bytes that hold the
// largest distance: 1, 2, 4 or 8 (never 0, so that every row still costs a byte and the row
// count stays bounded by the payload's size). A batch of TSBS rows shrinks from 128 bytes a
// row to about 25.
bool IsNarrowable(TypeId id) {
  switch (id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kString:  // int32 codes
    case TypeId::kTimestamp:
    case TypeId::kDate32:
      return true;
    default:
      return false;
  }
}

template <typename T>
void MinMax(const T* v, int64_t n, int64_t* lo, int64_t* hi) {
  T mn = v[0], mx = v[0];
  for (int64_t i = 1; i < n; ++i) {
    mn = std::min(mn, v[i]);
    mx = std::max(mx, v[i]);
  }
  *lo = mn;
  *hi = mx;
}

template <typename T, typename D>
void PackDeltas(const T* v, int64_t n, int64_t base, std::string* out) {
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(n) * sizeof(D));
  char* dst = out->data() + at;
  for (int64_t i = 0; i < n; ++i) {
    const D d = static_cast<D>(static_cast<uint64_t>(static_cast<int64_t>(v[i])) -
                               static_cast<uint64_t>(base));
    std::memcpy(dst + i * static_cast<int64_t>(sizeof(D)), &d, sizeof(D));
  }
}

template <typename T>
void PutNarrow(const T* v, int64_t n, std::string* out) {
  int64_t lo = 0, hi = 0;
  if (n > 0) MinMax(v, n, &lo, &hi);
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint8_t width = range <= 0xff ? 1 : range <= 0xffff ? 2 : range <= 0xffffffffu ? 4 : 8;
  out->push_back(static_cast<char>(width));
  PutFixed64(out, static_cast<uint64_t>(lo));
  switch (width) {
    case 1:
      PackDeltas<T, uint8_t>(v, n, lo, out);
      break;
    case 2:
      PackDeltas<T, uint16_t>(v, n, lo, out);
      break;
    case 4:
      PackDeltas<T, uint32_t>(v, n, lo, out);
      break;
    default:
      PackDeltas<T, uint64_t>(v, n, lo, out);
      break;
  }
}

void PutValues(const ArrayData& a, std::string* out) {
  switch (a.type.id) {
    case TypeId::kInt16:
      return PutNarrow(a.values.As<int16_t>(), a.length, out);
    case TypeId::kInt32:
    case TypeId::kString:
    case TypeId::kDate32:
      return PutNarrow(a.values.As<int32_t>(), a.length, out);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return PutNarrow(a.values.As<int64_t>(), a.length, out);
    default:
      out->push_back(static_cast<char>(kRawValues));
      out->append(reinterpret_cast<const char*>(a.values.data),
                  arrow::ValuesBytes(a.type.id, a.length));
  }
}

template <typename T, typename D>
void UnpackDeltas(const char* src, int64_t n, uint64_t base, T* v) {
  for (int64_t i = 0; i < n; ++i) {
    D d;
    std::memcpy(&d, src + i * static_cast<int64_t>(sizeof(D)), sizeof(D));
    v[i] = static_cast<T>(static_cast<int64_t>(base + static_cast<uint64_t>(d)));
  }
}

template <typename T>
void UnpackNarrow(uint8_t width, const char* src, int64_t n, uint64_t base, T* v) {
  switch (width) {
    case 1:
      UnpackDeltas<T, uint8_t>(src, n, base, v);
      break;
    case 2:
      UnpackDeltas<T, uint16_t>(src, n, base, v);
      break;
    case 4:
      UnpackDeltas<T, uint32_t>(src, n, base, v);
      break;
    default:
      UnpackDeltas<T, uint64_t>(src, n, base, v);
      break;
  }
}

std::vector<uint8_t> BytesToBitmap(const uint8_t* bytes, size_t n) {
  std::vector<uint8_t> bits(static_cast<size_t>(arrow::BitmapBytes(static_cast<int64_t>(n))), 0);
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i]) arrow::SetBit(bits.data(), static_cast<int64_t>(i));
  }
  return bits;
}

}  // namespace

BatchBuilder::BatchBuilder(std::shared_ptr<const arrow::Schema> schema)
    : schema_(std::move(schema)) {
  ResetColumns();
}

BatchBuilder::~BatchBuilder() {
  for (Column& c : columns_) std::free(c.data);
}

void BatchBuilder::ResetColumns() {
  for (Column& c : columns_) std::free(c.data);
  columns_.assign(schema_->fields.size(), Column());
  for (size_t i = 0; i < columns_.size(); ++i) {
    const int w = arrow::ValueWidth(schema_->fields[i].type.id);
    columns_[i].width = w == 0 ? 1 : w;
  }
}

void BatchBuilder::Grow(Column* c, size_t n) {
  size_t cap = std::max<size_t>(c->capacity * 2, 4096);
  while (cap < c->size + n) cap *= 2;
  void* p = std::realloc(c->data, cap);
  if (p == nullptr) std::abort();  // as operator new would (no exceptions here)
  c->data = static_cast<uint8_t*>(p);
  c->capacity = cap;
}

void BatchBuilder::Reserve(int64_t n) {
  for (Column& c : columns_) {
    const size_t need = static_cast<size_t>(n) * static_cast<size_t>(c.width);
    if (c.size + need > c.capacity) Grow(&c, need);
  }
}

int64_t BatchBuilder::num_rows() const {
  return columns_.empty() ? 0 : static_cast<int64_t>(columns_[0].size / columns_[0].width);
}

void BatchBuilder::AppendNull(int col) {
  Column& c = columns_[col];
  if (c.nulls == 0) c.valid.assign(c.size / c.width, 1);  // the rows so far are all valid
  if (c.size + c.width > c.capacity) Grow(&c, c.width);
  std::memset(c.data + c.size, 0, c.width);
  c.size += c.width;
  c.valid.push_back(0);
  c.nulls++;
}

int32_t BatchBuilder::Intern(int col, std::string_view v) {
  Column& c = columns_[col];
  if (auto it = c.codes.find(v); it != c.codes.end()) return it->second;
  auto it = c.codes.emplace(std::string(v), static_cast<int32_t>(c.strings.size())).first;
  c.strings.push_back(it->first);
  return it->second;
}

Result<arrow::RecordBatch> BatchBuilder::Finish() {
  arrow::RecordBatch batch;
  batch.schema = schema_;
  batch.num_rows = num_rows();
  for (size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    const arrow::Field& f = schema_->fields[i];
    if (static_cast<int64_t>(c.size / c.width) != batch.num_rows) {
      return Status::InvalidArgument("column \"" + f.name + "\" has a different number of values");
    }
    if (!f.nullable && c.nulls > 0) {
      return Status::InvalidArgument("null value in column \"" + f.name +
                                     "\" violates not-null constraint");
    }
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    const arrow::Field& f = schema_->fields[i];
    ArrayData a;
    a.type = f.type;
    a.length = batch.num_rows;
    a.null_count = c.nulls;
    if (c.nulls > 0) a.validity = Buffer::FromVector(BytesToBitmap(c.valid.data(), c.valid.size()));
    if (f.type.id == TypeId::kBool) {
      a.values = Buffer::FromVector(BytesToBitmap(c.data, c.size));
    } else if (c.data != nullptr) {
      a.values.data = c.data;
      a.values.size = c.size;
      a.values.owner = std::shared_ptr<void>(c.data, std::free);
      c.data = nullptr;
    } else {
      a.values = Buffer::FromVector(std::vector<uint8_t>());
    }
    if (f.type.id == TypeId::kString) a.dictionary = arrow::Dictionary::Make(c.strings);
    batch.columns.push_back(std::move(a));
  }
  bool keep = keep_dictionaries_;
  for (const Column& c : columns_) {
    keep = keep && c.strings.size() <=
                       std::min<size_t>(static_cast<size_t>(batch.num_rows), size_t{1} << 16);
  }
  if (keep) {
    for (Column& c : columns_) {  // the values went to the batch; the dictionary stays
      std::free(c.data);
      c.data = nullptr;
      c.size = c.capacity = 0;
      c.valid.clear();
      c.nulls = 0;
    }
  } else {
    ResetColumns();
    ++dictionary_generation_;
  }
  return batch;
}

ArrayData MakeNullArray(arrow::DataType type, int64_t length) {
  ArrayData a;
  a.type = type;
  a.length = length;
  a.null_count = length;
  a.validity = Buffer::FromVector(std::vector<uint8_t>(arrow::BitmapBytes(length), 0));
  a.values = Buffer::FromVector(std::vector<uint8_t>(arrow::ValuesBytes(type.id, length), 0));
  if (type.id == TypeId::kString) a.dictionary = arrow::Dictionary::Make({});
  return a;
}

Status ValidateBatch(const arrow::RecordBatch& batch, const arrow::Schema& schema) {
  OMEN_RETURN_IF_ERROR(ValidateBatchLayout(batch, schema));
  // Timestamps are kept to +-2^62 microseconds (about 146,000 years; PostgreSQL's own range
  // is narrower) so that time arithmetic in partitions and keys never overflows.
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const ArrayData& a = batch.columns[i];
    if (a.type.id != TypeId::kTimestamp) continue;
    for (int64_t r = 0; r < a.length; ++r) {
      int64_t t = a.Value<int64_t>(r);
      if (a.IsValid(r) && (t < kMinTimestamp || t > kMaxTimestamp)) {
        return Status::InvalidArgument("timestamp out of range in column \"" +
                                       schema.fields[i].name + "\"");
      }
    }
  }
  return Status::OK();
}

Status ValidateBatchLayout(const arrow::RecordBatch& batch, const arrow::Schema& schema) {
  if (batch.columns.size() != schema.fields.size()) {
    return Status::InvalidArgument("batch has " + std::to_string(batch.columns.size()) +
                                   " columns, table has " + std::to_string(schema.fields.size()));
  }
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const ArrayData& a = batch.columns[i];
    const arrow::Field& f = schema.fields[i];
    if (!(a.type == f.type)) {
      return Status::InvalidArgument("column \"" + f.name + "\" has the wrong type");
    }
    if (a.length != batch.num_rows || a.null_count < 0 || a.null_count > a.length ||
        a.values.size < arrow::ValuesBytes(a.type.id, a.length) ||
        (a.null_count > 0 &&
         static_cast<int64_t>(a.validity.size) < arrow::BitmapBytes(a.length))) {
      return Status::InvalidArgument("column \"" + f.name + "\" has inconsistent lengths");
    }
    if (!f.nullable && a.null_count > 0) {
      return Status::InvalidArgument("null value in column \"" + f.name +
                                     "\" violates not-null constraint");
    }
    if (a.type.id == TypeId::kString) {
      if (a.dictionary == nullptr) {
        return Status::InvalidArgument("column \"" + f.name + "\" has no dictionary");
      }
      const arrow::Dictionary& d = *a.dictionary;
      if (d.length < 0 || d.offsets.size < static_cast<size_t>(d.length + 1) * 4) {
        return Status::InvalidArgument("column \"" + f.name + "\" has a bad dictionary");
      }
      const int32_t* off = d.offsets.As<int32_t>();
      bool ok = off[0] == 0 && static_cast<size_t>(off[d.length]) <= d.data.size;
      for (int64_t k = 0; ok && k < d.length; ++k) ok = off[k] <= off[k + 1];
      if (!ok) {
        return Status::InvalidArgument("column \"" + f.name + "\" has bad dictionary offsets");
      }
      const int32_t* codes = a.values.As<int32_t>();
      for (int64_t r = 0; r < a.length; ++r) {
        if (a.IsValid(r) && (codes[r] < 0 || codes[r] >= a.dictionary->length)) {
          return Status::InvalidArgument("column \"" + f.name + "\" has a bad dictionary code");
        }
      }
    }
  }
  return Status::OK();
}

// Payload: magic u32 | table_id u64 | rows u64 | ncols u32 | per column:
//   type u8 | utc u8 | null_count u64 | [validity] | values | [dict_len u32 | offsets | data_len
//   u32 | data]   (validity present iff null_count > 0)
// values: width u8 | base i64 | rows deltas of `width` bytes (integer-like columns, see
// PutNarrow), or 0xff | the values buffer as it is (others). Magic "BATH" (the first format)
// has the values buffer alone, and is still read.
std::string EncodeBatchRecord(uint64_t table_id, const arrow::RecordBatch& batch) {
  std::string out;
  size_t estimate = 32;
  for (const ArrayData& a : batch.columns) {
    estimate += 16 + a.values.size + (a.null_count > 0 ? a.validity.size : 0);
    if (a.dictionary) estimate += 8 + a.dictionary->offsets.size + a.dictionary->data.size;
  }
  out.reserve(estimate);
  PutFixed32(&out, kBatchMagic);
  PutFixed64(&out, table_id);
  PutFixed64(&out, static_cast<uint64_t>(batch.num_rows));
  PutFixed32(&out, static_cast<uint32_t>(batch.columns.size()));
  for (const ArrayData& a : batch.columns) {
    out.push_back(static_cast<char>(a.type.id));
    out.push_back(a.type.utc ? 1 : 0);
    PutFixed64(&out, static_cast<uint64_t>(a.null_count));
    if (a.null_count > 0) {
      out.append(reinterpret_cast<const char*>(a.validity.data), arrow::BitmapBytes(a.length));
    }
    PutValues(a, &out);
    if (a.type.id == TypeId::kString) {
      const arrow::Dictionary& d = *a.dictionary;
      PutFixed32(&out, static_cast<uint32_t>(d.length));
      out.append(reinterpret_cast<const char*>(d.offsets.data), (d.length + 1) * 4);
      uint32_t data_len = static_cast<uint32_t>(d.offsets.As<int32_t>()[d.length]);
      PutFixed32(&out, data_len);
      out.append(reinterpret_cast<const char*>(d.data.data), data_len);
    }
  }
  return out;
}

Result<uint64_t> PeekBatchTableId(std::string_view payload) {
  ByteReader r(payload);
  uint32_t magic;
  uint64_t id;
  if (!r.GetFixed32(&magic) || (magic != kBatchMagic && magic != kBatchMagicV1) ||
      !r.GetFixed64(&id)) {
    return Status::Corruption("batch record: bad header");
  }
  return id;
}

namespace {

template <typename T>
Buffer CopyBuffer(std::string_view bytes) {
  std::vector<T> v(bytes.size() / sizeof(T) + (bytes.size() % sizeof(T) != 0));
  if (!bytes.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
  Buffer b = Buffer::FromVector(std::move(v));
  b.size = bytes.size();
  return b;
}

Result<ArrayData> DecodeColumn(ByteReader* r, const arrow::Field& f, int64_t rows, bool narrow) {
  std::string_view head;
  uint64_t nulls;
  if (!r->GetBytes(2, &head) || !r->GetFixed64(&nulls)) {
    return Status::Corruption("batch record: truncated column header");
  }
  ArrayData a;
  a.type = {static_cast<TypeId>(head[0]), head[1] != 0};
  if (!(a.type == f.type)) {
    return Status::Corruption("batch record: column \"" + f.name + "\" type differs from table");
  }
  if (nulls > static_cast<uint64_t>(rows)) return Status::Corruption("batch record: null count");
  a.length = rows;
  a.null_count = static_cast<int64_t>(nulls);
  std::string_view bytes;
  if (nulls > 0) {
    if (!r->GetBytes(arrow::BitmapBytes(rows), &bytes)) {
      return Status::Corruption("batch record: truncated validity");
    }
    a.validity = CopyBuffer<uint8_t>(bytes);
  }
  if (!narrow) {
    if (!r->GetBytes(arrow::ValuesBytes(a.type.id, rows), &bytes)) {
      return Status::Corruption("batch record: truncated values");
    }
    a.values = CopyBuffer<uint64_t>(bytes);
  } else {
    std::string_view w;
    if (!r->GetBytes(1, &w)) return Status::Corruption("batch record: truncated values");
    const uint8_t width = static_cast<uint8_t>(w[0]);
    if (!IsNarrowable(a.type.id)) {
      if (width != kRawValues || !r->GetBytes(arrow::ValuesBytes(a.type.id, rows), &bytes)) {
        return Status::Corruption("batch record: bad or truncated values");
      }
      a.values = CopyBuffer<uint64_t>(bytes);
    } else {
      uint64_t base;
      if ((width != 1 && width != 2 && width != 4 && width != 8) || !r->GetFixed64(&base) ||
          !r->GetBytes(static_cast<size_t>(rows) * width, &bytes)) {
        return Status::Corruption("batch record: bad or truncated values");
      }
      const size_t value_bytes = arrow::ValuesBytes(a.type.id, rows);
      std::vector<uint64_t> v(value_bytes / 8 + (value_bytes % 8 != 0));
      switch (a.type.id) {
        case TypeId::kInt16:
          UnpackNarrow(width, bytes.data(), rows, base, reinterpret_cast<int16_t*>(v.data()));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          UnpackNarrow(width, bytes.data(), rows, base, reinterpret_cast<int64_t*>(v.data()));
          break;
        default:  // int32, codes, date32
          UnpackNarrow(width, bytes.data(), rows, base, reinterpret_cast<int32_t*>(v.data()));
          break;
      }
      a.values = Buffer::FromVector(std::move(v));
      a.values.size = value_bytes;
    }
  }
  if (a.type.id == TypeId::kString) {
    uint32_t dict_len, data_len;
    std::string_view offsets, data;
    if (!r->GetFixed32(&dict_len) || dict_len > (1u << 30) ||
        !r->GetBytes((static_cast<size_t>(dict_len) + 1) * 4, &offsets) ||
        !r->GetFixed32(&data_len) || !r->GetBytes(data_len, &data)) {
      return Status::Corruption("batch record: truncated dictionary");
    }
    auto d = std::make_shared<arrow::Dictionary>();
    d->length = dict_len;
    d->offsets = CopyBuffer<int32_t>(offsets);
    d->data = CopyBuffer<uint8_t>(data);
    const int32_t* off = d->offsets.As<int32_t>();
    for (uint32_t i = 0; i < dict_len; ++i) {
      if (off[i] < 0 || off[i] > off[i + 1]) return Status::Corruption("batch record: offsets");
    }
    if (off[0] != 0 || static_cast<uint32_t>(off[dict_len]) != data_len) {
      return Status::Corruption("batch record: dictionary offsets out of range");
    }
    a.dictionary = std::move(d);
  }
  return a;
}

}  // namespace

Result<DecodedBatch> DecodeBatchRecord(std::string_view payload,
                                       const std::shared_ptr<const arrow::Schema>& schema) {
  ByteReader r(payload);
  uint32_t magic, ncols;
  uint64_t table_id, rows;
  if (!r.GetFixed32(&magic) || (magic != kBatchMagic && magic != kBatchMagicV1) ||
      !r.GetFixed64(&table_id) || !r.GetFixed64(&rows) || !r.GetFixed32(&ncols)) {
    return Status::Corruption("batch record: bad header");
  }
  if (ncols == 0 || ncols > schema->fields.size() || rows > payload.size() * 8) {
    return Status::Corruption("batch record: more columns or rows than possible");
  }
  DecodedBatch out;
  out.table_id = table_id;
  out.batch.schema = schema;
  out.batch.num_rows = static_cast<int64_t>(rows);
  for (uint32_t i = 0; i < ncols; ++i) {
    OMEN_ASSIGN_OR_RETURN(
        ArrayData a,
        DecodeColumn(&r, schema->fields[i], static_cast<int64_t>(rows), magic == kBatchMagic));
    out.batch.columns.push_back(std::move(a));
  }
  if (r.remaining() != 0) return Status::Corruption("batch record: trailing bytes");
  for (size_t i = ncols; i < schema->fields.size(); ++i) {
    out.batch.columns.push_back(MakeNullArray(schema->fields[i].type, out.batch.num_rows));
  }
  Status s = ValidateBatch(out.batch, *schema);
  if (!s.ok()) return Status::Corruption("batch record: " + std::string(s.message()));
  return out;
}

}  // namespace omen::storage
