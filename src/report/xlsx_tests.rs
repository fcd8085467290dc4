use super::*;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, Date32Array, Decimal128Array, DictionaryArray, Float64Array, Int32Array, Int64Array, Int8Array,
    NullArray, StringArray, Time32SecondArray, TimestampMillisecondArray, TimestampSecondArray, UInt64Array,
};
use arrow::datatypes::Int8Type as Key;

fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(cols).expect("test batch")
}

/// Days since 1970-01-01.
fn days(y: i32, m: u32, d: u32) -> i32 {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("test date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    i32::try_from((date - epoch).num_days()).expect("days fit")
}

/// Seconds since 1970-01-01 00:00 UTC.
fn secs(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    let t = chrono::NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .expect("test time");
    t.and_utc().timestamp()
}

/// Sheet 1: one column per type, 4 rows.
fn typed_batch() -> RecordBatch {
    let esito: DictionaryArray<Key> = vec![Some("OK"), Some("KO"), Some("OK"), None].into_iter().collect();
    batch(vec![
        (
            "provincia",
            Arc::new(StringArray::from(vec![
                Some("Milano"),
                Some("<&>\"x"),
                Some("a\u{1}b"),
                None,
            ])) as _,
        ),
        (
            "avviamenti",
            Arc::new(Int64Array::from(vec![Some(1234), Some(-5), None, Some(1_234_567)])) as _,
        ),
        (
            "quota",
            Arc::new(Float64Array::from(vec![Some(0.5), Some(f64::NAN), None, Some(1234.5)])) as _,
        ),
        (
            "attivo",
            Arc::new(arrow::array::BooleanArray::from(vec![
                Some(true),
                Some(false),
                None,
                Some(true),
            ])) as _,
        ),
        (
            "data",
            Arc::new(Date32Array::from(vec![
                Some(days(2024, 12, 31)),
                Some(0),
                None,
                Some(days(1900, 1, 1)),
            ])) as _,
        ),
        (
            "ora",
            Arc::new(TimestampMillisecondArray::from(vec![
                Some(secs(2024, 12, 31, 12, 30) * 1000),
                None,
                None,
                None,
            ])) as _,
        ),
        (
            "ora_locale",
            Arc::new(
                TimestampSecondArray::from(vec![Some(secs(2024, 12, 31, 23, 30)), None, None, None])
                    .with_timezone("+01:00"),
            ) as _,
        ),
        ("esito", Arc::new(esito) as _),
        (
            "importo",
            Arc::new(
                Decimal128Array::from(vec![Some(123_456), Some(-1), None, Some(0)])
                    .with_precision_and_scale(10, 2)
                    .expect("decimal type"),
            ) as _,
        ),
        (
            "orario",
            Arc::new(Time32SecondArray::from(vec![Some(45_000), None, None, None])) as _,
        ),
        (
            "grande",
            Arc::new(UInt64Array::from(vec![Some(u64::MAX), None, None, None])) as _,
        ),
    ])
}

/// Sheet 2: 30 integer columns (A..AD), 2 rows.
fn wide_batch() -> RecordBatch {
    let cols: Vec<(String, ArrayRef)> = (1..=30)
        .map(|c| {
            (
                format!("c{c}"),
                Arc::new(Int32Array::from(vec![c, c * 1000])) as ArrayRef,
            )
        })
        .collect();
    RecordBatch::try_from_iter(cols).expect("wide batch")
}

fn sample_sheets() -> Vec<Sheet> {
    vec![
        Sheet::new("Dati: 2024/12", vec![typed_batch()]),
        Sheet::new("dati: 2024\\12", vec![wide_batch()])
            .with_title("Tabella larga")
            .with_note("Fonte: elaborazioni OML su dati CO")
            .with_note("Legenda: * dato oscurato"),
        Sheet::new("  ", vec![]),
        Sheet::new(
            "Avviamenti e cessazioni per provincia e anno",
            vec![batch(vec![
                ("a", Arc::new(Int32Array::from(Vec::<i32>::new())) as _),
                ("b", Arc::new(StringArray::from(Vec::<&str>::new())) as _),
            ])],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Reading a workbook back: enough of SpreadsheetML to check values, formats and layout.

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Number(f64),
    Bool(bool),
    Text(String),
}

#[derive(Debug, Clone)]
struct XCell {
    value: Value,
    style: usize,
}

/// The value of attribute `name` in the opening tag that starts `element`.
fn attr(element: &str, name: &str) -> Option<String> {
    let tag = &element[..element.find('>').unwrap_or(element.len())];
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(
        quick_xml::escape::unescape(&tag[start..end])
            .expect("escaped attribute")
            .into_owned(),
    )
}

/// Every `<name …/>` or `<name …>…</name>` element of `xml`, in order (not nested in itself).
fn elements<'x>(xml: &'x str, name: &str) -> Vec<&'x str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with([' ', '>', '/']) {
            rest = after;
            continue;
        }
        let tag_end = after.find('>').expect("closed tag");
        let len = if after[..tag_end].ends_with('/') {
            open.len() + tag_end + 1
        } else {
            open.len() + after.find(&close).expect("closing tag") + close.len()
        };
        out.push(&rest[i..i + len]);
        rest = &rest[i + len..];
    }
    out
}

