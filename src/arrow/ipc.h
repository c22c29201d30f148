// Copyright 2026 The OmenDB Authors.
//
// Arrow IPC: the file format (.arrow segments) and the stream format (HTTP
// export) for the columns of column.h, readable by any Arrow implementation.
// Metadata is flatbuffers (Arrow's format/*.fbs); bodies are uncompressed or
// compressed per buffer with LZ4 frame or ZSTD. The byte layout is described in
// docs/format/arrow.md.
//
// Writers are used by one thread at a time. An IpcFileReader is immutable after
// Open and safe to share across threads; the batches and dictionaries it returns
// keep the file mapping alive through their buffers' owners.

#ifndef OMENDB_ARROW_IPC_H_
#define OMENDB_ARROW_IPC_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrow/column.h"
#include "common/env.h"
#include "omendb/status.h"

namespace omen::arrow {

enum class Compression : uint8_t { kNone, kLz4Frame, kZstd };

struct IpcWriteOptions {
  Compression compression = Compression::kNone;
  int zstd_level = 1;
};

namespace internal {
class IpcEncoder;       // builds the encapsulated messages (ipc_writer.cc)
struct IpcMessageInfo;  // a parsed record batch message (ipc_reader.cc)
}  // namespace internal

// One entry of the file footer: where an encapsulated message lies.
struct IpcBlock {
  int64_t offset = 0;           // of the 0xFFFFFFFF continuation marker
  int32_t metadata_length = 0;  // prefix + flatbuffer + padding
  int64_t body_length = 0;
};

// Writes the Arrow IPC *file* format to a WritableFile.
class IpcFileWriter {
 public:
  // `file` is borrowed and must outlive the writer. dictionaries[i] is the dictionary of field i
  // when it is kString (written once, as a DictionaryBatch with id = i) and null otherwise; the
  // vector may be empty when no field is a string. Writes the magic, the schema and the
  // dictionaries before returning.
  static Result<std::unique_ptr<IpcFileWriter>> Open(
      WritableFile* file, std::shared_ptr<const Schema> schema,
      std::vector<std::shared_ptr<const Dictionary>> dictionaries, IpcWriteOptions options);
  ~IpcFileWriter();
  IpcFileWriter(const IpcFileWriter&) = delete;
  IpcFileWriter& operator=(const IpcFileWriter&) = delete;

  // REQUIRES: not finished. The columns must match the schema's fields in number and type and
  // hold num_rows values; string columns hold int32 codes into the field's dictionary.
  Status WriteBatch(const RecordBatch& batch);
  // Writes the end-of-stream marker, the footer and the trailing magic. No writes after.
  Status Finish();
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  IpcFileWriter(WritableFile* file, std::unique_ptr<internal::IpcEncoder> encoder);
  Status Append(const std::string& bytes);

  WritableFile* const file_;
  std::unique_ptr<internal::IpcEncoder> encoder_;
  std::vector<IpcBlock> dictionary_blocks_;
  std::vector<IpcBlock> batch_blocks_;
  uint64_t bytes_written_ = 0;
  bool finished_ = false;
  bool failed_ = false;  // a write failed: the file is unusable
};

// The same messages as an Arrow IPC *stream* (schema, dictionaries, batches, end-of-stream
// marker), appended to a string.
class IpcStreamWriter {
 public:
  // `out` is borrowed and must outlive the writer. See IpcFileWriter::Open for dictionaries.
  static Result<std::unique_ptr<IpcStreamWriter>> Open(
      std::string* out, std::shared_ptr<const Schema> schema,
      std::vector<std::shared_ptr<const Dictionary>> dictionaries, IpcWriteOptions options);
  ~IpcStreamWriter();
  IpcStreamWriter(const IpcStreamWriter&) = delete;
  IpcStreamWriter& operator=(const IpcStreamWriter&) = delete;

  // As IpcFileWriter::WriteBatch.
  Status WriteBatch(const RecordBatch& batch);
  // Appends the end-of-stream marker. No writes after.
  Status Finish();
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  IpcStreamWriter(std::string* out, std::unique_ptr<internal::IpcEncoder> encoder);

  std::string* const out_;
  std::unique_ptr<internal::IpcEncoder> encoder_;
  uint64_t bytes_written_ = 0;
  bool finished_ = false;
};

// Reads an Arrow IPC file. Every offset and length taken from the file is bounds-checked
// and every flatbuffer verified; malformed input yields Status::Corruption (types or
// features we do not model yield Status::NotSupported), never a crash or an out-of-bounds
// read.
class IpcFileReader {
 public:
  // Parses the footer, the schema, every dictionary and every record batch's metadata.
  static Result<std::unique_ptr<IpcFileReader>> Open(std::shared_ptr<const FileMapping> file);
  ~IpcFileReader();
  IpcFileReader(const IpcFileReader&) = delete;
  IpcFileReader& operator=(const IpcFileReader&) = delete;

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  int num_batches() const;
  // From the metadata (parsed by Open); no buffer is decoded. -1 when i is out of range.
  int64_t batch_num_rows(int i) const;
  // Decodes and validates batch i (InvalidArgument when i is out of range). Uncompressed buffers
  // point into the mapping (owner = the mapping) unless misaligned for their type, in which case
  // they are copied; compressed ones are decompressed into owned buffers.
  Result<RecordBatch> ReadBatch(int i) const;
  // Only the given fields of batch i, in that order (the batch's schema lists just them);
  // other columns' buffers are neither decompressed nor validated.
  Result<RecordBatch> ReadBatch(int i, const std::vector<int>& fields) const;
  // The dictionary of string field `field`; null for other fields (and out-of-range indices).
  const std::shared_ptr<const Dictionary>& dictionary(int field) const;

 private:
  IpcFileReader();

  std::shared_ptr<const FileMapping> file_;
  std::shared_ptr<const Schema> schema_;
  std::vector<std::shared_ptr<const Dictionary>> dictionaries_;  // by field
  std::vector<internal::IpcMessageInfo> batches_;
  // Per (batch, field): 1 once its null count and dictionary codes were validated. The file's
  // bytes never change, so a column is checked on its first read only.
  std::unique_ptr<std::atomic<uint8_t>[]> validated_;
};

// Opens the IPC file held in `bytes` (tests, fuzzing, data received over the network).
Result<std::unique_ptr<IpcFileReader>> OpenIpcFileBytes(std::string bytes);

}  // namespace omen::arrow

#endif  // OMENDB_ARROW_IPC_H_
