// Copyright 2026 The OmenDB Authors.
//
// The line protocol parser (see ilp_parser.h for the rules). One pass over the bytes: a
// point is parsed from its first byte to its line end, so the parser itself finds where a
// line ends (a quoted string may hold '\n'). Token ends come from a bit mask of the stop bytes
// of 64 input bytes at a time (AVX2 or SSE2); a backslash or a non-ASCII byte sends a token to
// a slower loop that unescapes (into the batch's arena) and checks UTF-8. End of input counts as a
// line end; a line that ends there, or whose error has no '\n' after it, is incomplete unless
// `final`.

#include "ingest/ilp_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace omen::ingest {

Result<Precision> ParsePrecision(std::string_view s) {
  if (s.empty() || s == "ns" || s == "n") {
    return Precision::kNanoseconds;
  }
  // "µs" with U+00B5 MICRO SIGN or U+03BC GREEK SMALL LETTER MU.
  if (s == "us" || s == "u" || s == "\xC2\xB5s" || s == "\xCE\xBCs") {
    return Precision::kMicroseconds;
  }
  if (s == "ms") {
    return Precision::kMilliseconds;
  }
  if (s == "s") {
    return Precision::kSeconds;
  }
  if (s == "m") {
    return Precision::kMinutes;
  }
  if (s == "h") {
    return Precision::kHours;
  }
  return Status::InvalidArgument("invalid precision '" + std::string(s.substr(0, 64)) +
                                 "' (expected ns, us, ms, s, m or h)");
}

void ParsedBatch::Clear() {
  lines.clear();
  tags.clear();
  fields.clear();
  errors.clear();
  // Keep the standard blocks; an outsized one (one huge token) goes.
  size_t kept = 0;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    if (block_sizes_[b] == kBlockBytes) {
      blocks_[kept] = std::move(blocks_[b]);
      block_sizes_[kept] = kBlockBytes;
      ++kept;
    }
  }
  blocks_.resize(kept);
  block_sizes_.resize(kept);
  block_ = 0;
  used_ = 0;
}

char* ParsedBatch::Allocate(size_t n) {
  while (block_ < blocks_.size()) {
    if (block_sizes_[block_] - used_ >= n) {
      char* out = blocks_[block_].get() + used_;
      used_ += n;
      return out;
    }
    ++block_;
    used_ = 0;
  }
  const size_t size = std::max(kBlockBytes, n);
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
  block_sizes_.push_back(size);
  block_ = blocks_.size() - 1;
  used_ = n;
  return blocks_.back().get();
}

namespace {

// What a token is, for its stop bytes, its escapes and error messages.
enum class Element { kMeasurement, kTagKey, kTagValue, kFieldKey };

const char* ElementName(Element e) {
  switch (e) {
    case Element::kMeasurement:
      return "measurement";
    case Element::kTagKey:
      return "tag key";
    case Element::kTagValue:
      return "tag value";
    case Element::kFieldKey:
      return "field key";
  }
  return "token";
}

// Keys stop at '='; a measurement or a tag value keeps an unescaped '=' as a literal.
constexpr bool StopsAtEquals(Element e) { return e == Element::kTagKey || e == Element::kFieldKey; }

using ByteTable = std::array<bool, 256>;

// Bytes that end a token: control bytes, space, ',', '\\', DEL, non-ASCII, and '=' for keys.
constexpr ByteTable MakeStopTable(bool equals) {
  ByteTable t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = c <= 0x20 || c >= 0x7f || c == ',' || c == '\\' || (equals && c == '=');
  }
  return t;
}
constexpr ByteTable kNameStops = MakeStopTable(false);
constexpr ByteTable kKeyStops = MakeStopTable(true);

// Bytes that end a field value or a timestamp token.
constexpr ByteTable MakeValueEndTable() {
  ByteTable t{};
  t[','] = t[' '] = t['\n'] = t['\r'] = true;
  return t;
}
constexpr ByteTable kValueEnds = MakeValueEndTable();

inline bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }
inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// True for the bytes a backslash escapes in element e.
inline bool IsEscapable(Element e, char c) {
  return c == ',' || c == ' ' || c == '\\' || (c == '=' && e != Element::kMeasurement);
}

// Bit i set when p[i] is a stop byte of kKeyStops (the union of all tokens' stops), for the 64
// bytes at p.
inline uint64_t StopMask64(const char* p) {
#if defined(__AVX2__)
  const __m256i limit = _mm256_set1_epi8(0x21);  // signed: < 0x21 is control, space, non-ASCII
  const __m256i comma = _mm256_set1_epi8(',');
  const __m256i equals = _mm256_set1_epi8('=');
  const __m256i backslash = _mm256_set1_epi8('\\');
  const __m256i del = _mm256_set1_epi8(0x7f);
  uint64_t mask = 0;
  for (int half = 0; half < 2; ++half) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * half));
    __m256i m = _mm256_or_si256(_mm256_cmpgt_epi8(limit, v), _mm256_cmpeq_epi8(v, comma));
    m = _mm256_or_si256(m, _mm256_cmpeq_epi8(v, equals));
    m = _mm256_or_si256(
        m, _mm256_or_si256(_mm256_cmpeq_epi8(v, backslash), _mm256_cmpeq_epi8(v, del)));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(m))) << (32 * half);
  }
  return mask;
