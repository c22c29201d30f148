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
constexpr size_t kSendBytes = 64 * 1024;

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

void AppendLine(const Pieces& p, const IlpLoadOptions& o, int64_t r, std::mt19937_64* rng,
                std::string* out) {
  const int64_t host = r % o.hosts;
  int64_t ts = o.start_us + (r / o.hosts) * kIntervalUs;
  if (o.out_of_order > 0 && static_cast<double>((*rng)() >> 11) * 0x1.0p-53 < o.out_of_order) {
    ts -= 3600LL * 1000000 + static_cast<int64_t>((*rng)() % (71ULL * 3600)) * 1000000;
  }
  out->append(p.prefix[static_cast<size_t>(host)]);
  out->append(
      p.fields[static_cast<size_t>((static_cast<uint64_t>(r) * 2654435761u) & (kFieldSets - 1))]);
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ts * 1000);
  out->append(buf, end);
  out->push_back('\n');
}

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
      buf.reserve(o.http ? static_cast<size_t>(o.batch) * 320 : kSendBytes + 1024);
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      if (!o.http && fd < 0) return;
      for (int64_t b = w; b < batches; b += o.workers) {
        buf.clear();
        const int64_t end = std::min(o.rows, (b + 1) * o.batch);
        if (!o.http) {
          // A TCP batch goes out in pieces of about kSendBytes, which stay in cache between
          // being written here and copied by the kernel.
          bool sent = true;
          for (int64_t r = b * o.batch; sent && r < end; ++r) {
            AppendLine(pieces, o, r, &rng, &buf);
            if (buf.size() >= kSendBytes || r + 1 == end) {
              bytes.fetch_add(static_cast<int64_t>(buf.size()));
              sent = SendAll(fd, buf);
              buf.clear();
            }
          }
          if (!sent) {
            status[static_cast<size_t>(w)] = Status::IOError("send failed");
            break;
          }
          continue;
        }
        for (int64_t r = b * o.batch; r < end; ++r) AppendLine(pieces, o, r, &rng, &buf);
        bytes.fetch_add(static_cast<int64_t>(buf.size()));
        if (o.http) {
          // Streamed from buf (a body string would be one more copy of it).
          auto res = client->Post(
              "/api/v2/write?bucket=omendb&org=omendb&precision=ns", headers, buf.size(),
              [&buf](size_t offset, size_t length, httplib::DataSink& sink) {
                return sink.write(buf.data() + offset, length);
              },
              "text/plain");
          if (!res) {
            status[static_cast<size_t>(w)] =
                Status::IOError("HTTP request failed: " + httplib::to_string(res.error()));
            return;
          }
          if (res->status != 204) http_errors.fetch_add(1);
        } else if (!SendAll(fd, buf)) {
          status[static_cast<size_t>(w)] = Status::IOError("send failed");
          break;
        }
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
