-- Statements that change a scratch table (CREATE, INSERT ... VALUES, INSERT ... SELECT, DELETE),
-- each followed by a query that shows its effect. Runs after the read-only files.
CREATE TABLE scratch (time timestamptz NOT NULL, host text, usage double precision, n bigint);
INSERT INTO scratch SELECT time, host, usage, reqs FROM metrics WHERE host IN ('host_1', 'host_2') AND time < '2024-01-02';
SELECT * FROM scratch;
SELECT host, count(*), sum(n), avg(usage) FROM scratch GROUP BY host;
INSERT INTO scratch (time, host, usage) VALUES ('2024-01-01 00:00:00+00', 'new', 1.5), ('2023-12-31 23:59:59+00', NULL, NULL);
SELECT * FROM scratch WHERE host = 'new' OR host IS NULL;
INSERT INTO scratch SELECT time_bucket('1 hour', time), hostname, avg(usage_user), count(*) FROM cpu WHERE hostname = 'host_4' GROUP BY 1, 2;
SELECT host, count(*), min(time), max(time), sum(n) FROM scratch GROUP BY host;
DELETE FROM scratch WHERE time < '2024-01-01 06:00:00+00';
SELECT count(*), min(time) FROM scratch;
DELETE FROM scratch WHERE host = 'host_1' AND usage > 50;
SELECT host, count(*) FROM scratch GROUP BY host;
DELETE FROM scratch WHERE usage IS NULL;
SELECT * FROM scratch;
INSERT INTO scratch SELECT time + interval '1 day', host, usage * 2, n FROM scratch WHERE host = 'host_2';
SELECT date_trunc('day', time), host, count(*), max(usage) FROM scratch GROUP BY 1, 2;
DELETE FROM scratch;
SELECT count(*) FROM scratch;
DROP TABLE scratch;
-- error: 42P01
SELECT * FROM scratch;
