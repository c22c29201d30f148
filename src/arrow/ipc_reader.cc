// Copyright 2026 The OmenDB Authors.
//
// Arrow IPC file reader. Open checks the magics and the footer, verifies every
// flatbuffer (footer and each message) with the flatbuffers Verifier, converts
// the schema, decodes the dictionaries and parses each record batch's metadata
// with all offsets checked against the file. ReadBatch then materializes and
// validates buffers. Nothing read from the file is trusted. The reader is
// immutable after Open; concurrent ReadBatch calls are safe.

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "arrow/ipc.h"
#include "arrow/ipc_compression.h"
#include "arrow/ipc_format.h"
#include "arrow_fbs/File_generated.h"
#include "arrow_fbs/Message_generated.h"
#include "common/coding.h"

namespace omen::arrow {
namespace fb = org::apache::arrow::flatbuf;
namespace fmt = ipc_format;

namespace internal {

struct IpcNode {
  int64_t length = 0;
  int64_t null_count = 0;
};
struct IpcBufferSpec {
  int64_t offset = 0;  // within the body
  int64_t length = 0;
};
// A record batch message (of a RecordBatch or a DictionaryBatch) with its metadata checked:
// every buffer lies inside the body and the body inside the file.
struct IpcMessageInfo {
  int64_t num_rows = 0;
  int64_t body_offset = 0;  // in the file
  int64_t body_length = 0;
  Compression compression = Compression::kNone;
  std::vector<IpcNode> nodes;
  std::vector<IpcBufferSpec> buffers;
};

}  // namespace internal

namespace {

using internal::IpcMessageInfo;

// Rows per batch beyond which sizes could overflow; no real batch comes close.
constexpr int64_t kMaxRows = int64_t{1} << 48;

// A FileMapping over bytes held in memory.
class StringMapping : public FileMapping {
 public:
  explicit StringMapping(std::string bytes) : bytes_(std::move(bytes)) {}
  const uint8_t* data() const override { return reinterpret_cast<const uint8_t*>(bytes_.data()); }
  size_t size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
};

// Flatbuffer bytes at an 8-aligned address (copied when the file's are not), as the
// Verifier's alignment checks and the accessors assume.
class AlignedBytes {
 public:
  AlignedBytes(const uint8_t* p, size_t n) : size_(n) {
    if (reinterpret_cast<uintptr_t>(p) % 8 == 0) {
      data_ = p;
    } else {
      copy_.resize((n + 7) / 8);
      std::memcpy(copy_.data(), p, n);
      data_ = reinterpret_cast<const uint8_t*>(copy_.data());
    }
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  std::vector<uint64_t> copy_;
};

// Element i of a vector of flatbuffer structs, copied out: the Verifier checks such vectors
// only for 4-byte alignment, so reading 8-byte members in place could be misaligned.
template <typename T>
T LoadStruct(const flatbuffers::Vector<const T*>& v, flatbuffers::uoffset_t i) {
  T out;
  std::memcpy(static_cast<void*>(&out), v.Data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return out;
}

template <typename T>
bool VerifyRoot(const AlignedBytes& bytes) {
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return false;
  }
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  return verifier.VerifyBuffer<T>(nullptr);
}

// ------------------------------------------------------------------------------ schema

Status ParseInt(const fb::Int* t, DataType* out) {
  if (t == nullptr || !t->is_signed()) {
    return Status::NotSupported("unsigned or malformed Int type");
  }
  switch (t->bitWidth()) {
    case 16:
      out->id = TypeId::kInt16;
      return Status::OK();
    case 32:
      out->id = TypeId::kInt32;
      return Status::OK();
    case 64:
      out->id = TypeId::kInt64;
      return Status::OK();
  }
  return Status::NotSupported("Int bit width " + std::to_string(t->bitWidth()));
}

Status ParseFixedType(const fb::Field* f, DataType* out) {
  switch (f->type_type()) {
    case fb::Type_Bool:
      out->id = TypeId::kBool;
      return Status::OK();
    case fb::Type_Int:
      return ParseInt(f->type_as_Int(), out);
    case fb::Type_FloatingPoint: {
      auto p = f->type_as_FloatingPoint()->precision();
      if (p == fb::Precision_HALF) {
        return Status::NotSupported("half-precision floats");
      }
      out->id = p == fb::Precision_SINGLE ? TypeId::kFloat32 : TypeId::kFloat64;
      return p == fb::Precision_SINGLE || p == fb::Precision_DOUBLE
                 ? Status::OK()
                 : Status::Corruption("unknown float precision");
    }
    case fb::Type_Timestamp: {
      const fb::Timestamp* t = f->type_as_Timestamp();
      if (t->unit() != fb::TimeUnit_MICROSECOND) {
        return Status::NotSupported("timestamps in units other than microseconds");
      }
      out->id = TypeId::kTimestamp;
      // Any time zone means the values are UTC instants.
      out->utc = t->timezone() != nullptr && t->timezone()->size() > 0;
      return Status::OK();
    }
    case fb::Type_Date:
      if (f->type_as_Date()->unit() != fb::DateUnit_DAY) {
        return Status::NotSupported("Date(MILLISECOND)");
      }
      out->id = TypeId::kDate32;
      return Status::OK();
    default:
      break;
  }
  return Status::NotSupported("Arrow type " + std::to_string(f->type_type()));
}

// Converts one field; *dict_id is its dictionary id (empty when not dictionary-encoded).
Status ParseField(const fb::Field* f, Field* out, std::optional<int64_t>* dict_id) {
  out->name = f->name() != nullptr ? f->name()->str() : std::string();
  out->nullable = f->nullable();
  dict_id->reset();
  if (f->children() != nullptr && f->children()->size() != 0) {
    return Status::NotSupported("nested field " + out->name);
  }
  if (f->type() == nullptr) {
    return Status::Corruption("field " + out->name + " has no type");
  }
  const fb::DictionaryEncoding* dict = f->dictionary();
  if (f->type_type() == fb::Type_Utf8) {
    const fb::Int* index = dict != nullptr ? dict->indexType() : nullptr;
    if (dict == nullptr) {
      return Status::NotSupported("field " + out->name + ": utf8 that is not dictionary-encoded");
    }
    if (index != nullptr && (index->bitWidth() != 32 || !index->is_signed())) {
      return Status::NotSupported("field " + out->name + ": dictionary index is not int32");
    }
    out->type.id = TypeId::kString;
    *dict_id = dict->id();
    return Status::OK();
  }
  if (dict != nullptr) {
    return Status::NotSupported("field " + out->name + ": dictionary-encoded non-utf8 values");
  }
  return ParseFixedType(f, &out->type).WithContext("field " + out->name);
}

Status ParseSchema(const fb::Schema* s, Schema* out,
                   std::vector<std::optional<int64_t>>* dict_ids) {
  if (s == nullptr) {
    return Status::Corruption("IPC footer has no schema");
  }
  if (s->endianness() != fb::Endianness_Little) {
    return Status::NotSupported("big-endian Arrow data");
  }
  if (s->fields() != nullptr) {
    for (const fb::Field* f : *s->fields()) {
      Field field;
      std::optional<int64_t> id;
      OMEN_RETURN_IF_ERROR(ParseField(f, &field, &id));
      out->fields.push_back(std::move(field));
      dict_ids->push_back(id);
    }
  }
  if (s->custom_metadata() != nullptr) {
    for (const fb::KeyValue* kv : *s->custom_metadata()) {
      out->metadata.emplace_back(kv->key() != nullptr ? kv->key()->str() : std::string(),
                                 kv->value() != nullptr ? kv->value()->str() : std::string());
    }
  }
  return Status::OK();
}

// ----------------------------------------------------------------------------- messages

// Checks a RecordBatch header against the body it describes.
Status ParseRecordBatch(const fb::RecordBatch* rb, IpcMessageInfo* info) {
  if (rb == nullptr || rb->nodes() == nullptr || rb->buffers() == nullptr) {
    return Status::Corruption("record batch without nodes or buffers");
  }
  info->num_rows = rb->length();
  if (info->num_rows < 0 || info->num_rows > kMaxRows) {
    return Status::Corruption("record batch length out of range");
  }
  for (flatbuffers::uoffset_t i = 0; i < rb->nodes()->size(); ++i) {
    fb::FieldNode n = LoadStruct(*rb->nodes(), i);
    if (n.length() != info->num_rows || n.null_count() < 0 || n.null_count() > n.length()) {
      return Status::Corruption("field node length or null count inconsistent");
    }
    info->nodes.push_back({n.length(), n.null_count()});
  }
  for (flatbuffers::uoffset_t i = 0; i < rb->buffers()->size(); ++i) {
    fb::Buffer b = LoadStruct(*rb->buffers(), i);
    if (b.offset() < 0 || b.length() < 0 || b.offset() > info->body_length ||
        b.length() > info->body_length - b.offset()) {
      return Status::Corruption("buffer lies outside the message body");
    }
    info->buffers.push_back({b.offset(), b.length()});
  }
  if (const fb::BodyCompression* c = rb->compression()) {
    if (c->method() != fb::BodyCompressionMethod_BUFFER) {
      return Status::NotSupported("body compression method other than BUFFER");
    }
    if (c->codec() == fb::CompressionType_LZ4_FRAME) {
      info->compression = Compression::kLz4Frame;
    } else if (c->codec() == fb::CompressionType_ZSTD) {
      info->compression = Compression::kZstd;
    } else {
      return Status::Corruption("unknown body compression codec");
    }
  }
  return Status::OK();
}

struct ParsedMessage {
  fb::MessageHeader type = fb::MessageHeader_NONE;
  int64_t dictionary_id = 0;
  bool is_delta = false;
  IpcMessageInfo info;
};

// Locates, verifies and parses the message of a footer block; messages lie in [8, data_end).
Result<ParsedMessage> ReadMessage(const FileMapping& file, int64_t data_end,
                                  const fb::Block& block) {
  int64_t off = block.offset();
  int64_t meta = block.metaDataLength();
  int64_t body = block.bodyLength();
  if (off < fmt::kMagicPadded || meta < fmt::kMessagePrefixSize || body < 0 || off > data_end ||
      meta > data_end - off || body > data_end - off - meta) {
    return Status::Corruption("footer block lies outside the file's message section");
  }
  const uint8_t* p = file.data() + off;
  int64_t fb_start = off + fmt::kMessagePrefixSize;
  int32_t fb_len = static_cast<int32_t>(DecodeFixed32(reinterpret_cast<const char*>(p) + 4));
  if (DecodeFixed32(reinterpret_cast<const char*>(p)) != fmt::kContinuation) {
    // Before Arrow 0.15 messages had no continuation marker: int32 size, flatbuffer.
    fb_start = off + 4;
    fb_len = static_cast<int32_t>(DecodeFixed32(reinterpret_cast<const char*>(p)));
  }
  if (fb_len <= 0 || fb_len > off + meta - fb_start) {
    return Status::Corruption("message metadata size out of range");
  }
  AlignedBytes bytes(file.data() + fb_start, static_cast<size_t>(fb_len));
  if (!VerifyRoot<fb::Message>(bytes)) {
    return Status::Corruption("message flatbuffer fails verification");
  }
  const fb::Message* m = flatbuffers::GetRoot<fb::Message>(bytes.data());
  if (m->version() < fb::MetadataVersion_V4) {
    return Status::NotSupported("Arrow metadata versions before V4");
  }
  if (m->bodyLength() != body) {
    return Status::Corruption("message body length differs from its footer block");
  }
  ParsedMessage out;
  out.type = m->header_type();
  out.info.body_offset = off + meta;
  out.info.body_length = body;
  if (const fb::RecordBatch* rb = m->header_as_RecordBatch()) {
    OMEN_RETURN_IF_ERROR(ParseRecordBatch(rb, &out.info));
  } else if (const fb::DictionaryBatch* db = m->header_as_DictionaryBatch()) {
    out.dictionary_id = db->id();
    out.is_delta = db->isDelta();
    OMEN_RETURN_IF_ERROR(ParseRecordBatch(db->data(), &out.info));
  } else {
    return Status::Corruption("footer block points at a message that is not a batch");
  }
  return out;
}

// ------------------------------------------------------------------------------- bodies

// Materializes the buffers of one message's body.
class BodyReader {
 public:
  BodyReader(const std::shared_ptr<const FileMapping>& file, const IpcMessageInfo& info)
      : file_(file), info_(info) {}

