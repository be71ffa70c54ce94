-- sc2aws raw runs: SC's rows exactly as SC sent them, one JSON object a line, under
-- <prefix>/console=<id>/raw/dataset=<vulns|fixed|assets>/dt=YYYY-MM-DD/run=<runId>/part-*.ndjson.gz (DESIGN.md).
-- Written by hand, in the shape of the generated tables (findings.sql).
-- Replace s3://BUCKET/PREFIX/ with your data bucket and prefix (twice: LOCATION and the template).
--
-- console is the SC console a row came from (README "Several SC consoles"): each console's data lies
-- under <prefix>/console=<id>/, and the table spans the consoles projection.console.values lists (default).
-- To add a console later, set the whole list, the new id included; nothing else of the table changes:
--   ALTER TABLE sc2aws_raw SET TBLPROPERTIES ('projection.console.values' = 'default,<new id>')
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
--   WHERE console = 'default' AND dataset = 'vulns' AND dt = '2024-04-04'
--     AND json_extract_scalar(raw_json, '$.ip') = '10.238.64.10';
--
-- Each line is read whole: the field delimiter is \001, a byte JSON never contains unescaped
-- (control characters inside JSON strings are escaped, and it is not JSON whitespace).
--
-- Partitions come from projection (no crawler, no MSCK REPAIR): console is one of the listed
-- consoles; dataset is one of vulns, fixed, assets; dt is the run day (UTC) from 2020-01-01 to
-- today. Filter on dt in every query.
-- Committed runs only: the table reads each console's raw/committed/, where a partition folder holds one
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
  `console` string,
  `dataset` string,
  `dt` string
)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\001'
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://BUCKET/PREFIX/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.console.type' = 'enum',
  'projection.console.values' = 'default',
  'projection.dataset.type' = 'enum',
  'projection.dataset.values' = 'vulns,fixed,assets',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2020-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/console=${console}/raw/committed/dataset=${dataset}/dt=${dt}/'
);