#elif defined(__SSE2__)
  const __m128i limit = _mm_set1_epi8(0x21);
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i equals = _mm_set1_epi8('=');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7f);
  uint64_t mask = 0;
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * q));
    __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, limit), _mm_cmpeq_epi8(v, comma));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, equals));
    m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, del)));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << (16 * q);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    mask |= static_cast<uint64_t>(kKeyStops[static_cast<unsigned char>(p[i])]) << i;
  }
  return mask;
#endif
}

// The stop bytes of 64 input bytes from base, found once and then read bit by bit: the next
// token's end is a shift and a count away from the last one's, instead of a fresh scan.
struct StopWindow {
  const char* base;
  uint64_t mask;
};

// Loads the window at p (< end) and returns its first stop, or end. The bytes past a short
// tail read as NUL, a stop, so that the window stops at end.
[[gnu::noinline]] const char* RefillWindow(StopWindow* w, const char* p, const char* end) {
  for (; p < end; p += 64) {
    w->base = p;
    if (end - p >= 64) {
      w->mask = StopMask64(p);
    } else {
      char tail[64] = {};
      std::memcpy(tail, p, static_cast<size_t>(end - p));
      w->mask = StopMask64(tail);
    }
    if (w->mask != 0) {
      return p + __builtin_ctzll(w->mask);
    }
  }
  return end;
}

// The first stop byte (kKeyStops) at or after p, or end. REQUIRES: w->base <= p <= end.
inline const char* NextStop(StopWindow* w, const char* p, const char* end) {
  const size_t off = static_cast<size_t>(p - w->base);
  if (off < 64) {
    const uint64_t m = w->mask >> off;
    if (m != 0) {
      return p + __builtin_ctzll(m);
    }
  }
  if (end - p >= 64) {  // the usual refill, inline
    w->base = p;
    w->mask = StopMask64(p);
    if (w->mask != 0) {
      return p + __builtin_ctzll(w->mask);
    }
  }
  return RefillWindow(w, p, end);
}

// The length of the valid UTF-8 sequence starting at p (p < end, *p >= 0x80), or 0.
size_t Utf8SequenceLength(const char* p, const char* end) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const size_t avail = static_cast<size_t>(end - p);
  auto cont = [&](size_t i) { return i < avail && (u[i] & 0xC0) == 0x80; };
  const unsigned char c = u[0];
  if (c >= 0xC2 && c <= 0xDF) {
    return cont(1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) {
      return 0;
    }
    if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] > 0x9F)) {
      return 0;  // overlong, or a UTF-16 surrogate
    }
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) {
      return 0;
    }
    if ((c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] > 0x8F)) {
      return 0;  // overlong, or above U+10FFFF
    }
    return 4;
  }
  return 0;
}

bool ValidUtf8(const char* p, const char* end) {
  while (p < end) {
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    const size_t n = Utf8SequenceLength(p, end);
    if (n == 0) {
      return false;
    }
    p += n;
  }
  return true;
}

bool HasNonAscii(const char* p, const char* end) {
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    if ((w & UINT64_C(0x8080808080808080)) != 0) {
      return true;
    }
  }
  for (; p < end; ++p) {
    if (static_cast<unsigned char>(*p) >= 0x80) {
      return true;
    }
  }
  return false;
}

// Appends text to *out for an error message: printable ASCII and valid UTF-8 as is, other
// bytes as \n, \r, \t or \xHH.
void AppendEscapedForMessage(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x7f) {
      out->push_back(static_cast<char>(c));
      ++p;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(p, end);
      if (n > 0) {
        out->append(p, n);
        p += n;
        continue;
      }
    }
    if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else {
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
    ++p;
  }
}

// A byte in an error message: 'c' for printable ASCII, else \xHH (or \n, \r, \t).
std::string DescribeByte(char c) {
  std::string out = "'";
  AppendEscapedForMessage(std::string_view(&c, 1), &out);
  out.push_back('\'');
  return out;
}

// Converts a timestamp in `precision` units to microseconds (floor); false on overflow.
bool ToMicros(int64_t v, Precision precision, int64_t* us) {
  int64_t scale = 1;
  switch (precision) {
    case Precision::kNanoseconds: {
      int64_t q = v / 1000;
      if (v % 1000 < 0) {
        --q;
      }
      *us = q;
      return true;
    }
    case Precision::kMicroseconds:
      *us = v;
      return true;
    case Precision::kMilliseconds:
      scale = 1000;
      break;
    case Precision::kSeconds:
      scale = 1000 * 1000;
      break;
    case Precision::kMinutes:
      scale = INT64_C(60) * 1000 * 1000;
      break;
    case Precision::kHours:
      scale = INT64_C(3600) * 1000 * 1000;
      break;
  }
  return !__builtin_mul_overflow(v, scale, us);
}

