// Copyright 2026 The OmenDB Authors.
//
// LZ4 frame and ZSTD codecs for Arrow IPC body buffers. Thread-safe: every call
// uses its own compression context.

#include "arrow/ipc_compression.h"

#include <lz4frame.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace omen::arrow {
namespace {

Status CompressLz4(std::string_view src, std::string* dst) {
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof(prefs));
  prefs.frameInfo.contentSize = src.size();  // lets decoders size their output exactly
  size_t bound = LZ4F_compressFrameBound(src.size(), &prefs);
  size_t start = dst->size();
  dst->resize(start + bound);
  size_t n = LZ4F_compressFrame(dst->data() + start, bound, src.data(), src.size(), &prefs);
  if (LZ4F_isError(n)) {
    dst->resize(start);
    return Status::Internal(std::string("LZ4F_compressFrame: ") + LZ4F_getErrorName(n));
  }
  dst->resize(start + n);
  return Status::OK();
}

Status CompressZstd(int level, std::string_view src, std::string* dst) {
  size_t bound = ZSTD_compressBound(src.size());
  size_t start = dst->size();
  dst->resize(start + bound);
  size_t n = ZSTD_compress(dst->data() + start, bound, src.data(), src.size(), level);
  if (ZSTD_isError(n)) {
    dst->resize(start);
    return Status::Internal(std::string("ZSTD_compress: ") + ZSTD_getErrorName(n));
  }
  dst->resize(start + n);
  return Status::OK();
}

// One streaming step: consumes from *in, produces into [dst, dst + *dst_size). Sets
// *dst_size to the bytes produced and *frame_done when a frame ended; error text on failure.
struct StreamDecoder {
  virtual ~StreamDecoder() = default;
  virtual const char* Step(const char** in, size_t* in_size, uint8_t* dst, size_t* dst_size,
                           bool* frame_done) = 0;
};

class Lz4Decoder : public StreamDecoder {
 public:
  Lz4Decoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION))) {
      ctx_ = nullptr;
    }
  }
  ~Lz4Decoder() override { LZ4F_freeDecompressionContext(ctx_); }
  bool ok() const { return ctx_ != nullptr; }
  const char* Step(const char** in, size_t* in_size, uint8_t* dst, size_t* dst_size,
                   bool* frame_done) override {
    size_t consumed = *in_size;
    size_t r = LZ4F_decompress(ctx_, dst, dst_size, *in, &consumed, nullptr);
    if (LZ4F_isError(r)) {
      LZ4F_resetDecompressionContext(ctx_);
      return LZ4F_getErrorName(r);
    }
    *in += consumed;
    *in_size -= consumed;
    *frame_done = r == 0;
    return nullptr;
  }

 private:
  LZ4F_dctx* ctx_ = nullptr;
};

class ZstdDecoder : public StreamDecoder {
 public:
  ZstdDecoder() : ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecoder() override { ZSTD_freeDCtx(ctx_); }
  bool ok() const { return ctx_ != nullptr; }
  const char* Step(const char** in, size_t* in_size, uint8_t* dst, size_t* dst_size,
                   bool* frame_done) override {
    ZSTD_inBuffer input{*in, *in_size, 0};
    ZSTD_outBuffer output{dst, *dst_size, 0};
    size_t r = ZSTD_decompressStream(ctx_, &output, &input);
    if (ZSTD_isError(r)) {
      return ZSTD_getErrorName(r);
    }
    *in += input.pos;
    *in_size -= input.pos;
    *dst_size = output.pos;
    *frame_done = r == 0;
    return nullptr;
  }

 private:
  ZSTD_DCtx* ctx_;
};

// Runs the decoder over all of src (one or more whole frames). The output may hold at most
// expected + 1 bytes, so producing more than expected is detected without unbounded growth.
Status RunDecoder(StreamDecoder* decoder, std::string_view src, size_t expected,
                  std::vector<uint8_t>* out) {
  const size_t limit = expected + 1;
  size_t produced = 0;
  out->assign(std::min(limit, std::max<size_t>(64 << 10, src.size() * 4)), 0);
  const char* in = src.data();
  size_t in_size = src.size();
  bool frame_done = false;
  int stalls = 0;
  while (in_size > 0 || !frame_done) {
    if (produced == out->size()) {
      if (out->size() >= limit) {
        return Status::Corruption("compressed buffer expands beyond its declared length");
      }
      out->resize(std::min(limit, out->size() * 2));
    }
    size_t dst_size = out->size() - produced;
    size_t in_before = in_size;
    const char* err = decoder->Step(&in, &in_size, out->data() + produced, &dst_size, &frame_done);
    if (err != nullptr) {
      return Status::Corruption(std::string("cannot decompress buffer: ") + err);
    }
    produced += dst_size;
    if (dst_size > 0 || in_size != in_before || frame_done) {
      stalls = 0;
    } else if (in_size == 0) {
      return Status::Corruption("compressed buffer ends inside a frame");
    } else if (++stalls > 2) {
      return Status::Corruption("compressed buffer makes no progress");
    }
  }
  if (produced != expected) {
    return Status::Corruption("compressed buffer's length differs from its declared length");
  }
  out->resize(produced);
  return Status::OK();
}

}  // namespace

Status CompressBuffer(Compression codec, int zstd_level, std::string_view src, std::string* dst) {
  switch (codec) {
    case Compression::kLz4Frame:
      return CompressLz4(src, dst);
    case Compression::kZstd:
      return CompressZstd(zstd_level, src, dst);
    case Compression::kNone:
      break;
  }
  return Status::Internal("CompressBuffer called without a codec");
}

Status DecompressBuffer(Compression codec, std::string_view src, int64_t uncompressed_size,
                        std::vector<uint8_t>* out) {
  if (uncompressed_size < 0) {
    return Status::Corruption("negative uncompressed buffer length");
  }
  if (codec == Compression::kLz4Frame) {
    Lz4Decoder decoder;
    if (!decoder.ok()) {
      return Status::ResourceExhausted("cannot create an LZ4 decompression context");
    }
    return RunDecoder(&decoder, src, static_cast<size_t>(uncompressed_size), out);
  }
  if (codec == Compression::kZstd) {
    ZstdDecoder decoder;
    if (!decoder.ok()) {
      return Status::ResourceExhausted("cannot create a ZSTD decompression context");
    }
    return RunDecoder(&decoder, src, static_cast<size_t>(uncompressed_size), out);
  }
  return Status::Internal("DecompressBuffer called without a codec");
}

}  // namespace omen::arrow
