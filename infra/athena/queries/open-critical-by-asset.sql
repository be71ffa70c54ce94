-- Open critical findings per asset, from the current table: every finding open now, once, with its
-- newest delivered fields (sc2aws keeps it; no newest-row-per-finding window needed). Accepted
-- risks stay in the table, flagged: this query counts them apart. An asset id names one console's
-- host (two consoles scanning the same address give two ids), so console only labels each row.
SELECT
  console,
  asset_id,
  max_by(ip, last_seen) AS ip,
  max_by(dns_name, last_seen) AS dns_name,
  max_by(repository.name, last_seen) AS repository_name,
  count(*) AS open_critical,
  count_if(lifecycle_state = 'reopened') AS reopened,
  count_if(accept_risk) AS risk_accepted,
  count_if(exploit_available) AS with_exploit,
  max(age_days) AS oldest_age_days,
  max(vpr_score) AS max_vpr_score,
  array_agg(DISTINCT plugin_name) AS plugins
FROM sc2aws_current_findings
WHERE severity.id = 4
GROUP BY console, asset_id
ORDER BY open_critical DESC;