// True when the 8 bytes of w (little-endian) are all ASCII digits.
inline bool AllDigits(uint64_t w) {
  constexpr uint64_t kHigh = UINT64_C(0xF0F0F0F0F0F0F0F0);
  constexpr uint64_t kZeros = UINT64_C(0x3030303030303030);
  return (w & kHigh) == kZeros && ((w + UINT64_C(0x0606060606060606)) & kHigh) == kZeros;
}

// The value of 8 ASCII digits, the first in the lowest byte.
inline uint64_t EightDigits(uint64_t w) {
  w = (w & UINT64_C(0x0F0F0F0F0F0F0F0F)) * 2561 >> 8;
  w = (w & UINT64_C(0x00FF00FF00FF00FF)) * 6553601 >> 16;
  return (w & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001) >> 32;
}

// The decimal digits [p, e) as a uint64; false when a byte is not a digit or on overflow.
bool ParseDigits(const char* p, const char* e, uint64_t* out) {
  uint64_t v = 0;
  if (e - p <= 19) {  // cannot overflow
    for (; e - p >= 8; p += 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (!AllDigits(w)) {
        return false;
      }
      v = v * 100000000 + EightDigits(w);
    }
    for (; p < e; ++p) {
      if (!IsDigit(*p)) {
        return false;
      }
      v = v * 10 + static_cast<uint64_t>(*p - '0');
    }
    *out = v;
    return true;
  }
  for (; p < e; ++p) {
    if (!IsDigit(*p) || __builtin_mul_overflow(v, uint64_t{10}, &v) ||
        __builtin_add_overflow(v, static_cast<uint64_t>(*p - '0'), &v)) {
      return false;
    }
  }
  *out = v;
  return true;
}

// True when [p, end) is a float in the line protocol's grammar:
//   [-] ( digits [ "." [digits] ] | "." digits ) [ (e|E) [+|-] digits ]
bool IsFloatSyntax(const char* p, const char* end) {
  if (p < end && *p == '-') {
    ++p;
  }
  const char* d = p;
  while (p < end && IsDigit(*p)) {
    ++p;
  }
  size_t mantissa_digits = static_cast<size_t>(p - d);
  if (p < end && *p == '.') {
    ++p;
    const char* f = p;
    while (p < end && IsDigit(*p)) {
      ++p;
    }
    mantissa_digits += static_cast<size_t>(p - f);
  }
  if (mantissa_digits == 0) {
    return false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) {
      ++p;
    }
    const char* e = p;
    while (p < end && IsDigit(*p)) {
      ++p;
    }
    if (p == e) {
      return false;
    }
  }
  return p == end;
}

// Parses a float token already checked by IsFloatSyntax. False when it overflows a double
// (an underflow rounds to zero or a subnormal, as strtod and Go's ParseFloat do).
bool ParseFloat(const char* p, const char* end, double* out) {
  const std::from_chars_result r = std::from_chars(p, end, *out);
  if (r.ec == std::errc() && r.ptr == end) {
    return true;
  }
  if (r.ec != std::errc::result_out_of_range) {
    return false;
  }
  // Over- or underflow: strtod tells them apart (HUGE_VAL on overflow). Rare; copy to
  // terminate the text.
  const std::string text(p, end);
  const double v = std::strtod(text.c_str(), nullptr);
  if (v == HUGE_VAL || v == -HUGE_VAL) {
    return false;
  }
  *out = v;
  return true;
}

// A hash of a key from its size and at most 16 of its bytes (the first and the last 8). Equal
// keys hash equal, so keys with different hashes are different keys.
inline uint64_t KeyHash(std::string_view key) {
  const char* d = key.data();
  const size_t n = key.size();
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    std::memcpy(&a, d, 8);
    std::memcpy(&b, d + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x;
    uint32_t y;
    std::memcpy(&x, d, 4);
    std::memcpy(&y, d + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = static_cast<unsigned char>(d[0]) | static_cast<unsigned char>(d[n / 2]) << 8 |
        static_cast<unsigned char>(d[n - 1]) << 16;
  }
  // Two independent multiplies (no chain between them); collisions only cost a slow check.
  const uint64_t h = (a + n) * UINT64_C(0x9E3779B97F4A7C15) ^ b * UINT64_C(0xC2B2AE3D27D4EB4F);
  return h ^ (h >> 31);
}

// True when the keys of items[0, n) are proven pairwise different by their hashes; false
// when some hashes collide (then the caller compares the keys themselves).
template <typename T>
bool KeysProvenDistinct(const T* items, size_t n) {
  constexpr size_t kMaxKeys = 64;
  if (n < 2) {
    return true;
  }
  if (n > kMaxKeys) {
    return false;
  }
  uint64_t h[kMaxKeys];
  for (size_t i = 0; i < n; ++i) {
    h[i] = KeyHash(items[i].key);
  }
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (h[i] == h[j]) {
        return false;
      }
    }
  }
  return true;
}

// The tag (or field) keys of the last line whose keys were checked free of duplicates. A
// stream repeats the same keys in the same order line after line: a key that matches its
// template byte for byte needs no scan, and a line whose keys all match needs no duplicate
// check.
struct KeyTemplates {
  static constexpr size_t kMaxKeys = 64;
  size_t size = 0;
  const char* data[kMaxKeys];  // a key in the input, followed by '='; nullptr: unusable
  uint32_t len[kMaxKeys];
};

