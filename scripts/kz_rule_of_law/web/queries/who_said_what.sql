SELECT pe.name_en AS speaker, pe.name_kk AS speaker_kk,
  ps.title_en AS position, s.setting_en, e.title_en AS event,
  s.text_kk, s.text_en
FROM statements AS s
JOIN people AS pe ON pe.person_id = s.person_id
LEFT JOIN positions AS ps ON ps.position_id = s.position_id
LEFT JOIN events AS e ON e.event_id = s.event_id
ORDER BY s.statement_id
