//! Comuni: the ISTAT 2023 list, extended back in time with the ANPAL historical table
//! (`reference/anpal/comuni_belfiore_storico.csv`) and two project tables,
//! `reference/oml/comuni_soppressi.csv` (when the comuni ANPAL still shows open were
//! suppressed) and `reference/oml/comuni_inizio_non_creazione.csv` (ANPAL start dates that are
//! re-registrations, not creations).
//!
//! The rules (which source wins, the ANPAL sentinels) are in `reference/README.md`.

use super::embedded::{
    at_line, is_belfiore, is_digits, ymd, Embedded, Table, ANPAL_COMUNI, ANPAL_PROVINCE, ISTAT_COMUNI,
    OML_INIZIO_NON_CREAZIONE, OML_SOPPRESSI,
};
use super::keys::{get_padded, CodeList, HashMap};
use super::territorio::AnpalProvincia;
use super::{CodeCheck, Comune, Provincia, Reference, Validity};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

/// ANPAL `TAB_COMUNI` system-start sentinel for `dat_inizio` (not a real date).
const ANPAL_SENTINEL_START: NaiveDate = ymd(2000, 1, 2);
/// ANPAL `TAB_COMUNI` sentinel for `dat_fine`: "suppressed before the system started".
const ANPAL_SENTINEL_END: NaiveDate = ymd(2000, 1, 1);
/// A sentinel-closed comune is valid until this day at most.
const BEFORE_2000: NaiveDate = ymd(1999, 12, 31);

/// A row of the ANPAL historical comuni table, parsed.
pub(super) struct AnpalComune {
    line: u64,
    belfiore: String,
    provincia: String,
    nome: String,
    istat: String,
    inizio: Option<NaiveDate>,
    fine: Option<NaiveDate>,
}

/// ANPAL `comuni_belfiore_storico.csv`, every row in file order.
pub(super) fn read_anpal(src: &Embedded) -> Result<Vec<AnpalComune>> {
    let t = Table::utf8(src)?;
    let [c_bf, c_prov, c_des, c_istat, c_ini, c_fine] =
        t.cols("cod_comune,cod_provincia,des_comune,cod_istat,dat_inizio,dat_fine")?;
    let mut rows = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let belfiore = row.code(c_bf, "cod_comune", is_belfiore)?;
        let provincia = row.code(c_prov, "cod_provincia", |s| is_digits(s, 3))?;
        let raw_istat = row.get(c_istat);
        // Three codes lost their leading zero (`06102`): left-pad, then validate.
        let istat = match raw_istat.len() {
            0 => String::new(),
            5 if is_digits(raw_istat, 5) => format!("0{raw_istat}"),
            _ if is_digits(raw_istat, 6) => raw_istat.to_string(),
            _ => return Err(row.err(format!("malformed cod_istat '{raw_istat}'"))),
        };
        rows.push(AnpalComune {
            line: row.line(),
            belfiore: belfiore.to_string(),
            provincia: provincia.to_string(),
            nome: row.text(c_des, "des_comune")?.to_string(),
            istat,
            inizio: row.date(c_ini, "dat_inizio")?,
            fine: row.date(c_fine, "dat_fine")?,
        });
    }
    Ok(rows)
}

/// Belfiore → first day the comune no longer exists, for comuni ANPAL still shows open-ended
/// but ISTAT 2023 no longer lists (`reference/oml/comuni_soppressi.csv`).
pub(super) fn read_soppressi(src: &Embedded) -> Result<HashMap<String, NaiveDate>> {
    let t = Table::utf8(src)?;
    let [c_bf, c_data, c_succ, _] = t.cols("belfiore,data_soppressione,successore_belfiore,verificato")?;
    let mut out = HashMap::default();
    for row in t.rows() {
        let bf = row.code(c_bf, "belfiore", is_belfiore)?;
        row.code(c_succ, "successore_belfiore", is_belfiore)?;
        let d = row.required_date(c_data, "data_soppressione")?;
        if out.insert(bf.to_string(), d).is_some() {
            return Err(row.err(format!("duplicate belfiore '{bf}'")));
        }
    }
    Ok(out)
}