  // Buffer `index`, holding at least `needed` bytes, its address a multiple of `align`.
  Result<Buffer> Get(size_t index, size_t needed, size_t align) const {
    const internal::IpcBufferSpec& spec = info_.buffers[index];
    const uint8_t* p = file_->data() + info_.body_offset + spec.offset;
    size_t size = static_cast<size_t>(spec.length);
    if (info_.compression != Compression::kNone && size > 0) {
      if (size < static_cast<size_t>(fmt::kCompressedLengthPrefix)) {
        return Status::Corruption("compressed buffer shorter than its length prefix");
      }
      int64_t raw_size = static_cast<int64_t>(DecodeFixed64(reinterpret_cast<const char*>(p)));
      p += fmt::kCompressedLengthPrefix;
      size -= fmt::kCompressedLengthPrefix;
      if (raw_size != fmt::kUncompressedMarker) {
        return Decompress(p, size, raw_size, needed);
      }
    }
    if (size < needed) {
      return Status::Corruption("buffer shorter than its column needs");
    }
    Buffer b;
    if (size == 0) {
      return b;
    }
    if (reinterpret_cast<uintptr_t>(p) % align != 0) {
      return Buffer::FromVector(std::vector<uint8_t>(p, p + size));
    }
    b.data = p;
    b.size = size;
    b.owner = file_;
    return b;
  }

