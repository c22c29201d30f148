// Copyright 2026 The OmenDB Authors.

#include "sql/copy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <thread>

#include "arrow/ipc.h"
#include "common/datetime.h"
#include "common/env.h"
#include "common/strings.h"
#include "exec/expr.h"
#include "storage/batch.h"

namespace omen::sql {
namespace {

Status BadLine(int64_t line, const std::string& msg) {
  return Status::InvalidArgument("COPY: line " + std::to_string(line) + ": " + msg)
      .WithSqlState("22P04");
}

// Splits one record starting at p; advances p past its line end. Fields are unescaped into
// `fields` (views into `store` or data). Returns false at end of data.
struct Splitter {
  std::string_view data;
  const CopyOptions& o;
  std::vector<std::string> store;

  // Returns the number of fields, or -1 on a malformed record.
  int Next(size_t* p, std::vector<std::string_view>* fields, std::vector<bool>* nulls) {
    fields->clear();
    nulls->clear();
    size_t i = *p;
    const size_t n = data.size();
    size_t si = 0;
    auto own = [&](std::string s) -> std::string_view {
      if (si >= store.size()) store.emplace_back();
      store[si] = std::move(s);
      return store[si++];
    };
    if (o.format == "csv") {
      while (true) {
        if (i < n && data[i] == '"') {
          std::string v;
          ++i;
          while (true) {
            if (i >= n) return -1;  // unterminated quote
            if (data[i] == '"') {
              if (i + 1 < n && data[i + 1] == '"') {
                v += '"';
                i += 2;
                continue;
              }
              ++i;
              break;
            }
            v += data[i++];
          }
          fields->push_back(own(std::move(v)));
          nulls->push_back(false);
        } else {
          size_t b = i;
          while (i < n && data[i] != o.delimiter && data[i] != '\n' && data[i] != '\r') ++i;
          std::string_view f = data.substr(b, i - b);
          // Unquoted empty (or the NULL string) is NULL in CSV.
          nulls->push_back(f == o.null_string);
          fields->push_back(f);
        }
        if (i < n && data[i] == o.delimiter) {
          ++i;
          continue;
        }
        if (i < n && data[i] == '\r') ++i;
        if (i < n && data[i] == '\n')
          ++i;
        else if (i < n)
          return -1;  // garbage after a quoted field
        break;
      }
    } else {
      while (true) {
        size_t b = i;
        bool escaped = false;
        while (i < n && data[i] != o.delimiter && data[i] != '\n') {
          if (data[i] == '\\' && i + 1 < n) {
            escaped = true;
            i += 2;
          } else {
            ++i;
          }
        }
        std::string_view f = data.substr(b, i - b);
        if (!f.empty() && f.back() == '\r' && (i >= n || data[i] == '\n')) f.remove_suffix(1);
        if (f == o.null_string) {
          nulls->push_back(true);
          fields->push_back(f);
        } else if (escaped) {
          std::string v;
          for (size_t k = 0; k < f.size(); ++k) {
            if (f[k] != '\\' || k + 1 >= f.size()) {
              v += f[k];
              continue;
            }
            char c = f[++k];
            v += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
          }
          fields->push_back(own(std::move(v)));
          nulls->push_back(false);
        } else {
          fields->push_back(f);
          nulls->push_back(false);
        }
        if (i < n && data[i] == o.delimiter) {
          ++i;
          continue;
        }
        if (i < n) ++i;  // '\n'
        break;
      }
    }
    *p = i;
    return static_cast<int>(fields->size());
  }
};

Status AppendField(storage::BatchBuilder* b, int col, const storage::ColumnDef& c,
                   std::string_view f, int64_t line, const TimeZone* zone) {
  using storage::SqlType;
  switch (c.type) {
    case SqlType::kBoolean: {
      std::string t = AsciiLower(std::string(f));
      if (t == "t" || t == "true" || t == "1" || t == "yes" || t == "on")
        b->AppendBool(col, true);
      else if (t == "f" || t == "false" || t == "0" || t == "no" || t == "off")
        b->AppendBool(col, false);
      else
        return BadLine(line, "invalid input syntax for type boolean: \"" + std::string(f) + "\"");
      return Status::OK();
    }
    case SqlType::kSmallint:
    case SqlType::kInteger:
    case SqlType::kBigint: {
      int64_t v;
      auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
      if (ec != std::errc() || p != f.data() + f.size()) {
        return BadLine(line, "invalid input syntax for type integer: \"" + std::string(f) + "\"");
      }
      if ((c.type == SqlType::kSmallint && (v < INT16_MIN || v > INT16_MAX)) ||
          (c.type == SqlType::kInteger && (v < INT32_MIN || v > INT32_MAX))) {
        return BadLine(line,
                       "value \"" + std::string(f) + "\" is out of range for column " + c.name);
      }
      b->AppendInt(col, v);
      return Status::OK();
    }
    case SqlType::kReal:
    case SqlType::kDouble: {
      double v;
      auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
      if (ec != std::errc() || p != f.data() + f.size()) {
        std::string t = AsciiLower(std::string(f));
        if (t == "nan")
          v = NAN;
        else if (t == "infinity" || t == "inf")
          v = HUGE_VAL;
        else if (t == "-infinity" || t == "-inf")
          v = -HUGE_VAL;
        else
          return BadLine(
              line, "invalid input syntax for type double precision: \"" + std::string(f) + "\"");
      }
      b->AppendDouble(col, v);
      return Status::OK();
    }
    case SqlType::kText:
    case SqlType::kVarchar:
      if (c.max_length >= 0 && static_cast<int64_t>(f.size()) > c.max_length) {
        return BadLine(line, "value too long for type character varying(" +
                                 std::to_string(c.max_length) + ")");
      }
      b->AppendString(col, f);
      return Status::OK();
    case SqlType::kTimestamp:
    case SqlType::kTimestamptz: {
      auto t = ParseTimestamp(f, c.type == SqlType::kTimestamptz, zone);
      if (!t.ok()) return BadLine(line, std::string(t.status().message()));
      b->AppendInt(col, *t);
      return Status::OK();
    }
    case SqlType::kDate: {
      auto d = ParseDate(f);
      if (!d.ok()) return BadLine(line, std::string(d.status().message()));
      b->AppendInt(col, *d);
      return Status::OK();
    }
  }
  return Status::Internal("column type");
}

// Parses data[begin, end) (whole lines) and inserts; first_line for messages.
Status ParseSlice(storage::Database* db, const storage::TableDef& def, const std::vector<int>& cols,
                  std::string_view data, const CopyOptions& o, int64_t first_line, int64_t* rows) {
  storage::BatchBuilder b(def.ArrowSchema());
  Splitter sp{data, o, {}};
  std::vector<std::string_view> fields;
  std::vector<bool> nulls;
  std::vector<int> pos_of(def.columns.size(), -1);
  for (size_t k = 0; k < cols.size(); ++k)
    pos_of[static_cast<size_t>(cols[k])] = static_cast<int>(k);
  size_t p = 0;
  int64_t line = first_line;
  while (p < data.size()) {
    const int nf = sp.Next(&p, &fields, &nulls);
    if (nf < 0) return BadLine(line, "unterminated CSV quoted field or bad quoting");
    if (nf == 1 && fields[0].empty() && !nulls[0] && o.format != "csv") {
      ++line;
      continue;  // blank line
    }
    if (nf == 1 && fields[0].empty() && o.format == "csv" && cols.size() > 1) {
      ++line;
      continue;
    }
    if (o.format == "text" && nf == 1 && fields[0] == "\\.") break;
    if (nf != static_cast<int>(cols.size())) {
      return BadLine(line, nf < static_cast<int>(cols.size())
                               ? "missing data for a column"
                               : "extra data after last expected column");
    }
    for (size_t c = 0; c < def.columns.size(); ++c) {
      const int k = pos_of[c];
      const int col = static_cast<int>(c);
      if (k < 0 || nulls[static_cast<size_t>(k)]) {
        if (!def.columns[c].nullable) {
          return BadLine(line, "null value in column \"" + def.columns[c].name +
                                   "\" violates not-null constraint");
        }
        b.AppendNull(col);
        continue;
      }
      OMEN_RETURN_IF_ERROR(
          AppendField(&b, col, def.columns[c], fields[static_cast<size_t>(k)], line, o.zone));
    }
    ++line;
    if (b.num_rows() >= 256 * 1024) {
      OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, b.Finish());
      OMEN_RETURN_IF_ERROR(db->Insert(def.name, batch));
      *rows += batch.num_rows;
    }
  }
  if (b.num_rows() > 0) {
    OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, b.Finish());
    OMEN_RETURN_IF_ERROR(db->Insert(def.name, batch));
    *rows += batch.num_rows;
  }
  return Status::OK();
}

}  // namespace

