// Copyright 2026 The OmenDB Authors.
//
// Arrow IPC writers: IpcEncoder turns a schema, dictionaries and record batches
// into encapsulated messages (continuation marker, metadata size, Message
// flatbuffer, padding, body); IpcFileWriter frames them as a file (magic,
// messages, footer) and IpcStreamWriter as a stream. Single-threaded use.

#include <cstring>
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

namespace {

// The metadata part of an encapsulated message (prefix, flatbuffer, padding) and its body.
struct EncodedMessage {
  std::string metadata;
  std::string body;
};

EncodedMessage FrameMessage(const flatbuffers::FlatBufferBuilder& fbb, std::string body) {
  EncodedMessage m;
  int64_t padded = fmt::PadToAlignment(fmt::kMessagePrefixSize + fbb.GetSize());
  PutFixed32(&m.metadata, fmt::kContinuation);
  PutFixed32(&m.metadata, static_cast<uint32_t>(padded - fmt::kMessagePrefixSize));
  m.metadata.append(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  m.metadata.resize(static_cast<size_t>(padded), '\0');
  m.body = std::move(body);
  return m;
}

// Accumulates the buffers of one message body, compressing each when asked to.
class BodyBuilder {
 public:
  explicit BodyBuilder(const IpcWriteOptions& options) : options_(options) {}
  // Reserves room for buffers totalling `bytes` (avoids regrowing a multi-MB body).
  void Reserve(size_t bytes, size_t buffers) {
    body_.reserve(bytes + buffers * (fmt::kCompressedLengthPrefix + 8));
  }

  Status Add(const uint8_t* data, size_t size) {
    int64_t offset = static_cast<int64_t>(body_.size());
    std::string_view src(reinterpret_cast<const char*>(data), size);
    if (size == 0) {
      // Empty buffers stay empty, compressed or not.
    } else if (options_.compression == Compression::kNone) {
      body_.append(src);
    } else {
      OMEN_RETURN_IF_ERROR(AddCompressed(src));
    }
    int64_t length = static_cast<int64_t>(body_.size()) - offset;
    buffers_.emplace_back(offset, length);
    body_.resize(static_cast<size_t>(fmt::PadToAlignment(static_cast<int64_t>(body_.size()))),
                 '\0');
    return Status::OK();
  }
  const std::vector<fb::Buffer>& buffers() const { return buffers_; }
  std::string TakeBody() { return std::move(body_); }

 private:
  // int64 uncompressed length + compressed bytes, or -1 + raw bytes when that is not smaller.
  Status AddCompressed(std::string_view src) {
    size_t start = body_.size();
    PutFixed64(&body_, src.size());
    OMEN_RETURN_IF_ERROR(CompressBuffer(options_.compression, options_.zstd_level, src, &body_));
    if (body_.size() - start - fmt::kCompressedLengthPrefix >= src.size()) {
      body_.resize(start);
      PutFixed64(&body_, static_cast<uint64_t>(fmt::kUncompressedMarker));
      body_.append(src);
    }
    return Status::OK();
  }

  IpcWriteOptions options_;
  std::string body_;
  std::vector<fb::Buffer> buffers_;
};

flatbuffers::Offset<fb::BodyCompression> MakeCompression(flatbuffers::FlatBufferBuilder* fbb,
                                                         Compression c) {
  if (c == Compression::kNone) {
    return 0;
  }
  auto codec =
      c == Compression::kLz4Frame ? fb::CompressionType_LZ4_FRAME : fb::CompressionType_ZSTD;
  return fb::CreateBodyCompression(*fbb, codec, fb::BodyCompressionMethod_BUFFER);
}

// The flatbuffer Type union member for a column type (the value type for strings).
std::pair<fb::Type, flatbuffers::Offset<void>> MakeType(flatbuffers::FlatBufferBuilder* fbb,
                                                        DataType type) {
  switch (type.id) {
    case TypeId::kBool:
      return {fb::Type_Bool, fb::CreateBool(*fbb).Union()};
    case TypeId::kInt16:
      return {fb::Type_Int, fb::CreateInt(*fbb, 16, true).Union()};
    case TypeId::kInt32:
      return {fb::Type_Int, fb::CreateInt(*fbb, 32, true).Union()};
    case TypeId::kInt64:
      return {fb::Type_Int, fb::CreateInt(*fbb, 64, true).Union()};
    case TypeId::kFloat32:
      return {fb::Type_FloatingPoint, fb::CreateFloatingPoint(*fbb, fb::Precision_SINGLE).Union()};
    case TypeId::kFloat64:
      return {fb::Type_FloatingPoint, fb::CreateFloatingPoint(*fbb, fb::Precision_DOUBLE).Union()};
    case TypeId::kString:
      return {fb::Type_Utf8, fb::CreateUtf8(*fbb).Union()};
    case TypeId::kTimestamp: {
      flatbuffers::Offset<flatbuffers::String> tz = 0;  // absent: time zone naive
      if (type.utc) {
        tz = fbb->CreateString("UTC");
      }
      return {fb::Type_Timestamp, fb::CreateTimestamp(*fbb, fb::TimeUnit_MICROSECOND, tz).Union()};
    }
    case TypeId::kDate32:
      return {fb::Type_Date, fb::CreateDate(*fbb, fb::DateUnit_DAY).Union()};
  }
  return {fb::Type_NONE, 0};
}

flatbuffers::Offset<fb::Field> MakeField(flatbuffers::FlatBufferBuilder* fbb, const Field& field,
                                         int64_t index) {
  auto name = fbb->CreateString(field.name);
  auto [type_type, type] = MakeType(fbb, field.type);
  flatbuffers::Offset<fb::DictionaryEncoding> dict = 0;
  if (field.type.id == TypeId::kString) {
    auto index_type = fb::CreateInt(*fbb, 32, true);
    dict = fb::CreateDictionaryEncoding(*fbb, index, index_type, false);
  }
  // Readers such as Arrow C++ require the children vector even when it is empty.
  auto children = fbb->CreateVector(std::vector<flatbuffers::Offset<fb::Field>>());
  return fb::CreateField(*fbb, name, field.nullable, type_type, type, dict, children);
}

flatbuffers::Offset<fb::Schema> MakeSchema(flatbuffers::FlatBufferBuilder* fbb,
                                           const Schema& schema) {
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    fields.push_back(MakeField(fbb, schema.fields[i], static_cast<int64_t>(i)));
  }
  auto fields_vec = fbb->CreateVector(fields);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>> metadata = 0;
  if (!schema.metadata.empty()) {
    std::vector<flatbuffers::Offset<fb::KeyValue>> kvs;
    for (const auto& [key, value] : schema.metadata) {
      kvs.push_back(fb::CreateKeyValue(*fbb, fbb->CreateString(key), fbb->CreateString(value)));
    }
    metadata = fbb->CreateVector(kvs);
  }
  return fb::CreateSchema(*fbb, fb::Endianness_Little, fields_vec, metadata);
}

EncodedMessage FinishMessage(flatbuffers::FlatBufferBuilder* fbb, fb::MessageHeader type,
                             flatbuffers::Offset<void> header, std::string body) {
  auto message = fb::CreateMessage(*fbb, fb::MetadataVersion_V5, type, header,
                                   static_cast<int64_t>(body.size()));
  fbb->Finish(message);
  return FrameMessage(*fbb, std::move(body));
}

Status CheckDictionary(const Dictionary& dict) {
  if (dict.length < 0 || dict.offsets.size < (static_cast<size_t>(dict.length) + 1) * 4) {
    return Status::InvalidArgument("dictionary offsets buffer is too short");
  }
  const int32_t* off = dict.offsets.As<int32_t>();
  for (int64_t i = 0; i < dict.length; ++i) {
    if (off[i] < 0 || off[i] > off[i + 1]) {
      return Status::InvalidArgument("dictionary offsets are not monotone");
    }
  }
  if (static_cast<size_t>(off[dict.length]) > dict.data.size) {
    return Status::InvalidArgument("dictionary offsets point past its data");
  }
  return Status::OK();
}

Status CheckCodes(const ArrayData& column, const Dictionary& dict) {
  const int32_t* codes = column.values.As<int32_t>();
  for (int64_t i = 0; i < column.length; ++i) {
    if (column.IsValid(i) && (codes[i] < 0 || codes[i] >= dict.length)) {
      return Status::InvalidArgument("string code outside its dictionary");
    }
  }
  return Status::OK();
}

}  // namespace