/// The text of the `<t>` elements inside `element`, unescaped.
fn texts(element: &str) -> String {
    elements(element, "t")
        .iter()
        .map(|t| {
            let inner = &t[t.find('>').expect("tag") + 1..t.len() - "</t>".len()];
            quick_xml::escape::unescape(inner).expect("escaped text").into_owned()
        })
        .collect()
}

struct Book {
    entries: BTreeMap<String, String>,
    sheet_names: Vec<String>,
    cells: Vec<BTreeMap<String, XCell>>,
    /// Per cell style: (number format, bold, italic).
    styles: Vec<(String, bool, bool)>,
}

impl Book {
    fn read(bytes: &[u8]) -> Book {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut entries = BTreeMap::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).expect("zip entry");
            let mut s = String::new();
            f.read_to_string(&mut s).expect("UTF-8 entry");
            entries.insert(f.name().expect("entry name").to_string(), s);
        }
        let shared: Vec<String> = entries
            .get("xl/sharedStrings.xml")
            .map(|x| elements(x, "si").iter().map(|si| texts(si)).collect())
            .unwrap_or_default();
        let sheet_names: Vec<String> = elements(&entries["xl/workbook.xml"], "sheet")
            .iter()
            .map(|s| attr(s, "name").expect("sheet name"))
            .collect();
        let cells = (1..=sheet_names.len())
            .map(|i| {
                let xml = &entries[&format!("xl/worksheets/sheet{i}.xml")];
                elements(xml, "c")
                    .into_iter()
                    .map(|c| {
                        let v = elements(c, "v").first().map(|v| v[3..v.len() - 4].to_string());
                        let value = match attr(c, "t").as_deref() {
                            Some("s") => Value::Text(shared[v.expect("<v>").parse::<usize>().expect("index")].clone()),
                            Some("inlineStr") => Value::Text(texts(c)),
                            Some("b") => Value::Bool(v.as_deref() == Some("1")),
                            Some("str") => Value::Text(v.unwrap_or_default()),
                            _ => Value::Number(v.expect("<v>").parse().expect("number")),
                        };
                        let style = attr(c, "s").map_or(0, |s| s.parse().expect("style index"));
                        (attr(c, "r").expect("cell reference"), XCell { value, style })
                    })
                    .collect()
            })
            .collect();
        let styles_xml = &entries["xl/styles.xml"];
        let mut formats: BTreeMap<String, String> =
            [("0", "General"), ("3", "#,##0"), ("4", "#,##0.00"), ("14", "m/d/yyyy")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        for f in elements(styles_xml, "numFmt") {
            formats.insert(attr(f, "numFmtId").expect("id"), attr(f, "formatCode").expect("code"));
        }
        let fonts: Vec<(bool, bool)> = elements(elements(styles_xml, "fonts")[0], "font")
            .iter()
            .map(|f| (f.contains("<b/>"), f.contains("<i/>")))
            .collect();
        let styles = elements(elements(styles_xml, "cellXfs")[0], "xf")
            .iter()
            .map(|xf| {
                let fmt = formats[&attr(xf, "numFmtId").unwrap_or_else(|| "0".into())].clone();
                let (b, i) = fonts[attr(xf, "fontId").map_or(0, |f| f.parse().expect("font"))];
                (fmt, b, i)
            })
            .collect();
        Book {
            entries,
            sheet_names,
            cells,
            styles,
        }
    }

    fn sheet_xml(&self, sheet: usize) -> &str {
        &self.entries[&format!("xl/worksheets/sheet{}.xml", sheet + 1)]
    }

    fn cell(&self, sheet: usize, r: &str) -> Option<XCell> {
        self.cells[sheet].get(r).cloned()
    }

    fn value(&self, sheet: usize, r: &str) -> Value {
        self.cell(sheet, r).unwrap_or_else(|| panic!("no cell {r}")).value
    }

    fn text(&self, sheet: usize, r: &str) -> String {
        match self.value(sheet, r) {
            Value::Text(t) => t,
            v => panic!("{r} is not text: {v:?}"),
        }
    }

    fn format(&self, c: &XCell) -> &str {
        &self.styles[c.style].0
    }

    fn bold(&self, sheet: usize, r: &str) -> bool {
        self.styles[self.cell(sheet, r).expect("cell").style].1
    }

    fn italic(&self, sheet: usize, r: &str) -> bool {
        self.styles[self.cell(sheet, r).expect("cell").style].2
    }

    /// Number and number format of a cell.
    fn number(&self, sheet: usize, r: &str) -> (f64, String) {
        let c = self.cell(sheet, r).unwrap_or_else(|| panic!("no cell {r}"));
        match c.value {
            Value::Number(v) => (v, self.format(&c).to_string()),
            ref v => panic!("{r} is not a number: {v:?}"),
        }
    }

    /// The attribute of the first `element` of a sheet.
    fn sheet_attr(&self, sheet: usize, element: &str, name: &str) -> Option<String> {
        elements(self.sheet_xml(sheet), element)
            .first()
            .and_then(|e| attr(e, name))
    }

    fn rows(&self, sheet: usize) -> Vec<usize> {
        elements(self.sheet_xml(sheet), "row")
            .iter()
            .map(|r| attr(r, "r").expect("row number").parse().expect("number"))
            .collect()
    }
}

