-- String functions (lower, upper, length, LIKE/ILIKE, ||, concat, ...) and math (abs, round,
-- floor, ceil, sqrt, ln, power, greatest, least, ...).
SELECT lower(host), upper(host), length(host) FROM metrics;
SELECT lower(name), upper(name), length(name), char_length(name), octet_length(name) FROM events;
SELECT name LIKE 'Log%', name LIKE '%in%', name LIKE 'p_rchase', name NOT LIKE '%e', name ILIKE 'login%', name ILIKE '%PURCHASE', name NOT ILIKE 'p%' FROM events;
SELECT ts, name FROM events WHERE name LIKE 'Search \%';
SELECT ts, name FROM events WHERE name ILIKE 'LOG%' AND name NOT LIKE '%FAILED';
SELECT ts, name FROM events WHERE name LIKE '' OR name = '';
SELECT ts, name FROM events WHERE name = 'o''brien';
SELECT host, region FROM metrics WHERE host LIKE 'host\_1' OR region ILIKE 'EU%';
SELECT upper(lower(name)) = upper(name), lower(name) = name FROM events;
SELECT substring(host from 6), substr(host, 1, 4), left(host, 4), right(host, 1), replace(host, 'host', 'h'), position('_' in host) FROM metrics;
SELECT trim('  x  '), ltrim('  x'), rtrim('x  '), btrim('xxaxx', 'x'), reverse(name), repeat(name, 2) FROM events;
SELECT split_part(region, '-', 1), split_part(region, '-', 2), starts_with(host, 'host_1'), strpos(region, '-') FROM metrics;
SELECT lower(name) AS l, count(*) FROM events GROUP BY 1;
SELECT name, length(name) * 2, length(name) > 5 FROM events;
SELECT abs(temp), abs(reqs - 50000), abs(-7), abs(-2.5), abs(code - 300) FROM metrics;
SELECT round(usage), round(temp), round(usage::numeric, 1), round(2.5), round(-2.5), round(2.5::double precision), round(3.5::double precision), round(-0.5::double precision) FROM metrics;
SELECT round(1234.5678, 2), round(1234.5678, -2), round(reqs / 7.0, 3) FROM metrics;
SELECT floor(usage), ceil(usage), ceiling(temp), floor(-1.5), ceil(-1.5), floor(temp) FROM metrics;
SELECT sqrt(usage), sqrt(16), sqrt(2.0), ln(usage), ln(1), ln(2.718281828459045) FROM metrics WHERE usage > 0;
SELECT power(usage, 2), power(2, 10), power(2.0, 0.5), power(temp, 3), power(10, -2) FROM metrics;
SELECT exp(1.0), log(100), log(2, 8), log10(1000), mod(code, 7), sign(temp), trunc(temp), trunc(-2.7), pi() FROM metrics;
SELECT greatest(usage, temp), least(usage, temp), greatest(code, 300, 400), least(host, region), greatest(reqs, code) FROM metrics;
SELECT greatest(1, 2.5, 3), least('b', 'a', 'c'), greatest(NULL, 1), least(NULL::int, NULL), greatest(time, '2024-01-02'::timestamptz) FROM cpu WHERE hostname = 'host_0' AND time < '2024-01-01 00:01:00+00';
SELECT 10 / 4, 10 / 4.0, 10::float / 4, 10 % 4, -10 % 4, 2 ^ 0.5, |/ 25.0, @ -3;
SELECT 9223372036854775807, -9223372036854775807, 2147483648, 1e10::bigint, 1.5e3, 0.1 + 0.2, 0.1::float8 + 0.2::float8;
SELECT 1.0 / 3, 2.0 / 3.0, 1 / 3.0::float8, 100.0 * 3 / 7, 1::numeric / 3 * 3;
SELECT usage / 3.0, temp / 3, reqs * 1.5, code * 0.1 FROM metrics;
SELECT round((usage / 7)::numeric, 4), trunc(usage::numeric, 1), usage::numeric % 7 FROM metrics WHERE usage IS NOT NULL AND usage > 1;
SELECT max(abs(temp)), min(round(usage)), sum(floor(usage)), avg(ceil(temp)) FROM metrics;
SELECT host, round(avg(usage)::numeric, 3), round(stddev(usage)::numeric, 3) FROM metrics GROUP BY host;
SELECT greatest(usage_user, usage_system, usage_idle), least(usage_user, usage_system, usage_idle) FROM cpu WHERE hostname = 'host_2';

-- LIKE ... ESCAPE, concat() printing booleans as 't'/'f', trigonometry.
SELECT ts, name FROM events WHERE name LIKE '%!%%' ESCAPE '!';
SELECT name, name LIKE 'Search #%' ESCAPE '#', name NOT LIKE '%#_%' ESCAPE '#', name ILIKE 'LOG%' ESCAPE '', name LIKE 'o''brien' ESCAPE '\' FROM events;
SELECT 'a\b' LIKE 'a\b' ESCAPE '', 'a%b' LIKE 'a$%b' ESCAPE '$', 'a$b' LIKE 'a$$b' ESCAPE '$', 'a_' LIKE 'a__' ESCAPE '_', 'ab' LIKE 'a__' ESCAPE '_';
SELECT host || '-' || region, concat(host, '/', region), host || 1, concat_ws(':', host, code, ok) FROM metrics;
SELECT concat('a', NULL::bool, true, false), concat_ws(',', ok, NULL::boolean, 1), 'x' || ok FROM metrics;
SELECT cbrt(27), degrees(pi()), radians(180), sin(0), cos(0), atan2(1, 1);
SELECT sin(usage), cos(usage), tan(usage), atan(usage), asin(usage / 100), acos(usage / 100), atan2(usage, temp), cot(usage + 1) FROM metrics;
SELECT sin(code), cos(reqs), atan2(code, 7), cot(0) FROM metrics WHERE host = 'host_7';
SELECT length(''), '' IS NULL, length(NULL::text), lower(NULL), upper('mIxEd'), length('héllo'), upper('héllo');
SELECT upper('straße'), lower('ÀÉÎ ŒÇ ΣΑΣ'), upper('ǆemal ǉ'), lower('İ'), upper('ﬁ'), initcap_free, reverse('héllo→x 😀!') FROM (SELECT 1 AS initcap_free) s;
SELECT upper(name || 'é'), lower('É' || name), reverse(name || 'ñ') FROM events;
