//! Synthetic province generator with ground truth (`oml synth`).
//!
//! Simulates the labour market of one province — workers, employers, hires with
//! seasonality and a crisis year, proroghe, trasformazioni, cessazioni (many fixed-term
//! contracts simply expire without one), job-to-job moves — and writes what an observatory
//! receives: the CSV extract `co.csv` and the same communications as UNILAV XML batches
//! `unilav/<YYYY>/unilav_<YYYY>_<MM>.xml`, in the same order (by data_invio, then emission
//! sequence). Faults are injected as extra records so that validation and resolution can be
//! measured; the ground truth goes to `truth/` (see the README written there).
//!
//! Output is a pure function of the configuration: the same seed gives byte-identical files
//! (own xoshiro256** / splitmix64 PRNG, no hash-map iteration, no clock). Generation streams
//! month by month: only pending future events are held in memory.

mod cal;
mod emit;
mod people;
mod profile;
mod rng;
mod sim;
#[cfg(test)]
mod tests;

pub use emit::FaultRates;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// Province: sigla (`PO`), ISTAT code (`100`) or name.
    pub province: String,
    pub first_year: i32,
    pub last_year: i32,
    /// True communications per year (fault records come on top, about 2.5 %).
    pub volume: usize,
    pub seed: u64,
    /// Inject faults (extra records listed in `truth/anomalie.csv`).
    pub faults: bool,
    /// Year of a crisis: fewer hires, layoffs in manufacturing. Ignored outside the period.
    pub crisis_year: Option<i32>,
    pub write_csv: bool,
    pub write_xml: bool,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            province: "PO".to_string(),
            first_year: 2019,
            last_year: 2024,
            volume: 80_000,
            seed: 42,
            faults: true,
            crisis_year: Some(2020),
            write_csv: true,
            write_xml: true,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct SynthSummary {
    /// Records written (true communications plus fault records).
    pub communications: u64,
    /// True communications only.
    pub communications_true: u64,
    /// True relationships whose assunzione is in the extract (`truth/rapporti.csv`).
    pub rapporti: u64,
    /// Relationships started before the period (`truth/rapporti_pregressi.csv`).
    pub rapporti_pregressi: u64,
    /// Relationships ended at their expected end without a cessazione (both truth files).
    pub cessazioni_imputate: u64,
    /// Records by evento (`ASS`, `PRO`, `TRS`, `CES`), fault records included.
    pub by_evento: Vec<(String, u64)>,
    /// True communications by evento.
    pub true_by_evento: Vec<(String, u64)>,
    /// Rows of `truth/anomalie.csv` by motivo.
    pub faults_by_motivo: Vec<(String, u64)>,
    /// Records by year of data_invio.
    pub by_year: Vec<(i32, u64)>,
    pub workers: u64,
    pub employers: u64,
    /// Sigla of the province.
    pub province: String,
    /// Files written (co.csv first when written).
    pub files: Vec<PathBuf>,
}

/// True communications per hire in a steady state (calibrated on the default profile);
/// used to turn the requested volume into a hiring rate.
const COMMS_PER_HIRE: f64 = 1.8;
/// Open-ended positions at the start of the simulation, per yearly hire.
const STOCK_PER_HIRE: f64 = 1.2;
/// Available workers at the start, per yearly hire.
const POOL_PER_HIRE: f64 = 0.7;
/// Days simulated before the first year (their relationships become the pregressi).
const BURN_IN_DAYS: i32 = 365;