Result<CopyOptions> ParseCopyOptions(const std::vector<std::pair<std::string, std::string>>& opts) {
  CopyOptions o;
  bool delim_set = false, null_set = false;
  for (const auto& [k, v] : opts) {
    const std::string key = AsciiLower(k);
    if (key == "format") {
      o.format = AsciiLower(v);
      if (o.format != "csv" && o.format != "text" && o.format != "arrow") {
        return Status::InvalidArgument("COPY format \"" + v + "\" not recognized")
            .WithSqlState("22023");
      }
    } else if (key == "header") {
      std::string t = AsciiLower(v);
      o.header = t == "true" || t == "on" || t == "1" || t == "match";
    } else if (key == "delimiter") {
      if (v.size() != 1)
        return Status::InvalidArgument("COPY delimiter must be a single one-byte character");
      o.delimiter = v[0];
      delim_set = true;
    } else if (key == "null") {
      o.null_string = v;
      null_set = true;
    } else {
      return Status::InvalidArgument("option \"" + k + "\" not recognized").WithSqlState("42601");
    }
  }
  if (o.format == "csv") {
    if (!delim_set) o.delimiter = ',';
    if (!null_set) o.null_string = "";
  }
  return o;
}

Result<std::vector<int>> CopyColumns(const storage::TableDef& def,
                                     const std::vector<std::string>& names) {
  std::vector<int> cols;
  for (const std::string& name : names) {
    const int c = def.ColumnIndex(name);
    if (c < 0) {
      return Status::UndefinedColumn("column \"" + name + "\" of relation \"" + def.name +
                                     "\" does not exist");
    }
    cols.push_back(c);
  }
  return cols;
}

