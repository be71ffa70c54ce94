-- Critical findings that are new since yesterday (UTC), from the change feed: one row per finding,
-- each change once (change_id is unique). baseline = false leaves out a first import, which is not
-- news. dt is the day of the run that delivered the change: two days of partitions cover it.
-- Every console of the deployment is in the table: add AND console = '<id>' to read one.
SELECT
  console,
  detected_at,
  finding_id,
  asset_id,
  ip,
  dns_name,
  plugin_id,
  plugin_name,
  cve,
  vpr_score,
  exploit_available
FROM sc2aws_finding_changes
WHERE dt >= date_format(current_date - INTERVAL '1' DAY, '%Y-%m-%d')
  AND change = 'new'
  AND NOT baseline
  AND severity.id = 4
  AND detected_at >= date_trunc('day', current_timestamp - INTERVAL '1' DAY)
ORDER BY detected_at DESC;
