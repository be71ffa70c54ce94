-- sc2aws raw runs: SC's rows exactly as SC sent them, one JSON object a line, under
-- <prefix>/raw/dataset=<vulns|fixed|assets>/dt=YYYY-MM-DD/run=<runId>/part-*.ndjson.gz (DESIGN.md).
-- Replace s3://BUCKET/PREFIX/raw/ with your raw prefix (twice: LOCATION and the template).
--
-- Why one text column and not typed columns: raw is the lossless, replayable record, and its rows
-- are not one shape — vulndetails rows and sumip rows share a table, SC sends ids as "1" or 1,
-- scores as "" or "9.3", and newer SC versions add fields. A typed JSON SerDe table would fail or
-- silently null on exactly the rows worth looking at. So each line is one string, `raw_json`, read
-- with Athena's JSON functions; for typed columns use the findings table (findings.sql).
--   SELECT json_extract_scalar(raw_json, '$.pluginID')      AS plugin_id,
--          json_extract_scalar(raw_json, '$.repository.id') AS repository_id,
--          json_extract_scalar(raw_json, '$.lastSeen')      AS last_seen_epoch
--   FROM sc2aws_raw
--   WHERE dataset = 'vulns' AND dt = '2024-04-04'
--     AND json_extract_scalar(raw_json, '$.ip') = '10.238.64.10';
--
-- Each line is read whole: the field delimiter is \001, a byte JSON never contains unescaped
-- (control characters inside JSON strings are escaped, and it is not JSON whitespace).
--
-- Partitions come from projection (no crawler, no MSCK REPAIR): dataset is one of vulns, fixed,
-- assets; dt is the run day (UTC) from 2020-01-01 to today. Filter on dt in every query.
-- Committed runs only: the table reads raw/committed/, where a partition folder holds one
-- <runId>.txt per committed run, naming its parts one s3:// address a line
-- (SymlinkTextInputFormat). The export writes it after the run's _manifest.json, so the parts of a
-- run still in flight (or abandoned) are never read. A run id cannot be projected (it is not
-- predictable), so it is not a partition key: narrow to one run with "$path" LIKE '%/run=<runId>/%'.
-- The lists lie under raw/, so the raw lifecycle rule (rawExpirationDays) expires them with their
-- parts; a query on a day S3 is expiring just then may fail until both are gone.
CREATE EXTERNAL TABLE IF NOT EXISTS sc2aws_raw (
  `raw_json` string
)
PARTITIONED BY (
  `dataset` string,
  `dt` string
)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\001'
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://BUCKET/PREFIX/raw/committed/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dataset.type' = 'enum',
  'projection.dataset.values' = 'vulns,fixed,assets',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2020-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/raw/committed/dataset=${dataset}/dt=${dt}/'
);
