-- Errors: both engines must fail with a SQLSTATE starting with the `-- error:` prefix.
-- error: 42601
SELEC 1;
-- error: 42601
SELECT * FROM metrics WHERE;
-- error: 42601
SELECT host, FROM metrics;
-- error: 42601
SELECT 'abc;
-- error: 42601
SELECT (1 + 2;
-- error: 42P01
SELECT * FROM no_such_table;
-- error: 42P01
SELECT count(*) FROM metric;
-- error: 42703
SELECT nope FROM metrics;
-- error: 42703
SELECT host FROM metrics WHERE nope > 1;
-- error: 42703
SELECT host, count(*) FROM metrics GROUP BY hst;
-- error: 42703
SELECT m.nope FROM metrics m;
-- error: 42703
SELECT host, avg(usage) AS a FROM metrics GROUP BY host HAVING a > 1;
-- error: 42883
SELECT host + 1 FROM metrics;
-- error: 42883
SELECT usage FROM metrics WHERE host > 5;
-- error: 42883
SELECT no_such_function(usage) FROM metrics;
-- error: 42883
SELECT lower(123);
-- error: 42883
SELECT sum(host) FROM metrics;
-- error: 42883
SELECT time + 1 FROM cpu;
-- error: 42804
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END;
-- error: 42804
SELECT host FROM metrics WHERE usage;
-- error: 42804
SELECT count(*) FROM metrics WHERE code;
-- error: 42804
SELECT COALESCE(host, 1) FROM metrics;
-- error: 22012
SELECT 1 / 0;
-- error: 22012
SELECT reqs / 0 FROM metrics;
-- error: 22012
SELECT code % 0 FROM metrics;
-- error: 22012
SELECT sum(usage) / 0 FROM metrics;
-- error: 42803
SELECT host, count(*) FROM metrics;
-- error: 42803
SELECT host AS region, count(*) FROM metrics GROUP BY region;
-- error: 42803
SELECT count(*) FROM metrics WHERE count(*) > 1;
-- error: 42803
SELECT host, usage FROM metrics GROUP BY host;
-- error: 22P02
SELECT 'abc'::integer;
-- error: 22P02
SELECT count(*) FROM metrics WHERE code = 'x';
-- error: 22007
SELECT 'not a time'::timestamptz;
-- error: 22007
SELECT count(*) FROM metrics WHERE time > 'yesterday-ish';
-- error: 22003
SELECT 2147483647::integer + 1;
-- error: 22003
SELECT 32767::smallint * 2::smallint;
-- error: 22003
SELECT 9223372036854775807 + reqs FROM metrics;
-- error: 22003
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY usage) FROM metrics;
-- error: 42P10
SELECT host FROM metrics ORDER BY 5;
-- error: 42P10
SELECT host, count(*) FROM metrics GROUP BY 3;
-- error: 42P10
SELECT DISTINCT ON (host) host, time FROM metrics ORDER BY time;
-- error: 42702
SELECT host FROM (SELECT 1 AS host, 2 AS host) s;
-- error: 2201W
SELECT * FROM metrics LIMIT -1;
-- error: 2201X
SELECT * FROM metrics OFFSET -1;
-- error: 2201F
SELECT sqrt(-1);
-- error: 2201E
SELECT ln(0);
-- error: 22023
SELECT date_trunc('fortnight', time) FROM metrics;
-- error: 22023
SELECT time_bucket('0 minutes', time) FROM metrics;
-- error: 21000
SELECT (SELECT host FROM metrics);
-- error: 42P07
CREATE TABLE metrics (time timestamptz NOT NULL);
-- error: 42703
INSERT INTO metrics (nope) VALUES (1);
-- error: 23502
INSERT INTO metrics (host) VALUES ('x');
-- error: 42601
INSERT INTO metrics (time, host) VALUES ('2024-01-01', 'a', 'b');
-- error: 42P01
INSERT INTO no_such_table VALUES (1);
-- error: 42809
SELECT host, row_number() FROM metrics;

-- error: 22008
SELECT '2024-02-30'::date;
-- error: 22008
SELECT timestamptz '2024-01-01 25:00:00+00';
-- error: 22008
SELECT count(*) FROM cpu WHERE time < '2023-02-29 00:00:00+00';
-- error: 22003
SELECT asin(2);
-- error: 22003
SELECT sin('Infinity'::float8);
-- error: 22025
SELECT 'abc' LIKE 'a!' ESCAPE '!';
-- error: 22025
SELECT 'abc' LIKE 'abc' ESCAPE '!!';
-- error: 22008
SELECT make_date(2024, 2, 30);
-- error: 22008
SELECT make_timestamp(2024, 1, 1, 25, 0, 0);
-- error: 22008
SELECT make_date(0, 1, 1);
-- error: 42883
SELECT make_interval(hourz => 2);
-- error: 42601
SELECT make_interval(hours => 2, hours => 3);
-- error: 42883
SELECT make_date(year => 2024, month => 1);
-- error: 42883
SELECT make_date(2024, 1, days => 1);
-- error: 42601
SELECT make_date(year => 2024, 1, 1);
-- error: 42883
SELECT round(x => 1.5);
-- error: 22008
SELECT '25:00'::time;
-- error: 22007
SELECT 'abc'::time;
-- error: 0A000
SELECT extract(day FROM time '10:00');