/// A current comune whose ANPAL `dat_inizio` is a re-registration (a province transfer), not
/// its creation (`reference/oml/comuni_inizio_non_creazione.csv`).
pub(super) struct InizioNonCreazione {
    line: u64,
    belfiore: String,
    comune: String,
    /// The ANPAL `dat_inizio` that is ignored (checked against the ANPAL table).
    dat_inizio_anpal: NaiveDate,
}

/// `reference/oml/comuni_inizio_non_creazione.csv`, in file order.
pub(super) fn read_inizio_non_creazione(src: &Embedded) -> Result<Vec<InizioNonCreazione>> {
    let t = Table::utf8(src)?;
    let [c_bf, c_nome, c_data, _] = t.cols("belfiore,comune,dat_inizio_anpal,motivo")?;
    let mut out: Vec<InizioNonCreazione> = Vec::new();
    for row in t.rows() {
        let belfiore = row.unique_code(c_bf, "belfiore", is_belfiore, out.iter().map(|e| e.belfiore.as_str()))?;
        out.push(InizioNonCreazione {
            line: row.line(),
            belfiore: belfiore.to_string(),
            comune: row.text(c_nome, "comune")?.to_string(),
            dat_inizio_anpal: row.required_date(c_data, "dat_inizio_anpal")?,
        });
    }
    Ok(out)
}

/// Every comune, current and suppressed, with its lookup keys.
pub(super) struct Comuni {
    /// By Belfiore code. `[0, n_correnti)`: the ISTAT 2023 comuni sorted by ISTAT code; then
    /// the comuni known only to the ANPAL historical table (suppressed), sorted by Belfiore.
    all: CodeList<Comune>,
    n_correnti: usize,
    by_istat: HashMap<String, usize>,
    per_provincia: HashMap<String, Vec<usize>>,
}

impl Comuni {
    /// The ISTAT comuni (`correnti`, sorted by ISTAT code), dated and extended with the ANPAL
    /// rows; see the module documentation.
    pub(super) fn build(
        mut correnti: Vec<Comune>,
        anpal: &[AnpalComune],
        anpal_province: &HashMap<String, AnpalProvincia>,
        soppressi: &HashMap<String, NaiveDate>,
        non_creazione: &[InizioNonCreazione],
    ) -> Result<Comuni> {
        let n_correnti = correnti.len();
        let mut by_belfiore = HashMap::default();
        let mut by_istat = HashMap::default();
        let mut per_provincia: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, x) in correnti.iter().enumerate() {
            if by_belfiore.insert(x.belfiore.clone(), i).is_some() {
                bail!("{}: duplicate Codice Catastale '{}'", ISTAT_COMUNI.path, x.belfiore);
            }
            if by_istat.insert(x.istat.clone(), i).is_some() {
                bail!("{}: duplicate ISTAT code '{}'", ISTAT_COMUNI.path, x.istat);
            }
            per_provincia.entry(x.provincia_istat.clone()).or_default().push(i);
        }
        let merged = date_from_anpal(
            &mut correnti,
            &by_belfiore,
            anpal,
            anpal_province,
            soppressi,
            non_creazione,
        )?;
        let mut only_anpal = merged.only_anpal;
        only_anpal.sort_by(|a, b| a.belfiore.cmp(&b.belfiore));
        // ISTAT codes of suppressed comuni: the most recently valid one wins a shared code.
        let mut by_end: Vec<usize> = (0..only_anpal.len()).collect();
        by_end.sort_by_key(|&j| std::cmp::Reverse(only_anpal[j].validity.to));
        for j in by_end {
            let c = &only_anpal[j];
            if !c.istat.is_empty() {
                by_istat.entry(c.istat.clone()).or_insert(n_correnti + j);
            }
        }
        // Older ISTAT codes of current comuni, after every code of a suppressed comune.
        for (code, i) in merged.istat_aliases {
            by_istat.entry(code).or_insert(i);
        }
        correnti.extend(only_anpal);
        Ok(Comuni {
            all: CodeList::new(correnti, |c| &c.belfiore),
            n_correnti,
            by_istat,
            per_provincia,
        })
    }

    /// The comune with exactly this ISTAT code (current, suppressed or older code).
    pub(super) fn by_istat(&self, istat: &str) -> Option<&Comune> {
        self.by_istat.get(istat).map(|&i| &self.all.items()[i])
    }
}

