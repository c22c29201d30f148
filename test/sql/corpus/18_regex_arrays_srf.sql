-- Regular expressions (~ ~* !~ !~*), arrays (constructors, subscripts, op ANY/ALL,
-- string_to_array, array_to_string, array_length/lower/upper, cardinality, ||, array_agg),
-- set-returning functions in FROM and in the select list, and identifier quoting.
SELECT name, name ~ '^[a-z]+$', name ~* '^login', name !~ 'o', name !~* 'PURCHASE|signup' FROM events;
SELECT count(*) FROM events WHERE name ~ '_';
SELECT count(*) FROM events WHERE name ~ '^(Log|log)(in|out)$';
SELECT host, count(*) FROM metrics WHERE host ~ 'host_[0-4]$' GROUP BY host;
SELECT count(*) FROM metrics WHERE region ~* 'US-.*' AND region !~ 'east';
SELECT name FROM events WHERE name ~ '\s' OR name ~ '[[:punct:]]';
SELECT hostname, count(*) FROM cpu WHERE hostname ~ '[13]' GROUP BY hostname;
SELECT 'a.b' ~ 'a\.b', 'axb' ~ 'a\.b', 'abc' ~ 'a.c', 'ABC' ~* '^a[a-c]{2}$', 'ab' ~ 'a{2,3}', 'aaa' ~ '^a{2,3}$', 'x' ~ '', 'Foo Bar' ~ '\mBar', 'FooBar' ~ '\mBar', 'a1' ~ '^\w\d$', 'é' ~ '^.$';
SELECT 'abc' ~ '(?:ab)+c', 'abab' ~ '^(ab)*$', 'b' ~ '^[^a]$', 'B' ~* '^[^b]$', 'x-y' ~ '[a-z]-[a-z]', '10' ~ '^[0-9]+?$';
SELECT string_to_array('a,b,,c', ','), string_to_array('a b c', ' ', 'b'), string_to_array('', ','), string_to_array('xyz', NULL);
SELECT array_to_string(ARRAY['a', NULL, 'c'], ','), array_to_string(ARRAY['a', NULL, 'c'], ',', '*'), array_to_string(ARRAY[1, 2, 3], '+');
SELECT ARRAY['x y', '', 'NULL', NULL, 'q"', 'back\slash'], ARRAY[1, 2] || 3, 0 || ARRAY[1, 2], ARRAY['a'] || ARRAY['b', 'c'];
SELECT array_length(ARRAY[1, 2, 3], 1), array_upper(ARRAY['a'], 1), array_lower(ARRAY['a'], 1), cardinality(ARRAY[1, 2]), array_length('{}'::int[], 1), array_length(ARRAY[1], 2);
SELECT (ARRAY[10, 20, 30])[2], (ARRAY['a', 'b'])[3], (string_to_array('p.q.r', '.'))[2], ('{7,8,9}'::int[])[1] + 1;
SELECT 3 = ANY(ARRAY[1, 2, 3]), 3 = ALL(ARRAY[3, 3]), 'x' <> ALL(ARRAY['a', 'b']), 5 > ANY(ARRAY[7, 8]), NULL::int = ANY(ARRAY[1]), 1 = ANY(ARRAY[2, NULL]), 2 = ANY('{1,2}');
SELECT count(*) FROM events WHERE val = ANY(ARRAY[100, 200, -5, 7]);
SELECT name, val FROM events WHERE name = ANY(string_to_array('Login,signup', ','));
SELECT host, array_length(array_agg(code), 1), cardinality(array_agg(DISTINCT region)) FROM metrics GROUP BY host;
SELECT array_agg(x), string_agg(x::text, '-') FROM generate_series(1, 4) AS x;
SELECT array_agg(x) IS NULL, string_agg(x::text, ',') IS NULL FROM generate_series(1, 0) AS x;
SELECT * FROM generate_series(1, 5) AS g(x);
SELECT x, x * 2 FROM generate_series(10, 1, -3) AS x;
SELECT * FROM generate_series(timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 03:00:00+00', interval '45 minutes');
SELECT * FROM generate_series(timestamp '2024-01-31 00:00:00', timestamp '2024-05-01 00:00:00', interval '1 month') AS m;
SELECT * FROM unnest(ARRAY['a', 'b', NULL]) WITH ORDINALITY AS u(v, n);
SELECT generate_series(1, 3) AS a, generate_series(1, 2) AS b;
SELECT unnest(ARRAY[1, 2]) + 1, 'k';
SELECT name, generate_series(1, 2) FROM events WHERE val > 990;
SELECT g.d, count(e.ts) FROM generate_series(date '2024-01-01', date '2024-01-03', interval '1 day') AS g(d) LEFT JOIN events e ON e.ts >= g.d AND e.ts < g.d + interval '1 day' GROUP BY g.d;
SELECT quote_ident(name), quote_literal(name), quote_nullable(name) FROM events;
SELECT quote_ident('time'), quote_ident('Cpu'), quote_ident('select'), quote_ident('a b'), quote_ident('ok_1');
SELECT parse_ident('a.b'), parse_ident('"A B".c'), parse_ident('x');
SELECT e.name, m.host FROM events e JOIN metrics m ON m.host ~ ('host_' || (abs(e.val) % 3)::text || '$') WHERE e.val BETWEEN 0 AND 20 AND m.code = 503 AND m.time < '2024-01-01 06:00:00+00';
-- error: 2201B
SELECT 'a' ~ '(';
-- error: 2201B
SELECT 'a' ~ 'a{3,2}';
-- error: 22023
SELECT * FROM generate_series(1, 10, 0);
