//! Writing (on its own thread): month by month, the communications in output order — the CSV
//! extract `co.csv` and one UNILAV XML batch per month — with the mutation of every fault
//! record applied, and the ground truth (`truth/anomalie.csv`, `rapporti.csv`,
//! `rapporti_pregressi.csv`). Names and addresses are derived again from the seed and the
//! ids; every file is written under a temporary name and renamed when complete.

use super::cal;
use super::codes::{MOTIVI, ORARI, OR_N, TIP_CODES, TRS_CODES};
use super::events::{Msg, Mutation, Row, TruthRow, EV_CES, EV_PRO, EV_TRS, NONE, OWNER_BASE};
use super::people;
use super::profile::World;
use super::rng::hash3;
use super::welfare::Spell;
use crate::model::{RawCo, F};
use crate::sources::co_csv::CsvWriter;
use crate::sources::unilav_xml::XmlBatchWriter;
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters reported in the summary.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub rows: u64,
    pub real_by_evento: [u64; 4],
    pub rows_by_evento: [u64; 4],
    pub by_motivo: [u64; 11],
    pub rows_by_year: std::collections::BTreeMap<i32, u64>,
    pub rapporti: u64,
    pub pregressi: u64,
    pub imputate: u64,
    /// Every true relationship (both truth files), for [`super::welfare`].
    pub spells: Vec<Spell>,
}

/// A file written under a temporary name and renamed when complete.
struct Pending {
    tmp: PathBuf,
    dest: PathBuf,
}

fn tmp_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.tmp"))
}

fn csv_file(dest: &Path, header: &[&str]) -> Result<(csv::Writer<BufWriter<File>>, Pending)> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = tmp_path(dest);
    let f = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 18, f));
    w.write_record(header)?;
    Ok((
        w,
        Pending {
            tmp,
            dest: dest.to_path_buf(),
        },
    ))
}

pub const RAPPORTI_HEADER: [&str; 18] = [
    "codice_comunicazione_avvio",
    "data_inizio",
    "data_fine_effettiva",
    "tipologia_contrattuale",
    "cessazione_imputata",
    "data_fine_prevista",
    "tipologia_finale",
    "n_proroghe",
    "codice_trasformazione",
    "data_trasformazione",
    "causa_cessazione",
    "evento_cessazione_comunicato",
    "cf_lavoratore",
    "cf_datore",
    "settore",
    "sede_lavoro_comune",
    "cf_utilizzatrice",
    "settore_utilizzatrice",
];

fn push_code(out: &mut String, region: &str, prog: u64) {
    out.clear();
    let _ = write!(out, "{region}{prog:014}");
}

/// Writes the files (runs on its own thread).
pub struct Writer<'w> {
    w: &'w World,
    places: Vec<&'static str>,
    region: String,
    seed: u64,
    csv: Option<(CsvWriter<BufWriter<File>>, Pending)>,
    xml_root: Option<PathBuf>,
    anomalie: (csv::Writer<BufWriter<File>>, Pending),
    rapporti: (csv::Writer<BufWriter<File>>, Pending),
    pregressi: (csv::Writer<BufWriter<File>>, Pending),
    rec: RawCo,
    scratch: String,
    scratch2: String,
    counts: Counts,
    files: Vec<PathBuf>,
    done: &'w AtomicU64,
}