/// What the ANPAL table adds to the ISTAT list.
struct Merged {
    /// The comuni known only to ANPAL (suppressed), dated, in ANPAL order.
    only_anpal: Vec<Comune>,
    /// Older ISTAT codes ANPAL gives current comuni → position of the comune.
    istat_aliases: Vec<(String, usize)>,
}

/// Sets the start dates of the current comuni from ANPAL and dates the comuni known only to
/// ANPAL.
fn date_from_anpal(
    correnti: &mut [Comune],
    by_belfiore: &HashMap<String, usize>,
    anpal: &[AnpalComune],
    anpal_province: &HashMap<String, AnpalProvincia>,
    soppressi: &HashMap<String, NaiveDate>,
    non_creazione: &[InizioNonCreazione],
) -> Result<Merged> {
    // Last real change recorded by ANPAL: the fallback end of comuni it shows open but
    // ISTAT 2023 no longer lists.
    let snapshot = anpal
        .iter()
        .flat_map(|r| [r.inizio, r.fine])
        .flatten()
        .filter(|&d| d != ANPAL_SENTINEL_START && d != ANPAL_SENTINEL_END)
        .max()
        .ok_or_else(|| anyhow!("{}: no real date", ANPAL_COMUNI.path))?;
    let exceptions: HashMap<&str, usize> = non_creazione
        .iter()
        .enumerate()
        .map(|(k, e)| (e.belfiore.as_str(), k))
        .collect();
    let mut exception_used = vec![false; non_creazione.len()];

    let mut seen: HashMap<&str, u64> = HashMap::default();
    let mut merged = Merged {
        only_anpal: Vec::new(),
        istat_aliases: Vec::new(),
    };
    for r in anpal {
        if seen.insert(&r.belfiore, r.line).is_some() {
            return Err(at_line(
                ANPAL_COMUNI.path,
                r.line,
                format!("duplicate cod_comune '{}'", r.belfiore),
            ));
        }
        let Some(&i) = by_belfiore.get(&r.belfiore) else {
            merged
                .only_anpal
                .push(suppressed(r, anpal_province, soppressi, snapshot)?);
            continue;
        };
        // A current comune: ISTAT wins; only a real start date is taken from ANPAL.
        if soppressi.contains_key(&r.belfiore) {
            bail!("{}: '{}' is a current ISTAT comune", OML_SOPPRESSI.path, r.belfiore);
        }
        if let Some(d) = r.inizio.filter(|&d| d != ANPAL_SENTINEL_START) {
            match exceptions.get(r.belfiore.as_str()) {
                Some(&k) => {
                    check_exception(&non_creazione[k], &correnti[i], d)?;
                    exception_used[k] = true;
                }
                None => correnti[i].validity.from = Some(d),
            }
        }
        if r.istat.len() == 6 && r.istat != correnti[i].istat && is_digits(r.istat.as_str(), 6) {
            merged.istat_aliases.push((r.istat.clone(), i));
        }
    }
    if let Some((e, _)) = non_creazione.iter().zip(&exception_used).find(|(_, &used)| !used) {
        return Err(at_line(
            OML_INIZIO_NON_CREAZIONE.path,
            e.line,
            format!(
                "'{}' is not a current comune with a real start date in {}",
                e.belfiore, ANPAL_COMUNI.path
            ),
        ));
    }
    for bf in soppressi.keys() {
        if !seen.contains_key(bf.as_str()) {
            bail!("{}: '{bf}' is not in {}", OML_SOPPRESSI.path, ANPAL_COMUNI.path);
        }
    }
    Ok(merged)
}

/// The exception matches the ISTAT comune and the ANPAL start date it ignores.
fn check_exception(e: &InizioNonCreazione, comune: &Comune, anpal_start: NaiveDate) -> Result<()> {
    let defect = if e.comune != comune.nome {
        format!(
            "'{}' is {} in the ISTAT list, not {}",
            e.belfiore, comune.nome, e.comune
        )
    } else if e.dat_inizio_anpal != anpal_start {
        format!(
            "'{}' starts on {anpal_start} in {}, not {}",
            e.belfiore, ANPAL_COMUNI.path, e.dat_inizio_anpal
        )
    } else {
        return Ok(());
    };
    Err(at_line(OML_INIZIO_NON_CREAZIONE.path, e.line, defect))
}