namespace internal {

// Encodes the messages of one schema; shared by the file and stream writers.
class IpcEncoder {
 public:
  static Result<std::unique_ptr<IpcEncoder>> Make(
      std::shared_ptr<const Schema> schema,
      std::vector<std::shared_ptr<const Dictionary>> dictionaries, IpcWriteOptions options);

  const Schema& schema() const { return *schema_; }
  EncodedMessage SchemaMessage() const {
    flatbuffers::FlatBufferBuilder fbb;
    auto schema = MakeSchema(&fbb, *schema_);
    return FinishMessage(&fbb, fb::MessageHeader_Schema, schema.Union(), std::string());
  }
  // The dictionary messages, in field order.
  Result<std::vector<EncodedMessage>> DictionaryMessages() const;
  Result<EncodedMessage> BatchMessage(const RecordBatch& batch) const;

 private:
  IpcEncoder() = default;
  Status CheckColumn(const Field& field, const ArrayData& column, int64_t num_rows,
                     const Dictionary* dict) const;

  std::shared_ptr<const Schema> schema_;
  std::vector<std::shared_ptr<const Dictionary>> dictionaries_;  // by field
  IpcWriteOptions options_;
};

Result<std::unique_ptr<IpcEncoder>> IpcEncoder::Make(
    std::shared_ptr<const Schema> schema,
    std::vector<std::shared_ptr<const Dictionary>> dictionaries, IpcWriteOptions options) {
  if (schema == nullptr) {
    return Status::InvalidArgument("IPC writer needs a schema");
  }
  if (dictionaries.empty()) {
    dictionaries.resize(schema->fields.size());
  }
  if (dictionaries.size() != schema->fields.size()) {
    return Status::InvalidArgument("IPC writer needs one dictionary slot per field");
  }
  for (size_t i = 0; i < dictionaries.size(); ++i) {
    bool is_string = schema->fields[i].type.id == TypeId::kString;
    if (is_string != (dictionaries[i] != nullptr)) {
      return Status::InvalidArgument("field " + schema->fields[i].name +
                                     ": string fields need a dictionary, others none");
    }
    if (is_string) {
      OMEN_RETURN_IF_ERROR(CheckDictionary(*dictionaries[i]));
    }
  }
  std::unique_ptr<IpcEncoder> encoder(new IpcEncoder());
  encoder->schema_ = std::move(schema);
  encoder->dictionaries_ = std::move(dictionaries);
  encoder->options_ = options;
  return encoder;
}

Result<std::vector<EncodedMessage>> IpcEncoder::DictionaryMessages() const {
  std::vector<EncodedMessage> out;
  for (size_t i = 0; i < dictionaries_.size(); ++i) {
    const Dictionary* dict = dictionaries_[i].get();
    if (dict == nullptr) {
      continue;
    }
    BodyBuilder body(options_);
    size_t data_bytes = static_cast<size_t>(dict->offsets.As<int32_t>()[dict->length]);
    OMEN_RETURN_IF_ERROR(body.Add(nullptr, 0));  // no nulls: empty validity
    OMEN_RETURN_IF_ERROR(body.Add(dict->offsets.data, (static_cast<size_t>(dict->length) + 1) * 4));
    OMEN_RETURN_IF_ERROR(body.Add(dict->data.data, data_bytes));
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<fb::FieldNode> nodes{fb::FieldNode(dict->length, 0)};
    auto nodes_vec = fbb.CreateVectorOfStructs(nodes);
    auto buffers_vec = fbb.CreateVectorOfStructs(body.buffers());
    auto batch = fb::CreateRecordBatch(fbb, dict->length, nodes_vec, buffers_vec,
                                       MakeCompression(&fbb, options_.compression));
    auto dict_batch = fb::CreateDictionaryBatch(fbb, static_cast<int64_t>(i), batch, false);
    out.push_back(FinishMessage(&fbb, fb::MessageHeader_DictionaryBatch, dict_batch.Union(),
                                body.TakeBody()));
  }
  return out;
}

Status IpcEncoder::CheckColumn(const Field& field, const ArrayData& column, int64_t num_rows,
                               const Dictionary* dict) const {
  std::string where = "column " + field.name + ": ";
  if (!(column.type == field.type)) {
    return Status::InvalidArgument(where + "type differs from the schema");
  }
  if (column.length != num_rows || column.null_count < 0 || column.null_count > num_rows) {
    return Status::InvalidArgument(where + "length or null count inconsistent with the batch");
  }
  if (column.null_count > 0 && column.validity.size < static_cast<size_t>(BitmapBytes(num_rows))) {
    return Status::InvalidArgument(where + "validity buffer too short");
  }
  if (column.values.size < ValuesBytes(column.type.id, num_rows)) {
    return Status::InvalidArgument(where + "values buffer too short");
  }
  if (dict != nullptr) {
    return CheckCodes(column, *dict);
  }
  return Status::OK();
}

Result<EncodedMessage> IpcEncoder::BatchMessage(const RecordBatch& batch) const {
  const Schema& schema = *schema_;
  if (batch.columns.size() != schema.fields.size() || batch.num_rows < 0) {
    return Status::InvalidArgument("record batch does not match the writer's schema");
  }
  BodyBuilder body(options_);
  size_t total = 0;
  for (const ArrayData& column : batch.columns) {
    total += (column.null_count > 0 ? BitmapBytes(column.length) : 0) +
             ValuesBytes(column.type.id, column.length);
  }
  body.Reserve(total, 2 * batch.columns.size());
  std::vector<fb::FieldNode> nodes;
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const ArrayData& column = batch.columns[i];
    OMEN_RETURN_IF_ERROR(
        CheckColumn(schema.fields[i], column, batch.num_rows, dictionaries_[i].get()));
    nodes.emplace_back(column.length, column.null_count);
    size_t validity_bytes = column.null_count > 0 ? BitmapBytes(column.length) : 0;
    OMEN_RETURN_IF_ERROR(body.Add(column.validity.data, validity_bytes));
    OMEN_RETURN_IF_ERROR(body.Add(column.values.data, ValuesBytes(column.type.id, column.length)));
  }
  flatbuffers::FlatBufferBuilder fbb;
  auto nodes_vec = fbb.CreateVectorOfStructs(nodes);
  auto buffers_vec = fbb.CreateVectorOfStructs(body.buffers());
  auto header = fb::CreateRecordBatch(fbb, batch.num_rows, nodes_vec, buffers_vec,
                                      MakeCompression(&fbb, options_.compression));
  return FinishMessage(&fbb, fb::MessageHeader_RecordBatch, header.Union(), body.TakeBody());
}

}  // namespace internal

