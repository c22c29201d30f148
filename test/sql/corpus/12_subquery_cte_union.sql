-- Subqueries in FROM, WITH (CTEs), UNION ALL / UNION, scalar subqueries, IN/EXISTS subqueries.
SELECT * FROM (SELECT host, usage FROM metrics WHERE usage > 90) s;
SELECT s.host, s.n FROM (SELECT host, count(*) AS n FROM metrics GROUP BY host) s WHERE s.n > 290;
SELECT avg(n), max(n), min(n) FROM (SELECT host, count(*) AS n FROM metrics GROUP BY host) s;
SELECT max(b), min(b), count(*) FROM (SELECT time_bucket('1 hour', time) AS b FROM cpu) t;
SELECT h, u * 2 FROM (SELECT hostname AS h, usage_user AS u FROM cpu WHERE time = '2024-01-01 04:00:00+00') x;
SELECT region, avg(m) FROM (SELECT region, host, max(usage) AS m FROM metrics GROUP BY region, host) s GROUP BY region;
SELECT count(*) FROM (SELECT * FROM (SELECT host, code FROM metrics WHERE code >= 400) a WHERE host IS NOT NULL) b;
WITH busy AS (SELECT host, time, usage FROM metrics WHERE usage > 95) SELECT host, count(*) FROM busy GROUP BY host;
WITH a AS (SELECT host, usage FROM metrics WHERE host IN ('host_1', 'host_2')), b AS (SELECT host, max(usage) AS m FROM a GROUP BY host) SELECT * FROM b;
WITH hourly AS (SELECT time_bucket('1 hour', time) AS h, hostname, avg(usage_user) AS u FROM cpu GROUP BY 1, 2) SELECT hostname, max(u), min(u), count(*) FROM hourly GROUP BY hostname;
WITH s AS (SELECT host, avg(usage) AS a FROM metrics GROUP BY host) SELECT s1.host, s1.a FROM s s1 WHERE s1.a > (SELECT avg(a) FROM s);
WITH t AS (SELECT ts, val FROM events WHERE val > 0) SELECT count(*), sum(val) FROM t;
-- ordered
WITH last_points AS (SELECT DISTINCT ON (hostname) hostname, time, usage_user FROM cpu ORDER BY hostname, time DESC) SELECT * FROM last_points ORDER BY usage_user DESC, hostname;
SELECT host, usage FROM metrics WHERE usage > (SELECT avg(usage) FROM metrics);
SELECT (SELECT max(time) FROM cpu), (SELECT count(*) FROM events), (SELECT min(host) FROM metrics);
SELECT hostname, usage_user - (SELECT avg(usage_user) FROM cpu) FROM cpu WHERE time = '2024-01-01 05:00:00+00';
SELECT host, (SELECT count(*) FROM events) AS n FROM metrics GROUP BY host;
SELECT (SELECT max(usage) FROM metrics WHERE host = 'host_9') - (SELECT min(usage) FROM metrics WHERE host = 'host_9');
SELECT (SELECT usage FROM metrics WHERE host = 'nope');
SELECT count(*) FROM metrics WHERE host IN (SELECT hostname FROM cpu);
SELECT count(*) FROM metrics WHERE host NOT IN (SELECT hostname FROM cpu WHERE hostname IS NOT NULL);
SELECT host FROM metrics WHERE code = 500 UNION ALL SELECT hostname FROM cpu WHERE time = '2024-01-01 00:00:00+00';
SELECT 'metrics' AS t, count(*) FROM metrics UNION ALL SELECT 'cpu', count(*) FROM cpu UNION ALL SELECT 'events', count(*) FROM events;
SELECT time, usage FROM metrics WHERE host = 'host_1' UNION ALL SELECT time, usage_user FROM cpu WHERE hostname = 'host_1' AND time < '2024-01-01 00:05:00+00';
SELECT code FROM metrics WHERE host = 'host_1' UNION SELECT val FROM events;
SELECT host FROM metrics UNION SELECT hostname FROM cpu;
-- ordered
SELECT ts AS t, val AS v FROM events WHERE val > 900 UNION ALL SELECT ts, -val FROM events WHERE val < -900 ORDER BY 1, 2;
-- ordered
(SELECT hostname, time FROM cpu WHERE hostname = 'host_0' ORDER BY time LIMIT 3) UNION ALL (SELECT hostname, time FROM cpu WHERE hostname = 'host_1' ORDER BY time DESC LIMIT 3) ORDER BY hostname, time;
SELECT count(*) FROM (SELECT host FROM metrics UNION ALL SELECT hostname FROM cpu) u;
SELECT x, count(*) FROM (SELECT code / 100 AS x FROM metrics UNION ALL SELECT val / 100 FROM events) u GROUP BY x;
WITH u AS (SELECT time, usage AS v FROM metrics WHERE host = 'host_3' UNION ALL SELECT time, usage_user FROM cpu WHERE hostname = 'host_3') SELECT time_bucket('1 day', time), count(*), avg(v) FROM u GROUP BY 1;

SELECT name FROM events e WHERE EXISTS (SELECT 1 FROM metrics m WHERE m.code = e.val);
SELECT DISTINCT m.host, (SELECT max(m2.usage) FROM metrics m2 WHERE m2.host = m.host) FROM metrics m;