 private:
  Result<Buffer> Decompress(const uint8_t* p, size_t size, int64_t raw_size, size_t needed) const {
    if (raw_size < 0 || static_cast<uint64_t>(raw_size) < needed) {
      return Status::Corruption("compressed buffer's declared length is too small");
    }
    std::vector<uint8_t> out;
    OMEN_RETURN_IF_ERROR(DecompressBuffer(info_.compression,
                                          std::string_view(reinterpret_cast<const char*>(p), size),
                                          raw_size, &out));
    return Buffer::FromVector(std::move(out));
  }

  const std::shared_ptr<const FileMapping>& file_;
  const IpcMessageInfo& info_;
};

// Nulls among the first `length` bits of a validity bitmap.
int64_t CountNulls(const uint8_t* bits, int64_t length) {
  int64_t valid = 0;
  int64_t full = length / 8;
  for (int64_t i = 0; i < full; ++i) {
    valid += std::popcount(static_cast<unsigned>(bits[i]));
  }
  if (length % 8 != 0) {
    unsigned mask = (1u << (length % 8)) - 1;
    valid += std::popcount(static_cast<unsigned>(bits[full] & mask));
  }
  return length - valid;
}

Status CheckCodes(const ArrayData& col) {
  const int32_t* codes = col.values.As<int32_t>();
  int64_t n = col.dictionary->length;
  for (int64_t i = 0; i < col.length; ++i) {
    if (col.IsValid(i) && (codes[i] < 0 || codes[i] >= n)) {
      return Status::Corruption("dictionary code out of range at row " + std::to_string(i));
    }
  }
  return Status::OK();
}

// `validated`: set once this column of this batch passed the checks, which are then skipped.
Result<ArrayData> ReadColumn(const BodyReader& body, const IpcMessageInfo& info, size_t i,
                             const Field& field, std::shared_ptr<const Dictionary> dict,
                             std::atomic<uint8_t>* validated) {
  const bool check = validated->load(std::memory_order_acquire) == 0;
  const internal::IpcNode& node = info.nodes[i];
  ArrayData col;
  col.type = field.type;
  col.length = node.length;
  col.null_count = node.null_count;
  if (col.null_count > 0) {
    OMEN_ASSIGN_OR_RETURN(col.validity,
                          body.Get(2 * i, static_cast<size_t>(BitmapBytes(col.length)), 1));
    if (check && CountNulls(col.validity.data, col.length) != col.null_count) {
      return Status::Corruption("null count differs from the validity bitmap");
    }
  }
  size_t width = std::max(ValueWidth(field.type.id), 1);
  OMEN_ASSIGN_OR_RETURN(col.values,
                        body.Get(2 * i + 1, ValuesBytes(field.type.id, col.length), width));
  if (field.type.id == TypeId::kString) {
    if (dict == nullptr) {
      return Status::Corruption("string column without a dictionary");
    }
    col.dictionary = std::move(dict);
    if (check) OMEN_RETURN_IF_ERROR(CheckCodes(col));
  }
  if (check) validated->store(1, std::memory_order_release);
  return col;
}

// Decodes a utf8 dictionary: validity (no nulls), int32 offsets, bytes.
Result<std::shared_ptr<const Dictionary>> ReadDictionary(
    const std::shared_ptr<const FileMapping>& file, const IpcMessageInfo& info) {
  if (info.nodes.size() != 1 || info.buffers.size() != 3) {
    return Status::Corruption("dictionary batch is not one utf8 column");
  }
  if (info.nodes[0].null_count != 0) {
    return Status::NotSupported("dictionaries containing nulls");
  }
  int64_t n = info.nodes[0].length;
  if (n > std::numeric_limits<int32_t>::max() - 1) {
    return Status::Corruption("dictionary too long");
  }
  BodyReader body(file, info);
  auto dict = std::make_shared<Dictionary>();
  dict->length = n;
  OMEN_ASSIGN_OR_RETURN(dict->offsets, body.Get(1, n == 0 ? 0 : (n + 1) * 4, 4));
  if (dict->offsets.size < 4) {
    dict->offsets = Buffer::FromVector(std::vector<int32_t>{0});  // empty: offsets may be absent
  }
  OMEN_ASSIGN_OR_RETURN(dict->data, body.Get(2, 0, 1));
  const int32_t* off = dict->offsets.As<int32_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (off[i] < 0 || off[i] > off[i + 1]) {
      return Status::Corruption("dictionary offsets are not monotone");
    }
  }
  if (off[0] < 0 || static_cast<size_t>(off[n]) > dict->data.size) {
    return Status::Corruption("dictionary offsets point outside its data");
  }
  dict->sorted = dict->IsSorted();
  return std::shared_ptr<const Dictionary>(std::move(dict));
}

// Decodes the footer's dictionary batches into *out, by field (dict_ids[i] empty: none).
Status LoadDictionaries(const fb::Footer& footer, const std::shared_ptr<const FileMapping>& file,
                        int64_t data_end, const Schema& schema,
                        const std::vector<std::optional<int64_t>>& dict_ids,
                        std::vector<std::shared_ptr<const Dictionary>>* out) {
  std::map<int64_t, std::shared_ptr<const Dictionary>> by_id;
  if (footer.dictionaries() != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < footer.dictionaries()->size(); ++i) {
      fb::Block block = LoadStruct(*footer.dictionaries(), i);
      OMEN_ASSIGN_OR_RETURN(ParsedMessage m, ReadMessage(*file, data_end, block));
      if (m.type != fb::MessageHeader_DictionaryBatch) {
        return Status::Corruption("dictionary block points at another message type");
      }
      if (m.is_delta || by_id.count(m.dictionary_id) != 0) {
        return Status::NotSupported("dictionary deltas or replacements");
      }
      OMEN_ASSIGN_OR_RETURN(by_id[m.dictionary_id], ReadDictionary(file, m.info));
    }
  }
  out->assign(dict_ids.size(), nullptr);
  for (size_t i = 0; i < dict_ids.size(); ++i) {
    if (!dict_ids[i].has_value()) {
      continue;
    }
    auto it = by_id.find(*dict_ids[i]);
    if (it == by_id.end()) {
      return Status::Corruption("no dictionary for field " + schema.fields[i].name);
    }
    (*out)[i] = it->second;
  }
  return Status::OK();
}

// Parses the metadata of every record batch the footer lists.
Status LoadBatches(const fb::Footer& footer, const FileMapping& file, int64_t data_end,
                   size_t num_fields, std::vector<IpcMessageInfo>* out) {
  if (footer.recordBatches() == nullptr) {
    return Status::OK();
  }
  if (footer.recordBatches()->size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::NotSupported("more record batches than an int counts");
  }
  for (flatbuffers::uoffset_t i = 0; i < footer.recordBatches()->size(); ++i) {
    fb::Block block = LoadStruct(*footer.recordBatches(), i);
    OMEN_ASSIGN_OR_RETURN(ParsedMessage m, ReadMessage(file, data_end, block));
    if (m.type != fb::MessageHeader_RecordBatch) {
      return Status::Corruption("record batch block points at another message type");
    }
    if (m.info.nodes.size() != num_fields || m.info.buffers.size() != 2 * num_fields) {
      return Status::Corruption("record batch does not match the schema's fields");
    }
    out->push_back(std::move(m.info));
  }
  return Status::OK();
}

// The footer flatbuffer's bounds: [start, start + length), before the length and magic.
Status LocateFooter(const FileMapping& file, int64_t* start, int64_t* length) {
  const int64_t size = static_cast<int64_t>(file.size());
  const int64_t min_size = fmt::kMagicPadded + fmt::kTrailerSize;
  if (size < min_size) {
    return Status::Corruption("file too short to be an Arrow IPC file");
  }
  std::string_view view = file.view();
  if (view.substr(0, fmt::kMagic.size()) != fmt::kMagic ||
      view.substr(view.size() - fmt::kMagic.size()) != fmt::kMagic) {
    return Status::Corruption("missing ARROW1 magic");
  }
  *length = static_cast<int32_t>(DecodeFixed32(view.data() + size - fmt::kTrailerSize));
  if (*length <= 0 || *length > size - min_size) {
    return Status::Corruption("footer length out of range");
  }
  *start = size - fmt::kTrailerSize - *length;
  return Status::OK();
}

}  // namespace