// True when the input at p holds key i of t followed by '='. REQUIRES: i < t.size, and the
// template keys lie before p in the same input.
inline bool MatchesTemplate(const KeyTemplates& t, size_t i, const char* p, const char* end) {
  const char* key = t.data[i];
  const size_t len = t.len[i];
  if (key == nullptr) {
    return false;
  }
  // Vector compares of the key and its '=' (len + 1 bytes). key + 32 <= p + 32 <= end: the
  // loads stay in the input.
#if defined(__AVX2__)
  if (len < 32 && end - p >= 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(key));
    const auto eq = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, b)));
    const uint32_t need = static_cast<uint32_t>((UINT64_C(2) << len) - 1);
    return (eq & need) == need;
  }
#elif defined(__SSE2__)
  if (len < 16 && end - p >= 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
    const auto eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, b)));
    const unsigned need = (2u << len) - 1;
    return (eq & need) == need;
  }
#endif
  return static_cast<size_t>(end - p) > len && std::memcmp(p, key, len + 1) == 0;
}

// Makes the keys of items[0, n) the templates (those not in [begin, end), unescaped copies,
// cannot serve).
template <typename T>
void SetTemplates(const T* items, size_t n, const char* begin, const char* end, KeyTemplates* t) {
  if (n > KeyTemplates::kMaxKeys) {
    t->size = 0;
    return;
  }
  const auto lo = reinterpret_cast<uintptr_t>(begin);
  const auto hi = reinterpret_cast<uintptr_t>(end);
  for (size_t i = 0; i < n; ++i) {
    const auto k = reinterpret_cast<uintptr_t>(items[i].key.data());
    const bool in_input = k >= lo && k + items[i].key.size() < hi;
    t->data[i] = in_input ? items[i].key.data() : nullptr;
    t->len[i] = static_cast<uint32_t>(items[i].key.size());
  }
  t->size = n;
}

}  // namespace

namespace internal {

// One ParseLines call. Positions are passed and returned as pointers rather than kept in
// members, and the stop window is a local of ParsePoint, so that stores into the output
// vectors cannot alias them.
class LineParser {
 public:
  LineParser(std::string_view input, Precision precision, bool final, ParsedBatch* out)
      : begin_(input.data()),
        end_(input.data() + input.size()),
        precision_(precision),
        final_(final),
        out_(out) {}

  size_t Run(int64_t line_no);

 private:
  enum class Outcome { kOk, kError, kIncomplete };

  // Parses the point starting at p (its first non-blank byte; line_start is the line's first
  // byte). On kOk and kError, *next is past the line's '\n' (or end) and *newlines the '\n'
  // bytes consumed. kIncomplete: the line is not complete in the input (and not final).
  Outcome ParsePoint(const char* line_start, const char* p, int64_t line_no, const char** next,
                     int64_t* newlines);

  // Each returns the position after what it parsed, or nullptr after Fail().
  template <Element E>
  const char* ScanToken(StopWindow* w, const char* p, std::string_view* token);
  template <Element E>
  const char* ScanTokenSlow(const char* start, const char* p, std::string_view* token);
  // The scalar (not string) field value [p, e).
  const char* ParseScalar(const char* p, const char* e, Field* field);
  const char* ParseScalarSlow(const char* p, const char* e, Field* field);
  const char* ParseString(const char* p, Field* field);
  // The timestamp [p, e).
  const char* ParseTimestamp(const char* p, const char* e, int64_t* time_us);

  // Records an error at pos (parsing resumes after the next '\n' at or after pos).
  const char* Fail(const char* pos, std::string reason) {
    error_pos_ = pos;
    error_reason_ = std::move(reason);
    return nullptr;
  }
  // The error for a token of element e that stopped at p where something else was expected.
  const char* FailUnexpected(const char* p, Element e, const char* reason);
  // Finishes a line that failed or is incomplete: drops its tags and fields, and unless
  // incomplete resyncs and records the LineError.
  Outcome FinishError(const char* line_start, int64_t line_no, size_t tag_mark, size_t field_mark,
                      const char** next, int64_t* newlines);

  bool AtLineEnd(const char* p) const { return p == end_ || *p == '\n' || *p == '\r'; }
  // The end of the value token at p: the first ',', ' ', '\n', '\r' at or after p (or end).
  const char* ValueEnd(StopWindow* w, const char* p) const {
    const char* e = NextStop(w, p, end_);
    while (e < end_ && !kValueEnds[static_cast<unsigned char>(*e)]) {
      e = NextStop(w, e + 1, end_);
    }
    return e;
  }

  bool CheckDuplicateTags(size_t tag_mark, const char* pos);
  bool ResolveDuplicateFields(size_t field_mark, const char* pos);

  const char* const begin_;
  const char* const end_;
  const Precision precision_;
  const bool final_;
  ParsedBatch* const out_;