namespace {

// The end-of-stream marker: a continuation with a zero metadata size.
std::string EndOfStream() {
  std::string eos;
  PutFixed32(&eos, fmt::kContinuation);
  PutFixed32(&eos, 0);
  return eos;
}

std::string Concat(const EncodedMessage& m) { return m.metadata + m.body; }

}  // namespace

// ---------------------------------------------------------------------------- IpcFileWriter

IpcFileWriter::IpcFileWriter(WritableFile* file, std::unique_ptr<internal::IpcEncoder> encoder)
    : file_(file), encoder_(std::move(encoder)) {}
IpcFileWriter::~IpcFileWriter() = default;

Result<std::unique_ptr<IpcFileWriter>> IpcFileWriter::Open(
    WritableFile* file, std::shared_ptr<const Schema> schema,
    std::vector<std::shared_ptr<const Dictionary>> dictionaries, IpcWriteOptions options) {
  OMEN_ASSIGN_OR_RETURN(auto encoder, internal::IpcEncoder::Make(std::move(schema),
                                                                 std::move(dictionaries), options));
  std::unique_ptr<IpcFileWriter> writer(new IpcFileWriter(file, std::move(encoder)));
  std::string head(fmt::kMagic);
  head.resize(fmt::kMagicPadded, '\0');
  OMEN_RETURN_IF_ERROR(writer->Append(head));
  OMEN_RETURN_IF_ERROR(writer->Append(Concat(writer->encoder_->SchemaMessage())));
  OMEN_ASSIGN_OR_RETURN(auto dicts, writer->encoder_->DictionaryMessages());
  for (const EncodedMessage& m : dicts) {
    writer->dictionary_blocks_.push_back(IpcBlock{static_cast<int64_t>(writer->bytes_written_),
                                                  static_cast<int32_t>(m.metadata.size()),
                                                  static_cast<int64_t>(m.body.size())});
    OMEN_RETURN_IF_ERROR(writer->Append(Concat(m)));
  }
  return writer;
}