#[test]
fn workbook_structure_cells_and_names() {
    let bytes = write_xlsx_to(Cursor::new(Vec::new()), &sample_sheets())
        .expect("written")
        .into_inner();
    if let Ok(p) = std::env::var("OML_XLSX_SAMPLE") {
        // Manual check with other readers (openpyxl, LibreOffice).
        write_xlsx(Path::new(&p), &sample_sheets()).expect("sample written");
    }
    let b = Book::read(&bytes);
    for (name, xml) in &b.entries {
        assert_well_formed(name, xml);
    }
    // Sheet names: sanitised, de-duplicated ignoring case, defaulted, truncated to 31.
    assert_eq!(
        b.sheet_names,
        [
            "Dati_ 2024_12",
            "dati_ 2024_12 (2)",
            "Foglio3",
            "Avviamenti e cessazioni per pro"
        ]
    );
    let wb = &b.entries["xl/workbook.xml"];
    assert!(
        wb.contains("localSheetId=\"0\" hidden=\"1\">'Dati_ 2024_12'!$A$1:$K$5</definedName>"),
        "{wb}"
    );
    assert!(!wb.contains("localSheetId=\"2\""), "the empty sheet has no filter");

    // Sheet 1. Layout: frozen header, autofilter over header and data, one width per column.
    assert_eq!(b.sheet_attr(0, "pane", "ySplit").as_deref(), Some("1"));
    assert_eq!(b.sheet_attr(0, "pane", "topLeftCell").as_deref(), Some("A2"));
    assert_eq!(b.sheet_attr(0, "pane", "state").as_deref(), Some("frozen"));
    assert_eq!(b.sheet_attr(0, "autoFilter", "ref").as_deref(), Some("A1:K5"));
    // One width per column (adjacent columns of equal width share a `<col min max>`).
    let widths: Vec<f64> = elements(b.sheet_xml(0), "col")
        .iter()
        .flat_map(|c| {
            let n = |a: &str| attr(c, a).expect("col range").parse::<usize>().expect("number");
            let w: f64 = attr(c, "width").expect("width").parse().expect("number");
            std::iter::repeat_n(w, n("max") - n("min") + 1)
        })
        .collect();
    assert_eq!(widths.len(), 11);
    assert!(widths.iter().all(|w| (8.0..=61.0).contains(w)), "{widths:?}");
    // Header: bold.
    assert_eq!(b.text(0, "A1"), "provincia");
    assert_eq!(b.text(0, "K1"), "grande");
    assert!(b.bold(0, "A1") && b.bold(0, "K1"));
    // Numbers as numbers, integers and decimals with their formats.
    let int = |v: f64| (v, "#,##0".to_string());
    let float = |v: f64| (v, "#,##0.0##".to_string());
    assert_eq!(b.number(0, "B2"), int(1234.0));
    assert_eq!(b.number(0, "B3"), int(-5.0));
    assert_eq!(b.number(0, "B5"), int(1_234_567.0));
    assert_eq!(b.number(0, "C2"), float(0.5));
    assert_eq!(b.number(0, "C5"), float(1234.5));
    assert_eq!(b.number(0, "I2"), float(1234.56));
    assert_eq!(b.number(0, "I3"), float(-0.01));
    assert_eq!(b.number(0, "I5"), float(0.0));
    assert_eq!(b.number(0, "K2"), int(u64::MAX as f64));
    // NaN and nulls: no cell.
    for r in ["C3", "C4", "B4", "A5", "D4", "E4", "H5", "I4", "F3"] {
        assert!(b.cell(0, r).is_none(), "{r}");
    }
    // Booleans.
    assert_eq!(b.value(0, "D2"), Value::Bool(true));
    assert_eq!(b.value(0, "D3"), Value::Bool(false));
    // Dates: serials from 1899-12-30; before March 1900 as text.
    assert_eq!(b.number(0, "E2"), (45657.0, "dd/mm/yyyy".into()));
    assert_eq!(b.number(0, "E3"), (25569.0, "dd/mm/yyyy".into()));
    assert_eq!(b.text(0, "E5"), "01/01/1900");
    // Timestamps: 12:30 is 0.5208333 of a day; 23:30 UTC is 00:30 the next day at +01:00.
    let (f2, fmt) = b.number(0, "F2");
    assert!(
        (f2 - 45657.520833333).abs() < 1e-8 && fmt == "dd/mm/yyyy hh:mm",
        "{f2} {fmt}"
    );
    let (g2, _) = b.number(0, "G2");
    assert!((g2 - 45658.020833333).abs() < 1e-8, "{g2}");
    // Strings: any character XML allows, control characters stripped; dictionary values.
    assert_eq!(b.text(0, "A2"), "Milano");
    assert_eq!(b.text(0, "A3"), "<&>\"x");
    assert_eq!(b.text(0, "A4"), "ab");
    assert_eq!(b.text(0, "H2"), "OK");
    assert_eq!(b.text(0, "H3"), "KO");
    assert_eq!(b.text(0, "H4"), "OK");
    assert_eq!(b.text(0, "J2"), "12:30:00", "other types: Arrow's display");
    assert!(!b.entries["xl/sharedStrings.xml"].contains('\u{1}'));

    // Sheet 2: title, header on row 3, columns up to AD, notes after a blank row.
    assert_eq!(b.text(1, "A1"), "Tabella larga");
    assert!(b.bold(1, "A1"));
    assert_eq!(b.rows(1), [1, 3, 4, 5, 7, 8]);
    assert_eq!(b.text(1, "AD3"), "c30");
    assert_eq!(b.text(1, "Z3"), "c26");
    assert_eq!(b.text(1, "AA3"), "c27");
    assert_eq!(b.number(1, "AD4"), int(30.0));
    assert_eq!(b.number(1, "AD5"), int(30000.0));
    assert_eq!(b.sheet_attr(1, "pane", "ySplit").as_deref(), Some("3"));
    assert_eq!(b.sheet_attr(1, "pane", "topLeftCell").as_deref(), Some("A4"));
    assert_eq!(b.sheet_attr(1, "autoFilter", "ref").as_deref(), Some("A3:AD5"));
    assert_eq!(b.text(1, "A7"), "Fonte: elaborazioni OML su dati CO");
    assert_eq!(b.text(1, "A8"), "Legenda: * dato oscurato");
    assert!(b.italic(1, "A7") && b.italic(1, "A8"));

    // Sheet 3: empty.
    assert!(b.rows(2).is_empty());
    assert!(b.sheet_attr(2, "pane", "ySplit").is_none() && b.sheet_attr(2, "autoFilter", "ref").is_none());

    // Sheet 4: header only.
    assert_eq!(b.sheet_attr(3, "autoFilter", "ref").as_deref(), Some("A1:B1"));
    assert_eq!(b.rows(3), [1]);
}

