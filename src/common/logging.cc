// Copyright 2026 The OmenDB Authors.

#include "common/logging.h"

#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace omen {
namespace {

LogLevel InitialLevel() {
  const char* env = std::getenv("OMENDB_LOG_LEVEL");
  if (env == nullptr) return LogLevel::kInfo;
  if (std::strcmp(env, "debug") == 0) return LogLevel::kDebug;
  if (std::strcmp(env, "warn") == 0) return LogLevel::kWarn;
  if (std::strcmp(env, "error") == 0) return LogLevel::kError;
  return LogLevel::kInfo;
}

std::atomic<LogLevel>& MinLevel() {
  static std::atomic<LogLevel> level{InitialLevel()};
  return level;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void SetMinLogLevel(LogLevel level) { MinLevel().store(level); }

void Log(LogLevel level, const char* fmt, ...) {
  if (level < MinLevel().load()) return;
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char when[40];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line = "ts=";
  line += when;
  char frac[32];
  std::snprintf(frac, sizeof(frac), ".%06dZ", static_cast<int>(ts.tv_nsec / 1000));
  line += frac;
  line += " level=";
  line += LevelName(level);
  line += " msg=\"";
  for (const char* p = msg; *p != '\0'; ++p) {
    if (*p == '"' || *p == '\\') line += '\\';
    line += (*p == '\n') ? ' ' : *p;
  }
  line += "\"\n";
  ssize_t rc = ::write(STDERR_FILENO, line.data(), line.size());
  (void)rc;  // nothing sensible to do if stderr is gone
}

}  // namespace omen
