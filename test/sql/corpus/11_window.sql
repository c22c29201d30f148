-- Window functions: row_number, rank, lag/lead, aggregates OVER (PARTITION BY ... ORDER BY ...
-- ROWS BETWEEN n PRECEDING AND CURRENT ROW), running totals, windows over aggregates.
SELECT hostname, time, row_number() OVER (PARTITION BY hostname ORDER BY time) FROM cpu WHERE time < '2024-01-01 00:10:00+00';
SELECT host, time, row_number() OVER (PARTITION BY host ORDER BY time DESC) FROM metrics;
SELECT ts, row_number() OVER (ORDER BY ts), row_number() OVER (ORDER BY ts DESC) FROM events;
SELECT host, time, usage, lag(usage) OVER (PARTITION BY host ORDER BY time), lead(usage) OVER (PARTITION BY host ORDER BY time) FROM metrics;
SELECT host, time, usage - lag(usage) OVER (PARTITION BY host ORDER BY time) AS delta FROM metrics;
SELECT hostname, time, lead(time) OVER (PARTITION BY hostname ORDER BY time) - time FROM cpu WHERE time >= '2024-01-01 05:55:00+00';
SELECT ts, name, lag(name) OVER (ORDER BY ts), lead(val, 1, -1) OVER (ORDER BY ts) FROM events;
SELECT hostname, time, avg(usage_user) OVER (PARTITION BY hostname ORDER BY time ROWS BETWEEN 5 PRECEDING AND CURRENT ROW) FROM cpu WHERE time < '2024-01-01 01:00:00+00';
SELECT host, time, sum(reqs) OVER (PARTITION BY host ORDER BY time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM metrics;
SELECT host, time, min(usage) OVER (PARTITION BY host ORDER BY time ROWS BETWEEN 3 PRECEDING AND CURRENT ROW), max(usage) OVER (PARTITION BY host ORDER BY time ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM metrics;
SELECT host, time, count(usage) OVER (PARTITION BY host ORDER BY time ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) FROM metrics;
SELECT host, time, sum(reqs) OVER (PARTITION BY host ORDER BY time) FROM metrics;
SELECT hostname, time, sum(usage_user) OVER (PARTITION BY hostname ORDER BY time) FROM cpu WHERE time < '2024-01-01 00:30:00+00';
SELECT host, time, count(*) OVER (PARTITION BY host), avg(usage) OVER (PARTITION BY host) FROM metrics;
SELECT ts, val, sum(val) OVER (), count(*) OVER () FROM events;
SELECT host, time, code, rank() OVER (PARTITION BY host ORDER BY code), dense_rank() OVER (PARTITION BY host ORDER BY code) FROM metrics;
SELECT host, time, usage FROM (SELECT host, time, usage, row_number() OVER (PARTITION BY host ORDER BY time DESC) AS rn FROM metrics) s WHERE rn = 1;
SELECT hostname, time, usage_user FROM (SELECT hostname, time, usage_user, row_number() OVER (PARTITION BY hostname ORDER BY usage_user DESC, time) AS rn FROM cpu) s WHERE rn <= 3;
SELECT host, sum(reqs), rank() OVER (ORDER BY sum(reqs) DESC NULLS LAST) FROM metrics GROUP BY host;
SELECT time_bucket('1 hour', time) AS b, hostname, avg(usage_user), avg(avg(usage_user)) OVER (PARTITION BY hostname ORDER BY time_bucket('1 hour', time) ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM cpu GROUP BY 1, 2;
SELECT host, time, avg(usage) OVER (PARTITION BY host ORDER BY time ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM metrics;
-- ordered
SELECT ts, val, sum(val) OVER (ORDER BY ts ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) FROM events ORDER BY ts LIMIT 30;

-- Named windows: OVER w, OVER (w ORDER BY ...) and a WINDOW that builds on another.
SELECT hostname, time, first_value(usage_user) OVER w, last_value(usage_user) OVER w FROM cpu WHERE time < '2024-01-01 00:05:00+00' WINDOW w AS (PARTITION BY hostname ORDER BY time ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);
SELECT host, time, lag(usage, 2) OVER w, lead(reqs, 3) OVER w, lag(code, 1, 0) OVER w FROM metrics WINDOW w AS (PARTITION BY host ORDER BY time);
SELECT hostname, time, row_number() OVER (p ORDER BY time DESC), sum(usage_user) OVER (p ORDER BY time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM cpu WHERE time < '2024-01-01 00:10:00+00' WINDOW p AS (PARTITION BY hostname);
SELECT hostname, time, avg(usage_user) OVER m, count(*) OVER o FROM cpu WHERE time < '2024-01-01 00:03:00+00' WINDOW o AS (PARTITION BY hostname ORDER BY time), m AS (o ROWS BETWEEN 3 PRECEDING AND CURRENT ROW);
-- error: 42704
SELECT row_number() OVER nosuch FROM cpu;
-- error: 42P20
SELECT row_number() OVER (w ORDER BY time) FROM cpu WINDOW w AS (PARTITION BY hostname ORDER BY usage_user);
-- error: 42P20
SELECT sum(usage_user) OVER (w) FROM cpu WINDOW w AS (ORDER BY time ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);
-- error: 42P20
SELECT count(*) OVER w FROM cpu WINDOW w AS (PARTITION BY hostname), w AS (ORDER BY time);