fn assert_well_formed(name: &str, xml: &str) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut elements = 0;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_) | quick_xml::events::Event::Empty(_)) => elements += 1,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
    assert!(elements > 0, "{name} has no elements");
}

#[test]
fn output_is_deterministic_and_atomic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    write_xlsx(&a, &sample_sheets()).expect("a");
    write_xlsx(&b, &sample_sheets()).expect("b");
    let bytes_a = std::fs::read(&a).expect("read a");
    assert_eq!(bytes_a, std::fs::read(&b).expect("read b"), "same input, same bytes");
    let in_memory = write_xlsx_to(Cursor::new(Vec::new()), &sample_sheets())
        .expect("memory")
        .into_inner();
    assert_eq!(bytes_a, in_memory);
    // Overwriting replaces the file and leaves no temporary file behind.
    write_xlsx(&a, &sample_sheets()[1..2]).expect("overwrite");
    assert_ne!(std::fs::read(&a).expect("read a"), bytes_a);
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["a.xlsx", "b.xlsx"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&a).expect("metadata").permissions().mode();
        assert_ne!(
            mode & 0o044,
            0,
            "readable by others as any new file (umask permitting): {mode:o}"
        );
    }
}

#[test]
fn too_many_rows_is_an_error_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.xlsx");
    // Header + 1,048,576 data rows: one row too many.
    let big = batch(vec![("n", Arc::new(Int8Array::from(vec![1i8; MAX_ROWS])) as _)]);
    let err = write_xlsx(&path, &[Sheet::new("big", vec![big])]).expect_err("over the limit");
    let msg = format!("{err:#}");
    assert!(msg.contains("1048577 rows") && msg.contains("1048576"), "{msg}");
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        0,
        "no temporary file left"
    );

    // Exactly at the limit is fine (checked on the plan, without writing a million rows).
    let at_limit = Sheet::new(
        "s",
        vec![batch(vec![("n", Arc::new(NullArray::new(MAX_ROWS - 1)) as _)])],
    );
    let plan = plan_sheet(&at_limit, "s".into()).expect("at the limit");
    assert_eq!(plan.last_row, MAX_ROWS);
    let with_title = at_limit.with_title("t");
    assert!(plan_sheet(&with_title, "s".into()).is_err(), "the title rows count");
    let notes = Sheet::new(
        "s",
        vec![batch(vec![("n", Arc::new(NullArray::new(MAX_ROWS - 3)) as _)])],
    )
    .with_note("n");
    assert_eq!(plan_sheet(&notes, "s".into()).expect("notes fit").last_row, MAX_ROWS);
}

