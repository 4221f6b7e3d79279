SELECT e.event_id, e.title_en, e.title_kk, e.date, e.city_en, e.city_kk,
  c.name_en AS country,
  CASE
    WHEN e.participants IS NULL THEN NULL
    WHEN coalesce(e.participants_qualifier, 'exact') = 'exact'
      THEN CAST(e.participants AS TEXT)
    ELSE replace(e.participants_qualifier, '_', ' ') || ' ' || e.participants
  END AS participants,
  -- the first claim on the count (quote ids are table/record/field/source)
  (SELECT q.text_kk FROM quotes AS q
    WHERE q.quote_id > 'events/' || e.event_id || '/participants/'
      AND q.quote_id < 'events/' || e.event_id || '/participants0'
    ORDER BY q.quote_id LIMIT 1) AS participants_kk,
  (SELECT group_concat(name_en, '; ') FROM (
    SELECT k.name_en FROM event_countries AS ec
    JOIN countries AS k ON k.country = ec.country
    WHERE ec.event_id = e.event_id ORDER BY k.name_en)) AS countries,
  (SELECT group_concat(title_en, '; ') FROM (
    SELECT title_en FROM topics WHERE event_id = e.event_id
    ORDER BY position)) AS topics_en,
  (SELECT group_concat(title_kk, '; ') FROM (
    SELECT title_kk FROM topics WHERE event_id = e.event_id
    ORDER BY position)) AS topics_kk,
  (SELECT group_concat(o.name_en, '; ') FROM event_organizations AS eo
    JOIN organizations AS o ON o.organization_id = eo.organization_id
    WHERE eo.event_id = e.event_id AND eo.role = 'partner') AS partners,
  (SELECT group_concat(o.name_en, '; ') FROM event_organizations AS eo
    JOIN organizations AS o ON o.organization_id = eo.organization_id
    WHERE eo.event_id = e.event_id AND eo.role = 'funder') AS funders,
  (SELECT group_concat(title_en, '; ') FROM (
    SELECT p.title_en FROM event_projects AS ep
    JOIN projects AS p ON p.project_id = ep.project_id
    WHERE ep.event_id = e.event_id ORDER BY p.title_en)) AS projects
FROM events AS e
LEFT JOIN countries AS c ON c.country = e.country
ORDER BY e.date, e.event_id
