-- TimescaleDB functions for the PostgreSQL 15 oracle (no TimescaleDB there): time_bucket in its
-- interval/timestamptz, interval/timestamp, interval/date and integer forms with and without an
-- origin, and the first(value, time) / last(value, time) aggregates. Loaded once by the oracle
-- tests before the corpus runs; time_bucket_gapfill/locf/interpolate are not shimmed (corpus
-- queries using them carry a `-- pg:` generate_series form instead).
--
-- TimescaleDB semantics followed here: buckets without a month part are counted from the origin
-- 2000-01-03 00:00:00 (a Monday) in UTC; month/year buckets are counted in whole months from
-- 2000-01-01; an explicit origin replaces either default.

CREATE OR REPLACE FUNCTION _omen_months(i interval) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (extract(year FROM i) * 12 + extract(month FROM i))::integer
$$;

-- The core: timestamp (no zone) in UTC terms.
CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts timestamp, origin timestamp)
RETURNS timestamp LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  m integer := _omen_months(bucket_width);
  k integer;
BEGIN
  IF m = 0 THEN
    IF bucket_width <= interval '0' THEN
      RAISE EXCEPTION 'bucket width must be greater than 0' USING ERRCODE = '22023';
    END IF;
    RETURN date_bin(bucket_width, ts, origin);
  END IF;
  IF bucket_width <> make_interval(months => m) THEN
    RAISE EXCEPTION 'month intervals cannot have day or time component' USING ERRCODE = '22023';
  END IF;
  IF m < 0 THEN
    RAISE EXCEPTION 'bucket width must be greater than 0' USING ERRCODE = '22023';
  END IF;
  k := (extract(year FROM ts)::integer - extract(year FROM origin)::integer) * 12 +
       (extract(month FROM ts)::integer - extract(month FROM origin)::integer);
  IF ts < origin + make_interval(months => k) THEN
    k := k - 1;
  END IF;
  k := floor(k::numeric / m)::integer * m;
  RETURN origin + make_interval(months => k);
END
$$;

CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT time_bucket(bucket_width, ts,
                     CASE WHEN _omen_months(bucket_width) = 0
                          THEN timestamp '2000-01-03 00:00:00'
                          ELSE timestamp '2000-01-01 00:00:00' END)
$$;

CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts timestamptz, origin timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT time_bucket(bucket_width, ts AT TIME ZONE 'UTC', origin AT TIME ZONE 'UTC')
         AT TIME ZONE 'UTC'
$$;

CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT time_bucket(bucket_width, ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
$$;

CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT time_bucket(bucket_width, ts::timestamp)::date
$$;

CREATE OR REPLACE FUNCTION time_bucket(bucket_width interval, ts date, origin date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT time_bucket(bucket_width, ts::timestamp, origin::timestamp)::date
$$;

-- Integer buckets: floor((ts - offset) / width) * width + offset.
CREATE OR REPLACE FUNCTION time_bucket(bucket_width bigint, ts bigint, "offset" bigint DEFAULT 0)
RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  IF bucket_width <= 0 THEN
    RAISE EXCEPTION 'width must be positive' USING ERRCODE = '22023';
  END IF;
  RETURN floor((ts - "offset")::numeric / bucket_width)::bigint * bucket_width + "offset";
END
$$;

CREATE OR REPLACE FUNCTION time_bucket(bucket_width integer, ts integer, "offset" integer DEFAULT 0)
RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT time_bucket(bucket_width::bigint, ts::bigint, "offset"::bigint)::integer
$$;

-- first(value, time) / last(value, time): the value at the smallest / greatest time (the first
-- such row seen on ties, as TimescaleDB); rows with a NULL time are ignored, NULL values are not.
DO $$
DECLARE
  t text;
  s text;
BEGIN
  FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'real', 'double precision',
                           'numeric', 'text', 'character varying', 'boolean', 'date',
                           'timestamp', 'timestamptz', 'interval'] LOOP
    s := '_omen_fl_' || replace(t, ' ', '_');
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', s);
    EXECUTE format('CREATE TYPE %I AS (v %s, t timestamptz)', s, t);
    EXECUTE format($f$
      CREATE FUNCTION %I(st %I, v %s, t timestamptz) RETURNS %I LANGUAGE sql IMMUTABLE AS
      'SELECT CASE WHEN t IS NULL THEN st
                   WHEN st IS NULL OR (st).t IS NULL OR t < (st).t THEN ROW(v, t)::%I
                   ELSE st END'$f$, s || '_first', s, t, s, s);
    EXECUTE format($f$
      CREATE FUNCTION %I(st %I, v %s, t timestamptz) RETURNS %I LANGUAGE sql IMMUTABLE AS
      'SELECT CASE WHEN t IS NULL THEN st
                   WHEN st IS NULL OR (st).t IS NULL OR t > (st).t THEN ROW(v, t)::%I
                   ELSE st END'$f$, s || '_last', s, t, s, s);
    EXECUTE format($f$
      CREATE FUNCTION %I(st %I) RETURNS %s LANGUAGE sql IMMUTABLE AS 'SELECT (st).v'$f$,
      s || '_final', s, t);
    EXECUTE format('CREATE AGGREGATE first(%s, timestamptz) (SFUNC = %I, STYPE = %I, '
                   'FINALFUNC = %I)', t, s || '_first', s, s || '_final');
    EXECUTE format('CREATE AGGREGATE last(%s, timestamptz) (SFUNC = %I, STYPE = %I, '
                   'FINALFUNC = %I)', t, s || '_last', s, s || '_final');
  END LOOP;
END
$$;
