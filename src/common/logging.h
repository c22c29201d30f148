// Copyright 2026 The OmenDB Authors.
//
// Structured log lines on stderr: `ts=<RFC 3339> level=<level> msg="<text>"`.
// Thread-safe (one write(2) per line).

#ifndef OMENDB_COMMON_LOGGING_H_
#define OMENDB_COMMON_LOGGING_H_

namespace omen {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// printf-style. Lines below the minimum level (default kInfo; OMENDB_LOG_LEVEL=debug|info|
// warn|error overrides) are dropped.
void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void SetMinLogLevel(LogLevel level);

}  // namespace omen

#endif  // OMENDB_COMMON_LOGGING_H_
