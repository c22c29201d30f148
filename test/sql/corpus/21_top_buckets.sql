-- ORDER BY a time bucket [DESC] LIMIT k with the bucket as the only GROUP BY key: OmenDB first
-- aggregates only the last (first) k buckets of the data and widens the window until k groups
-- come back. Sparse data (metrics: instants spread over three days), empty buckets, HAVING and
-- WHERE filters that drop groups (forcing wider windows), OFFSET, LIMIT beyond the buckets,
-- timestamps without a time zone, origins, and a filter nothing passes.
-- ordered
SELECT date_trunc('minute', time) AS m, count(*), max(usage) FROM metrics GROUP BY m ORDER BY m DESC LIMIT 5;
-- ordered
SELECT date_trunc('minute', time) AS m, count(*), min(reqs) FROM metrics GROUP BY m ORDER BY m LIMIT 4 OFFSET 3;
-- ordered
SELECT date_trunc('hour', time) AS h, round(avg(usage)::numeric, 6) AS a FROM metrics GROUP BY h HAVING avg(usage) > 55 ORDER BY h DESC LIMIT 3;
-- ordered
SELECT time_bucket('10 minutes', time) AS b, count(*) FROM metrics WHERE host = 'host_3' GROUP BY b ORDER BY b DESC LIMIT 6;
-- ordered
SELECT time_bucket('10 minutes', time) AS b, count(*), sum(code) FROM metrics WHERE host IS NULL GROUP BY b ORDER BY b LIMIT 6;
-- ordered
SELECT date_trunc('hour', time) AS h, count(*) FROM metrics WHERE time < '2024-01-02 05:17:00+00' GROUP BY 1 ORDER BY 1 DESC LIMIT 2;
-- ordered
SELECT date_trunc('hour', time) AS h, count(*) FROM metrics WHERE time >= '2024-01-01 13:00:00+00' AND time < '2024-01-02 02:00:00+00' GROUP BY 1 ORDER BY 1 LIMIT 3;
-- ordered
SELECT date_trunc('day', time) AS d, count(*) FROM metrics GROUP BY d ORDER BY d DESC LIMIT 10;
-- ordered
SELECT date_trunc('hour', ts) AS h, sum(val) FROM events GROUP BY 1 ORDER BY 1 DESC LIMIT 4;
-- ordered
SELECT date_trunc('minute', ts) AS m, count(*) FROM events WHERE val > 900 GROUP BY 1 ORDER BY 1 LIMIT 5;
-- ordered
SELECT time_bucket('7 minutes', time, '2024-01-01 00:03:00+00') AS b, count(*), max(usage_user) FROM cpu GROUP BY b ORDER BY b DESC LIMIT 3;
-- ordered
SELECT date_trunc('minute', time) AS m, count(*) AS n FROM cpu GROUP BY m ORDER BY m DESC, n DESC LIMIT 3;
-- ordered
SELECT date_trunc('minute', time) AS m, max(usage_user) FROM cpu WHERE usage_user > 88 GROUP BY m ORDER BY m DESC LIMIT 3;
-- ordered
SELECT date_trunc('minute', time) AS m, max(usage_user) FROM cpu WHERE usage_user > 1000 GROUP BY m ORDER BY m DESC LIMIT 3;
-- ordered
SELECT date_trunc('minute', time) AS m, count(*) FROM metrics GROUP BY m ORDER BY m DESC NULLS LAST LIMIT 2;
-- ordered
SELECT date_bin('15 minutes', time, '2000-01-01 00:00:00+00') AS b, min(usage_user) FROM cpu WHERE hostname IN ('host_1', 'host_2') GROUP BY b ORDER BY b DESC LIMIT 4;
-- ordered
SELECT date_trunc('second', time) AS s, count(*) FROM metrics GROUP BY 1 ORDER BY 1 DESC LIMIT 1;
-- ordered
SELECT date_trunc('minute', time) AS m, count(*) FROM metrics GROUP BY m HAVING count(*) > 3 ORDER BY m DESC LIMIT 4;