impl<'w> Writer<'w> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        out: &Path,
        w: &'w World,
        places: Vec<&'static str>,
        region: &str,
        seed: u64,
        write_csv: bool,
        write_xml: bool,
        done: &'w AtomicU64,
    ) -> Result<Writer<'w>> {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let csv = if write_csv {
            let dest = out.join("co.csv");
            let tmp = tmp_path(&dest);
            Some((CsvWriter::create(&tmp)?, Pending { tmp, dest }))
        } else {
            None
        };
        let truth = out.join("truth");
        let anomalie = csv_file(&truth.join("anomalie.csv"), &["codice_comunicazione", "motivo"])?;
        let rapporti = csv_file(&truth.join("rapporti.csv"), &RAPPORTI_HEADER)?;
        let pregressi = csv_file(&truth.join("rapporti_pregressi.csv"), &RAPPORTI_HEADER)?;
        Ok(Writer {
            w,
            places,
            region: region.to_string(),
            seed,
            csv,
            xml_root: write_xml.then(|| out.join("unilav")),
            anomalie,
            rapporti,
            pregressi,
            rec: RawCo::default(),
            scratch: String::with_capacity(64),
            scratch2: String::with_capacity(64),
            counts: Counts::default(),
            files: Vec::new(),
            done,
        })
    }

    pub fn handle(&mut self, msg: Msg) -> Result<()> {
        match msg {
            Msg::Month { mi, rows, truth } => {
                for t in &truth {
                    self.truth_row(t, false)?;
                }
                self.write_month(mi, &rows)
            }
            Msg::Pregressi(list) => {
                for t in &list {
                    self.truth_row(t, true)?;
                }
                Ok(())
            }
        }
    }

    fn truth_row(&mut self, r: &TruthRow, pregresso: bool) -> Result<()> {
        let t = &r.t;
        self.counts.spells.push(Spell::from_truth(r, pregresso));
        if pregresso {
            self.scratch.clear();
            self.counts.pregressi += 1;
        } else {
            push_code(&mut self.scratch, &self.region, r.prog);
            self.counts.rapporti += 1;
        }
        if t.imputata {
            self.counts.imputate += 1;
        }
        let dates =
            [t.start, t.end, t.fine_prevista, t.trs.map_or(NONE, |x| x.1)].map(|x| (x != NONE).then(|| cal::date10(x)));
        let d = |i: usize| dates[i].as_ref().map_or("", |b| std::str::from_utf8(b).unwrap_or(""));
        let trs_code = t.trs.map_or("", |(c, _)| TRS_CODES[c as usize]);
        let cause = t.cause.map_or("", |c| self.w.causes.codes[c as usize]);
        let n_pro = [b'0' + t.n_pro.min(9)];
        let dest = if pregresso {
            &mut self.pregressi.0
        } else {
            &mut self.rapporti.0
        };
        dest.write_record([
            self.scratch.as_str(),
            d(0),
            d(1),
            TIP_CODES[t.tip0 as usize],
            if t.imputata { "true" } else { "false" },
            d(2),
            TIP_CODES[t.tip_final as usize],
            std::str::from_utf8(&n_pro).unwrap_or("0"),
            trs_code,
            d(3),
            cause,
            if t.ces_comunicata { "true" } else { "false" },
            std::str::from_utf8(&r.worker_cf).unwrap_or(""),
            r.emp.cf_str(),
            self.w.sectors[r.emp.sector as usize].ateco,
            self.w.comuni[r.emp.sede as usize].belfiore.as_str(),
            r.user.as_ref().map_or("", |u| u.cf_str()),
            r.user.as_ref().map_or("", |u| self.w.sectors[u.sector as usize].ateco),
        ])?;
        Ok(())
    }

    fn write_month(&mut self, mi: i32, rows: &[Row]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let year = mi.div_euclid(12);
        let month = mi.rem_euclid(12) + 1;
        let mut xml = match &self.xml_root {
            Some(root) => {
                let dest = root
                    .join(format!("{year:04}"))
                    .join(format!("unilav_{year:04}_{month:02}.xml"));
                let tmp = tmp_path(&dest);
                Some((XmlBatchWriter::create(&tmp)?, Pending { tmp, dest }))
            }
            None => None,
        };
        for row in rows {
            let it = &row.it;
            self.fill(row);
            if let Some((w, _)) = self.csv.as_mut() {
                w.write(&self.rec)?;
            }
            if let Some((w, _)) = xml.as_mut() {
                w.write(&self.rec)?;
            }
            if it.motivo != 0 {
                self.anomalie
                    .0
                    .write_record([self.rec.get(F::CodiceComunicazione), MOTIVI[it.motivo as usize]])?;
                self.counts.by_motivo[it.motivo as usize] += 1;
            }
            self.counts.rows += 1;
            self.counts.rows_by_evento[it.ev.kind as usize] += 1;
            if it.real {
                self.counts.real_by_evento[it.ev.kind as usize] += 1;
            }
        }
        *self.counts.rows_by_year.entry(year).or_default() += rows.len() as u64;
        self.done.store(self.counts.rows, Ordering::Relaxed);
        if let Some((w, p)) = xml {
            w.finish()?;
            std::fs::rename(&p.tmp, &p.dest).with_context(|| format!("renaming {}", p.tmp.display()))?;
            self.files.push(p.dest);
        }
        Ok(())
    }

    /// Fills the reusable record with an item's fields.
    fn fill(&mut self, row: &Row) {
        let seed = self.seed;
        let w = self.w;
        let it = &row.it;
        let ev = &it.ev;
        let worker = &row.worker;
        let emp = &row.emp;
        let sector = &w.sectors[emp.sector as usize];
        let f = &mut self.rec.fields;
        for s in f.iter_mut() {
            s.clear();
        }
        let set = |f: &mut [String; crate::model::N_FIELDS], k: F, v: &str| {
            f[k as usize].push_str(v);
        };
        push_code(&mut f[F::CodiceComunicazione as usize], &self.region, it.prog);
        if it.prec != 0 {
            push_code(&mut f[F::CodiceComunicazionePrecedente as usize], &self.region, it.prec);
        }
        set(
            f,
            F::TipoComunicazione,
            ["01", "01", "02", "03", "04"][it.tipo.min(4) as usize],
        );
        let day = it.ts.div_euclid(86_400) as i32;
        let alt = it.alt.then(|| (it.micros(), cal::italian_offset_hours(day)));
        cal::push_datetime(&mut f[F::DataInvio as usize], it.ts, alt);
        set(f, F::TipoEvento, ["ASS", "PRO", "TRS", "CES"][ev.kind as usize]);
        set(f, F::ForzaMaggiore, "NO");
        set(f, F::TipoModulo, if row.user.is_some() { "US" } else { "UL" });
        // Employer.
        set(f, F::DatoreCodiceFiscale, emp.cf_str());
        if emp.personal {
            let (cog, nom) = (&mut self.scratch, &mut self.scratch2);
            people::person_names(
                seed,
                OWNER_BASE + ev.employer as u64,
                emp.owner_salt,
                emp.owner_group,
                emp.owner_female,
                cog,
                nom,
            );
            let d = &mut f[F::DatoreDenominazione as usize];
            d.push_str(cog);
            d.push(' ');
            d.push_str(nom);
        } else {
            people::company_name(
                &mut f[F::DatoreDenominazione as usize],
                seed,
                ev.employer as u64,
                sector.divisione,
                emp.pa,
            );
        }
        set(f, F::DatorePa, if emp.pa { "SI" } else { "NO" });
        set(
            f,
            F::DatoreSettore,
            if it.mutation == Mutation::UnknownAteco {
                "99.99.99"
            } else {
                sector.ateco
            },
        );
        set(
            f,
            F::SedeLavoroComune,
            if it.mutation == Mutation::UnknownComune {
                w.unknown_comune
            } else {
                w.comuni[emp.sede as usize].belfiore.as_str()
            },
        );
        people::address(
            &mut f[F::SedeLavoroIndirizzo as usize],
            hash3(seed, 0x5345_4445, ev.employer as u64),
        );
        // The user firm of agency work (UNISOMM), and the mission: the relationship's dates.
        if let Some(u) = &row.user {
            set(f, F::UtilizzatriceCodiceFiscale, u.cf_str());
            set(f, F::UtilizzatricePa, if u.pa { "SI" } else { "NO" });
            set(f, F::UtilizzatriceSettore, w.sectors[u.sector as usize].ateco);
            set(
                f,
                F::UtilizzatriceSedeLavoroComune,
                w.comuni[u.sede as usize].belfiore.as_str(),
            );
            cal::push_date(&mut f[F::MissioneDataInizio as usize], ev.start);
            if ev.fine != NONE {
                cal::push_date(&mut f[F::MissioneDataFine as usize], ev.fine);
            }
        }
        // Worker.
        let cfw = &mut f[F::LavoratoreCodiceFiscale as usize];
        let mut cfb = worker.cf;
        match it.mutation {
            Mutation::BadCheck(shift) => {
                cfb[15] = b'A' + ((cfb[15] - b'A' + shift % 26) % 26);
                if cfb[15] == worker.cf[15] {
                    cfb[15] = if cfb[15] == b'A' { b'B' } else { b'A' };
                }
                cfw.push_str(std::str::from_utf8(&cfb).unwrap_or(""));
            }
            Mutation::FormatShort => cfw.push_str(std::str::from_utf8(&cfb[..15]).unwrap_or("")),
            Mutation::FormatDigit => {
                cfb[1] = b'0' + (ev.worker % 10) as u8;
                cfw.push_str(std::str::from_utf8(&cfb).unwrap_or(""));
            }
            _ => cfw.push_str(std::str::from_utf8(&cfb).unwrap_or("")),
        }
        let cit = &w.cits[worker.cit as usize];
        {
            let (cog, nom) = (&mut self.scratch, &mut self.scratch2);
            people::person_names(seed, ev.worker as u64, worker.salt, cit.group, worker.female, cog, nom);
            f[F::LavoratoreCognome as usize].push_str(cog);
            f[F::LavoratoreNome as usize].push_str(nom);
        }
        set(f, F::LavoratoreSesso, if worker.female { "F" } else { "M" });
        cal::push_date(&mut f[F::LavoratoreNascitaData as usize], worker.birth);
        set(f, F::LavoratoreNascitaComune, self.places[worker.birth_place as usize]);
        set(f, F::LavoratoreCittadinanza, cit.codice);
        set(f, F::LavoratoreDomicilioComune, self.places[worker.domicilio as usize]);
        people::address(
            &mut f[F::LavoratoreDomicilioIndirizzo as usize],
            hash3(seed, 0x444F_4D49, ev.worker as u64),
        );
        let livello = match it.mutation {
            Mutation::Livello(l) => l,
            _ => worker.livello,
        };
        let _ = write!(f[F::LavoratoreLivelloIstruzione as usize], "{livello}");
        // Relationship.
        match it.mutation {
            Mutation::BadDate(v) => {
                let (y, _, _) = cal::civil_from_days(ev.start);
                let s = &mut f[F::DataInizio as usize];
                let _ = match v {
                    0 => write!(s, "{y:04}-02-30"),
                    1 => write!(s, "{y:04}-13-01"),
                    2 => write!(s, "{y:04}-04-31"),
                    _ => write!(s, "{y:04}-00-10"),
                };
            }
            _ => cal::push_date(&mut f[F::DataInizio as usize], ev.start),
        }
        if ev.fine != NONE {
            cal::push_date(&mut f[F::DataFine as usize], ev.fine);
        }
        set(f, F::TipologiaContrattuale, TIP_CODES[ev.tip as usize]);
        set(f, F::TipoOrario, ORARI[ev.orario as usize]);
        if ev.orario != 0 && ev.orario != OR_N {
            let _ = write!(f[F::OreSettimanaliMedie as usize], "{}", ev.ore);
        }
        set(f, F::EntePrevidenziale, "01");
        set(
            f,
            F::LavoroAgricoltura,
            if sector.sezione == b'A' { "SI" } else { "NO" },
        );
        set(f, F::SocioLavoratore, "NO");
        match ev.kind {
            EV_PRO => cal::push_date(&mut f[F::ProrogaDataFine as usize], ev.date),
            EV_TRS => {
                set(f, F::CodiceTrasformazione, TRS_CODES[ev.code as usize]);
                cal::push_date(&mut f[F::DataTrasformazione as usize], ev.date);
            }
            EV_CES => {
                set(f, F::CodiceCausaCessazione, w.causes.codes[ev.code as usize]);
                cal::push_date(&mut f[F::DataCessazione as usize], ev.date);
            }
            _ => {}
        }
    }

    /// Flushes and renames every file.
    pub fn finish(mut self) -> Result<(Counts, Vec<PathBuf>)> {
        self.done.store(self.counts.rows, Ordering::Relaxed);
        if let Some((w, p)) = self.csv.take() {
            w.finish()?;
            std::fs::rename(&p.tmp, &p.dest).with_context(|| format!("renaming {}", p.tmp.display()))?;
            self.files.insert(0, p.dest);
        }
        for (w, p) in [self.anomalie, self.rapporti, self.pregressi] {
            let mut inner = w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("writing {}: {}", p.tmp.display(), e.error()))?;
            std::io::Write::flush(&mut inner)?;
            drop(inner);
            std::fs::rename(&p.tmp, &p.dest).with_context(|| format!("renaming {}", p.tmp.display()))?;
            self.files.push(p.dest);
        }
        Ok((self.counts, self.files))
    }
}
