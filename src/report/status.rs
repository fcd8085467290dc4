//! The status texts printed in the terminal: the quality and reconciliation report of an
//! ingest run (`oml ingest`), the summary of a build (`oml build`) and of what a lake holds
//! (`oml status`, `oml demo`).

use crate::analytics::Session;
use crate::derive::BuildReport;
use crate::lake::manifest::RunRecord;
use crate::lake::Lake;
use crate::quality::Motivo;
use crate::report::format::fmt_int;
use anyhow::Result;
use std::fmt::Write as _;

/// Individual records (DID, CIG workers, mobility): per dataset, the account of its loads.
fn registri_summary(m: &crate::lake::manifest::Manifest) -> String {
    let mut s = String::new();
    for ds in crate::lake::catalog::REGISTRI {
        let loads: Vec<_> = m.registri.iter().filter(|r| r.dataset == ds).collect();
        if loads.is_empty() {
            continue;
        }
        let (letti, acc, q) = loads.iter().fold((0, 0, 0), |(l, a, q), r| {
            (l + r.letti, a + r.accettati, q + r.quarantena)
        });
        let ok = letti == acc + q && m.rows(ds) == acc;
        let _ = writeln!(
            s,
            "{ds}: {} file, letti {} = accettati {} + quarantena {}  {}; righe nel lago {}",
            loads.len(),
            it_int(letti),
            it_int(acc),
            it_int(q),
            if ok { "OK" } else { "ERRORE" },
            it_int(m.rows(ds))
        );
    }
    s
}

/// The line of a file's *valori non codificati scartati* (values of coded fields dropped from
/// accepted records, by field and shape: `privacy`), indented; empty when there are none.
pub fn scartati_line(scartati: &std::collections::BTreeMap<String, u64>) -> String {
    if scartati.is_empty() {
        return String::new();
    }
    let total: u64 = scartati.values().sum();
    let each: Vec<String> = scartati.iter().map(|(k, n)| format!("{k} ({})", it_int(*n))).collect();
    format!(
        "    valori non codificati scartati {}: {}\n",
        it_int(total),
        each.join("; ")
    )
}