Status IpcFileWriter::Append(const std::string& bytes) {
  if (failed_) {
    return Status::IOError("IPC file writer failed earlier");
  }
  Status s = file_->Append(bytes);
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  bytes_written_ += bytes.size();
  return Status::OK();
}

Status IpcFileWriter::WriteBatch(const RecordBatch& batch) {
  if (finished_) {
    return Status::InvalidArgument("IPC file writer is finished");
  }
  OMEN_ASSIGN_OR_RETURN(EncodedMessage m, encoder_->BatchMessage(batch));
  IpcBlock block{static_cast<int64_t>(bytes_written_), static_cast<int32_t>(m.metadata.size()),
                 static_cast<int64_t>(m.body.size())};
  OMEN_RETURN_IF_ERROR(Append(m.metadata));  // two writes: no concatenated copy of the body
  OMEN_RETURN_IF_ERROR(Append(m.body));
  batch_blocks_.push_back(block);
  return Status::OK();
}

Status IpcFileWriter::Finish() {
  if (finished_) {
    return Status::InvalidArgument("IPC file writer is finished");
  }
  finished_ = true;
  // The end-of-stream marker lets stream readers read the file's message section.
  OMEN_RETURN_IF_ERROR(Append(EndOfStream()));
  flatbuffers::FlatBufferBuilder fbb;
  auto schema = MakeSchema(&fbb, encoder_->schema());
  auto to_fb = [](const std::vector<IpcBlock>& blocks) {
    std::vector<fb::Block> out;
    for (const IpcBlock& b : blocks) {
      out.emplace_back(b.offset, b.metadata_length, b.body_length);
    }
    return out;
  };
  auto dicts = fbb.CreateVectorOfStructs(to_fb(dictionary_blocks_));
  auto batches = fbb.CreateVectorOfStructs(to_fb(batch_blocks_));
  fbb.Finish(fb::CreateFooter(fbb, fb::MetadataVersion_V5, schema, dicts, batches));
  std::string tail(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  PutFixed32(&tail, fbb.GetSize());
  tail.append(fmt::kMagic);
  return Append(tail);
}

// -------------------------------------------------------------------------- IpcStreamWriter

IpcStreamWriter::IpcStreamWriter(std::string* out, std::unique_ptr<internal::IpcEncoder> encoder)
    : out_(out), encoder_(std::move(encoder)) {}
IpcStreamWriter::~IpcStreamWriter() = default;

Result<std::unique_ptr<IpcStreamWriter>> IpcStreamWriter::Open(
    std::string* out, std::shared_ptr<const Schema> schema,
    std::vector<std::shared_ptr<const Dictionary>> dictionaries, IpcWriteOptions options) {
  OMEN_ASSIGN_OR_RETURN(auto encoder, internal::IpcEncoder::Make(std::move(schema),
                                                                 std::move(dictionaries), options));
  std::unique_ptr<IpcStreamWriter> writer(new IpcStreamWriter(out, std::move(encoder)));
  std::string head = Concat(writer->encoder_->SchemaMessage());
  OMEN_ASSIGN_OR_RETURN(auto dicts, writer->encoder_->DictionaryMessages());
  for (const EncodedMessage& m : dicts) {
    head += Concat(m);
  }
  out->append(head);
  writer->bytes_written_ += head.size();
  return writer;
}

Status IpcStreamWriter::WriteBatch(const RecordBatch& batch) {
  if (finished_) {
    return Status::InvalidArgument("IPC stream writer is finished");
  }
  OMEN_ASSIGN_OR_RETURN(EncodedMessage m, encoder_->BatchMessage(batch));
  out_->append(m.metadata).append(m.body);
  bytes_written_ += m.metadata.size() + m.body.size();
  return Status::OK();
}

Status IpcStreamWriter::Finish() {
  if (finished_) {
    return Status::InvalidArgument("IPC stream writer is finished");
  }
  finished_ = true;
  out_->append(EndOfStream());
  bytes_written_ += 8;
  return Status::OK();
}

}  // namespace omen::arrow
