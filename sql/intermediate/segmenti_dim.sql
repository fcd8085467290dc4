-- Segments with the breakdown columns of their relationship (stored on each segment by
-- `oml build`, so this view reads one table; macro oml_dimensioni), in the territory and the
-- perimeter (oml_nel_perimetro: by the relationship's first contract and its dates); the
-- contract columns (tipologia_contrattuale, macro_contratto, tipo_orario, ore_settimanali) are
-- the segment's. uscita_segmento is the day the segment leaves the end-of-day stock: its last
-- day for the relationship's last segment (the cessazione), the day of the trasformazione
-- (its end + 1) for the others.
CREATE OR REPLACE VIEW segmenti_dim AS
SELECT id_rapporto, n_segmento, data_inizio AS inizio_segmento, data_fine AS fine_segmento,
    coalesce(data_fine, DATE '9999-12-31') AS fine_segmento_o_aperto,
    ultimo_segmento,
    coalesce(uscita_segmento, DATE '9999-12-31') AS uscita_segmento,
    tipologia_contrattuale, macro_contratto,
    coalesce(macro_contratto_precedente, 'NON_NOTO') AS macro_contratto_precedente,
    coalesce(tipo_orario, 'NON_INDICATO') AS tipo_orario,
    orario,
    ore_settimanali, coalesce(codice_trasformazione, 'NESSUNA') AS codice_trasformazione,
    data_inizio_rapporto AS data_inizio, data_fine_effettiva, cessazione_imputata, avviamento_nel_lago,
    censura_sinistra, id_lavoratore, id_datore, id_lavoratore_num, id_datore_num,
    sesso, classe_eta, area_cittadinanza, livello_istruzione, comune, cpi, provincia, regione,
    ateco_sezione, ateco_divisione, settore
FROM oml_dimensioni('segmenti')
WHERE oml_nel_perimetro(datore_pa, ateco_sezione, ateco_divisione, tipologia_iniziale, macro_contratto_iniziale,
    data_inizio_rapporto, data_fine_effettiva);
