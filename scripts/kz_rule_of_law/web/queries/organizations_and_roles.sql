SELECT o.organization_id, o.name_en, o.name_kk, o.abbreviation,
  (SELECT group_concat(x, '; ') FROM (
    SELECT p.title_en || ' (' || r.name || ')' AS x
    FROM project_organizations AS po
    JOIN projects AS p ON p.project_id = po.project_id
    JOIN iati_organisation_roles AS r ON r.code = po.iati_role
    WHERE po.organization_id = o.organization_id
    ORDER BY p.title_en, r.name)) AS projects,
  (SELECT group_concat(x, '; ') FROM (
    SELECT e.title_en || ' (' || eo.role || ')' AS x
    FROM event_organizations AS eo JOIN events AS e ON e.event_id = eo.event_id
    WHERE eo.organization_id = o.organization_id
    ORDER BY e.title_en, eo.role)) AS events,
  (SELECT group_concat(x, '; ') FROM (
    SELECT s.title_en || ' (publisher)' AS x FROM sources AS s
    WHERE s.publisher_id = o.organization_id
    UNION ALL
    SELECT s.title_en || ' (' || replace(c.credit, '_', ' ') || ')'
    FROM credits AS c JOIN sources AS s ON s.source_id = c.source_id
    WHERE c.organization_id = o.organization_id
    ORDER BY 1)) AS press_releases,
  (SELECT group_concat(x, '; ') FROM (
    SELECT ps.title_en || ' (held by ' || pe.name_en || ')' AS x
    FROM positions AS ps JOIN people AS pe ON pe.person_id = ps.person_id
    WHERE ps.organization_id = o.organization_id
    ORDER BY ps.title_en)) AS positions
FROM organizations AS o
ORDER BY o.name_en, o.organization_id