/// Formats a count the Italian way: 1.234.567.
fn it_int(n: u64) -> String {
    fmt_int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The reconciliation and quality report of one run.
pub fn run_report(run: &RunRecord) -> String {
    let mut s = String::new();
    let t = &run.totali;
    let _ = writeln!(
        s,
        "Run {} (estrazione {}), {:.1} s",
        run.id_run, run.data_estrazione, run.secondi
    );
    // Many inputs (a folder of monthly batches): the first and last few, then the total.
    let n = run.inputs.len();
    for (k, i) in run.inputs.iter().enumerate() {
        if n > 12 && (3..n - 2).contains(&k) {
            if k == 3 {
                let _ = writeln!(s, "  … altri {} file (dettaglio per file in _manifest.json)", n - 5);
            }
            continue;
        }
        let c = &i.conteggi;
        let _ = writeln!(
            s,
            "  {} [{}] letti {} = accettati {} + superati {} + quarantena {}",
            i.path,
            i.formato,
            it_int(c.letti),
            it_int(c.accettati),
            it_int(c.superati),
            it_int(c.quarantena)
        );
        s.push_str(&scartati_line(&i.valori_non_codificati_scartati));
    }
    for g in &run.gia_acquisiti {
        let _ = writeln!(s, "  {g}: già acquisito (stesso sha256), saltato");
    }
    let _ = writeln!(
        s,
        "Riconciliazione: letti {} = accettati {} + superati {} + quarantena {}  {}",
        it_int(t.letti),
        it_int(t.accettati),
        it_int(t.superati),
        it_int(t.quarantena),
        if t.reconciles() { "OK" } else { "ERRORE" }
    );
    if run.superati_nel_lago > 0 {
        let _ = writeln!(
            s,
            "Comunicazioni di run precedenti superate da rettifiche/annullamenti: {}",
            it_int(run.superati_nel_lago)
        );
    }
    if !run.rivalutati_nel_lago.is_empty() {
        let _ = writeln!(s, "Record di run precedenti risolti di nuovo con questo run:");
        for (k, n) in &run.rivalutati_nel_lago {
            let _ = writeln!(s, "  {k:<36} {:>9}", it_int(*n));
        }
    }
    if !run.quarantena_per_motivo.is_empty() {
        let _ = writeln!(s, "Quarantena per motivo:");
        for (m, n) in &run.quarantena_per_motivo {
            let d = Motivo::from_code(m).map_or("", |x| x.descrizione());
            let _ = writeln!(s, "  {:<36} {:>9}  {}", m, it_int(*n), d);
        }
    }
    if !run.etichette_non_abbinate.is_empty() {
        let _ = writeln!(s, "Etichette senza codice (tenute, codice nullo):");
        for (l, n) in run.etichette_non_abbinate.iter().take(20) {
            let _ = writeln!(s, "  {:>7}  {l}", it_int(*n));
        }
        if run.etichette_non_abbinate.len() > 20 {
            let _ = writeln!(
                s,
                "  … e altre {} (vedi _manifest.json)",
                run.etichette_non_abbinate.len() - 20
            );
        }
    }
    s
}

/// What the lake holds: communications by year × event, quarantine by reason, and the
/// lake-wide reconciliation.
pub fn lake_summary(lake: &Lake) -> Result<String> {
    let m = lake.manifest()?;
    let mut s = String::new();
    if m.runs.is_empty() {
        let _ = writeln!(
            s,
            "Il lago {} non ha comunicazioni: acquisiscile con `oml ingest co PERCORSO…`.",
            lake.root.display()
        );
        s.push_str(&registri_summary(&m));
        return Ok(s);
    }
    let session = Session::open(lake)?;
    let (_, rows) = session.query(
        "SELECT anno, count(*) FILTER (evento = 'ASS') AS ass, count(*) FILTER (evento = 'PRO') AS pro, \
         count(*) FILTER (evento = 'TRS') AS trs, count(*) FILTER (evento = 'CES') AS ces, count(*) AS totale \
         FROM co_eventi GROUP BY anno ORDER BY anno",
    )?;
    let _ = writeln!(
        s,
        "Lago {} — generazione {}, {} run",
        lake.root.display(),
        m.generazione,
        m.runs.len()
    );
    let _ = writeln!(s, "Comunicazioni in co_eventi per anno e tipo di evento:");
    let _ = writeln!(
        s,
        "  {:>6} {:>10} {:>10} {:>10} {:>10} {:>11}",
        "anno", "avviamenti", "proroghe", "trasform.", "cessazioni", "totale"
    );
    for b in &rows {
        let col = |i: usize| -> Vec<u64> {
            let a = b.column(i);
            (0..b.num_rows())
                .map(|r| arrow::array::cast::as_primitive_array::<arrow::datatypes::Int64Type>(a).value(r) as u64)
                .collect()
        };
        let anni: Vec<i64> = {
            let a = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Int64)?;
            let a = arrow::array::cast::as_primitive_array::<arrow::datatypes::Int64Type>(&a).clone();
            (0..b.num_rows()).map(|r| a.value(r)).collect()
        };
        let (c1, c2, c3, c4, c5) = (col(1), col(2), col(3), col(4), col(5));
        for r in 0..b.num_rows() {
            let _ = writeln!(
                s,
                "  {:>6} {:>10} {:>10} {:>10} {:>10} {:>11}",
                anni[r],
                it_int(c1[r]),
                it_int(c2[r]),
                it_int(c3[r]),
                it_int(c4[r]),
                it_int(c5[r])
            );
        }
    }
    let letti: u64 = m.runs.iter().map(|r| r.totali.letti).sum();
    // What quarantine holds now (a waiting orphan leaves it when its target arrives).
    let (_, rows) = session.query("SELECT motivo, count(*) FROM quarantena GROUP BY motivo ORDER BY motivo")?;
    let _ = writeln!(s, "Quarantena per motivo:");
    if rows.iter().all(|b| b.num_rows() == 0) {
        let _ = writeln!(s, "  (vuota)");
    }
    for b in &rows {
        let motivi = arrow::array::cast::as_string_array(b.column(0));
        let n = arrow::array::cast::as_primitive_array::<arrow::datatypes::Int64Type>(b.column(1));
        for r in 0..b.num_rows() {
            let _ = writeln!(s, "  {:<36} {:>9}", motivi.value(r), it_int(n.value(r) as u64));
        }
    }
    let ev = m.rows(crate::lake::schema::CO_EVENTI);
    let sup = m.rows(crate::lake::schema::CO_SUPERATI);
    let q = m.rows(crate::lake::schema::QUARANTENA);
    let _ = writeln!(
        s,
        "Riconciliazione del lago: letti {} = co_eventi {} + co_superati {} + quarantena {}  {}",
        it_int(letti),
        it_int(ev),
        it_int(sup),
        it_int(q),
        if letti == ev + sup + q { "OK" } else { "ERRORE" }
    );
    // The live records themselves, not only their counts.
    let one = |sql: &str| -> Result<u64> {
        let (_, b) = session.query(sql)?;
        let v = b.first().filter(|b| b.num_rows() > 0).map_or(0, |b| {
            arrow::array::cast::as_primitive_array::<arrow::datatypes::Int64Type>(b.column(0)).value(0)
        });
        Ok(v as u64)
    };
    let doppi = one("SELECT count(*) - count(DISTINCT codice_comunicazione) FROM co_eventi")?;
    let risorti = one(
        "SELECT count(*) FROM co_eventi WHERE codice_comunicazione IN (SELECT codice_comunicazione FROM co_superati)",
    )?;
    let attesa = one("SELECT count(*) FROM co_in_attesa")?;
    let orfane = one("SELECT count(*) FROM quarantena WHERE motivo IN ('rettifica_orfana', 'annullamento_orfano')")?;
    let ok = |b: bool| if b { "OK" } else { "ERRORE" };
    let _ = writeln!(
        s,
        "Record vivi: codici ripetuti in co_eventi {} {}; codici sia vivi sia superati {} {}; \
         co_in_attesa {} = rettifiche orfane in quarantena {} {}",
        it_int(doppi),
        ok(doppi == 0),
        it_int(risorti),
        ok(risorti == 0),
        it_int(attesa),
        it_int(orfane),
        ok(attesa == orfane)
    );
    s.push_str(&registri_summary(&m));
    let scartati: u64 = m
        .runs
        .iter()
        .flat_map(|r| &r.inputs)
        .map(|i| &i.valori_non_codificati_scartati)
        .chain(m.registri.iter().map(|r| &r.valori_non_codificati_scartati))
        .flat_map(|v| v.values())
        .sum();
    if scartati > 0 {
        let _ = writeln!(
            s,
            "Valori non codificati scartati (campo vuoto, record accettato): {} (per file e forma in _manifest.json)",
            it_int(scartati)
        );
    }
    match &m.build {
        Some(b) => {
            let _ = writeln!(
                s,
                "Rapporti di lavoro (oml build del {}): {} ricostruiti da {} comunicazioni, orizzonte {}; \
                 cessazioni imputate {}, aperti {}, con censura a sinistra {}; mart: {}",
                b.eseguito,
                it_int(b.rapporti),
                it_int(b.eventi),
                b.orizzonte,
                it_int(b.cessazioni_imputate),
                it_int(b.aperti),
                it_int(b.censura_sinistra),
                crate::lake::catalog::MARTS
                    .iter()
                    .filter(|x| !m.files(x.dataset).is_empty())
                    .map(|x| x.dataset)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        None if ev > 0 => {
            let _ = writeln!(
                s,
                "Rapporti di lavoro: da ricostruire dopo l'ultima acquisizione (oml build)."
            );
        }
        None => {}
    }
    Ok(s)
}

/// Italian summary of a build, for the terminal.
pub fn build_summary(r: &BuildReport) -> String {
    let b = &r.record;
    let n = it_int;
    let mut s = String::new();
    s.push_str(&format!(
        "Rapporti ricostruiti: {} (segmenti {}), di cui aperti all'orizzonte {} ({}), cessazioni imputate {}, con censura a sinistra {}\n",
        n(b.rapporti),
        n(b.segmenti),
        b.orizzonte,
        n(b.aperti),
        n(b.cessazioni_imputate),
        n(b.censura_sinistra)
    ));
    s.push_str(&format!(
        "Carriere dei lavoratori: {} periodi di occupazione e non occupazione (carriere)\n",
        n(b.carriere)
    ));
    s.push_str(&format!(
        "Transizioni: {} rapporti con il successivo e il precedente dello stesso lavoratore, limite AQHire {} giorni (transizioni)\n",
        n(b.transizioni),
        b.limite_aqhire
    ));
    s.push_str(&format!(
        "Riconciliazione: comunicazioni {} = applicate {} + non applicate {}  {}\n",
        n(b.eventi),
        n(b.eventi_applicati),
        n(b.eventi_non_applicati),
        if b.eventi == b.eventi_applicati + b.eventi_non_applicati {
            "OK"
        } else {
            "ERRORE"
        }
    ));
    if !b.anomalie_per_motivo.is_empty() {
        s.push_str("Anomalie (rapporti_anomalie):\n");
        for m in crate::derive::rapporti::Motivo::ALL {
            if let Some(c) = b.anomalie_per_motivo.get(m.code()) {
                s.push_str(&format!("  {:<30} {:>9}  {}\n", m.code(), n(*c), m.descrizione()));
            }
        }
    }
    s.push_str(&format!(
        "Tempi: lettura {:.1} s, ricostruzione {:.1} s, scrittura {:.1} s, carriere {:.1} s, transizioni {:.1} s ({} comunicazioni/s); mart {:.1} s\n",
        r.secondi_lettura,
        r.secondi_ricostruzione,
        r.secondi_scrittura,
        r.secondi_carriere,
        r.secondi_transizioni,
        n((b.eventi as f64 / b.secondi.max(1e-9)) as u64),
        r.secondi_mart
    ));
    if !r.mart.is_empty() {
        s.push_str(&format!(
            "Mart protetti (controllo della divulgazione applicato): {}\n",
            r.mart.join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn italian_thousands() {
        assert_eq!(super::it_int(0), "0");
        assert_eq!(super::it_int(999), "999");
        assert_eq!(super::it_int(1234), "1.234");
        assert_eq!(super::it_int(21_340_000), "21.340.000");
    }
}