  int64_t string_newlines_ = 0;  // '\n' bytes inside string values of the current line
  // A point has been parsed: the templates hold the keys of the last one (a line that fails
  // leaves them as they were).
  bool previous_ok_ = false;
  const char* error_pos_ = nullptr;
  std::string error_reason_;
  std::vector<uint32_t> scratch_;
  KeyTemplates tag_keys_;
  KeyTemplates field_keys_;
};

size_t LineParser::Run(int64_t line_no) {
  const char* p = begin_;
  const char* consumed = begin_;
  while (p < end_) {
    const char* q = p;
    while (q < end_ && (*q == ' ' || *q == '\t')) {
      ++q;
    }
    if (q == end_) {  // blanks without '\n'
      if (final_) {
        consumed = end_;
      }
      break;
    }
    if (*q == '\n' || (*q == '\r' && q + 1 < end_ && q[1] == '\n')) {  // a blank line
      p = q + (*q == '\n' ? 1 : 2);
      consumed = p;
      ++line_no;
      continue;
    }
    if (*q == '\r' && q + 1 == end_) {  // blanks and '\r' without '\n'
      if (final_) {
        consumed = end_;
      }
      break;
    }
    if (*q == '#') {  // a comment
      const auto* nl = static_cast<const char*>(std::memchr(q, '\n', end_ - q));
      if (nl == nullptr) {
        if (final_) {
          consumed = end_;
        }
        break;
      }
      p = nl + 1;
      consumed = p;
      ++line_no;
      continue;
    }
    const char* next = nullptr;
    int64_t newlines = 0;
    if (ParsePoint(p, q, line_no, &next, &newlines) == Outcome::kIncomplete) {
      break;
    }
    p = next;
    consumed = p;
    line_no += newlines;
  }
  return static_cast<size_t>(consumed - begin_);
}

LineParser::Outcome LineParser::ParsePoint(const char* line_start, const char* p, int64_t line_no,
                                           const char** next, int64_t* newlines) {
  const size_t tag_mark = out_->tags.size();
  const size_t field_mark = out_->fields.size();
  string_newlines_ = 0;
  auto fail = [&] {
    return FinishError(line_start, line_no, tag_mark, field_mark, next, newlines);
  };
  StopWindow w{p, 0};

  ParsedLine line;
  line.line_no = line_no;
  const char* const series_begin = p;
  // Measurement.
  p = ScanToken<Element::kMeasurement>(&w, p, &line.measurement);
  if (p == nullptr) {
    return fail();
  }
  if (line.measurement.empty()) {
    FailUnexpected(p, Element::kMeasurement, "missing measurement");
    return fail();
  }
  // Tags.
  Element last = Element::kMeasurement;
  size_t n_tags = 0;
  bool tags_as_before = true;  // each key so far equals its template
  while (p < end_ && *p == ',') {
    last = Element::kTagValue;
    ++p;
    // Parsed in place: a Tag built on the stack and copied would be read back (16 bytes)
    // right after its 8-byte halves were stored, which defeats store forwarding.
    Tag& tag = out_->tags.emplace_back();
    if (n_tags < tag_keys_.size && MatchesTemplate(tag_keys_, n_tags, p, end_)) {
      tag.key = std::string_view(p, tag_keys_.len[n_tags]);
      p += tag_keys_.len[n_tags];
    } else {
      tags_as_before = false;
      p = ScanToken<Element::kTagKey>(&w, p, &tag.key);
      if (p == nullptr) {
        return fail();
      }
      if (tag.key.empty()) {
        FailUnexpected(p, Element::kTagKey, "missing tag key");
        return fail();
      }
      if (p == end_ || *p != '=') {
        FailUnexpected(p, Element::kTagKey, "missing tag value");
        return fail();
      }
    }
    ++n_tags;
    p = ScanToken<Element::kTagValue>(&w, p + 1, &tag.value);
    if (p == nullptr) {
      return fail();
    }
    if (tag.value.empty()) {
      FailUnexpected(p, Element::kTagValue, "missing tag value");
      return fail();
    }
  }
  if (p == end_ || *p != ' ') {
    FailUnexpected(p, last, "missing fields");
    return fail();
  }
  line.series = std::string_view(series_begin, static_cast<size_t>(p - series_begin));
  // Fields.
  while (p < end_ && *p == ' ') {
    ++p;
  }
  if (AtLineEnd(p)) {
    Fail(p, "missing fields");
    return fail();
  }
  size_t n_fields = 0;
  bool fields_as_before = true;
  for (;;) {
    Field& field = out_->fields.emplace_back();  // in place, as the tags
    if (n_fields < field_keys_.size && MatchesTemplate(field_keys_, n_fields, p, end_)) {
      field.key = std::string_view(p, field_keys_.len[n_fields]);
      p += field_keys_.len[n_fields];
    } else {
      fields_as_before = false;
      p = ScanToken<Element::kFieldKey>(&w, p, &field.key);
      if (p == nullptr) {
        return fail();
      }
      if (field.key.empty()) {
        FailUnexpected(p, Element::kFieldKey, "missing field key");
        return fail();
      }
      if (p == end_ || *p != '=') {
        FailUnexpected(p, Element::kFieldKey, "invalid field format");
        return fail();
      }
    }
    ++n_fields;
    ++p;
    if (p < end_ && *p == '"') {
      p = ParseString(p, &field);
    } else {
      p = ParseScalar(p, ValueEnd(&w, p), &field);
    }
    if (p == nullptr) {
      return fail();
    }
    if (p == end_ || *p != ',') {
      break;
    }
    ++p;
  }
  // Timestamp. The field value left p at ' ', '\n', '\r' or the end.
  while (p < end_ && *p == ' ') {
    ++p;
  }
  if (!AtLineEnd(p)) {
    p = ParseTimestamp(p, ValueEnd(&w, p), &line.time_us);
    if (p == nullptr) {
      return fail();
    }
    line.has_time = true;
    while (p < end_ && *p == ' ') {
      ++p;
    }
    if (!AtLineEnd(p)) {
      Fail(p, "unexpected text after timestamp");
      return fail();
    }
  }
  // Line end: '\n', "\r\n", or the end of the input (with or without a '\r').
  const char* line_end = p;
  int64_t terminators = 0;
  if (p < end_ && *p == '\r' && p + 1 < end_ && p[1] != '\n') {
    Fail(p, "invalid character '\\r'");
    return fail();
  }
  if (p < end_ && *p == '\r') {
    ++p;
  }
  if (p < end_) {  // at '\n'
    ++p;
    terminators = 1;
  } else if (!final_) {
    Fail(p, "");  // no '\n' after it: FinishError reports the line incomplete
    return fail();
  }
  // Keys that all equal the last checked line's keys need no duplicate check.
  const bool keys_as_previous = tags_as_before && n_tags == tag_keys_.size && fields_as_before &&
                                n_fields == field_keys_.size && previous_ok_;
  if (!(tags_as_before && n_tags == tag_keys_.size) && !CheckDuplicateTags(tag_mark, line_end)) {
    return fail();
  }
  if (!(fields_as_before && n_fields == field_keys_.size) &&
      !ResolveDuplicateFields(field_mark, line_end)) {
    return fail();
  }
  ParsedLine& out_line = out_->lines.emplace_back();  // in place (a copy is a slow rep movs)
  out_line.measurement = line.measurement;
  out_line.tag_begin = static_cast<uint32_t>(tag_mark);
  out_line.tag_end = static_cast<uint32_t>(out_->tags.size());
  out_line.field_begin = static_cast<uint32_t>(field_mark);
  out_line.field_end = static_cast<uint32_t>(out_->fields.size());
  out_line.has_time = line.has_time;
  out_line.time_us = line.time_us;
  out_line.line_no = line_no;
  out_line.series = line.series;
  out_line.keys_as_previous = keys_as_previous;
  previous_ok_ = true;
  *next = p;
  *newlines = terminators + string_newlines_;
  return Outcome::kOk;
}

LineParser::Outcome LineParser::FinishError(const char* line_start, int64_t line_no,
                                            size_t tag_mark, size_t field_mark, const char** next,
                                            int64_t* newlines) {
  previous_ok_ = false;  // the templates may now hold this line's keys
  out_->tags.resize(tag_mark);
  out_->fields.resize(field_mark);
  const auto* nl = static_cast<const char*>(std::memchr(error_pos_, '\n', end_ - error_pos_));
  if (nl == nullptr && !final_) {
    return Outcome::kIncomplete;  // the rest of the line has not arrived: parse it later
  }
  const char* text_end = nl == nullptr ? end_ : nl;
  *next = nl == nullptr ? end_ : nl + 1;
  *newlines = std::count(line_start, *next, '\n');
  if (text_end > line_start && text_end[-1] == '\r') {
    --text_end;
  }
  while (line_start < text_end && (*line_start == ' ' || *line_start == '\t')) {
    ++line_start;
  }
  constexpr size_t kMaxEcho = 256;
  std::string_view text(line_start, static_cast<size_t>(text_end - line_start));
  const bool cut = text.size() > kMaxEcho;
  if (cut) {
    text = text.substr(0, kMaxEcho);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
      text.remove_suffix(1);  // do not split a UTF-8 sequence
    }
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) {
      text.remove_suffix(1);
    }
  }
  std::string message = "unable to parse '";
  AppendEscapedForMessage(text, &message);
  if (cut) {
    message.append("...");
  }
  message.append("': ");
  message.append(error_reason_);
  out_->errors.push_back(LineError{line_no, std::move(message)});
  return Outcome::kError;
}

