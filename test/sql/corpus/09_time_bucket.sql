-- time_bucket (TimescaleDB: sub-month buckets counted from 2000-01-03 00:00:00 UTC, months from
-- 2000-01-01, or from an explicit origin) and date_bin.
SELECT time_bucket('5 minutes', time) AS bucket, count(*) FROM metrics GROUP BY bucket;
SELECT time_bucket('1 hour', time) AS bucket, host, avg(usage), max(usage) FROM metrics GROUP BY 1, 2;
SELECT time_bucket('1 day', time), count(*), sum(reqs) FROM metrics GROUP BY 1;
SELECT time_bucket('1 week', time), count(*) FROM metrics GROUP BY 1;
SELECT time_bucket('1 month', time), count(*) FROM metrics GROUP BY 1;
SELECT time_bucket('3 months', time), time_bucket('1 year', time) FROM cpu WHERE hostname = 'host_0' AND time < '2024-01-01 00:01:00+00';
SELECT time_bucket('90 seconds', time), count(*) FROM metrics GROUP BY 1;
SELECT time_bucket('2 hours 30 minutes', time), count(*) FROM metrics GROUP BY 1;
SELECT time_bucket('7 minutes', time), time_bucket('13 seconds', time) FROM cpu WHERE hostname = 'host_1';
SELECT time_bucket('15 minutes', time, '2024-01-01 00:05:00+00'::timestamptz) AS b, count(*) FROM metrics GROUP BY b;
SELECT time_bucket('1 day', time, timestamptz '2024-01-01 06:00:00+00') AS b, count(*), avg(usage) FROM metrics GROUP BY b;
SELECT time_bucket('1 hour', time, timestamptz '2030-01-01 00:30:00+00'), count(*) FROM cpu GROUP BY 1;
SELECT time_bucket('1 hour', ts), count(*) FROM events GROUP BY 1;
SELECT time_bucket('1 hour', ts, timestamp '2024-01-01 00:30:00'), count(*), sum(val) FROM events GROUP BY 1;
SELECT time_bucket('7 days', day), count(*) FROM metrics GROUP BY 1;
SELECT time_bucket('10 seconds', time) = time FROM cpu;
SELECT time_bucket('1 minute', time) AS minute, hostname, max(usage_user) FROM cpu WHERE time >= '2024-01-01 01:00:00+00' AND time < '2024-01-01 02:00:00+00' GROUP BY 1, 2;
-- ordered
SELECT time_bucket('1 hour', time) AS hour, avg(usage_user) FROM cpu GROUP BY hour ORDER BY hour;
-- ordered
SELECT time_bucket('1 hour', time) AS hour, hostname, avg(usage_user) FROM cpu GROUP BY hour, hostname ORDER BY hour DESC, hostname LIMIT 10;
-- ordered
SELECT time_bucket('6 hours', time) AS b, count(*), count(DISTINCT host) FROM metrics GROUP BY b ORDER BY b;
SELECT date_bin('15 minutes', time, '2024-01-01'), count(*) FROM metrics GROUP BY 1;
SELECT date_bin('1 hour', time, '2000-01-01 00:30:00+00') AS b, hostname, min(usage_idle) FROM cpu GROUP BY 1, 2;
SELECT date_bin('20 minutes', ts, '2024-01-01 00:00:00'), count(*) FROM events GROUP BY 1;
SELECT time_bucket('1 hour', time) = date_bin('1 hour', time, '2000-01-03'), time_bucket('1 day', time) = date_trunc('day', time) FROM metrics;
SELECT time_bucket(100, code), count(*) FROM metrics GROUP BY 1;
SELECT time_bucket(7, val), count(*) FROM events GROUP BY 1;
SELECT time_bucket('1 hour', time) AS b, first(usage_user, time), last(usage_user, time) FROM cpu WHERE hostname = 'host_2' GROUP BY 1;
SELECT time_bucket('1 hour', time) AS b, hostname, first(usage_user, time) AS open, max(usage_user) AS high, min(usage_user) AS low, last(usage_user, time) AS close FROM cpu GROUP BY 1, 2;
SELECT time_bucket('30 minutes', time) + interval '15 minutes' AS mid, count(*) FROM cpu GROUP BY 1;
SELECT time_bucket('4 hours', time) AS b, region, count(*) FROM metrics GROUP BY b, region HAVING count(*) > 20;
SELECT max(time_bucket('1 hour', time)), min(time_bucket('1 hour', time)) FROM metrics;
SELECT count(DISTINCT time_bucket('10 minutes', time)) FROM metrics;