Result<int64_t> CopyFromBytes(storage::Database* db, const storage::TableDef& def,
                              const std::vector<int>& columns, std::string_view data,
                              const CopyOptions& o, int64_t first_line) {
  std::vector<int> cols = columns;
  if (cols.empty()) {
    for (size_t c = 0; c < def.columns.size(); ++c) cols.push_back(static_cast<int>(c));
  }
  size_t start = 0;
  if (o.header) {
    size_t nl = data.find('\n');
    start = nl == std::string_view::npos ? data.size() : nl + 1;
    ++first_line;
  }
  std::string_view body = data.substr(start);
  // Cut into slices at line ends (CSV with quoted newlines parses in one slice).
  const bool quoted_newlines = o.format == "csv" && body.find('"') != std::string_view::npos;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads < 1 || quoted_newlines || body.size() < (4 << 20)) threads = 1;
  std::vector<std::string_view> slices;
  std::vector<int64_t> lines;
  size_t b = 0;
  int64_t line = first_line;
  for (int t = 0; t < threads; ++t) {
    size_t e =
        t + 1 == threads ? body.size() : std::min(body.size(), body.size() * (t + 1) / threads);
    while (e < body.size() && body[e - 1] != '\n') ++e;
    if (e < b) e = b;
    slices.push_back(body.substr(b, e - b));
    lines.push_back(line);
    if (threads > 1)
      line += std::count(body.begin() + static_cast<long>(b), body.begin() + static_cast<long>(e),
                         '\n');
    b = e;
  }
  std::vector<Status> st(slices.size());
  std::vector<int64_t> rows(slices.size(), 0);
  if (slices.size() == 1) {
    st[0] = ParseSlice(db, def, cols, slices[0], o, lines[0], &rows[0]);
  } else {
    std::vector<std::thread> pool;
    for (size_t k = 0; k < slices.size(); ++k) {
      pool.emplace_back(
          [&, k] { st[k] = ParseSlice(db, def, cols, slices[k], o, lines[k], &rows[k]); });
    }
    for (auto& th : pool) th.join();
  }
  int64_t total = 0;
  for (size_t k = 0; k < slices.size(); ++k) {
    OMEN_RETURN_IF_ERROR(st[k]);
    total += rows[k];
  }
  return total;
}