#[test]
fn invalid_input_is_an_error() {
    assert!(write_xlsx_to(Cursor::new(Vec::new()), &[]).is_err(), "no sheets");
    let mixed = Sheet::new(
        "x",
        vec![
            batch(vec![("a", Arc::new(Int32Array::from(vec![1])) as _)]),
            batch(vec![("a", Arc::new(StringArray::from(vec!["1"])) as _)]),
        ],
    );
    let err = write_xlsx_to(Cursor::new(Vec::new()), &[mixed]).expect_err("mixed batches");
    assert!(format!("{err:#}").contains("batch 1"), "{err:#}");
    let rome = batch(vec![(
        "t",
        Arc::new(TimestampSecondArray::from(vec![0]).with_timezone("Europe/Rome")) as _,
    )]);
    let err = write_xlsx_to(Cursor::new(Vec::new()), &[Sheet::new("x", vec![rome])]).expect_err("named zone");
    assert!(format!("{err:#}").contains("Europe/Rome"), "{err:#}");
}

#[test]
fn batches_without_columns_write_no_rows() {
    let options = arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(3));
    let empty = RecordBatch::try_new_with_options(Arc::new(arrow::datatypes::Schema::empty()), vec![], &options)
        .expect("batch without columns");
    let sheet = Sheet::new("vuoto", vec![empty]).with_title("Titolo").with_note("Nota");
    let bytes = write_xlsx_to(Cursor::new(Vec::new()), &[sheet])
        .expect("written")
        .into_inner();
    let b = Book::read(&bytes);
    assert_eq!(b.rows(0), [1, 3], "title and note only");
    assert!(b.italic(0, "A3"));
    assert!(b.sheet_attr(0, "pane", "ySplit").is_none() && b.sheet_attr(0, "autoFilter", "ref").is_none());
    assert!(!b.entries["xl/workbook.xml"].contains("definedName"));
}

