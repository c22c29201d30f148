// Copyright 2026 The OmenDB Authors.

#include "load/ilp_load.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

namespace omen::load {
namespace {

constexpr int64_t kIntervalUs = 10'000'000;
constexpr int kFieldSets = 4096;  // a power of two

const char* const kRegions[] = {"us-east-1",      "us-west-1",      "us-west-2",
                                "eu-west-1",      "eu-central-1",   "ap-southeast-1",
                                "ap-southeast-2", "ap-northeast-1", "sa-east-1"};
const char* const kOs[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
const char* const kArch[] = {"x64", "x86"};
const char* const kTeam[] = {"SF", "NYC", "LON", "CHI"};
const char* const kEnv[] = {"production", "staging", "test"};
const char* const kMetrics[] = {"usage_user",   "usage_system",    "usage_idle",    "usage_nice",
                                "usage_iowait", "usage_irq",       "usage_softirq", "usage_steal",
                                "usage_guest",  "usage_guest_nice"};

struct Pieces {
  std::vector<std::string> prefix;  // per host: "cpu,hostname=...,...,service_environment=x "
  std::vector<std::string> fields;  // "usage_user=58i,...,usage_guest_nice=38i "
};

Pieces Build(const IlpLoadOptions& o) {
  Pieces p;
  std::mt19937_64 rng(o.seed);
  auto pick = [&](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
  for (int h = 0; h < o.hosts; ++h) {
    const std::string region = pick(kRegions);
    std::string s = o.measurement + ",hostname=host_" + std::to_string(h) + ",region=" + region +
                    ",datacenter=" + region + static_cast<char>('a' + rng() % 3) +
                    ",rack=" + std::to_string(rng() % 100) + ",os=" + pick(kOs) +
                    ",arch=" + pick(kArch) + ",team=" + pick(kTeam) +
                    ",service=" + std::to_string(rng() % 20) +
                    ",service_version=" + std::to_string(rng() % 2) +
                    ",service_environment=" + pick(kEnv) + " ";
    p.prefix.push_back(std::move(s));
  }
  for (int f = 0; f < kFieldSets; ++f) {
    std::string s;
    for (int m = 0; m < 10; ++m) {
      if (m > 0) s += ',';
      s += kMetrics[m];
      s += '=';
      s += std::to_string(rng() % 101);
      s += 'i';
    }
    s += ' ';
    p.fields.push_back(std::move(s));
  }
  return p;
}

// Lines repeat their host and field set every TemplateRows rows (a multiple of hosts, so
// that row r is always host r % hosts).
int64_t TemplateRows(const IlpLoadOptions& o) {
  const int64_t per = std::max<int64_t>(2, (4 * kFieldSets + o.hosts - 1) / o.hosts);
  return o.hosts * per;
}

const std::string& FieldsFor(const Pieces& p, const IlpLoadOptions& o, int64_t r) {
  const uint64_t i = static_cast<uint64_t>(r % TemplateRows(o));
  return p.fields[static_cast<size_t>((i * 2654435761u) & (kFieldSets - 1))];
}

// Row r's timestamp in microseconds: 10 s per round of hosts; a late row 1 h to 3 days back.
int64_t TimestampFor(const IlpLoadOptions& o, int64_t r, std::mt19937_64* rng) {
  int64_t ts = o.start_us + (r / o.hosts) * kIntervalUs;
  if (o.out_of_order > 0 && static_cast<double>((*rng)() >> 11) * 0x1.0p-53 < o.out_of_order) {
    ts -= 3600LL * 1000000 + static_cast<int64_t>((*rng)() % (71ULL * 3600)) * 1000000;
  }
  return ts;
}

void AppendLine(const Pieces& p, const IlpLoadOptions& o, int64_t r, std::mt19937_64* rng,
                std::string* out) {
  const int64_t ts = TimestampFor(o, r, rng);
  out->append(p.prefix[static_cast<size_t>(r % o.hosts)]);
  out->append(FieldsFor(p, o, r));
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ts * 1000);
  out->append(buf, end);
  out->push_back('\n');
}

// The lines of TemplateRows rows, laid out once; sending a row only writes its timestamp
// into place (every timestamp of the run has 19 digits in nanoseconds, see Usable), so the
// generator copies nothing but what the kernel copies from these bytes.
struct Template {
  std::string text;
  std::vector<size_t> start;  // rows + 1 offsets: where each line begins
  int64_t rows = 0;

  static constexpr int kDigits = 19;

  // True when every timestamp the run can send has kDigits digits in nanoseconds, and a
  // batch fits in the template (else stamping it would overwrite lines not yet sent).
  static bool Usable(const IlpLoadOptions& o) {
    const int64_t lo = o.start_us - 72LL * 3600 * 1000000;
    const int64_t hi = o.start_us + (o.rows / o.hosts + 1) * kIntervalUs;
    return lo >= 1'000'000'000'000'000LL && hi < 9'000'000'000'000'000LL &&
           o.batch <= TemplateRows(o);
  }

  Template(const Pieces& p, const IlpLoadOptions& o) : rows(TemplateRows(o)) {
    start.reserve(static_cast<size_t>(rows) + 1);
    for (int64_t i = 0; i < rows; ++i) {
      start.push_back(text.size());
      text += p.prefix[static_cast<size_t>(i % o.hosts)];
      text += FieldsFor(p, o, i);
      text.append(kDigits, '0');
      text += '\n';
    }
    start.push_back(text.size());
  }

  // Writes row r's timestamp into its line (row r is line r % rows).
  void Stamp(int64_t r, int64_t ts_us) {
    const int64_t i = r % rows;
    char* d = text.data() + start[static_cast<size_t>(i + 1)] - 1 - kDigits;
    uint64_t v = static_cast<uint64_t>(ts_us) * 1000;
    for (int k = kDigits - 1; k >= 0; --k) {
      d[k] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  }

  // The bytes of rows [r, end) that lie in one stretch of the text: up to the template's end.
  std::string_view Stretch(int64_t r, int64_t end) const {
    const int64_t i = r % rows;
    const int64_t j = std::min(rows, i + (end - r));
    return std::string_view(text).substr(
        start[static_cast<size_t>(i)],
        start[static_cast<size_t>(j)] - start[static_cast<size_t>(i)]);
  }
};

int ConnectTcp(const std::string& host, int port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string TsbsLine(const IlpLoadOptions& o, int64_t r) {
  const Pieces p = Build(o);
  std::mt19937_64 rng(o.seed + 1);
  std::string out;
  AppendLine(p, o, r, &rng, &out);
  return out;
}

Result<IlpLoadResult> RunIlpLoad(const IlpLoadOptions& o) {
  if (o.hosts < 1 || o.workers < 1 || o.batch < 1 || o.rows < 0) {
    return Status::InvalidArgument("hosts, workers and batch must be positive");
  }
  const Pieces pieces = Build(o);
  const int64_t batches = (o.rows + o.batch - 1) / o.batch;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<int64_t> bytes{0}, http_errors{0};
  std::vector<Status> status(static_cast<size_t>(o.workers));
  std::vector<std::thread> workers;
  for (int w = 0; w < o.workers; ++w) {
    workers.emplace_back([&, w] {
      std::mt19937_64 rng(o.seed + 1 + static_cast<uint64_t>(w));
      int fd = -1;
      std::unique_ptr<httplib::Client> client;
      httplib::Headers headers;
      if (o.http) {
        client = std::make_unique<httplib::Client>(o.host, o.port);
        client->set_keep_alive(true);
        client->set_read_timeout(300, 0);
        client->set_write_timeout(300, 0);
        if (!o.password.empty()) headers.emplace("Authorization", "Token " + o.password);
      } else {
        fd = ConnectTcp(o.host, o.port);
        if (fd < 0) {
          status[static_cast<size_t>(w)] =
              Status::IOError("cannot connect to " + o.host + ":" + std::to_string(o.port));
        }
      }
      std::string buf;
      std::unique_ptr<Template> tmpl;
      if (Template::Usable(o)) tmpl = std::make_unique<Template>(pieces, o);
      if (tmpl == nullptr) buf.reserve(static_cast<size_t>(o.batch) * 320);
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      if (!o.http && fd < 0) return;
      for (int64_t b = w; b < batches; b += o.workers) {
        const int64_t first = b * o.batch;
        const int64_t end = std::min(o.rows, (b + 1) * o.batch);
        // The batch's bytes, as stretches of the template (stamped here) or built in buf.
        std::vector<std::string_view> body;
        if (tmpl != nullptr) {
          for (int64_t r = first; r < end; ++r) tmpl->Stamp(r, TimestampFor(o, r, &rng));
          for (int64_t r = first; r < end;) {
            body.push_back(tmpl->Stretch(r, end));
            r += std::min(end - r, tmpl->rows - r % tmpl->rows);
          }
        } else {
          buf.clear();
          for (int64_t r = first; r < end; ++r) AppendLine(pieces, o, r, &rng, &buf);
          body.push_back(buf);
        }
        size_t size = 0;
        for (std::string_view piece : body) size += piece.size();
        bytes.fetch_add(static_cast<int64_t>(size));
        if (!o.http) {
          bool sent = true;
          for (std::string_view piece : body) sent = sent && SendAll(fd, piece);
          if (!sent) {
            status[static_cast<size_t>(w)] = Status::IOError("send failed");
            break;
          }
          continue;
        }
        // Streamed from the stretches (a body string would be one more copy of them).
        auto res = client->Post(
            "/api/v2/write?bucket=omendb&org=omendb&precision=ns", headers, size,
            [&body](size_t offset, size_t length, httplib::DataSink& sink) {
              for (std::string_view piece : body) {
                if (offset >= piece.size()) {
                  offset -= piece.size();
                  continue;
                }
                const size_t n = std::min(length, piece.size() - offset);
                return sink.write(piece.data() + offset, n);
              }
              return false;
            },
            "text/plain");
        if (!res) {
          status[static_cast<size_t>(w)] =
              Status::IOError("HTTP request failed: " + httplib::to_string(res.error()));
          return;
        }
        if (res->status != 204) http_errors.fetch_add(1);
      }
      if (fd >= 0) ::close(fd);
    });
  }
  while (ready.load() < o.workers) std::this_thread::yield();
  const auto start = std::chrono::steady_clock::now();
  go.store(true);
  for (auto& t : workers) t.join();
  IlpLoadResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const Status& s : status) OMEN_RETURN_IF_ERROR(s);
  r.rows_sent = o.rows;
  r.bytes_sent = bytes.load();
  r.http_errors = http_errors.load();
  return r;
}

}  // namespace omen::load
