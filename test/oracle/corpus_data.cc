// Copyright 2026 The OmenDB Authors.

#include "oracle/corpus_data.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <set>
#include <utility>

#include "common/datetime.h"

namespace omen::test {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = 1704067200LL * kSecond;  // 2024-01-01 00:00:00+00
constexpr size_t kRowsPerInsert = 500;

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// Adds `rows` (each a parenthesized VALUES tuple) as INSERTs of kRowsPerInsert rows to both.
void AddInserts(const std::string& table, const std::vector<std::string>& rows, LoadScript* out) {
  for (size_t i = 0; i < rows.size(); i += kRowsPerInsert) {
    std::string sql = "INSERT INTO " + table + " VALUES ";
    for (size_t j = i; j < rows.size() && j < i + kRowsPerInsert; ++j) {
      sql += (j > i ? "," : "") + rows[j];
    }
    out->omen.push_back(sql);
    out->pg.push_back(sql);
  }
}

void AddTable(const std::string& create, const std::string& with, LoadScript* out) {
  out->omen.push_back(create + " WITH (" + with + ")");
  out->pg.push_back(create);
}

void Metrics(std::mt19937_64& rng, LoadScript* out) {
  AddTable(
      "CREATE TABLE metrics (time timestamptz NOT NULL, host text, region text, "
      "usage double precision, reqs bigint, temp real, code integer, ok boolean, day date)",
      "partition_by = 'day', sort_key = 'host', flush_rows = 700", out);
  // A pool of instants shared between hosts: duplicates across hosts, unique within one.
  std::vector<int64_t> pool;
  for (int i = 0; i < 1500; ++i) {
    int64_t t = kT0 + static_cast<int64_t>(rng() % (3 * 8640)) * 10 * kSecond;
    if (rng() % 10 == 0) t += static_cast<int64_t>(rng() % 10) * 100000;  // tenths
    if (rng() % 40 == 0) t += static_cast<int64_t>(rng() % 1000000);      // micros
    pool.push_back(t);
  }
  const char* regions[] = {"us-east", "us-west", "eu-central"};
  const int codes[] = {200, 200, 200, 201, 204, 301, 404, 500, 503};
  std::set<std::pair<int, int64_t>> used;  // (host or -1, time)
  std::vector<std::string> rows;
  auto null5 = [&](const std::string& v) { return rng() % 20 == 0 ? std::string("NULL") : v; };
  while (rows.size() < 3000) {
    int host = rng() % 21 == 0 ? -1 : static_cast<int>(rng() % 10);
    int64_t t = pool[rng() % pool.size()];
    if (!used.insert({host, t}).second) continue;
    std::string host_s = host < 0 ? "NULL" : Quoted("host_" + std::to_string(host));
    std::string region =
        null5(Quoted(regions[host < 0 ? rng() % 3 : static_cast<uint64_t>(host) % 3]));
    std::string usage = null5(Fixed(static_cast<double>(rng() % 10000) / 100.0, 2));
    std::string reqs =
        null5(std::to_string(rng() % 8 == 0 ? rng() % 1000000000000ULL : rng() % 100000));
    std::string temp =
        null5(Fixed(static_cast<double>(static_cast<int>(rng() % 650) - 200) / 10, 1));
    std::string code = null5(std::to_string(codes[rng() % 9]));
    std::string ok = null5(rng() % 10 < 7 ? "true" : "false");
    int32_t day_of =
        static_cast<int32_t>(t / (86400 * kSecond)) + static_cast<int32_t>(rng() % 7) - 3;
    std::string day = null5(Quoted(FormatDate(day_of)));
    rows.push_back("(" + Quoted(FormatTimestamp(t, true)) + "," + host_s + "," + region + "," +
                   usage + "," + reqs + "," + temp + "," + code + "," + ok + "," + day + ")");
  }
  std::shuffle(rows.begin(), rows.end(), rng);
  AddInserts("metrics", rows, out);
}

void Cpu(std::mt19937_64& rng, LoadScript* out) {
  AddTable(
      "CREATE TABLE cpu (time timestamptz NOT NULL, hostname text, usage_user double precision, "
      "usage_system double precision, usage_idle double precision)",
      "partition_by = 'hour', sort_key = 'hostname', flush_rows = 2000", out);
  std::vector<std::string> rows;
  for (int h = 0; h < 5; ++h) {
    double user = 20.0 + 10 * h, sys = 5.0 + h;
    for (int i = 0; i < 6 * 360; ++i) {
      user = std::clamp(user + static_cast<double>(static_cast<int>(rng() % 2001) - 1000) / 250.0,
                        0.0, 90.0);
      sys = std::clamp(sys + static_cast<double>(static_cast<int>(rng() % 2001) - 1000) / 1000.0,
                       0.0, 10.0);
      std::string u = Fixed(user, 4), s = Fixed(sys, 4);
      std::string idle = Fixed(100.0 - std::stod(u) - std::stod(s), 4);
      rows.push_back("(" + Quoted(FormatTimestamp(kT0 + i * 10 * kSecond, true)) + ",'host_" +
                     std::to_string(h) + "'," + u + "," + s + "," + idle + ")");
    }
  }
  // Mostly in time order, as an agent would send it, with shuffled chunks.
  std::sort(rows.begin(), rows.end());
  for (size_t i = 0; i + 400 <= rows.size(); i += 400) {
    if (rng() % 3 == 0) std::shuffle(rows.begin() + i, rows.begin() + i + 400, rng);
  }
  AddInserts("cpu", rows, out);
}

void Events(std::mt19937_64& rng, LoadScript* out) {
  AddTable("CREATE TABLE events (ts timestamp NOT NULL, name varchar(20), val integer)",
           "partition_by = 'day'", out);
  const char* names[] = {"Login",    "logout",   "LOGIN_FAILED", "page_view", "Purchase",
                         "purchase", "Search %", "o'brien",      "",          "signup"};
  std::set<int64_t> used;
  std::vector<std::string> rows;
  while (rows.size() < 240) {
    int64_t t = kT0 + static_cast<int64_t>(rng() % (2 * 1440)) * 60 * kSecond;
    if (!used.insert(t).second) continue;
    std::string name = names[rng() % 10];
    std::string escaped;
    for (char c : name) escaped += c == '\'' ? std::string("''") : std::string(1, c);
    std::string name_s = rng() % 20 == 0 ? "NULL" : Quoted(escaped);
    std::string val =
        rng() % 20 == 0 ? "NULL" : std::to_string(static_cast<int>(rng() % 2001) - 1000);
    rows.push_back("(" + Quoted(FormatTimestamp(t, false)) + "," + name_s + "," + val + ")");
  }
  AddInserts("events", rows, out);
}

}  // namespace

LoadScript CorpusTables() {
  std::mt19937_64 rng(20240101);
  LoadScript out;
  Metrics(rng, &out);
  Cpu(rng, &out);
  Events(rng, &out);
  return out;
}

}  // namespace omen::test
