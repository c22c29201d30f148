-- date_trunc (with and without a zone), extract/date_part, to_timestamp, timestamp and interval
-- literals with zones, interval arithmetic, AT TIME ZONE, now() used deterministically.
SELECT date_trunc('minute', time), date_trunc('hour', time), date_trunc('day', time) FROM metrics;
SELECT date_trunc('second', time), date_trunc('week', time), date_trunc('month', time), date_trunc('quarter', time), date_trunc('year', time) FROM metrics;
SELECT date_trunc('milliseconds', time), date_trunc('microseconds', time) FROM metrics WHERE time <> date_trunc('second', time);
SELECT date_trunc('hour', ts), date_trunc('day', ts), date_trunc('minute', ts) FROM events;
SELECT date_trunc('month', day), date_trunc('week', day) FROM metrics;
SELECT extract(epoch FROM time), extract(hour FROM time), extract(minute FROM time), extract(dow FROM time), extract(doy FROM time) FROM metrics;
SELECT extract(year FROM time), extract(month FROM time), extract(day FROM time), extract(second FROM time), extract(milliseconds FROM time), extract(microseconds FROM time) FROM metrics;
SELECT date_part('epoch', time), date_part('hour', time), date_part('dow', time), date_part('minute', time) FROM metrics;
SELECT extract(epoch FROM ts), extract(hour FROM ts), date_part('day', ts) FROM events;
SELECT extract(dow FROM day), extract(epoch FROM day), extract(year FROM day) FROM metrics;
SELECT extract(epoch FROM interval '1 day 2 hours'), extract(hour FROM interval '90 minutes'), extract(epoch FROM time - '2024-01-01 00:00:00+00') FROM cpu WHERE hostname = 'host_1';
SELECT to_timestamp(1704067200), to_timestamp(1704067200.5), to_timestamp(0), to_timestamp(1704067200) AT TIME ZONE 'UTC';
SELECT to_timestamp(extract(epoch FROM time)) = time, to_timestamp(extract(epoch FROM time)::bigint) FROM cpu WHERE hostname = 'host_2';
SELECT time + interval '1 hour', time - interval '30 minutes', time + interval '1 day 2 hours' FROM cpu WHERE hostname = 'host_0';
SELECT time - interval '1 month', time + interval '1 year', time + interval '2 weeks', time - interval '1.5 seconds' FROM metrics;
SELECT time - '2024-01-01 00:00:00+00'::timestamptz, '2024-01-04'::timestamptz - time FROM metrics;
SELECT ts - interval '90 minutes', ts + interval '1 week', ts - timestamp '2024-01-01' FROM events;
SELECT interval '1 hour' * 3, interval '90 minutes', interval '1 day' - interval '1 hour', interval '2 hours 30 minutes' / 2, interval '1 hour' * 2.5;
SELECT interval '1 day', interval '36 hours', interval '1 month 3 days', interval '-5 minutes', interval '0.5 seconds', interval 'PT1H30M';
SELECT timestamptz '2024-01-01 10:00:00.123456+00', timestamptz '2024-01-01 10:00:00.5-03', timestamp '2024-02-29 23:59:59.999999', date '2024-02-29';
SELECT now() > '2000-01-01', now() - interval '1 day' < now(), current_timestamp > '2020-01-01'::timestamptz, now() = now();
SELECT count(*) FROM cpu WHERE time < now() - interval '1 day';
SELECT date_trunc('minute', time) + interval '30 seconds', date_trunc('hour', time) - interval '1 microsecond' FROM cpu WHERE hostname = 'host_4';
SELECT time - lag FROM (SELECT time, time - interval '10 seconds' AS lag FROM cpu WHERE hostname = 'host_3') s;
SELECT time > day, time::date = day, day < '2024-01-02' FROM metrics;

