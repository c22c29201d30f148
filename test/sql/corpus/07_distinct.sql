-- DISTINCT and DISTINCT ON (the last point per series).
SELECT DISTINCT host FROM metrics;
SELECT DISTINCT host, region FROM metrics;
SELECT DISTINCT region FROM metrics;
SELECT DISTINCT code FROM metrics;
SELECT DISTINCT ok FROM metrics;
SELECT DISTINCT day FROM metrics;
SELECT DISTINCT date_trunc('day', time) FROM metrics;
SELECT DISTINCT code / 100 FROM metrics;
SELECT DISTINCT hostname FROM cpu;
SELECT DISTINCT name FROM events;
SELECT DISTINCT lower(name) FROM events;
SELECT DISTINCT host, ok FROM metrics WHERE ok IS NOT NULL;
SELECT DISTINCT usage > 50 FROM metrics;
SELECT DISTINCT * FROM (SELECT host, region FROM metrics) s;
SELECT DISTINCT time FROM cpu WHERE time < '2024-01-01 00:05:00+00';
SELECT count(*) FROM (SELECT DISTINCT host, code FROM metrics) s;
SELECT count(DISTINCT host), count(*) FROM (SELECT DISTINCT host, region FROM metrics) s;
-- ordered
SELECT DISTINCT ON (host) host, time, usage FROM metrics ORDER BY host, time DESC;
-- ordered
SELECT DISTINCT ON (hostname) hostname, time, usage_user FROM cpu ORDER BY hostname, time DESC;
-- ordered
SELECT DISTINCT ON (hostname) hostname, time, usage_user FROM cpu WHERE time < '2024-01-01 03:00:00+00' ORDER BY hostname, time DESC;
-- ordered
SELECT DISTINCT ON (host) host, time, reqs FROM metrics WHERE reqs IS NOT NULL ORDER BY host, time;
-- ordered
SELECT DISTINCT ON (region) region, host, time FROM metrics ORDER BY region, time DESC, host;
-- ordered
SELECT DISTINCT ON (host, code) host, code, time FROM metrics ORDER BY host, code, time DESC;
-- ordered
SELECT DISTINCT ON (date_trunc('day', time)) date_trunc('day', time), host, usage FROM metrics WHERE usage IS NOT NULL ORDER BY date_trunc('day', time), usage DESC, host, time;
-- ordered
SELECT DISTINCT ON (name) name, ts, val FROM events ORDER BY name, ts DESC;
SELECT DISTINCT ON (host) host, time FROM metrics ORDER BY host, time DESC;
