-- Mean time to remediate by severity over the last 90 days: every fix in the change feed, from
-- SC's first_seen to the mitigation SC saw (detected_at). Baseline fixes (a first import of the
-- fixed dataset) are left out: their mitigations may predate the window being measured.
-- Every console of the deployment counts: add AND console = '<id>' for one, or group by console.
SELECT
  severity.id AS severity_id,
  severity.name AS severity_name,
  count(*) AS fixes,
  round(avg(date_diff('hour', first_seen, detected_at)) / 24.0, 1) AS mean_days_to_fix,
  round(approx_percentile(date_diff('hour', first_seen, detected_at), 0.5) / 24.0, 1) AS median_days_to_fix
FROM sc2aws_finding_changes
WHERE dt >= date_format(current_date - INTERVAL '90' DAY, '%Y-%m-%d')
  AND change = 'fixed'
  AND NOT baseline
  AND first_seen IS NOT NULL
GROUP BY severity.id, severity.name
ORDER BY severity.id DESC;