#[test]
fn float32_keeps_its_shortest_form() {
    let b = batch(vec![(
        "f",
        Arc::new(arrow::array::Float32Array::from(vec![0.1f32])) as _,
    )]);
    let bytes = write_xlsx_to(Cursor::new(Vec::new()), &[Sheet::new("f", vec![b])])
        .expect("written")
        .into_inner();
    assert_eq!(Book::read(&bytes).number(0, "A2"), (0.1, "#,##0.0##".into()));
}

#[test]
fn sheet_names_follow_excel_rules() {
    let raw = [
        "Avviamenti",
        "AVVIAMENTI",
        "avviamenti",
        "a[b]c:d*e?f/g\\h",
        "'citato'",
        "",
        "history",
        "Una tabella con un nome davvero troppo lungo",
        "Una tabella con un nome davvero troppo lungo",
        "tab\tcon\u{7}controllo",
        "Trenta caratteri esatti, quasi'x",
    ];
    let names = sheet_names(raw.iter().copied());
    assert_eq!(
        names,
        [
            "Avviamenti",
            "AVVIAMENTI (2)",
            "avviamenti (3)",
            "a_b_c_d_e_f_g_h",
            "citato",
            "Foglio6",
            "history_",
            "Una tabella con un nome davvero",
            "Una tabella con un nome dav (2)",
            "tabconcontrollo",
            "Trenta caratteri esatti, quasi",
        ]
    );
    for n in &names {
        assert!(n.encode_utf16().count() <= 31, "{n}");
    }
    let lower: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), names.len());
}

