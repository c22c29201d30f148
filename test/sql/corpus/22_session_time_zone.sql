-- The session's TimeZone, as PostgreSQL uses it: timestamptz values print in it, literals
-- without a zone are read in it, and date_trunc, extract, ::date and ::timestamp of a timestamptz
-- read its wall clock (time_bucket and date_bin stay on absolute time, as in TimescaleDB). Every
-- statement here runs in both engines, SET included; the file ends back in UTC.
SET TimeZone = 'America/New_York';
-- ordered
SELECT time, usage FROM metrics WHERE host = 'host_1' AND time < '2024-01-01 12:00' ORDER BY time;
SELECT count(*) FROM metrics WHERE time >= '2024-01-02' AND time < '2024-01-03';
SELECT count(*) FROM metrics WHERE time BETWEEN '2024-01-01 19:00' AND '2024-01-02 07:00:00';
SELECT count(*), min(time), max(time) FROM metrics WHERE time >= date '2024-01-02';
SELECT count(*) FROM cpu WHERE time < timestamp '2023-12-31 19:30';
SELECT date_trunc('day', time) AS d, count(*), avg(usage) FROM metrics GROUP BY 1;
SELECT date_trunc('hour', time), max(usage_user), count(*) FROM cpu WHERE hostname = 'host_2' GROUP BY 1;
SELECT date_trunc('week', time), date_trunc('month', time), count(*) FROM metrics GROUP BY 1, 2;
SELECT date_trunc('minute', time) AS m, avg(usage_user) FROM cpu WHERE hostname = 'host_0' AND time < '2023-12-31 19:20' GROUP BY 1;
SELECT date_trunc('day', time, 'UTC') AS d, count(*) FROM metrics GROUP BY 1;
SELECT time::date AS d, count(*), sum(reqs) FROM metrics GROUP BY 1;
SELECT time::date = day, day::timestamptz, time::timestamp FROM metrics WHERE host = 'host_5';
SELECT extract(hour FROM time) AS h, count(*) FROM cpu GROUP BY 1;
SELECT extract(dow FROM time), extract(day FROM time), extract(epoch FROM time), extract(timezone_hour FROM time) FROM metrics WHERE host = 'host_3';
SELECT date_part('hour', time), date_part('doy', time), count(*) FROM metrics GROUP BY 1, 2;
SELECT ts::timestamptz, ts AT TIME ZONE 'UTC', ts AT TIME ZONE 'Asia/Tokyo' FROM events;
SELECT count(*) FROM events WHERE ts::timestamptz < '2024-01-02';
SELECT time_bucket('1 day', time) AS b, count(*) FROM metrics GROUP BY 1;
SELECT time_bucket('6 hours', time, '2024-01-01 00:00') AS b, count(*) FROM metrics GROUP BY 1;
SELECT date_bin('1 day', time, timestamptz '2024-01-01') AS b, count(*) FROM metrics GROUP BY 1;
SELECT time::text, time::date::text FROM cpu WHERE hostname = 'host_1' AND time < '2023-12-31 19:01';
-- Daylight saving: a skipped local time takes the offset before the change, a repeated one the
-- offset after it; units of a day or more find the offset of their result.
SELECT timestamptz '2024-03-10 02:30', timestamptz '2024-11-03 01:30', (timestamp '2024-03-10 02:30')::timestamptz, (timestamp '2024-11-03 01:30')::timestamptz;
SELECT date_trunc('day', timestamptz '2024-03-10 12:00+00'), date_trunc('hour', timestamptz '2024-11-03 05:30+00'), date_trunc('hour', timestamptz '2024-11-03 06:30+00'), date_trunc('month', timestamptz '2024-03-31 12:00+00');
SELECT date_trunc('day', timestamptz '2018-11-04 12:00+00', 'America/Sao_Paulo'), date_trunc('day', timestamptz '2024-03-31 12:00+00', 'Europe/Berlin');
SELECT timestamptz '2024-03-10 12:00+00' - timestamptz '2024-03-09 12:00', (timestamptz '2024-11-03 12:00+00')::date, (date '2024-11-03')::timestamptz;
SELECT extract(hour FROM timestamptz '2024-07-01 12:00+00'), extract(timezone FROM timestamptz '2024-07-01 12:00+00'), extract(timezone FROM timestamptz '2024-01-01 12:00+00');
SELECT to_char(time, 'YYYY-MM-DD HH24:MI OF'), to_char(time::timestamp, 'HH24:MI') FROM cpu WHERE hostname = 'host_3' AND time < '2023-12-31 19:02';
SET TimeZone = 'Asia/Kolkata';
SELECT date_trunc('hour', time) AS h, count(*) FROM cpu WHERE hostname = 'host_4' GROUP BY 1;
SELECT date_trunc('day', time) AS d, time::date, count(*) FROM metrics GROUP BY 1, 2;
SELECT count(*) FROM metrics WHERE time < '2024-01-02 05:30';
SET TimeZone = '+02';
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '2024-01-01 00:00', date_trunc('day', timestamptz '2024-01-01 23:00+00');
SET TimeZone = 'UTC+3';
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '2024-01-01 00:00', timestamptz '2024-01-01 00:00+00' AT TIME ZONE '+03';
SET TimeZone = 'europe/berlin';
SELECT date_trunc('day', time) AS d, count(*) FROM metrics GROUP BY 1;
-- error: 22023
SET TimeZone = 'Nowhere/City';
-- error: 22023
SELECT timestamptz '2024-01-01 00:00' AT TIME ZONE 'Nowhere/City';
-- error: 22023
SELECT date_trunc('day', time, 'Mars/Olympus') FROM metrics;
SET TimeZone = 'UTC';
SELECT date_trunc('day', time) AS d, count(*) FROM metrics GROUP BY 1;
