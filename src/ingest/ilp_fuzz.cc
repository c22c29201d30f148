// Copyright 2026 The OmenDB Authors.
//
// libFuzzer target for the line protocol parser. The first byte picks the precision and a
// cut point; the rest is parsed in one call and again in two (the head with final=false,
// then what it left with final=true), which must give the same points and errors. Fails on
// a crash, a sanitizer report, a view outside the input or the batch, or a difference.
// Built when OMENDB_FUZZ=ON with clang (src/ingest/CMakeLists.txt).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/ilp_parser.h"

namespace {

using omen::ingest::Field;
using omen::ingest::FieldType;
using omen::ingest::ParsedBatch;
using omen::ingest::ParsedLine;

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// Every point and error as text (touching every byte of every view).
std::string Describe(const ParsedBatch& b) {
  std::string out;
  for (const ParsedLine& l : b.lines) {
    Check(l.tag_begin <= l.tag_end && l.tag_end <= b.tags.size());
    Check(l.field_begin < l.field_end && l.field_end <= b.fields.size());
    Check(!l.measurement.empty());
    Check(l.series.size() >= l.measurement.size());
    out += std::to_string(l.line_no) + ":" + std::string(l.measurement);
    for (uint32_t i = l.tag_begin; i < l.tag_end; ++i) {
      Check(!b.tags[i].key.empty() && !b.tags[i].value.empty());
      out += "," + std::string(b.tags[i].key) + "=" + std::string(b.tags[i].value);
    }
    for (uint32_t i = l.field_begin; i < l.field_end; ++i) {
      const Field& f = b.fields[i];
      out += " " + std::string(f.key) + "=";
      switch (f.type) {
        case FieldType::kFloat:
          out += "f" + std::to_string(f.f);
          break;
        case FieldType::kInteger:
          out += "i" + std::to_string(f.i);
          break;
        case FieldType::kUnsigned:
          out += "u" + std::to_string(f.u);
          break;
        case FieldType::kBoolean:
          out += f.b ? "t" : "f";
          break;
        case FieldType::kString:
          out += "s" + std::string(f.s);
          break;
      }
    }
    out += l.has_time ? " @" + std::to_string(l.time_us) + "\n" : "\n";
  }
  for (const auto& e : b.errors) {
    out += "E" + std::to_string(e.line_no) + " " + e.message + "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto precision = static_cast<omen::ingest::Precision>(data[0] % 6);
  // The input is copied so that ASan sees reads past its exact end.
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string_view in(input);

  ParsedBatch whole;
  Check(omen::ingest::ParseLines(in, precision, true, 1, &whole) == in.size());
  const std::string want = Describe(whole);
  // keys_as_previous promises the previous point's tag and field keys, in order.
  for (size_t i = 0; i < whole.lines.size(); ++i) {
    const ParsedLine& l = whole.lines[i];
    if (!l.keys_as_previous) {
      continue;
    }
    Check(i > 0);
    const ParsedLine& prev = whole.lines[i - 1];
    Check(l.tag_end - l.tag_begin == prev.tag_end - prev.tag_begin);
    Check(l.field_end - l.field_begin == prev.field_end - prev.field_begin);
    for (uint32_t k = 0; k < l.tag_end - l.tag_begin; ++k) {
      Check(whole.tags[l.tag_begin + k].key == whole.tags[prev.tag_begin + k].key);
    }
    for (uint32_t k = 0; k < l.field_end - l.field_begin; ++k) {
      Check(whole.fields[l.field_begin + k].key == whole.fields[prev.field_begin + k].key);
    }
  }

  const size_t cut = in.empty() ? 0 : (data[0] / 6u) * 7919u % (in.size() + 1);
  ParsedBatch split;
  const size_t n = omen::ingest::ParseLines(in.substr(0, cut), precision, false, 1, &split);
  Check(n <= cut && (n == 0 || in[n - 1] == '\n'));
  int64_t line_no = 1;
  for (size_t i = 0; i < n; ++i) {
    line_no += in[i] == '\n';
  }
  Check(omen::ingest::ParseLines(in.substr(n), precision, true, line_no, &split) == in.size() - n);
  Check(Describe(split) == want);

  whole.Clear();
  Check(omen::ingest::ParseLines(in, precision, true, 1, &whole) == in.size());
  Check(Describe(whole) == want);
  return 0;
}