pub(crate) fn day_to_date(day: i32) -> chrono::NaiveDate {
    let (y, m, d) = cal::civil_from_days(day);
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn check(cfg: &SynthConfig) -> Result<()> {
    if cfg.first_year > cfg.last_year {
        bail!(
            "anni invertiti: {}-{} (il primo anno deve precedere l'ultimo)",
            cfg.first_year,
            cfg.last_year
        );
    }
    if cfg.first_year < 2009 || cfg.last_year > 2100 {
        bail!(
            "anni fuori intervallo: {}-{} (ammessi 2009–2100; le CO telematiche partono dal 2008)",
            cfg.first_year,
            cfg.last_year
        );
    }
    if cfg.volume == 0 {
        bail!("volume nullo: indicare il numero di comunicazioni per anno (> 0)");
    }
    if cfg.volume > 100_000_000 {
        bail!(
            "volume {} troppo grande (massimo 100 milioni di comunicazioni per anno)",
            cfg.volume
        );
    }
    if !cfg.write_csv && !cfg.write_xml {
        bail!("nessun formato richiesto: abilitare il CSV, l'XML o entrambi");
    }
    Ok(())
}

/// Generates the synthetic province into `out`. `progress(done, total)` is called as
/// records are written (`total` is an estimate).
pub fn generate(cfg: &SynthConfig, out: &Path, progress: &dyn Fn(u64, u64)) -> Result<SynthSummary> {
    generate_with(cfg, &FaultRates::default(), out, progress)
}

/// As [`generate`], with explicit fault rates.
pub fn generate_with(
    cfg: &SynthConfig,
    rates: &FaultRates,
    out: &Path,
    progress: &dyn Fn(u64, u64),
) -> Result<SynthSummary> {
    check(cfg)?;
    let first_day = cal::days_from_civil(cfg.first_year, 1, 1);
    let last_day = cal::days_from_civil(cfg.last_year, 12, 31);
    let world = profile::World::build(&cfg.province, first_day, last_day)?;
    let r = crate::reference::Reference::get();
    let region = r
        .regione(&world.prov.regione_istat)
        .map(|x| x.mlps.clone())
        .filter(|m| m.len() == 2 && m.bytes().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| profile::mlps_region(&world.prov.regione_istat, &world.prov.istat).to_string());
    let hires_per_year = cfg.volume as f64 / COMMS_PER_HIRE;
    let crisis_year = cfg.crisis_year.filter(|y| *y >= cfg.first_year && *y <= cfg.last_year);
    let params = sim::Params {
        seed: cfg.seed,
        first_day,
        last_day,
        sim_start: first_day - BURN_IN_DAYS,
        hires_per_year,
        crisis_year,
    };
    let years = (cfg.last_year - cfg.first_year + 1) as u64;
    let total_est = cfg.volume as u64 * years;
    progress(0, total_est);

    let mut g = sim::Gen::new(&world, params);
    g.seed_pool((hires_per_year * POOL_PER_HIRE).ceil() as usize);
    g.initial_stock((hires_per_year * STOCK_PER_HIRE).ceil() as usize);
    let faults = cfg.faults.then_some(*rates);
    let mut em = emit::Emitter::new(out, &region, cfg.seed, faults, last_day, cfg.write_csv, cfg.write_xml)?;
    em.drain_pregressi(&mut g)?;

    let mut last_report = 0u64;
    for day in g.p.sim_start..=last_day {
        // Every item generated from now on has data_invio ≥ day - 1: earlier months are final.
        let complete_before = cal::month_index(day - 1);
        while let Some(&m) = g.buckets.keys().next() {
            if m >= complete_before {
                break;
            }
            em.flush_month(&mut g, m)?;
        }
        g.run_day(day);
        if day < first_day || day % 16 == 0 {
            em.drain_pregressi(&mut g)?;
        }
        if em.counts.rows >= last_report + 65_536 {
            last_report = em.counts.rows;
            progress(em.counts.rows, total_est.max(em.counts.rows));
        }
    }
    em.drain_pregressi(&mut g)?;
    while let Some(&m) = g.buckets.keys().next() {
        em.flush_month(&mut g, m)?;
    }
    let (counts, files) = em.finish()?;
    progress(counts.rows, total_est.max(counts.rows));

    let eventi = ["ASS", "PRO", "TRS", "CES"];
    let mut summary = SynthSummary {
        communications: counts.rows,
        communications_true: counts.real_by_evento.iter().sum(),
        rapporti: counts.rapporti,
        rapporti_pregressi: counts.pregressi,
        cessazioni_imputate: counts.imputate,
        by_evento: eventi
            .iter()
            .zip(counts.rows_by_evento)
            .map(|(e, n)| (e.to_string(), n))
            .collect(),
        true_by_evento: eventi
            .iter()
            .zip(counts.real_by_evento)
            .map(|(e, n)| (e.to_string(), n))
            .collect(),
        faults_by_motivo: emit::MOTIVI
            .iter()
            .zip(counts.by_motivo)
            .skip(1)
            .map(|(m, n)| (m.to_string(), n))
            .collect(),
        by_year: counts.rows_by_year.iter().map(|(y, n)| (*y, *n)).collect(),
        workers: g.workers.len() as u64,
        employers: g.employers.len() as u64,
        province: world.prov.sigla.clone(),
        files,
    };
    let readme = out.join("truth").join("README.md");
    write_readme(cfg, rates, &summary, &region, &readme)?;
    summary.files.push(readme);
    Ok(summary)
}

fn write_readme(cfg: &SynthConfig, rates: &FaultRates, s: &SynthSummary, region: &str, dest: &Path) -> Result<()> {
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(t, "# Verità di base della provincia sintetica\n");
    let _ = writeln!(
        t,
        "Generata da `oml synth`: provincia {} (codici comunicazione con prefisso regionale MLPS `{}`), anni {}–{}, \
         volume {} comunicazioni/anno, seme {}, anomalie {}, anno di crisi {}.\n\
         Stessa configurazione e stesso seme ⇒ file identici byte per byte.\n",
        s.province,
        region,
        cfg.first_year,
        cfg.last_year,
        cfg.volume,
        cfg.seed,
        if cfg.faults { "sì" } else { "no" },
        cfg.crisis_year
            .filter(|y| *y >= cfg.first_year && *y <= cfg.last_year)
            .map_or("nessuno".to_string(), |y| y.to_string()),
    );
    let _ = writeln!(t, "## File\n");
    let _ = writeln!(
        t,
        "- `../co.csv`: l'estrazione CSV, una riga per comunicazione (intestazione = campi UNILAV appiattiti).\n\
         - `../unilav/<AAAA>/unilav_<AAAA>_<MM>.xml`: le stesse comunicazioni come elementi `UniLav`, un file per mese di \
         `dataInvio`. CSV e XML (file in ordine di percorso) elencano le comunicazioni nello stesso ordine: per data invio, poi \
         sequenza di emissione; un duplicato segue l'originale, rettifiche e annullamenti seguono la comunicazione a cui si riferiscono.\n\
         - `anomalie.csv` (`codice_comunicazione,motivo`): una riga per record anomalo iniettato. Ogni record anomalo ha un solo \
         difetto. Motivi: `cf_lavoratore_carattere_controllo`, `cf_lavoratore_formato`, `codice_sconosciuto` (tipologia `A.99.99`, \
         ATECO `99.99.99` o comune `Q999`), `codice_non_valido_alla_data` (tipologia scaduta alla data), `data_non_valida` \
         (DataInizio impossibile), `duplicato` (copia esatta, stesso codice: una riga per copia), `rettifica_orfana` (tipo 03 che \
         rimanda a un codice inesistente), `rettificato` (versione superata da una rettifica: errata ma valida), `annullato` \
         (assunzione spuria poi annullata, non è un rapporto vero) e `annullamento` (la comunicazione tipo 04). I record con i primi \
         cinque motivi sono invii errati che precedono di pochi minuti quello corretto, con un codice proprio.\n\
         - `rapporti.csv`: un rapporto vero per riga, per ogni assunzione presente nell'estrazione. `codice_comunicazione_avvio` è \
         il codice della versione viva dell'assunzione (se rettificata, l'ultima rettifica); `tipologia_contrattuale` quella \
         iniziale; `data_fine_effettiva` l'ultimo giorno lavorato se entro il 31/12/{}, altrimenti vuota; `cessazione_imputata` \
         = true quando il rapporto è finito alla data di fine prevista (dopo le proroghe) senza comunicazione di cessazione. \
         Colonne aggiuntive: `data_fine_prevista` (dopo le proroghe, vuota se a tempo indeterminato), `tipologia_finale`, \
         `n_proroghe`, `codice_trasformazione`/`data_trasformazione` (l'ultima), `causa_cessazione`, \
         `evento_cessazione_comunicato`, `cf_lavoratore`, `cf_datore`, `settore`, `sede_lavoro_comune`. Tutto è descritto \
         com'è all'orizzonte (31/12 dell'ultimo anno): eventi successivi non contano.\n\
         - `rapporti_pregressi.csv`: stesse colonne, codice vuoto, per i rapporti iniziati prima del primo anno e ancora in corso \
         al suo inizio (lo stock iniziale): la loro assunzione non è nell'estrazione, proroghe/trasformazioni/cessazioni \
         successive sì; `n_proroghe` conta anche quelle precedenti al periodo.\n",
        cfg.last_year
    );
    let _ = writeln!(t, "## Contenuto\n");
    let _ = writeln!(
        t,
        "- Record scritti: {} (comunicazioni vere: {}); rapporti: {}; pregressi: {}; cessazioni imputate: {}; lavoratori: {}; datori: {}.",
        s.communications, s.communications_true, s.rapporti, s.rapporti_pregressi, s.cessazioni_imputate, s.workers, s.employers
    );
    let ev: Vec<String> = s.true_by_evento.iter().map(|(e, n)| format!("{e} {n}")).collect();
    let _ = writeln!(t, "- Comunicazioni vere per evento: {}.", ev.join(", "));
    let yr: Vec<String> = s.by_year.iter().map(|(y, n)| format!("{y}: {n}")).collect();
    let _ = writeln!(t, "- Record per anno di invio: {}.", yr.join(", "));
    let fm: Vec<String> = s.faults_by_motivo.iter().map(|(m, n)| format!("`{m}` {n}")).collect();
    let _ = writeln!(t, "- Righe di anomalie.csv per motivo: {}.\n", fm.join(", "));
    let _ = writeln!(t, "## Tassi\n");
    let _ = writeln!(
        t,
        "Anomalie (per comunicazione ordinaria, record aggiuntivi): carattere di controllo {:.2} %, formato CF {:.2} %, codice \
         sconosciuto {:.2} %, codice non valido alla data {:.2} %, data non valida {:.2} %, duplicato {:.2} %, rettifica orfana \
         {:.2} %, rettifiche {:.2} % (di assunzioni e cessazioni; il 20 % sono catene di due rettifiche), annullamenti {:.2} % \
         (di assunzioni spurie).\n",
        rates.cf_carattere_controllo * 100.0,
        rates.cf_formato * 100.0,
        rates.codice_sconosciuto * 100.0,
        rates.codice_non_valido_alla_data * 100.0,
        rates.data_non_valida * 100.0,
        rates.duplicato * 100.0,
        rates.rettifica_orfana * 100.0,
        rates.rettifica * 100.0,
        rates.annullamento * 100.0
    );
    let _ = writeln!(
        t,
        "Mercato del lavoro: assunzioni con circa metà tempo determinato (A.02.00/A.02.01), ~15 % tempo indeterminato, \
         apprendistato A.03.09, intermittente A.05.02, domestico A.04.02 (datori famiglie 97.00.00 con CF personale), tirocinio \
         C.01.00, co.co.co. B.03.00, lavoro a domicilio A.08.02. La somministrazione è rappresentata da A.02.00 (o A.01.00) con \
         datore nel settore 78.20.00 (agenzie di lavoro temporaneo), perché la tabella ANPAL non ha codici di somministrazione \
         validi dopo il 2013. Proroghe per circa il 30 % dei TD non brevissimi; trasformazioni DI (TD→TI, tipologia A.01.00, \
         DataFine vuota) per circa il 7 % dei TD; FF a fine formazione per l'80 % degli apprendisti che la completano (la \
         comunicazione TRS riporta A.01.00); qualche TP/PP. I TD che arrivano alla scadenza senza proroga finiscono senza \
         comunicazione di cessazione nel 60 % dei casi (cessazione imputata), altrimenti con causa FT (o FM per le agenzie). \
         Stagionalità per settore (turismo maggio–settembre, agricoltura settembre–ottobre, scuola settembre, calo ad agosto e \
         dicembre); molti contratti di 1 giorno o di pochi giorni, anche in serie consecutive con stesso lavoratore e datore; \
         cambi di lavoro senza interruzione o dopo settimane; qualche doppio part-time. Anno di crisi: meno assunzioni (minimo \
         ad aprile) e licenziamenti (LC/LO) nella manifattura. Date di invio: ASS il giorno prima o il giorno stesso dell'inizio, \
         PRO entro la scadenza, TRS/CES entro 0–5 giorni dall'evento (mai oltre il 31/12 dell'ultimo anno); il 2 % nella forma \
         con frazioni di secondo e fuso orario.\n"
    );
    let _ = writeln!(
        t,
        "Persone: nomi sintetici (liste e sillabe), codice fiscale calcolato dalle regole ufficiali, unico per persona; lo 0,1 % \
         dei lavoratori ha un codice omocodico (variante con 1–3 sostituzioni, il codice base non appartiene a nessun altro). \
         Indirizzi sintetici (`VIA SINTETICA 12`). Datori con CF numerico a 11 cifre (controllo di Luhn, ufficio 001–100) o CF \
         personale (ditte individuali, famiglie).\n"
    );
    let tmp = dest.with_file_name(".README.md.tmp");
    std::fs::write(&tmp, t).with_context(|| format!("scrittura di {}", tmp.display()))?;
    std::fs::rename(&tmp, dest).with_context(|| format!("rinomina di {}", tmp.display()))?;
    Ok(())
}
