-- ORDER BY (ASC/DESC, NULLS FIRST/LAST, ordinals, aliases, expressions), LIMIT/OFFSET.
-- (host, time) is unique in metrics, (hostname, time) in cpu, ts in events: total orders.
-- ordered
SELECT host, time, usage FROM metrics ORDER BY host, time;
-- ordered
SELECT host, time, usage FROM metrics ORDER BY host DESC, time DESC;
-- ordered
SELECT host, time FROM metrics ORDER BY host NULLS FIRST, time LIMIT 50;
-- ordered
SELECT host, time FROM metrics ORDER BY host DESC NULLS LAST, time ASC LIMIT 20 OFFSET 100;
-- ordered
SELECT host, time FROM metrics ORDER BY host ASC NULLS LAST, time DESC LIMIT 10 OFFSET 2995;
-- ordered
SELECT * FROM cpu ORDER BY time DESC, hostname LIMIT 10;
-- ordered
SELECT * FROM cpu ORDER BY time, hostname LIMIT 10 OFFSET 10795;
-- ordered
SELECT * FROM cpu ORDER BY time LIMIT 0;
-- ordered
SELECT hostname, time, usage_user FROM cpu WHERE hostname = 'host_3' ORDER BY usage_user DESC, time LIMIT 5;
-- ordered
SELECT hostname, time, usage_user FROM cpu WHERE hostname = 'host_1' ORDER BY time DESC LIMIT 1;
-- ordered
SELECT time, hostname FROM cpu WHERE time >= '2024-01-01 04:00:00+00' ORDER BY time, hostname LIMIT 12;
-- ordered
SELECT usage, host, time FROM metrics ORDER BY usage NULLS FIRST, host, time LIMIT 30;
-- ordered
SELECT usage, host, time FROM metrics ORDER BY usage DESC, host DESC, time DESC LIMIT 30;
-- ordered
SELECT host, count(*) FROM metrics GROUP BY host ORDER BY count(*) DESC, host;
-- ordered
SELECT host, avg(usage) AS a FROM metrics GROUP BY host ORDER BY a DESC NULLS LAST, host;
-- ordered
SELECT host, max(usage) FROM metrics GROUP BY host ORDER BY 2 DESC, 1;
-- ordered
SELECT ts, name, val FROM events ORDER BY ts LIMIT 25;
-- ordered
SELECT ts, name FROM events ORDER BY name NULLS FIRST, ts DESC;
-- ordered
SELECT ts, name, val FROM events ORDER BY val DESC NULLS FIRST, ts LIMIT 40;
-- ordered
SELECT host, time FROM metrics WHERE host IS NOT NULL ORDER BY usage * -1 NULLS LAST, time, host LIMIT 40;
-- ordered
SELECT time, hostname FROM cpu ORDER BY extract(epoch FROM time) DESC, hostname LIMIT 7;
-- ordered
SELECT ts, val FROM events ORDER BY ts OFFSET 230;
-- ordered
SELECT ts FROM events ORDER BY ts FETCH FIRST 5 ROWS ONLY;
-- ordered
SELECT ts FROM events ORDER BY ts DESC LIMIT ALL;
-- ordered
SELECT ts FROM events ORDER BY ts LIMIT 2 + 3 OFFSET 1;
-- ordered
SELECT DISTINCT name FROM events ORDER BY name;
-- ordered
SELECT code, count(*) FROM metrics GROUP BY code ORDER BY code NULLS FIRST;
-- ordered
SELECT ok, count(*) FROM metrics GROUP BY ok ORDER BY ok DESC;
-- ordered
SELECT ok, count(*) FROM metrics GROUP BY ok ORDER BY ok;
-- ordered
SELECT day, count(*) FROM metrics GROUP BY day ORDER BY day DESC NULLS LAST;
-- ordered
SELECT temp, time, host FROM metrics WHERE temp IS NOT NULL ORDER BY temp, time, host LIMIT 15;
-- ordered
SELECT host, time FROM metrics ORDER BY 1, 2 LIMIT 10;
-- ordered
SELECT host AS h, time AS t FROM metrics ORDER BY h DESC, t LIMIT 10;
-- ordered
SELECT region, host, time FROM metrics ORDER BY region NULLS FIRST, host NULLS FIRST, time LIMIT 25;
-- ordered
SELECT hostname, time FROM (SELECT hostname, time FROM cpu ORDER BY time DESC, hostname LIMIT 20) s ORDER BY hostname, time;
-- ordered
SELECT lower(name) AS n, ts FROM events ORDER BY n, ts LIMIT 20;
-- ordered
SELECT date_trunc('hour', time) AS h, count(*) FROM metrics GROUP BY h ORDER BY h DESC LIMIT 5;
-- ordered
SELECT reqs, host, time FROM metrics WHERE reqs IS NOT NULL ORDER BY reqs DESC, host, time LIMIT 10;
