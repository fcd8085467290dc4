-- One row per pratica of the liste di mobilità (docs/formato_mobilita.md), from mobilita_eventi:
-- the iscrizione (date, lista, CPI, the dismissing employer and date, the person's attributes),
-- the indennità (SI/NO at the iscrizione, its planned end, the first 06 event), the suspensions
-- and reiscrizioni, and the closing cancellazione (03) or revoca (05) with its cause
-- (DEC_CAUSA_EVENTO_MOBILITA): the last of them when no reiscrizione (04) follows it, else NULL
-- (the pratica is open). Stock at t: data_iscrizione <= t < coalesce(data_cancellazione, ∞).
-- Then the citizenship area at the iscrizione (oml_area_cittadinanza), the province and region of
-- the CPI (oml_cpi_territorio) and the ATECO section of the dismissing employer
-- (oml_ateco_sezione), for the breakdowns and the territory filter of the indicators.
CREATE OR REPLACE VIEW mobilita_iscrizioni AS
WITH iscrizioni AS (
    SELECT id_pratica, id_lavoratore, lista, data_evento AS data_iscrizione,
        year(data_evento) AS anno_iscrizione, id_datore, data_licenziamento, indennita,
        data_fine_indennita, cpi, ateco_datore,
        sesso, anno_nascita, classe_eta, cittadinanza, livello_istruzione, comune_domicilio
    FROM mobilita_eventi
    WHERE evento = '01'
),
stato AS (
    SELECT id_pratica,
        arg_max(evento, data_evento) AS ultimo_evento,
        max(data_evento) AS data_ultimo,
        arg_max(causa, data_evento) AS causa_ultimo
    FROM mobilita_eventi
    WHERE evento IN ('03', '04', '05')
    GROUP BY id_pratica
),
conti AS (
    SELECT id_pratica,
        count(*) FILTER (WHERE evento = '02') AS n_sospensioni,
        count(*) FILTER (WHERE evento = '04') AS n_reiscrizioni,
        min(data_evento) FILTER (WHERE evento = '06') AS data_indennita
    FROM mobilita_eventi
    GROUP BY id_pratica
)
SELECT i.id_pratica, i.id_lavoratore, i.lista, i.data_iscrizione, i.anno_iscrizione,
    i.id_datore, i.data_licenziamento, i.cpi, i.ateco_datore,
    i.sesso, i.anno_nascita, i.classe_eta, i.cittadinanza, i.livello_istruzione, i.comune_domicilio,
    i.indennita, i.data_fine_indennita, c.data_indennita,
    coalesce(c.n_sospensioni, 0) AS n_sospensioni,
    coalesce(c.n_reiscrizioni, 0) AS n_reiscrizioni,
    CASE WHEN s.ultimo_evento IN ('03', '05') THEN s.data_ultimo END AS data_cancellazione,
    CASE WHEN s.ultimo_evento IN ('03', '05') THEN s.ultimo_evento END AS evento_cancellazione,
    CASE WHEN s.ultimo_evento IN ('03', '05') THEN s.causa_ultimo END AS causa_cancellazione,
    oml_area_cittadinanza(i.cittadinanza, i.data_iscrizione) AS area_cittadinanza,
    t.provincia, t.regione, oml_ateco_sezione(i.ateco_datore) AS ateco_sezione
FROM iscrizioni i
LEFT JOIN oml_cpi_territorio() t ON t.cpi = i.cpi
LEFT JOIN stato s USING (id_pratica)
LEFT JOIN conti c USING (id_pratica);