Result<int64_t> CopyFromFile(storage::Database* db, const storage::TableDef& def,
                             const std::vector<int>& columns, const std::string& path,
                             const CopyOptions& o) {
  auto mapped = Env::Default()->MapFile(path);
  if (!mapped.ok()) {
    return Status::IOError("could not open file \"" + path +
                           "\" for reading: " + std::string(mapped.status().message()))
        .WithSqlState("58P01");
  }
  std::shared_ptr<const FileMapping> m = *mapped;
  if (o.format != "arrow") {
    return CopyFromBytes(db, def, columns,
                         std::string_view(reinterpret_cast<const char*>(m->data()), m->size()), o);
  }
  OMEN_ASSIGN_OR_RETURN(auto reader, arrow::IpcFileReader::Open(m));
  // Columns are matched by name; types must agree with the table's.
  const arrow::Schema& fs = *reader->schema();
  std::vector<int> field_of(def.columns.size(), -1);
  for (size_t c = 0; c < def.columns.size(); ++c) {
    int f = fs.FieldIndex(def.columns[c].name);
    if (f >= 0 &&
        !(fs.fields[static_cast<size_t>(f)].type == storage::ArrowTypeOf(def.columns[c].type))) {
      return Status::DatatypeMismatch("COPY FROM arrow: column \"" + def.columns[c].name +
                                      "\" has a different type in the file");
    }
    if (f < 0 && !def.columns[c].nullable) {
      return Status::InvalidArgument("COPY FROM arrow: the file has no column \"" +
                                     def.columns[c].name + "\"");
    }
    field_of[c] = f;
  }
  int64_t total = 0;
  for (int i = 0; i < reader->num_batches(); ++i) {
    OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch in, reader->ReadBatch(i));
    arrow::RecordBatch out;
    out.schema = def.ArrowSchema();
    out.num_rows = in.num_rows;
    for (size_t c = 0; c < def.columns.size(); ++c) {
      if (field_of[c] >= 0) {
        out.columns.push_back(in.columns[static_cast<size_t>(field_of[c])]);
        continue;
      }
      // A column the file lacks: all NULL.
      arrow::ArrayData a;
      a.type = storage::ArrowTypeOf(def.columns[c].type);
      a.length = in.num_rows;
      a.null_count = in.num_rows;
      std::vector<uint8_t> validity(static_cast<size_t>(arrow::BitmapBytes(in.num_rows)), 0);
      std::vector<uint8_t> values(arrow::ValuesBytes(a.type.id, in.num_rows), 0);
      a.validity = arrow::Buffer::FromVector(std::move(validity));
      a.values = arrow::Buffer::FromVector(std::move(values));
      if (a.type.id == arrow::TypeId::kString) a.dictionary = arrow::Dictionary::Make({});
      out.columns.push_back(std::move(a));
    }
    OMEN_RETURN_IF_ERROR(db->Insert(def.name, out));
    total += in.num_rows;
  }
  return total;
}

CopyInStream::CopyInStream(storage::Database* db, std::shared_ptr<const storage::TableDef> def,
                           std::vector<int> columns, CopyOptions o)
    : db_(db),
      def_(std::move(def)),
      columns_(std::move(columns)),
      o_(std::move(o)),
      header_left_(o_.header) {
  if (columns_.empty()) {
    for (size_t c = 0; c < def_->columns.size(); ++c) columns_.push_back(static_cast<int>(c));
  }
}

