SELECT project_id, project_title_en, project_title_kk, currency,
  total_budget, eu_contribution, cofinancing, eu_share_percent,
  round(100.0 * cofinancing / total_budget, 2) AS cofinancing_share_percent
FROM funding_per_project
ORDER BY total_budget DESC, project_id
