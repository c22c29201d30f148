-- What Grafana's PostgreSQL data source sends after expanding its macros: $__timeFilter(time)
-- (BETWEEN RFC 3339 literals), $__unixEpochFilter (to_timestamp), $__timeGroup(time, 5m)
-- (floor(extract(epoch ...)/300)*300, or time_bucket('300s', ...) with TimescaleDB enabled),
-- $__timeEpoch; time series ordered by the first column.
-- ordered
SELECT floor(extract(epoch FROM time)/300)*300 AS time, avg(usage_user) AS "host_0" FROM cpu WHERE time BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z' AND hostname = 'host_0' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM time)/300)*300 AS time, hostname AS metric, avg(usage_user) FROM cpu WHERE time BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT floor(extract(epoch FROM time)/60)*60 AS "time", max(usage_system) FROM cpu WHERE time >= to_timestamp(1704067200) AND time <= to_timestamp(1704088800) GROUP BY 1 ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM time)/3600)*3600 AS time, count(*) AS value FROM metrics WHERE time BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM time)/300)*300 AS time, host AS metric, avg(usage) FROM metrics WHERE time >= to_timestamp(1704067200) AND time <= to_timestamp(1704088800) AND host IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT floor(extract(epoch FROM time)/300)*300 AS time, avg(usage_user) FROM cpu WHERE extract(epoch FROM time) BETWEEN 1704067200 AND 1704088800 AND hostname = 'host_2' GROUP BY 1 ORDER BY 1;
SELECT count(*) FROM metrics WHERE extract(epoch FROM time) BETWEEN 1704067200 AND 1704088800;
SELECT count(*) FROM metrics WHERE time >= to_timestamp(1704067200) AND time <= to_timestamp(1704088800);
SELECT count(*) FROM metrics WHERE time BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z';
-- ordered
SELECT time_bucket('300s', time) AS "time", avg(usage_user) AS "avg" FROM cpu WHERE time BETWEEN '2024-01-01T01:00:00Z' AND '2024-01-01T03:00:00Z' AND hostname = 'host_1' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT time_bucket('1m', time) AS "time", hostname AS metric, max(usage_user) FROM cpu WHERE time BETWEEN '2024-01-01T05:00:00.000Z' AND '2024-01-01T05:30:00.000Z' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT time AS "time", usage_user, usage_system FROM cpu WHERE time BETWEEN '2024-01-01T02:00:00Z' AND '2024-01-01T02:10:00Z' AND hostname = 'host_3' ORDER BY 1;
-- ordered
SELECT extract(epoch FROM time) AS "time", usage_idle FROM cpu WHERE time >= to_timestamp(1704070800) AND time < to_timestamp(1704071400) AND hostname = 'host_4' ORDER BY 1;
-- ordered
SELECT time AS "time", host, usage FROM metrics WHERE time BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-02T00:30:00Z' AND host = 'host_6' ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM time)/86400)*86400 AS time, region AS metric, sum(reqs) FROM metrics WHERE time BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-03T23:59:59Z' AND region IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT floor(extract(epoch FROM ts)/3600)*3600 AS time, count(*) FROM events WHERE ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T12:00:00Z' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT '2024-01-01'::date AS d, count(*) FROM cpu WHERE time >= '2024-01-01T00:00:00+00:00' AND time < '2024-01-01T01:00:00+00:00' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT time_bucket('600s', time) AS time, avg(usage) AS "avg usage", max(usage) AS "max usage" FROM metrics WHERE time BETWEEN '2024-01-02T10:00:00Z' AND '2024-01-02T14:00:00Z' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM time)*1000/60000)*60000 AS time, count(*) FROM cpu WHERE time >= to_timestamp(1704081600000 / 1000.0) AND time < to_timestamp(1704082200000 / 1000.0) GROUP BY 1 ORDER BY 1;
