//! Section "Mobilità dei lavoratori", job-to-job flows from the transitions `oml build` links
//! (indicators `j2j` and `matrice_transizioni`): where the period's hires came from (t26, g19) and
//! the moves between contracts, with the share that reached an open-ended contract (t27).

use super::common::{capitalise, name_of, num, ordered_at, say, say_share, share, text, Ctx, CONTRACTS, SOURCE_CO};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::{Block, ChartBlock, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};

/// The hire classes shown, in order, with their names.
const HIRE_CLASSES: [(&str, &str); 5] = [
    ("EE", "da un altro lavoro, senza interruzione (EE)"),
    ("AQHire", "da un altro lavoro, dopo una breve interruzione (AQHire)"),
    ("ENPersist", "da non occupazione persistente (ENPersist)"),
    ("da_occupato", "un lavoro in più per chi è già occupato"),
    (
        "ingressi_non_osservati",
        "provenienza non osservabile (inizio della copertura)",
    ),
];

pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let (hires, moves) = (&c.f.j2j, &c.f.contract_moves);
    let get = |periodo: &str, m: &str| hires.count(periodo, &[], m);
    let (all, j2j, en) = (get(&c.cur, "assunzioni"), get(&c.cur, "J2J"), get(&c.cur, "ENPersist"));
    let limit = c.f.limite_aqhire;
    // " (il 44,8%)" after a count, when the share can be computed from published cells.
    let share_of =
        |f: &crate::report::bulletin::Figure| say_share(f, &all).map(|q| format!(" ({q})")).unwrap_or_default();
    let mut out = vec![Block::Paragraph(format!(
        "{}, {} assunzioni su {}{} sono arrivate da un altro lavoro (flussi da lavoro a lavoro, J2J: senza un giorno \
         di interruzione o dopo al più {limit} giorni senza lavoro) e {}{} da una non occupazione più lunga. Le classi \
         seguono i flussi job-to-job del Census statunitense adattati alle date giornaliere delle CO.",
        capitalise(&c.period.in_name()),
        say(&j2j),
        say(&all),
        share_of(&j2j),
        say(&en),
        share_of(&en),
    ))];
    // Hires by class, the period beside a year earlier.
    let mut periods = vec![(c.period.name(), c.cur.clone())];
    if c.f.has_previous {
        periods.push((c.period.prev_name(), c.prev.clone()));
    }
    let series: Vec<Series> = periods
        .iter()
        .map(|(name, p)| {
            Series::new(
                capitalise(name),
                HIRE_CLASSES.iter().map(|(m, _)| get(p, m).published()).collect(),
            )
        })
        .collect();
    let kind = ChartKind::Bars {
        categories: HIRE_CLASSES.iter().map(|(_, n)| capitalise(n)).collect(),
        series,
        horizontal: true,
    };
    let chart = Chart::new(
        format!("Assunzioni per provenienza, {}", c.period.name()),
        SOURCE_CO,
        kind,
    )
    .with_subtitle(format!("Classi J2J: limite della breve interruzione {limit} giorni"));
    out.push(Block::Chart(ChartBlock::new(
        "g19_assunzioni_provenienza",
        "Assunzioni per provenienza: da lavoro a lavoro, da non occupazione",
        chart,
    )));
    let mut header = vec!["Provenienza".to_string()];
    for (name, _) in &periods {
        header.push(capitalise(name));
        header.push(format!("Quota % {name}"));
    }
    let mut rows = Vec::new();
    let mut measures: Vec<(&str, String)> = HIRE_CLASSES.iter().map(|(m, n)| (*m, capitalise(n))).collect();
    measures.insert(2, ("J2J", "Da lavoro a lavoro (J2J = EE + AQHire)".into()));
    measures.push(("assunzioni", "Totale assunzioni".into()));
    for (m, label) in measures {
        let mut r = vec![text(label)];
        for (_, p) in &periods {
            let v = get(p, m);
            let q = share(&v, &get(p, "assunzioni"));
            r.extend([num(v), Value::Share(q)]);
        }
        rows.push(r);
    }
    let title = format!(
        "Assunzioni per provenienza (flussi da lavoro a lavoro), {}",
        c.period.name()
    );
    out.push(Block::Table(
        TableBlock::new("t26_assunzioni_provenienza", title, header, rows, &hires.command).with_note(&format!(
            "EE: il lavoratore aveva un rapporto fino almeno al giorno prima e il nuovo dura oltre; AQHire: da 1 a {limit} \
             giorni senza lavoro; ENPersist: più di {limit} giorni senza lavoro. Le assunzioni sono le attivazioni della \
             sezione dei flussi."
        )),
    ));
    // Moves between contracts: which contract the workers who changed job left and found.
    let from = ordered_at(moves, 0, &CONTRACTS);
    let to = ordered_at(moves, 1, &CONTRACTS);
    let mv = |o: &str, d: &str| moves.count(&c.cur, &[o, d], "transizioni");
    let mut header = vec!["Contratto lasciato".to_string()];
    header.extend(to.iter().map(|d| name_of(&CONTRACTS, d)));
    header.push("Totale".into());
    header.push("Quota % verso il tempo indeterminato".into());
    let mut rows = Vec::new();
    for o in from.iter().map(String::as_str).chain([TOTALE]) {
        let label = if o == TOTALE {
            "Totale".to_string()
        } else {
            name_of(&CONTRACTS, o)
        };
        let mut r = vec![text(label)];
        r.extend(to.iter().map(|d| num(mv(o, d))));
        r.push(num(mv(o, TOTALE)));
        r.push(Value::Share(share(&mv(o, "TI"), &mv(o, TOTALE))));
        rows.push(r);
    }
    let title = format!(
        "Transizioni da lavoro a lavoro per contratto lasciato e trovato, {}",
        c.period.name()
    );
    out.push(Block::Table(
        TableBlock::new("t27_transizioni_contratto", title, header, rows, &moves.command).with_note(
            "Rapporti cessati nel periodo seguiti da un nuovo rapporto (EE o AQHire): l'ultimo contratto del rapporto \
             cessato e il primo del nuovo. Le stabilizzazioni per trasformazione dello stesso rapporto sono nella sezione \
             dei contratti (ingressi nel tempo indeterminato).",
        ),
    ));
    out
}