/// A comune known only to ANPAL, dated: it ends at its ANPAL `dat_fine` (1999-12-31 for the
/// sentinel), on the eve of its suppression in `comuni_soppressi.csv`, or at the snapshot.
fn suppressed(
    r: &AnpalComune,
    anpal_province: &HashMap<String, AnpalProvincia>,
    soppressi: &HashMap<String, NaiveDate>,
    snapshot: NaiveDate,
) -> Result<Comune> {
    let from = r.inizio.filter(|&d| d != ANPAL_SENTINEL_START);
    let to = match r.fine {
        Some(d) if d == ANPAL_SENTINEL_END => BEFORE_2000,
        Some(d) => {
            if soppressi.contains_key(&r.belfiore) {
                bail!(
                    "{}: '{}' already has an end date in {}",
                    OML_SOPPRESSI.path,
                    r.belfiore,
                    ANPAL_COMUNI.path
                );
            }
            d
        }
        None => match soppressi.get(&r.belfiore) {
            Some(&d) => d
                .pred_opt()
                .ok_or_else(|| anyhow!("{}: date out of range", OML_SOPPRESSI.path))?,
            None => snapshot,
        },
    };
    let from = from.filter(|&f| f <= to);
    let prov = anpal_province.get(&r.provincia).ok_or_else(|| {
        at_line(
            ANPAL_COMUNI.path,
            r.line,
            format!("cod_provincia '{}' not in {}", r.provincia, ANPAL_PROVINCE.path),
        )
    })?;
    Ok(Comune {
        belfiore: r.belfiore.clone(),
        istat: r.istat.clone(),
        nome: r.nome.clone(),
        provincia_istat: r.provincia.clone(),
        sigla: prov.sigla.clone(),
        regione_istat: prov.regione.clone(),
        capoluogo: false,
        validity: Validity { from, to: Some(to) },
    })
}

impl Reference {
    /// The comune with this Belfiore code (case-insensitive), checked against `date`.
    ///
    /// Current comuni (ISTAT 2023 list) are open-ended; they start at the ANPAL `dat_inizio`
    /// when that is a real date (a comune created by a fusione), else they are valid since
    /// ever. Comuni known only to the ANPAL historical table end at their ANPAL `dat_fine`
    /// (1999-12-31 for the "suppressed before 2000" sentinel), or, for those ANPAL still
    /// shows open but ISTAT 2023 no longer lists, on the eve of the suppression date in
    /// `reference/oml/comuni_soppressi.csv` (fallback: the last change date in the ANPAL table).
    pub fn comune(&self, belfiore: &str, date: NaiveDate) -> CodeCheck<&Comune> {
        self.comuni.all.at(belfiore, date)
    }

    /// The comune with this Belfiore code, whatever the date (each code has one version:
    /// the ISTAT one when the comune is current, else the ANPAL one).
    pub fn comune_any(&self, belfiore: &str) -> Option<&Comune> {
        self.comuni.all.get(belfiore)
    }

    /// The comune with this 6-digit ISTAT code (`"100005"`; unpadded `"47014"` accepted).
    /// Current codes first; then codes of suppressed comuni; then the older ISTAT code ANPAL
    /// records for a current comune (e.g. before a province transfer).
    pub fn comune_by_istat(&self, istat: &str) -> Option<&Comune> {
        get_padded(&self.comuni.by_istat, istat, 6).map(|&i| &self.comuni.all.items()[i])
    }

    /// The current (ISTAT 2023) comuni of a province, sorted by ISTAT code.
    pub fn comuni_of_province(&self, p: &Provincia) -> Vec<&Comune> {
        self.comuni
            .per_provincia
            .get(&p.istat)
            .map(|v| v.iter().map(|&i| &self.comuni.all.items()[i]).collect())
            .unwrap_or_default()
    }

    /// The 7,901 current comuni (ISTAT 2023 list), sorted by ISTAT code.
    pub fn comuni(&self) -> &[Comune] {
        &self.comuni.all.items()[..self.comuni.n_correnti]
    }

    /// The comuni known only to the ANPAL historical table (suppressed), sorted by Belfiore.
    pub fn comuni_soppressi(&self) -> &[Comune] {
        &self.comuni.all.items()[self.comuni.n_correnti..]
    }
}
