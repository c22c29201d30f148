-- Joins: INNER, LEFT, RIGHT, FULL, CROSS, comma lists with WHERE, USING and NATURAL, equality
-- keys (hash joins) and other conditions (nested loops); NULL keys never match, duplicate keys
-- multiply. Then correlated subqueries (scalar, EXISTS, IN, NOT IN) and a few error cases.
SELECT m.host, m.time, m.usage, c.usage_user FROM metrics m JOIN cpu c ON c.hostname = m.host AND c.time = m.time;
SELECT m.host, c.usage_user FROM metrics m, cpu c WHERE m.host = c.hostname AND m.time = c.time AND m.code = 500;
SELECT m.host, c.usage_user FROM metrics m INNER JOIN cpu c ON m.time = c.time WHERE m.host = c.hostname AND c.usage_user > 40;
SELECT e.name, count(*) FROM events e JOIN metrics m ON m.code = e.val GROUP BY e.name;
SELECT a.code, count(*) FROM (SELECT code FROM metrics WHERE host = 'host_1') a JOIN (SELECT code FROM metrics WHERE host = 'host_2') b ON a.code = b.code GROUP BY a.code;
SELECT count(*) FROM metrics a JOIN events e ON a.reqs = e.val;
SELECT count(*), count(e.val) FROM metrics a LEFT JOIN events e ON a.code = e.val;
SELECT h.host, count(c.time) FROM (SELECT DISTINCT host FROM metrics) h LEFT JOIN cpu c ON c.hostname = h.host AND c.time < '2024-01-01 00:10:00+00' GROUP BY h.host;
SELECT h.host FROM (SELECT DISTINCT host FROM metrics) h LEFT JOIN (SELECT DISTINCT hostname FROM cpu) c ON c.hostname = h.host WHERE c.hostname IS NULL;
SELECT h.host, c.hostname FROM (SELECT DISTINCT host FROM metrics) h LEFT OUTER JOIN (SELECT DISTINCT hostname FROM cpu) c ON c.hostname = h.host;
SELECT c.hostname, m.n FROM (SELECT host, count(*) AS n FROM metrics WHERE code = 500 GROUP BY host) m RIGHT JOIN (SELECT DISTINCT hostname FROM cpu) c ON m.host = c.hostname;
SELECT a.host, b.host, a.n, b.n FROM (SELECT host, count(*) AS n FROM metrics WHERE code = 404 GROUP BY host) a FULL JOIN (SELECT host, count(*) AS n FROM metrics WHERE code = 503 GROUP BY host) b ON a.host = b.host;
SELECT a.region, b.region, a.n, b.n FROM (SELECT region, count(*) AS n FROM metrics WHERE ok GROUP BY region) a FULL OUTER JOIN (SELECT region, count(*) AS n FROM metrics WHERE NOT ok AND region <> 'us-east' GROUP BY region) b ON a.region = b.region;
SELECT host, a.n, b.n FROM (SELECT host, count(*) AS n FROM metrics WHERE code = 404 GROUP BY host) a FULL JOIN (SELECT host, count(*) AS n FROM metrics WHERE region = 'us-west' GROUP BY host) b USING (host);
SELECT * FROM (SELECT host, max(usage) AS mx FROM metrics GROUP BY host) a JOIN (SELECT host, min(usage) AS mn FROM metrics GROUP BY host) b USING (host);
SELECT * FROM (SELECT host, code, count(*) AS n FROM metrics GROUP BY host, code) a NATURAL JOIN (SELECT host, code, max(usage) AS m FROM metrics GROUP BY host, code) b;
SELECT host, a.host, b.host FROM (SELECT DISTINCT host FROM metrics WHERE code = 200) a LEFT JOIN (SELECT DISTINCT host FROM metrics WHERE code = 301) b USING (host);
SELECT e.name, h.hostname FROM (SELECT DISTINCT name FROM events) e CROSS JOIN (SELECT DISTINCT hostname FROM cpu) h;
SELECT count(*) FROM events a, events b;
SELECT a.name, b.name FROM events a JOIN events b ON b.ts > a.ts AND b.ts < a.ts + interval '5 minutes';
SELECT a.ts, b.ts FROM events a LEFT JOIN events b ON b.val > a.val + 1990;
SELECT a.ts, b.ts FROM events a FULL JOIN events b ON a.val = b.val AND a.ts < b.ts;
SELECT a.*, b.usage FROM metrics a JOIN metrics b ON a.host = b.host AND a.time = b.time - interval '10 seconds' WHERE a.code = 500;
SELECT m.host, c.usage_user, e.name FROM metrics m JOIN cpu c ON c.hostname = m.host AND c.time = m.time LEFT JOIN events e ON e.val = m.code;
SELECT x.host, y.host, z.n FROM (SELECT DISTINCT host FROM metrics) x JOIN (SELECT DISTINCT host FROM metrics) y ON x.host < y.host JOIN (SELECT host, count(*) AS n FROM metrics GROUP BY host) z ON z.host = y.host WHERE x.host = 'host_1';
SELECT g.b, count(m.time) FROM generate_series(timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 05:00:00+00', interval '1 hour') AS g(b) LEFT JOIN metrics m ON m.time >= g.b AND m.time < g.b + interval '1 hour' AND m.host = 'host_3' GROUP BY g.b;
SELECT v, e.name FROM generate_series(-1000, 1000, 250) AS v JOIN events e ON e.val = v;
SELECT s.region, s.n, t.total FROM (SELECT region, count(*) AS n FROM metrics GROUP BY region) s, (SELECT count(*) AS total FROM metrics) t;
-- ordered
SELECT c.hostname, count(*), round(avg(m.usage)::numeric, 2) FROM cpu c JOIN metrics m ON m.host = c.hostname AND m.time = c.time GROUP BY c.hostname ORDER BY c.hostname;
-- ordered
SELECT a.ts, a.name, b.name FROM events a JOIN events b ON b.ts = a.ts + interval '1 minute' ORDER BY a.ts LIMIT 20;
SELECT host, (SELECT count(*) FROM events e WHERE e.val = m.code) FROM metrics m WHERE m.time < '2024-01-01 01:00:00+00';
SELECT name, val FROM events e WHERE EXISTS (SELECT 1 FROM metrics m WHERE m.code = e.val);
SELECT name, val FROM events e WHERE NOT EXISTS (SELECT 1 FROM events f WHERE f.val = e.val AND f.ts <> e.ts);
SELECT h.host, (SELECT max(usage) FROM metrics m WHERE m.host = h.host) FROM (SELECT DISTINCT host FROM metrics) h;
SELECT e.name, e.val FROM events e WHERE e.val IN (SELECT m.code FROM metrics m WHERE m.host = 'host_' || (abs(e.val) % 10)::text);
SELECT e.ts FROM events e WHERE e.val NOT IN (SELECT f.val FROM events f WHERE f.ts < e.ts AND f.ts > e.ts - interval '1 hour');
SELECT hostname, max(usage_user) FROM cpu c WHERE usage_user > (SELECT avg(usage_user) FROM cpu d WHERE d.hostname = c.hostname) GROUP BY hostname;
-- error: 42702
SELECT ts FROM events a JOIN events b ON a.val = b.val;
-- error: 42712
SELECT * FROM events, events;
-- error: 42703
SELECT * FROM events a JOIN events b USING (nope);
-- error: 42P01
SELECT * FROM events a JOIN nope b ON true;
-- error: 42P01
SELECT x.val FROM events a JOIN events b ON a.val = b.val;
