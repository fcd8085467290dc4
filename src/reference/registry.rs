//! [`Reference`]: every list, parsed once on first use, and the order they are built in.
//!
//! Each list module reads its file(s) into typed rows and builds its indexes; the public
//! accessors of a list are in its own module (`impl Reference` there). Lists that check
//! against another list are built after it: comuni after provinces (the ANPAL provinces give
//! suppressed comuni their sigla), the CPI table after the comuni, and the
//! ITTER107 crosswalk is checked against the finished provinces and regions.

use super::ateco::{self, AtecoList};
use super::cause;
use super::cittadinanze::{self, Cittadinanze};
use super::comuni::{self, Comuni};
use super::contratti::{self, Contratti};
use super::cpi::{self, Cpis};
use super::dizionario;
use super::embedded::{
    Embedded, ANPAL_ATECO, ANPAL_CITTADINANZE, ANPAL_COMUNI, ANPAL_LIVELLI, ANPAL_PROVINCE, ANPAL_REGIONI,
    ANPAL_TIPOLOGIE, ISTAT_COMUNI, OML_CAUSE, OML_CITTADINANZE_UE, OML_CPI, OML_DIZIONARIO, OML_ETICHETTE_CONTRATTO,
    OML_INIZIO_NON_CREAZIONE, OML_INPS_INTERVENTI, OML_INPS_REGIONI, OML_INPS_SETTORI, OML_ITTER107, OML_LIVELLI_ALIAS,
    OML_MACRO_CONTRATTI, OML_MESI, OML_REGISTRI, OML_SOPPRESSI, OML_TRASFORMAZIONI,
};
use super::inps::{self, Inps};
use super::istat;
use super::itter107::{self, Itter107List};
use super::keys::CodeList;
use super::livelli::{self, Livelli};
use super::registri;
use super::territorio::{self, Territorio};
use super::trasformazioni;
use super::{CausaCessazione, Trasformazione};
use anyhow::Result;
use std::sync::OnceLock;

/// All reference tables, parsed once; see the module documentation of [`crate::reference`].
pub struct Reference {
    pub(super) territorio: Territorio,
    pub(super) comuni: Comuni,
    pub(super) ateco: AtecoList,
    pub(super) contratti: Contratti,
    pub(super) cittadinanze: Cittadinanze,
    pub(super) livelli: Livelli,
    pub(super) trasformazioni: CodeList<Trasformazione>,
    pub(super) cause: CodeList<CausaCessazione>,
    pub(super) cpi: Cpis,
    pub(super) itter107: Itter107List,
    pub(super) inps: Inps,
    pub(super) registri: registri::Liste,
    pub(super) dizionario: dizionario::Dizionario,
}

static REFERENCE: OnceLock<Reference> = OnceLock::new();

impl Reference {
    /// The embedded tables, parsed on first use.
    ///
    /// # Panics
    /// Only if the embedded files are broken, which the test suite rules out.
    pub fn get() -> &'static Reference {
        REFERENCE.get_or_init(|| match Reference::load() {
            Ok(r) => r,
            Err(e) => panic!("embedded reference data is broken: {e:#}"),
        })
    }

    /// Parses the embedded files; errors name the file, the line and the defect.
    pub fn load() -> Result<Reference> {
        Reference::load_from(&|e| e)
    }

    /// [`Reference::load`] with every embedded file passed through `src` (the tests swap in
    /// broken copies).
    pub(super) fn load_from(src: &dyn Fn(&'static Embedded) -> &'static Embedded) -> Result<Reference> {
        let istat = istat::read(src(&ISTAT_COMUNI))?;
        let anpal_province = territorio::read_anpal_province(src(&ANPAL_PROVINCE))?;
        let mlps = territorio::read_anpal_regioni_mlps(src(&ANPAL_REGIONI))?;
        let territorio = Territorio::build(istat.province, istat.regioni, &anpal_province, &mlps)?;
        let comuni = Comuni::build(
            istat.comuni,
            &comuni::read_anpal(src(&ANPAL_COMUNI))?,
            &anpal_province,
            &comuni::read_soppressi(src(&OML_SOPPRESSI))?,
            &comuni::read_inizio_non_creazione(src(&OML_INIZIO_NON_CREAZIONE))?,
        )?;
        let macros = contratti::read_macro(src(&OML_MACRO_CONTRATTI))?;
        let contratti = Contratti::build(
            contratti::read_tipologie(src(&ANPAL_TIPOLOGIE), &macros)?,
            &contratti::read_etichette(src(&OML_ETICHETTE_CONTRATTO))?,
            macros,
        )?;
        let cittadinanze = Cittadinanze::build(
            cittadinanze::read(src(&ANPAL_CITTADINANZE))?,
            cittadinanze::read_ue(src(&OML_CITTADINANZE_UE))?,
        )?;
        let livelli = Livelli::build(
            livelli::read(src(&ANPAL_LIVELLI))?,
            &livelli::read_alias(src(&OML_LIVELLI_ALIAS))?,
        )?;
        let cpi = Cpis::build(cpi::read(src(&OML_CPI))?, &comuni)?;
        let reference = Reference {
            territorio,
            comuni,
            ateco: AtecoList::build(ateco::read(src(&ANPAL_ATECO))?)?,
            contratti,
            cittadinanze,
            livelli,
            trasformazioni: trasformazioni::build(trasformazioni::read(src(&OML_TRASFORMAZIONI))?),
            cause: cause::build(cause::read(src(&OML_CAUSE))?),
            cpi,
            itter107: itter107::read(src(&OML_ITTER107))?,
            inps: Inps::build(
                inps::read_regioni(src(&OML_INPS_REGIONI))?,
                inps::read_voci(src(&OML_INPS_SETTORI))?,
                inps::read_voci(src(&OML_INPS_INTERVENTI))?,
                inps::read_mesi(src(&OML_MESI))?,
            ),
            registri: registri::read(src(&OML_REGISTRI))?,
            dizionario: dizionario::read(src(&OML_DIZIONARIO))?,
        };
        reference.itter107.check(OML_ITTER107.path, &reference)?;
        Ok(reference)
    }
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reference")
            .field("comuni", &(self.comuni().len() + self.comuni_soppressi().len()))
            .field("comuni_correnti", &self.comuni().len())
            .field("province", &self.province().len())
            .field("regioni", &self.regioni().len())
            .field("ateco", &self.ateco_all().len())
            .field("tipologie", &self.tipologie().len())
            .field("cittadinanze", &self.cittadinanze().len())
            .field("livelli", &self.livelli.count())
            .field("trasformazioni", &self.trasformazioni().len())
            .field("cause_cessazione", &self.cause_cessazione().len())
            .field("cpi_comuni", &self.cpi.n_comuni())
            .field("itter107", &self.itter107.len())
            .field("inps_regioni", &self.inps_regioni().len())
            .field(
                "registri_codici",
                &self.registri.values().map(|l| l.len()).sum::<usize>(),
            )
            .finish()
    }
}
