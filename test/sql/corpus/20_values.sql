-- VALUES as a query and as a FROM item: column names, type resolution across rows (as a
-- UNION), NULLs, ORDER BY/LIMIT, joins with tables, and the length error.
VALUES (1, 'a'), (2, 'b');
VALUES (1), (2), (3) ORDER BY 1 DESC;
VALUES (1), (2), (3) ORDER BY 1 LIMIT 2 OFFSET 1;
VALUES (1, 2.5), (3, 4);
VALUES (NULL), ('x');
VALUES (NULL::int), (7);
VALUES (true, 'x'::text), (false, NULL);
VALUES ('2024-01-01 00:00:00+00'::timestamptz, 1), ('2024-01-02 00:00:00+00'::timestamptz, 2);
SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, NULL)) s(a, b);
SELECT a * 2 AS d FROM (VALUES (1), (2), (3)) AS v(a) WHERE a > 1 ORDER BY d;
SELECT b, count(*) FROM (VALUES (1, 'x'), (2, 'x'), (3, 'y')) t(a, b) GROUP BY b ORDER BY b;
SELECT column1, column2 FROM (VALUES (10, 'p'), (20, 'q')) v ORDER BY column1;
SELECT m.host, v.label FROM metrics m JOIN (VALUES ('host_1', 'first'), ('host_2', 'second')) v(host, label) ON m.host = v.host ORDER BY m.time, m.host;
SELECT sum(x) FROM (VALUES (1.5), (2.5), (NULL)) v(x);
SELECT * FROM (VALUES (1), (2)) v(x) UNION ALL VALUES (3) ORDER BY 1;
SELECT 1.5 UNION ALL SELECT NULL;
SELECT NULL UNION ALL SELECT 'a' UNION ALL SELECT NULL ORDER BY 1;
SELECT x FROM (SELECT NULL AS x UNION ALL SELECT 2) s ORDER BY x;
-- error: 42601
VALUES (1, 2), (3);
