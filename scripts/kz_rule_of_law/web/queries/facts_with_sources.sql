SELECT table_name, record_id, field, value, text_kk AS quote_kk, text_en AS quote_en,
  source_id, source_title_kk, source_title_en, char_start, char_end, text_ru AS quote_ru, language
FROM facts_with_quotes
-- quote ids are table/record/field/source: a table's run from 'table/' to 'table0'
-- ('0' follows '/'); no table given: every id ('{' follows every table name)
WHERE quote_id >= :table AND quote_id < iif(:table = '', '{', :table || '0')
ORDER BY quote_id