Result<std::unique_ptr<CopyInStream>> CopyInStream::Begin(
    storage::Database* db, std::shared_ptr<const storage::TableDef> def, std::vector<int> columns,
    CopyOptions o) {
  if (o.format == "arrow") {
    return Status::NotSupported("COPY FROM STDIN supports FORMAT text and csv, not arrow")
        .WithSqlState("0A000");
  }
  return std::unique_ptr<CopyInStream>(
      new CopyInStream(db, std::move(def), std::move(columns), std::move(o)));
}

Status CopyInStream::Write(std::string_view data) {
  if (ended_) return Status::OK();
  pending_.append(data);
  const bool csv = o_.format == "csv";
  size_t line_start = last_end_;
  for (size_t i = scanned_; i < pending_.size(); ++i) {
    const char c = pending_[i];
    if (csv && c == '"') {
      in_quotes_ = !in_quotes_;
    } else if (c == '\n' && !in_quotes_) {
      std::string_view line(pending_.data() + line_start, i - line_start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line == "\\.") {  // end of data
        pending_.resize(line_start);
        ended_ = true;
        break;
      }
      last_end_ = i + 1;
      line_start = i + 1;
    }
  }
  scanned_ = pending_.size();
  if (pending_.size() >= kChunkBytes && last_end_ > 0) return Consume(last_end_);
  return Status::OK();
}

Status CopyInStream::Consume(size_t end) {
  CopyOptions o = o_;
  o.header = header_left_;
  header_left_ = false;
  const std::string_view part(pending_.data(), end);
  OMEN_ASSIGN_OR_RETURN(int64_t n, CopyFromBytes(db_, *def_, columns_, part, o, line_));
  rows_ += n;
  line_ += std::count(part.begin(), part.end(), '\n');
  pending_.erase(0, end);
  scanned_ = pending_.size();
  last_end_ = 0;
  return Status::OK();
}

Result<int64_t> CopyInStream::Finish() {
  if (!ended_) {
    // A last line without its newline may still be the end marker.
    std::string_view tail = std::string_view(pending_).substr(last_end_);
    if (!tail.empty() && tail.back() == '\r') tail.remove_suffix(1);
    if (tail == "\\." && !in_quotes_) pending_.resize(last_end_);
  }
  if (!pending_.empty()) OMEN_RETURN_IF_ERROR(Consume(pending_.size()));
  return rows_;
}