const char* LineParser::FailUnexpected(const char* p, Element e, const char* reason) {
  if (p < end_) {
    const auto c = static_cast<unsigned char>(*p);
    const bool line_end = c == '\n' || (c == '\r' && (p + 1 == end_ || p[1] == '\n'));
    if (IsControl(c) && !line_end) {
      return Fail(p, "invalid character " + DescribeByte(*p) + " in " + ElementName(e));
    }
  }
  return Fail(p, reason);
}

template <Element E>
inline const char* LineParser::ScanToken(StopWindow* w, const char* p, std::string_view* token) {
  const char* start = p;
  p = NextStop(w, p, end_);
  if constexpr (!StopsAtEquals(E)) {
    while (p < end_ && *p == '=') {  // a literal '=' in a measurement or tag value
      p = NextStop(w, p + 1, end_);
    }
  }
  if (p < end_ && (*p == '\\' || static_cast<unsigned char>(*p) >= 0x80)) {
    return ScanTokenSlow<E>(start, p, token);
  }
  *token = std::string_view(start, static_cast<size_t>(p - start));
  return p;
}

template <Element E>
const char* LineParser::ScanTokenSlow(const char* start, const char* p, std::string_view* token) {
  const ByteTable& stops = StopsAtEquals(E) ? kKeyStops : kNameStops;
  bool escaped = false;
  while (p < end_) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '\\') {
      if (p + 1 < end_ && IsEscapable(E, p[1])) {
        escaped = true;
        p += 2;
      } else {
        ++p;  // a literal backslash
      }
    } else if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(p, end_);
      if (n == 0) {
        return Fail(p, std::string("invalid UTF-8 in ") + ElementName(E));
      }
      p += n;
    } else if (stops[c]) {
      break;
    } else {
      ++p;
    }
  }
  if (!escaped) {
    *token = std::string_view(start, static_cast<size_t>(p - start));
    return p;
  }
  char* out = out_->Allocate(static_cast<size_t>(p - start));
  size_t n = 0;
  for (const char* s = start; s < p; ++s) {
    if (*s == '\\' && s + 1 < p && IsEscapable(E, s[1])) {
      ++s;
    }
    out[n++] = *s;
  }
  *token = std::string_view(out, n);
  return p;
}