-- Time zones by name (IANA, POSIX rules), fixed before in known_gaps.sql.
SELECT ts AT TIME ZONE 'UTC', ts AT TIME ZONE 'Asia/Tokyo' FROM events;
SELECT date_trunc('day', time, 'America/New_York'), date_trunc('hour', time, 'Asia/Kolkata') FROM metrics;
SELECT date_trunc('day', time, 'Europe/Berlin') AS d, count(*) FROM metrics GROUP BY 1;
SELECT date_trunc('month', time, 'Pacific/Auckland'), count(*) FROM metrics GROUP BY 1;
SELECT extract(isodow FROM time), extract(week FROM time), extract(quarter FROM time), extract(isoyear FROM time), extract(timezone FROM time) FROM metrics;
SELECT extract(hour FROM time AT TIME ZONE 'America/New_York'), extract(hour FROM time AT TIME ZONE 'Asia/Tokyo') FROM cpu WHERE hostname = 'host_0';
SELECT timestamptz '2024-01-01 00:00:00+05:30', timestamptz '2024-06-01 12:00:00 America/New_York', timestamp '2024-01-01 10:00:00', timestamptz '2024-01-01T10:00:00Z';
SELECT '2024-01-01 10:00:00-08'::timestamptz AT TIME ZONE 'UTC', '2024-03-10 12:00:00'::timestamp AT TIME ZONE 'America/Los_Angeles', timestamptz '2024-07-01 00:00:00+00' AT TIME ZONE 'Europe/London';
SELECT time, time AT TIME ZONE 'Europe/Berlin', time AT TIME ZONE 'UTC' FROM cpu WHERE hostname = 'host_0' AND time < '2024-01-01 00:01:00+00';
-- make_interval (by position or name => value), make_date, make_timestamp, make_timestamptz.
SELECT make_interval(hours => 2), make_timestamptz(2024, 1, 1, 12, 0, 0), make_date(2024, 2, 29);
SELECT make_interval(1, 2, 3, 4, 5, 6, 7.5), make_interval(), make_interval(secs => 1.5, weeks => 1), make_interval(2, days => 3), make_date(-44, 3, 15), make_timestamptz(2024, 7, 1, 0, 0, 0, 'Asia/Kolkata');
SELECT make_date(2024, 1, (code % 28) + 1), make_interval(mins => code), make_timestamp(2024, 1, 1, code % 24, code % 60, usage) FROM metrics WHERE code IS NOT NULL AND usage < 60;
SELECT time + make_interval(days => 1, secs => 0.5), time - make_interval(hours => 1) FROM cpu WHERE hostname = 'host_2' AND time < '2024-01-01 00:02:00+00';
-- to_char over timestamps: PostgreSQL's template patterns, FM, TH, quoted text.
SELECT to_char(time, 'YYYY-MM-DD HH24:MI:SS.MS.US'), to_char(time, 'HH HH12 AM am P.M. Mon MON mon Month| MONTH| Dy DY Day| D ID DDD Q WW IW IYYY J CC YY Y') FROM metrics WHERE host = 'host_4';
SELECT to_char(time, 'FMMonth FMDD FMHH24 DDth FMDDth "quoted YYYY" SSSS TZ tz OF'), to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS TZ OF') FROM metrics, events WHERE host = 'host_1' AND ts < '2024-01-01 01:00:00' AND time < '2024-01-01 02:00:00+00';
SELECT to_char(day, 'Day DD Mon YYYY'), to_char(date_trunc('week', time), 'IYYY-"W"IW-ID'), count(*) FROM metrics GROUP BY 1, 2;
SELECT to_char(timestamp '2024-12-31 00:00:00', 'YYYY IYYY IW WW DDD D ID'), to_char(make_timestamp(-44, 3, 15, 12, 0, 0), 'YYYY BC AD b.c.'), to_char(timestamp '2024-01-01 12:30:00', 'HH:MI PM 1st 2nd'), to_char(NULL::timestamp, 'YYYY');
SELECT make_date(year => 2024, month => 2, day => 29), make_date(2024, day => 1, month => 12), make_timestamp(2024, 1, 1, sec => 30.5, min => 15, hour => 6), make_timestamptz(2024, 7, 1, 0, 0, 0, timezone => 'Asia/Kolkata'), make_timestamptz(year => 2024, month => 1, mday => 1, hour => 0, min => 0, sec => 0);
-- The time type (time of day): casts, arithmetic, extract, comparisons, aggregates.
SELECT time::date, time::time, (time AT TIME ZONE 'Asia/Tokyo')::date FROM metrics WHERE host = 'host_0';
SELECT ts::date, ts::time, ts::timestamptz FROM events;
SELECT day + 1, day - 7, day + interval '12 hours', day - date '2024-01-01', day + time '06:30' FROM metrics;
SELECT time '06:30', '12:34:56.789'::time, '24:00'::time, time '23:00' + interval '2 hours', time '01:00' - interval '90 minutes', time '12:00' - time '10:30', date '2024-01-01' + time '06:30', time '06:30' + date '2024-01-01', interval '1 hour' + time '22:30';
SELECT extract(hour FROM time '13:45:10.5'), extract(epoch FROM time '01:00:01'), date_part('second', time '13:45:10.5'), date_part('minute', time '13:45:10.5'), time '10:00' < '11:00', time '10:00' = '10:00:00', pg_typeof(time '12:00' - '01:00'), time '12:00' - '01:00';
SELECT host, min(time::time), max(time::time), count(DISTINCT time::time) FROM metrics GROUP BY host ORDER BY host;
SELECT time::time AS t FROM metrics WHERE time::time >= '00:30' AND time::time < time '01:00' ORDER BY t DESC, host LIMIT 7;
SELECT '2024-03-01 07:08:09.5+02'::time, 'allballs'::time, ' 7:05 '::time, interval '26 hours 5 minutes'::time, time '10:15'::interval, time '10:15'::text;