void AppendCsvField(std::string* out, std::string_view v, char delimiter) {
  const char specials[] = {delimiter, '"', '\n', '\r', '\0'};
  if (!v.empty() && v.find_first_of(specials) == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

namespace {

// One field of a csv/text line: CSV quoting, or the text format's backslash escapes.
void PutDelimitedField(std::string_view v, const CopyOptions& o, std::string* out) {
  if (o.format == "csv") {
    AppendCsvField(out, v, o.delimiter);
    return;
  }
  for (char c : v) {
    if (c == '\\')
      *out += "\\\\";
    else if (c == '\n')
      *out += "\\n";
    else if (c == '\t')
      *out += "\\t";
    else if (c == '\r')
      *out += "\\r";
    else if (c == o.delimiter)
      (*out += '\\') += c;
    else
      *out += c;
  }
}

}  // namespace

void AppendDelimitedHeader(const std::vector<std::string>& names, const CopyOptions& o,
                           std::string* out, std::vector<size_t>* row_ends) {
  for (size_t c = 0; c < names.size(); ++c) {
    if (c) *out += o.delimiter;
    PutDelimitedField(names[c], o, out);
  }
  *out += '\n';
  if (row_ends != nullptr) row_ends->push_back(out->size());
}

void AppendDelimited(const Relation& rel, const CopyOptions& o, int64_t begin, int64_t end,
                     std::string* out, std::vector<size_t>* row_ends) {
  const bool csv = o.format == "csv";
  std::string value;
  for (int64_t r = begin; r < end; ++r) {
    for (size_t c = 0; c < rel.chunk.cols.size(); ++c) {
      if (c) *out += o.delimiter;
      value.clear();
      if (!exec::AppendText(rel.chunk.cols[c], r, &value, o.zone)) {
        *out += o.null_string;
      } else if (csv && value.empty()) {
        *out += "\"\"";
      } else {
        PutDelimitedField(value, o, out);
      }
    }
    *out += '\n';
    if (row_ends != nullptr) row_ends->push_back(out->size());
  }
}

Result<arrow::RecordBatch> RelationToArrow(const Relation& rel) {
  // numeric as float64, intervals as text; one dictionary per text column.
  auto schema = std::make_shared<arrow::Schema>();
  std::vector<exec::LType> as;
  for (size_t c = 0; c < rel.types.size(); ++c) {
    exec::LType t = rel.types[c];
    arrow::Field f;
    f.name = rel.names[c];
    f.nullable = true;
    switch (t) {
      case exec::LType::kBool:
        f.type = {arrow::TypeId::kBool};
        break;
      case exec::LType::kInt16:
        f.type = {arrow::TypeId::kInt16};
        break;
      case exec::LType::kInt32:
        f.type = {arrow::TypeId::kInt32};
        break;
      case exec::LType::kInt64:
        f.type = {arrow::TypeId::kInt64};
        break;
      case exec::LType::kFloat32:
        f.type = {arrow::TypeId::kFloat32};
        break;
      case exec::LType::kFloat64:
      case exec::LType::kNumeric:
        f.type = {arrow::TypeId::kFloat64};
        break;
      case exec::LType::kTimestamp:
        f.type = {arrow::TypeId::kTimestamp, false};
        break;
      case exec::LType::kTimestampTz:
        f.type = {arrow::TypeId::kTimestamp, true};
        break;
      case exec::LType::kDate:
        f.type = {arrow::TypeId::kDate32};
        break;
      default:
        f.type = {arrow::TypeId::kString};
        t = exec::LType::kText;
        break;
    }
    as.push_back(t);
    schema->fields.push_back(f);
  }
  storage::BatchBuilder b(schema);
  std::vector<exec::Vector> cols;
  exec::EvalContext ctx;
  for (size_t c = 0; c < rel.types.size(); ++c) {
    auto e = exec::MakeCast(exec::MakeColumn(static_cast<int>(c), rel.types[c]), as[c]);
    OMEN_ASSIGN_OR_RETURN(exec::Vector v, exec::Evaluate(*e, rel.chunk, ctx));
    cols.push_back(std::move(v));
  }
  for (int64_t r = 0; r < rel.chunk.size; ++r) {
    for (size_t c = 0; c < cols.size(); ++c) {
      const exec::Vector& v = cols[c];
      const int col = static_cast<int>(c);
      if (v.IsNull(r))
        b.AppendNull(col);
      else if (as[c] == exec::LType::kBool)
        b.AppendBool(col, v.I(r) != 0);
      else if (exec::PhysOf(as[c]) == exec::Phys::kInt)
        b.AppendInt(col, v.I(r));
      else if (exec::PhysOf(as[c]) == exec::Phys::kFloat)
        b.AppendDouble(col, v.F(r));
      else
        b.AppendString(col, v.S(r));
    }
  }
  return b.Finish();
}

Result<std::string> ArrowStreamOf(const Relation& rel) {
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, RelationToArrow(rel));
  std::vector<std::shared_ptr<const arrow::Dictionary>> dicts;
  for (const auto& col : batch.columns) dicts.push_back(col.dictionary);
  std::string out;
  OMEN_ASSIGN_OR_RETURN(
      auto w, arrow::IpcStreamWriter::Open(&out, batch.schema, dicts, arrow::IpcWriteOptions{}));
  if (batch.num_rows > 0) OMEN_RETURN_IF_ERROR(w->WriteBatch(batch));
  OMEN_RETURN_IF_ERROR(w->Finish());
  return out;
}

Result<std::unique_ptr<CopyRows>> CopyRows::OfTable(storage::Database* db,
                                                    const storage::TableDef& def,
                                                    const std::vector<int>& columns,
                                                    const QueryOptions& options) {
  std::unique_ptr<CopyRows> rows(new CopyRows());
  storage::ScanSpec spec;
  spec.columns = columns;
  if (spec.columns.empty()) {
    for (size_t c = 0; c < def.columns.size(); ++c) spec.columns.push_back(static_cast<int>(c));
  }
  for (int c : spec.columns) {
    const storage::ColumnDef& col = def.columns[static_cast<size_t>(c)];
    rows->names_.push_back(col.name);
    rows->types_.push_back(exec::TypeOfArrow(storage::ArrowTypeOf(col.type)));
  }
  OMEN_ASSIGN_OR_RETURN(storage::TableScan scan, db->Scan(def.name, spec));
  rows->scan_.emplace(std::move(scan));
  rows->options_ = options;
  return rows;
}

std::unique_ptr<CopyRows> CopyRows::OfRelation(Relation rel) {
  std::unique_ptr<CopyRows> rows(new CopyRows());
  rows->names_ = rel.names;
  rows->types_ = rel.types;
  rows->rel_.emplace(std::move(rel));
  return rows;
}

Result<bool> CopyRows::Next(Relation* out) {
  if (rel_.has_value()) {
    *out = std::move(*rel_);
    rel_.reset();
    return true;
  }
  if (!scan_.has_value()) return false;
  OMEN_RETURN_IF_ERROR(options_.CheckCancel());
  arrow::RecordBatch batch;
  OMEN_ASSIGN_OR_RETURN(const bool more, scan_->Next(&batch));
  if (!more) {
    scan_.reset();
    return false;
  }
  out->names = names_;
  out->types = types_;
  out->chunk.cols.clear();
  for (const arrow::ArrayData& col : batch.columns) out->chunk.cols.push_back(exec::FromArrow(col));
  out->chunk.size = batch.num_rows;
  return true;
}

Result<Relation> CopyRows::All() {
  std::vector<exec::Chunk> parts;
  Relation piece;
  while (true) {
    OMEN_ASSIGN_OR_RETURN(const bool more, Next(&piece));
    if (!more) break;
    parts.push_back(std::move(piece.chunk));
  }
  Relation all;
  all.names = names_;
  all.types = types_;
  if (parts.size() == 1) {
    all.chunk = std::move(parts.front());
  } else {
    all.chunk = exec::ConcatChunks(parts, types_);
  }
  return all;
}

Result<int64_t> CopyToFile(CopyRows* rows, const std::string& path, const CopyOptions& o) {
  OMEN_ASSIGN_OR_RETURN(auto file, Env::Default()->NewWritableFile(path, /*truncate=*/true));
  if (o.format != "arrow") {
    int64_t written = 0;
    std::string text;
    Relation piece;
    if (o.header) AppendDelimitedHeader(rows->names(), o, &text, nullptr);  // even with no rows
    while (true) {
      OMEN_ASSIGN_OR_RETURN(const bool more, rows->Next(&piece));
      if (!more) break;
      AppendDelimited(piece, o, 0, piece.chunk.size, &text, nullptr);
      written += piece.chunk.size;
      if (text.size() >= (1 << 20)) {
        OMEN_RETURN_IF_ERROR(file->Append(text));
        text.clear();
      }
    }
    OMEN_RETURN_IF_ERROR(file->Append(text));
    OMEN_RETURN_IF_ERROR(file->Close());
    return written;
  }
  // An Arrow IPC file cannot replace a dictionary between batches: one batch of everything.
  OMEN_ASSIGN_OR_RETURN(Relation rel, rows->All());
  OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, RelationToArrow(rel));
  std::vector<std::shared_ptr<const arrow::Dictionary>> dicts;
  for (const auto& col : batch.columns) dicts.push_back(col.dictionary);
  OMEN_ASSIGN_OR_RETURN(auto w, arrow::IpcFileWriter::Open(file.get(), batch.schema, dicts,
                                                           arrow::IpcWriteOptions{}));
  if (batch.num_rows > 0) OMEN_RETURN_IF_ERROR(w->WriteBatch(batch));
  OMEN_RETURN_IF_ERROR(w->Finish());
  OMEN_RETURN_IF_ERROR(file->Close());
  return rel.chunk.size;
}

}  // namespace omen::sql