inline const char* LineParser::ParseScalar(const char* p, const char* e, Field* field) {
  // The common case, an integer of 1 to 8 digits ("58i"), without branches on its length:
  // the digits are loaded as one word, left-padded with '0's and converted at once.
  const bool negative = p < e && *p == '-';
  const char* d = p + negative;
  const size_t digits = static_cast<size_t>(e - d) - 1;  // all but the suffix
  if (e - d >= 2 && e[-1] == 'i' && digits <= 8 && end_ - d >= 8) {
    uint64_t raw;
    std::memcpy(&raw, d, 8);
    const unsigned shift = static_cast<unsigned>(64 - 8 * digits);  // 0..56
    const uint64_t w = (raw << shift) | ((UINT64_C(0x3030303030303030) >> (8 * digits - 1)) >> 1);
    if (AllDigits(w)) {
      const auto v = static_cast<int64_t>(EightDigits(w));
      field->type = FieldType::kInteger;
      field->i = negative ? -v : v;
      return e;
    }
  }
  return ParseScalarSlow(p, e, field);
}

const char* LineParser::ParseScalarSlow(const char* p, const char* e, Field* field) {
  if (p == e) {
    return Fail(p, "missing field value");
  }
  const char c = *p;
  if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
    const std::string_view v(p, static_cast<size_t>(e - p));
    if (v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE") {
      field->b = true;
    } else if (v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE") {
      field->b = false;
    } else {
      return Fail(p, "invalid boolean");
    }
    field->type = FieldType::kBoolean;
    return e;
  }
  if (!IsDigit(c) && c != '-' && c != '.') {
    return Fail(p, "invalid field value");
  }
  const bool negative = c == '-';
  const char* d = p + negative;
  if (e - d >= 2 && (e[-1] == 'i' || e[-1] == 'u') && IsDigit(*d)) {
    const bool is_unsigned = e[-1] == 'u';
    const char* type = is_unsigned ? "unsigned integer" : "integer";
    uint64_t v = 0;
    for (const char* q = d; q < e - 1; ++q) {
      if (!IsDigit(*q)) {
        return Fail(p, std::string("invalid ") + (IsFloatSyntax(p, e - 1) ? "number" : type));
      }
    }
    if (is_unsigned && negative) {
      return Fail(p, "invalid unsigned integer");
    }
    if (!ParseDigits(d, e - 1, &v)) {
      return Fail(p, std::string(type) + " value out of range");
    }
    if (is_unsigned) {
      field->type = FieldType::kUnsigned;
      field->u = v;
      return e;
    }
    const uint64_t limit = negative ? UINT64_C(1) << 63 : (UINT64_C(1) << 63) - 1;
    if (v > limit) {
      return Fail(p, "integer value out of range");
    }
    field->type = FieldType::kInteger;
    field->i = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return e;
  }
  if (!IsFloatSyntax(p, e)) {
    return Fail(p, "invalid number");
  }
  if (!ParseFloat(p, e, &field->f)) {
    return Fail(p, "float value out of range");
  }
  field->type = FieldType::kFloat;
  return e;
}