// ---------------------------------------------------------------------------- IpcFileReader

IpcFileReader::IpcFileReader() = default;
IpcFileReader::~IpcFileReader() = default;

int IpcFileReader::num_batches() const { return static_cast<int>(batches_.size()); }

int64_t IpcFileReader::batch_num_rows(int i) const {
  if (i < 0 || i >= num_batches()) {
    return -1;
  }
  return batches_[static_cast<size_t>(i)].num_rows;
}

const std::shared_ptr<const Dictionary>& IpcFileReader::dictionary(int field) const {
  static const std::shared_ptr<const Dictionary> kNone;
  if (field < 0 || static_cast<size_t>(field) >= dictionaries_.size()) {
    return kNone;
  }
  return dictionaries_[static_cast<size_t>(field)];
}

Result<std::unique_ptr<IpcFileReader>> IpcFileReader::Open(
    std::shared_ptr<const FileMapping> file) {
  if (file == nullptr) {
    return Status::InvalidArgument("IpcFileReader::Open needs a file");
  }
  int64_t footer_start = 0;
  int64_t footer_length = 0;
  OMEN_RETURN_IF_ERROR(LocateFooter(*file, &footer_start, &footer_length));
  AlignedBytes footer_bytes(file->data() + footer_start, static_cast<size_t>(footer_length));
  if (!VerifyRoot<fb::Footer>(footer_bytes)) {
    return Status::Corruption("footer flatbuffer fails verification");
  }
  const fb::Footer* footer = flatbuffers::GetRoot<fb::Footer>(footer_bytes.data());
  if (footer->version() < fb::MetadataVersion_V4) {
    return Status::NotSupported("Arrow metadata versions before V4");
  }
  std::unique_ptr<IpcFileReader> reader(new IpcFileReader());
  reader->file_ = std::move(file);
  auto schema = std::make_shared<Schema>();
  std::vector<std::optional<int64_t>> dict_ids;
  OMEN_RETURN_IF_ERROR(ParseSchema(footer->schema(), schema.get(), &dict_ids));
  OMEN_RETURN_IF_ERROR(LoadDictionaries(*footer, reader->file_, footer_start, *schema, dict_ids,
                                        &reader->dictionaries_));
  OMEN_RETURN_IF_ERROR(
      LoadBatches(*footer, *reader->file_, footer_start, schema->fields.size(), &reader->batches_));
  const size_t cells = reader->batches_.size() * schema->fields.size();
  reader->validated_ = std::make_unique<std::atomic<uint8_t>[]>(cells);
  for (size_t c = 0; c < cells; ++c) reader->validated_[c].store(0, std::memory_order_relaxed);
  reader->schema_ = std::move(schema);
  return reader;
}

