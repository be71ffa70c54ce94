-- Findings fixed this week (since Monday, UTC), from the change feed: each fix once, with how long
-- it was open. A finding fixed, reopened and fixed again shows both fixes (two change_ids).
-- Every console of the deployment is in the table: add AND console = '<id>' to read one.
SELECT
  console,
  detected_at AS fixed_at,
  finding_id,
  asset_id,
  ip,
  dns_name,
  plugin_id,
  plugin_name,
  severity.name AS severity_name,
  first_seen,
  round(date_diff('hour', first_seen, detected_at) / 24.0, 1) AS days_open
FROM sc2aws_finding_changes
WHERE dt >= date_format(date_trunc('week', current_date), '%Y-%m-%d')
  AND change = 'fixed'
  AND detected_at >= date_trunc('week', current_timestamp)
ORDER BY severity.id DESC, detected_at DESC;