#[test]
fn text_cleaning() {
    assert_eq!(clean_text("ok\ttab"), "ok\ttab");
    assert_eq!(clean_text("a\u{0}b\u{1f}c\u{FFFE}d"), "abcd");
    let long = "é".repeat(MAX_CELL_CHARS + 10);
    assert_eq!(clean_text(&long).chars().count(), MAX_CELL_CHARS);
    let astral = "😀".repeat(MAX_CELL_CHARS);
    assert_eq!(
        clean_text(&astral).encode_utf16().count(),
        MAX_CELL_CHARS - 1,
        "UTF-16 units count"
    );
}

#[test]
fn time_zones_and_date_range() {
    assert_eq!(parse_tz("UTC"), Some(0));
    assert_eq!(parse_tz("+01:00"), Some(3600));
    assert_eq!(parse_tz("-0530"), Some(-(5 * 3600 + 30 * 60)));
    assert_eq!(parse_tz("+02"), Some(7200));
    assert_eq!(parse_tz("Europe/Rome"), None);
    assert_eq!(parse_tz("+25:00"), None);
    assert!(matches!(date_cell(i64::from(days(1900, 3, 1))), Cell::Serial(61)));
    assert!(matches!(
        date_cell(i64::from(days(9999, 12, 31))),
        Cell::Serial(LAST_SERIAL)
    ));
    assert!(matches!(date_cell(i64::from(days(1900, 2, 28))), Cell::Text(ref t) if t == "28/02/1900"));
    assert!(matches!(date_cell(i64::MAX / 2), Cell::Text(_)));
    assert!(matches!(datetime_cell(secs(2024, 1, 1, 6, 0), 0), Cell::SerialTime(v) if v == 45292.25));
    assert!(matches!(datetime_cell(secs(1900, 1, 1, 6, 0), 0), Cell::Text(ref t) if t == "01/01/1900 06:00"));
}

/// A full-height sheet (1,048,576 rows with the header), streamed: run by hand with
/// `cargo test --release --lib report -- --ignored` to see time and memory.
#[test]
#[ignore = "slow: writes a million-row sheet"]
fn full_height_sheet_streams() {
    let n = MAX_ROWS - 1;
    let rows = 0..i64::try_from(n).expect("fits");
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(Int64Array::from_iter_values(rows.clone())) as _),
        (
            "valore",
            Arc::new(Float64Array::from_iter_values(rows.clone().map(|i| i as f64 / 7.0))) as _,
        ),
        (
            "data",
            Arc::new(Date32Array::from_iter_values(rows.clone().map(|i| (i % 20_000) as i32))),
        ),
        (
            "esito",
            Arc::new(StringArray::from_iter_values(
                rows.clone().map(|i| ["OK", "KO", "ND"][(i % 3) as usize]),
            )),
        ),
        (
            "codice",
            Arc::new(StringArray::from_iter_values(rows.map(|i| format!("C{i:08}")))),
        ),
    ];
    let big = batch(cols);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.xlsx");
    let t = std::time::Instant::now();
    write_xlsx(&path, &[Sheet::new("big", vec![big])]).expect("written");
    let size = std::fs::metadata(&path).expect("metadata").len();
    eprintln!("{n} rows in {:.1?}, {:.1} MB", t.elapsed(), size as f64 / 1e6);
    let book = Book::read(&std::fs::read(&path).expect("read"));
    let last = book.cell(0, &format!("A{MAX_ROWS}")).expect("the last row is written");
    assert_eq!(last.value, Value::Number((n - 1) as f64));
    assert_eq!(book.format(&last), "#,##0");
}
