-- A release's original is itself, unless it is a translation of another (translation_of never
-- chains: every version names the original, so the original and the rows naming it are all).
WITH original AS (
  SELECT coalesce(translation_of, source_id) AS source_id FROM sources WHERE source_id = :source
),
versions AS (
  SELECT source_id FROM original
  UNION
  SELECT s.source_id FROM sources AS s JOIN original AS o ON s.translation_of = o.source_id
)
SELECT s.source_id, s.language,
  CASE WHEN s.source_id = o.source_id THEN 'original' ELSE 'translation' END AS version,
  s.title_kk, s.title_ru, s.title_en, s.date, s.place_en, s.publisher_id, s.path,
  (SELECT count(*) FROM quotes AS q WHERE q.source_id = s.source_id) AS claims
FROM versions AS v
JOIN sources AS s ON s.source_id = v.source_id
CROSS JOIN original AS o
ORDER BY s.source_id = o.source_id DESC, s.language, s.source_id
