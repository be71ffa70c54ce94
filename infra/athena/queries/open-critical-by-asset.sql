-- Open critical findings per asset, from the current state of every finding delivered in the
-- last 30 days. Runs overlap and a finding moves between datasets (open → fixed → reopened), so
-- each finding's newest row decides its state: newest collected_at, then newest event time.
-- A finding fixed after it was last seen open therefore no longer counts.
WITH latest AS (
  SELECT
    f.*,
    row_number() OVER (
      PARTITION BY finding_id
      ORDER BY collected_at DESC, coalesce(last_mitigated, last_seen) DESC
    ) AS newest
  FROM sc2aws_findings f
  WHERE dt >= date_format(current_date - INTERVAL '30' DAY, '%Y-%m-%d')
)
SELECT
  asset_id,
  max_by(ip, last_seen) AS ip,
  max_by(dns_name, last_seen) AS dns_name,
  max_by(repository.name, last_seen) AS repository_name,
  count(*) AS open_critical,
  count_if(state = 'reopened') AS reopened,
  count_if(exploit_available) AS with_exploit,
  max(age_days) AS oldest_age_days,
  max(vpr_score) AS max_vpr_score,
  array_agg(DISTINCT plugin_name) AS plugins
FROM latest
WHERE newest = 1
  AND state IN ('open', 'reopened')
  AND severity.id = 4
GROUP BY asset_id
ORDER BY open_critical DESC, oldest_age_days DESC;
