SELECT q.field, q.value, q.text_kk AS quote_kk, q.text_en AS quote_en, q.source_id,
  s.title_en AS release_title_en, s.date AS release_date,
  CASE WHEN r.kept_source_id = q.source_id THEN 'kept' WHEN r.kept_source_id IS NOT NULL THEN 'set aside' END
    AS resolution,
  q.quote_id
FROM quotes AS q
JOIN sources AS s ON s.source_id = q.source_id
LEFT JOIN resolutions AS r ON r.resolution_id = q.table_name || '/' || q.record_id || '/' || q.field
-- quote ids are table/record/field/source: a record's claims run from 'table/record/' to 'table/record0'
WHERE q.quote_id > :table || '/' || :record || '/' AND q.quote_id < :table || '/' || :record || '0'
  AND q.record_id = :record
ORDER BY q.quote_id
