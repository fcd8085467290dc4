//! The header of an indicator file (`sql/indicatori/*.sql`): the `-- key: value` lines before the
//! SQL (`titolo`, `additive`, `identita`, `rapporti`, `parametri`, `nota`, …), documented in
//! `sql/README.md`, and the parsers of their values. Malformed values are a bug of an embedded
//! file: the catalog tests catch them.

/// Metadata lines of an indicator file's header (`-- key: value`).
pub(super) const META_KEYS: [&str; 23] = [
    "indicatore",
    "per_distinti",
    "arrotondate",
    "unioni",
    "decimali",
    "distinti",
    "margini",
    "contributori",
    "con_segno",
    "definizione",
    "rapporti",
    "ordine",
    "titolo",
    "fonte",
    "additive",
    "trimestrale",
    "identita",
    "dimensioni",
    "pubblico",
    "datori",
    "parametri",
    "nota",
    "quote",
];

pub(super) fn list_of(v: Option<&str>) -> Vec<String> {
    v.unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `divisore_ore = 170; livello_territorio` → [(divisore_ore, Some(170)), (livello_territorio, None)].
pub(super) fn parse_parameters(s: &str) -> Vec<(String, Option<String>)> {
    s.split(';')
        .filter_map(|p| {
            let (name, default) = match p.split_once('=') {
                Some((n, d)) => (n.trim(), Some(d.trim().to_string())),
                None => (p.trim(), None),
            };
            (!name.is_empty()).then(|| (name.to_string(), default))
        })
        .collect()
}

pub(super) fn header_values<'a>(sql: &'a str, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    sql.lines()
        .take_while(|l| l.starts_with("--"))
        .filter_map(move |l| l.trim_start_matches("--").trim().strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// `total = a + b - c`: the measure `total` equals the signed sum of the others, in every cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub total: String,
    pub plus: Vec<String>,
    pub minus: Vec<String>,
}

/// Parses `saldo = attivazioni - cessazioni + x; cessazioni = a + b` (malformed parts are a bug
/// of an embedded file: the catalog test catches them).
pub(super) fn parse_identities(s: &str) -> Vec<Identity> {
    s.split(';')
        .filter_map(|part| {
            let (total, rhs) = part.split_once('=')?;
            let mut id = Identity {
                total: total.trim().to_string(),
                plus: vec![],
                minus: vec![],
            };
            let mut sign = '+';
            for tok in rhs.split_whitespace() {
                match tok {
                    "+" | "-" => sign = if tok == "-" { '-' } else { '+' },
                    m if sign == '-' => id.minus.push(m.to_string()),
                    m => id.plus.push(m.to_string()),
                }
            }
            (!id.total.is_empty() && !id.plus.is_empty()).then_some(id)
        })
        .collect()
}

/// A measure computed from additive measures of the same cell (`-- rapporti:` header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ratio {
    pub measure: String,
    /// The additive measures it is computed from.
    pub of: Vec<String>,
    /// `K * a / b` or `a / b` with `a` and `b` measures: what `margini: somma` recomputes on
    /// every margin from the summed members (`analytics::cube`). None for other forms.
    pub fraction: Option<Fraction>,
}

/// A ratio of two measures of the same cell, times a constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fraction {
    pub factor: u32,
    pub numerator: String,
    pub denominator: String,
    /// `(senza destinazione)` after the formula: the ratio is given only in the cells that are
    /// totals over that breakdown column.
    pub only_total_of: Option<String>,
}

/// `100 * m1 / m2` or `m1 / m2`, with both names among `additive`, optionally followed by
/// `(senza colonna)`.
fn parse_fraction(rhs: &str, additive: &[String]) -> Option<Fraction> {
    let (rhs, only_total_of) = match rhs.split_once("(senza ") {
        Some((f, rest)) => (f, Some(rest.trim().trim_end_matches(')').trim().to_string())),
        None => (rhs, None),
    };
    let (top, denominator) = rhs.split_once('/')?;
    let (factor, numerator) = match top.split_once('*') {
        Some((k, m)) => (k.trim().parse().ok()?, m.trim()),
        None => (1, top.trim()),
    };
    let denominator = denominator.trim();
    let known = |m: &str| additive.iter().any(|a| a == m);
    (known(numerator) && known(denominator)).then(|| Fraction {
        factor,
        numerator: numerator.to_string(),
        denominator: denominator.to_string(),
        only_total_of,
    })
}

/// Parses `tiraggio = ore_utilizzate / ore_autorizzate_con_utilizzo; x = a / divisore`: the
/// members are the right side's names that are measures of `additive` (a parameter such as the
/// divisor is public and drops out).
pub(super) fn parse_ratios(s: &str, additive: &[String]) -> Vec<Ratio> {
    s.split(';')
        .filter_map(|part| {
            let (measure, rhs) = part.split_once('=')?;
            let of: Vec<String> = rhs
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|t| additive.iter().any(|a| a == t))
                .map(str::to_string)
                .collect();
            let measure = measure.trim().to_string();
            let fraction = parse_fraction(rhs, additive);
            (!measure.is_empty() && !of.is_empty()).then_some(Ratio { measure, of, fraction })
        })
        .collect()
}

/// `datori_attivi = n_datori; lavoratori = n_lavoratori`: measures whose value is the count of
/// the cell's distinct contributors of that column.
pub(super) fn parse_distinct(s: &str) -> Vec<(String, String)> {
    s.split(';')
        .filter_map(|part| {
            let (measure, column) = part.split_once('=')?;
            let column = column.trim();
            ["n_lavoratori", "n_datori"]
                .contains(&column)
                .then(|| (measure.trim().to_string(), column.to_string()))
        })
        .collect()
}

/// `ula = 1; x = 2`: measures and the decimal places they are published with.
pub(super) fn parse_places(s: &str) -> Vec<(String, u32)> {
    s.split(';')
        .filter_map(|part| {
            let (measure, places) = part.split_once('=')?;
            Some((measure.trim().to_string(), places.trim().parse().ok()?))
        })
        .collect()
}

pub(super) fn header_value<'a>(sql: &'a str, key: &str) -> Option<&'a str> {
    sql.lines()
        .take_while(|l| l.starts_with("--"))
        .find_map(|l| l.trim_start_matches("--").trim().strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// `-- definizione: attivazioni = rapporti di lavoro iniziati nel periodo.` lines: (measure,
/// Italian definition), the glossary of bulletins and the data dictionary.
pub(super) fn parse_definitions<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .filter_map(|l| {
            let (m, d) = l.split_once('=')?;
            Some((m.trim().to_string(), d.trim().to_string()))
        })
        .collect()
}
