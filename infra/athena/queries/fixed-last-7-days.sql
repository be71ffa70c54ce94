-- Findings fixed in the last 7 days, once each, with how long they took to fix (for remediation
-- SLAs). A fixed finding is delivered by every run whose window saw its lastMitigated (runs overlap),
-- so keep one row per finding_id. dt is the run day: 8 days of partitions cover 7 days of fixes.
WITH fixed AS (
  SELECT
    f.*,
    row_number() OVER (PARTITION BY finding_id ORDER BY last_mitigated DESC, collected_at DESC) AS newest
  FROM sc2aws_findings f
  WHERE dataset = 'fixed'
    AND dt >= date_format(current_date - INTERVAL '8' DAY, '%Y-%m-%d')
)
SELECT
  finding_id,
  asset_id,
  ip,
  dns_name,
  repository.name AS repository_name,
  plugin_id,
  plugin_name,
  severity.name AS severity_name,
  cve,
  first_seen,
  last_mitigated,
  round(date_diff('hour', first_seen, last_mitigated) / 24.0, 1) AS days_to_fix
FROM fixed
WHERE newest = 1
  AND last_mitigated >= current_timestamp - INTERVAL '7' DAY
ORDER BY severity.id DESC, last_mitigated DESC;
