-- GROUP BY a time bucket of the time column: aggregated in dense arrays by bucket number when the
-- scanned range holds few enough buckets (EXPLAIN: DenseBucketAggregate), by bucket number in a
-- hash table otherwise. Every bucket form (date_trunc, time_bucket, date_bin, the epoch forms),
-- with and without a tag key, bounded, half-bounded and unbounded ranges, every aggregate with a
-- dense form, NULLs, FILTER, HAVING, ORDER BY/LIMIT, and the shapes that fall back to hashing.
-- ordered
SELECT date_trunc('minute', time) AS m, count(*), sum(usage_user), avg(usage_system), min(usage_idle), max(usage_idle) FROM cpu WHERE time >= '2024-01-01 01:00:00+00' AND time < '2024-01-01 01:30:00+00' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('hour', time) AS h, hostname, count(*), avg(usage_user), max(usage_system) FROM cpu GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT date_trunc('hour', time) AS h, hostname, avg(usage_user) FROM cpu WHERE time < '2024-01-01 03:00:00+00' GROUP BY h, hostname ORDER BY h DESC, hostname LIMIT 7;
-- ordered
SELECT date_trunc('minute', time) AS m, max(usage_user) FROM cpu WHERE time < '2024-01-01 02:09:14+00' GROUP BY m ORDER BY m DESC LIMIT 5;
-- ordered
SELECT date_trunc('minute', time) AS m, max(usage_user) FROM cpu WHERE time > '2024-01-01 04:59:59.5+00' GROUP BY m ORDER BY m LIMIT 3 OFFSET 2;
-- ordered
SELECT time_bucket('15 minutes', time) AS b, hostname, min(usage_user), max(usage_user), first(usage_user, time), last(usage_user, time) FROM cpu WHERE time BETWEEN '2024-01-01 00:07:00+00' AND '2024-01-01 02:07:00+00' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT time_bucket('7 minutes', time, '2024-01-01 00:03:00+00') AS b, count(*), sum(usage_system) FROM cpu WHERE hostname = 'host_3' AND time < '2024-01-01 01:00:00+00' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_bin('10 minutes', time, '2001-01-01 00:02:30+00') AS b, hostname, stddev(usage_user), variance(usage_system), stddev_pop(usage_idle), var_pop(usage_user) FROM cpu WHERE time >= '2024-01-01 02:00:00+00' AND time < '2024-01-01 03:00:00+00' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT time_bucket('1 hour', time) + interval '30 minutes' AS mid, round(avg(usage_user)::numeric, 6) AS a FROM cpu GROUP BY time_bucket('1 hour', time) ORDER BY 1;
-- ordered
SELECT extract(hour FROM date_trunc('hour', time)) AS hr, count(*) FROM cpu GROUP BY date_trunc('hour', time) ORDER BY 1;
-- ordered
SELECT date_trunc('hour', time) AS h, count(*) FILTER (WHERE usage_user > 50) AS busy, sum(usage_user) FILTER (WHERE hostname = 'host_1') AS h1, bool_and(usage_user < 80), bool_or(usage_system > 9) FROM cpu GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('hour', time) AS h, hostname, avg(usage_user) FROM cpu GROUP BY 1, 2 HAVING avg(usage_user) > 40 ORDER BY 3 DESC, 1, 2 LIMIT 4;
-- ordered
SELECT hostname, date_trunc('hour', time) AS h, count(*) FROM cpu WHERE hostname IN ('host_0', 'host_4') GROUP BY hostname, h ORDER BY 2, 1;
-- Empty range: no groups.
SELECT date_trunc('hour', time), count(*), sum(usage_user) FROM cpu WHERE time >= '2030-01-01' GROUP BY 1;
SELECT date_trunc('hour', time), hostname, max(usage_user) FROM cpu WHERE time >= '2024-01-01 03:00:00+00' AND time < '2024-01-01 03:00:00+00' GROUP BY 1, 2;
-- One row: the range is a single instant on a bucket edge.
-- ordered
SELECT date_trunc('minute', time) AS m, hostname, count(*), min(usage_user) FROM cpu WHERE time = '2024-01-01 02:00:00+00' GROUP BY 1, 2 ORDER BY 1, 2;
-- metrics: NULL tags, NULL values, real and bigint and integer and boolean columns, day partitions.
-- ordered
SELECT date_trunc('day', time) AS d, host, count(*), count(usage), sum(usage), avg(temp), min(temp), max(reqs), sum(reqs), avg(code), bool_and(ok), bool_or(ok) FROM metrics GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST;
-- ordered
SELECT date_trunc('hour', time) AS h, region, sum(reqs), count(*) FROM metrics WHERE time >= '2024-01-02' AND time < '2024-01-02 12:00' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT time_bucket('6 hours', time) AS b, host, min(region), max(region), first(usage, time), last(region, time), min(day), max(day) FROM metrics WHERE host IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT floor(extract(epoch FROM time)/3600)*3600 AS t, host, count(*), round(avg(usage)::numeric, 6) FROM metrics WHERE time < '2024-01-01 12:00' GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST;
-- ordered
SELECT floor(extract(epoch FROM time)/300)*300 AS t, max(temp), min(temp), count(*) FROM metrics WHERE time BETWEEN '2024-01-01T06:00:00Z' AND '2024-01-01T08:00:00Z' GROUP BY 1 ORDER BY 1 DESC LIMIT 10;
-- ordered
SELECT 300*floor(extract(epoch FROM time)/300) AS t, count(*) FROM metrics WHERE time < '2024-01-01 01:00' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT (extract(epoch FROM time)::bigint / 300) * 300 AS t, host, count(*), sum(reqs) FROM metrics WHERE time < '2024-01-01 03:00' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT extract(epoch FROM time)::bigint / 60 * 60 AS t, count(*) FROM cpu WHERE hostname = 'host_2' AND time < '2024-01-01 00:20:00+00' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM time)/86400)*86400 AS t, region, count(*), max(usage) FROM metrics GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT to_timestamp(floor(extract(epoch FROM time)/900)*900) AS t, count(*) FROM cpu WHERE time < '2024-01-01 02:00:00+00' GROUP BY floor(extract(epoch FROM time)/900)*900 ORDER BY 1;
-- ordered
SELECT date_trunc('week', time) AS w, date_trunc('second', min(time)) AS first_s, count(*) FROM metrics GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('milliseconds', time) AS ms, count(*) FROM metrics WHERE time >= '2024-01-01 00:00' AND time < '2024-01-01 00:10' GROUP BY 1 ORDER BY 1;
-- events: a timestamp (without time zone) time column, varchar tags with NULLs.
-- ordered
SELECT date_trunc('hour', ts) AS h, name, count(*), sum(val), min(val), max(val) FROM events WHERE ts < '2024-01-01 12:00' GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST;
-- ordered
SELECT time_bucket('90 minutes', ts) AS b, count(*), avg(val) FROM events GROUP BY 1 ORDER BY 1;
-- ordered
SELECT floor(extract(epoch FROM ts)/7200)*7200 AS t, count(*), stddev_samp(val) FROM events GROUP BY 1 ORDER BY 1;
-- Shapes that hash by bucket number: two tags, an integer key, DISTINCT, percentiles, string_agg.
-- ordered
SELECT date_trunc('day', time) AS d, host, region, count(*) FROM metrics GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- ordered
SELECT date_trunc('day', time) AS d, code, count(*) FROM metrics GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT date_trunc('day', time) AS d, count(DISTINCT host), count(DISTINCT region) FROM metrics GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('hour', time) AS h, percentile_cont(0.5) WITHIN GROUP (ORDER BY usage_user) AS p50 FROM cpu WHERE hostname = 'host_1' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('day', time) AS d, count(DISTINCT code), percentile_disc(0.5) WITHIN GROUP (ORDER BY reqs) FROM metrics GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('minute', time) AS m, count(*) FROM metrics GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5;
-- Bucket keys that are not on the time column or not constant-width: plain hashing.
-- ordered
SELECT date_trunc('month', time) AS mo, count(*) FROM metrics GROUP BY 1 ORDER BY 1;
-- ordered
SELECT time_bucket('1 day', day) AS d, count(*) FROM metrics WHERE day IS NOT NULL GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('hour', time + interval '30 minutes') AS h, count(*) FROM cpu GROUP BY 1 ORDER BY 1;
-- A scratch table with timestamps before 1970 and around the epoch, NULL tags, several
-- segments and write buffers.
CREATE TABLE dense_scratch (time timestamptz NOT NULL, tag text, v double precision, n integer);
INSERT INTO dense_scratch VALUES ('1969-12-31 23:54:59.5+00', 'a', 1.5, 1), ('1969-12-31 23:55:00+00', 'b', -2, 2), ('1969-12-31 23:59:59.999999+00', NULL, 3, NULL), ('1970-01-01 00:00:00+00', 'a', NULL, 4), ('1970-01-01 00:04:59.5+00', 'a', 5, 5), ('1970-01-01 00:05:00+00', 'b', 6.25, 6), ('1969-12-31 23:50:00.5+00', 'b', 7, 7), ('1969-07-20 20:17:40+00', 'moon', 8, 8), ('1969-07-20 20:19:59+00', NULL, 9, 9);
INSERT INTO dense_scratch VALUES ('1969-12-31 23:57:30+00', 'c', 10, 10), ('1970-01-01 00:02:30+00', 'c', 11, NULL), ('1970-01-01 00:07:30.25+00', 'a', NULL, 12);
-- ordered
SELECT floor(extract(epoch FROM time)/300)*300 AS t, tag, count(*), sum(v), min(n), max(n) FROM dense_scratch WHERE time >= '1969-12-31 23:00:00+00' GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST;
-- ordered
SELECT (extract(epoch FROM time)::bigint / 300) * 300 AS t, count(*), sum(n) FROM dense_scratch WHERE time >= '1969-12-31 23:00:00+00' GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('minute', time) AS m, tag, avg(v) FROM dense_scratch WHERE time >= '1969-12-31 23:50:00+00' GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT time_bucket('5 minutes', time) AS b, count(*), avg(n) FROM dense_scratch GROUP BY 1 ORDER BY 1;
-- ordered
SELECT date_trunc('day', time) AS d, tag, count(*) FROM dense_scratch GROUP BY 1, 2 ORDER BY 1, 2;
-- ordered
SELECT floor(extract(epoch FROM time)/60)*60 AS t, count(*) FROM dense_scratch GROUP BY 1 ORDER BY 1;
DROP TABLE dense_scratch;