Result<RecordBatch> IpcFileReader::ReadBatch(int i) const {
  if (i < 0 || i >= num_batches()) {
    return Status::InvalidArgument("record batch index out of range");
  }
  const IpcMessageInfo& info = batches_[static_cast<size_t>(i)];
  BodyReader body(file_, info);
  RecordBatch batch;
  batch.schema = schema_;
  batch.num_rows = info.num_rows;
  batch.columns.reserve(schema_->fields.size());
  for (size_t f = 0; f < schema_->fields.size(); ++f) {
    OMEN_ASSIGN_OR_RETURN(
        ArrayData col,
        ReadColumn(body, info, f, schema_->fields[f], dictionaries_[f],
                   &validated_[static_cast<size_t>(i) * schema_->fields.size() + f]));
    batch.columns.push_back(std::move(col));
  }
  return batch;
}

Result<RecordBatch> IpcFileReader::ReadBatch(int i, const std::vector<int>& fields) const {
  if (i < 0 || i >= num_batches()) {
    return Status::InvalidArgument("record batch index out of range");
  }
  const IpcMessageInfo& info = batches_[static_cast<size_t>(i)];
  BodyReader body(file_, info);
  RecordBatch batch;
  auto schema = std::make_shared<Schema>();
  schema->metadata = schema_->metadata;
  batch.num_rows = info.num_rows;
  schema->fields.reserve(fields.size());
  batch.columns.reserve(fields.size());
  for (int f : fields) {
    if (f < 0 || static_cast<size_t>(f) >= schema_->fields.size()) {
      return Status::InvalidArgument("field index out of range");
    }
    const size_t fi = static_cast<size_t>(f);
    OMEN_ASSIGN_OR_RETURN(
        ArrayData col,
        ReadColumn(body, info, fi, schema_->fields[fi], dictionaries_[fi],
                   &validated_[static_cast<size_t>(i) * schema_->fields.size() + fi]));
    schema->fields.push_back(schema_->fields[fi]);
    batch.columns.push_back(std::move(col));
  }
  batch.schema = std::move(schema);
  return batch;
}

Result<std::unique_ptr<IpcFileReader>> OpenIpcFileBytes(std::string bytes) {
  return IpcFileReader::Open(std::make_shared<StringMapping>(std::move(bytes)));
}

}  // namespace omen::arrow