const char* LineParser::ParseString(const char* p, Field* field) {
  const char* start = ++p;  // after the opening quote
  const auto* quote = static_cast<const char*>(std::memchr(p, '"', end_ - p));
  const char* scan_end = quote == nullptr ? end_ : quote;
  const auto* backslash = static_cast<const char*>(std::memchr(p, '\\', scan_end - p));
  const char* close = quote;
  bool escaped = false;
  if (backslash != nullptr) {  // the quote found may be escaped: walk the escapes
    p = backslash;
    close = nullptr;
    while (p < end_) {
      if (*p == '\\') {
        if (p + 1 < end_ && (p[1] == '"' || p[1] == '\\')) {
          escaped = true;
          p += 2;
        } else {
          ++p;
        }
      } else if (*p == '"') {
        close = p;
        break;
      } else {
        ++p;
      }
    }
  }
  if (close == nullptr) {
    return Fail(end_, "unbalanced quotes");
  }
  p = close + 1;
  std::string_view raw(start, static_cast<size_t>(close - start));
  string_newlines_ += std::count(raw.begin(), raw.end(), '\n');
  if (std::memchr(raw.data(), '\0', raw.size()) != nullptr) {
    return Fail(p, "invalid character '\\x00' in string field value");
  }
  if (HasNonAscii(raw.data(), raw.data() + raw.size()) &&
      !ValidUtf8(raw.data(), raw.data() + raw.size())) {
    return Fail(p, "invalid UTF-8 in string field value");
  }
  if (escaped) {
    char* out = out_->Allocate(raw.size());
    size_t n = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '"' || raw[i + 1] == '\\')) {
        ++i;
      }
      out[n++] = raw[i];
    }
    raw = std::string_view(out, n);
  }
  if (raw.size() > kMaxStringFieldBytes) {
    return Fail(p, "string field value longer than 65536 bytes");
  }
  if (p < end_ && !kValueEnds[static_cast<unsigned char>(*p)]) {
    return Fail(p, "invalid character " + DescribeByte(*p) + " after string field value");
  }
  field->type = FieldType::kString;
  field->s = raw;
  return p;
}

const char* LineParser::ParseTimestamp(const char* p, const char* e, int64_t* time_us) {
  const bool negative = *p == '-';
  const char* d = p + negative;
  uint64_t v = 0;
  if (d == e || (e < end_ && *e == ',')) {
    return Fail(p, "bad timestamp");
  }
  // InfluxDB's range: [-9223372036854775806, 9223372036854775806].
  constexpr uint64_t kMaxMagnitude = (UINT64_C(1) << 63) - 2;
  if (!ParseDigits(d, e, &v) || v > kMaxMagnitude) {
    return Fail(p, std::all_of(d, e, IsDigit) ? "timestamp out of range" : "bad timestamp");
  }
  const int64_t t = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  if (!ToMicros(t, precision_, time_us)) {
    return Fail(p, "timestamp out of range");
  }
  return e;
}

bool LineParser::CheckDuplicateTags(size_t tag_mark, const char* pos) {
  const Tag* tags = out_->tags.data() + tag_mark;
  const size_t n = out_->tags.size() - tag_mark;
  if (KeysProvenDistinct(tags, n)) {
    SetTemplates(tags, n, begin_, end_, &tag_keys_);
    return true;
  }
  // Some hashes collide: compare the keys, sorted.
  scratch_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    scratch_[i] = static_cast<uint32_t>(i);
  }
  std::sort(scratch_.begin(), scratch_.end(),
            [tags](uint32_t a, uint32_t b) { return tags[a].key < tags[b].key; });
  for (size_t i = 1; i < n; ++i) {
    if (tags[scratch_[i]].key == tags[scratch_[i - 1]].key) {
      std::string reason = "duplicate tag key '";
      AppendEscapedForMessage(tags[scratch_[i]].key.substr(0, 64), &reason);
      Fail(pos, reason + "'");
      return false;
    }
  }
  SetTemplates(tags, n, begin_, end_, &tag_keys_);
  return true;
}

bool LineParser::ResolveDuplicateFields(size_t field_mark, const char* pos) {
  Field* fields = out_->fields.data() + field_mark;
  const size_t n = out_->fields.size() - field_mark;
  if (KeysProvenDistinct(fields, n)) {
    SetTemplates(fields, n, begin_, end_, &field_keys_);
    return true;
  }
  // Sort the positions by key (stable: equal keys stay in line order), then keep the last of
  // each run of equal keys if the run's types agree.
  scratch_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    scratch_[i] = static_cast<uint32_t>(i);
  }
  std::stable_sort(scratch_.begin(), scratch_.end(),
                   [fields](uint32_t a, uint32_t b) { return fields[a].key < fields[b].key; });
  std::vector<bool> drop(n, false);
  for (size_t i = 1; i < n; ++i) {
    const Field& earlier = fields[scratch_[i - 1]];
    const Field& later = fields[scratch_[i]];
    if (earlier.key != later.key) {
      continue;
    }
    if (earlier.type != later.type) {
      std::string reason = "conflicting types for duplicate field key '";
      AppendEscapedForMessage(later.key.substr(0, 64), &reason);
      Fail(pos, reason + "'");
      return false;
    }
    drop[scratch_[i - 1]] = true;
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!drop[i]) {
      fields[kept++] = fields[i];
    }
  }
  out_->fields.resize(field_mark + kept);
  if (kept == n) {
    SetTemplates(fields, n, begin_, end_, &field_keys_);
  } else {
    field_keys_.size = 0;  // the keys as written repeat: they cannot serve as templates
  }
  return true;
}

}  // namespace internal

size_t ParseLines(std::string_view input, Precision precision, bool final, int64_t first_line_no,
                  ParsedBatch* out) {
  internal::LineParser parser(input, precision, final, out);
  return parser.Run(first_line_no);
}

}  // namespace omen::ingest
