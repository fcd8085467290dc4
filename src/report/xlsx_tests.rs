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

fn entries(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("zip entry");
        let mut s = String::new();
        f.read_to_string(&mut s).expect("UTF-8 entry");
        out.insert(f.name().expect("entry name").to_string(), s);
    }
    out
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

/// The `<si>` texts of the shared strings, still escaped.
fn shared_strings(xml: &str) -> Vec<String> {
    xml.split("<si>")
        .skip(1)
        .map(|si| {
            let start = si.find('>').expect("<t ...>") + 1;
            let end = si.find("</t>").expect("</t>");
            si[start..end].to_string()
        })
        .collect()
}

/// The `<c>` element of cell `r`, if present.
fn cell<'x>(xml: &'x str, r: &str) -> Option<&'x str> {
    let start = xml.find(&format!("<c r=\"{r}\""))?;
    let len = xml[start..].find("</c>").expect("closed cell") + 4;
    Some(&xml[start..start + len])
}

/// The shared string shown in cell `r`.
fn cell_text(xml: &str, sst: &[String], r: &str) -> String {
    let c = cell(xml, r).unwrap_or_else(|| panic!("no cell {r}"));
    assert!(c.contains("t=\"s\""), "{r} is not a shared string: {c}");
    let v = &c[c.find("<v>").expect("<v>") + 3..c.find("</v>").expect("</v>")];
    sst[v.parse::<usize>().expect("index")].clone()
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
    let e = entries(&bytes);
    let names: Vec<&str> = e.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/app.xml",
            "docProps/core.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/sharedStrings.xml",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
            "xl/worksheets/sheet3.xml",
            "xl/worksheets/sheet4.xml",
        ]
    );
    for (name, xml) in &e {
        assert_well_formed(name, xml);
    }
    // The content types and relationships name every part.
    for i in 1..=4 {
        assert!(e["[Content_Types].xml"].contains(&format!("/xl/worksheets/sheet{i}.xml")));
        assert!(e["xl/_rels/workbook.xml.rels"].contains(&format!("Target=\"worksheets/sheet{i}.xml\"")));
    }
    assert!(e["[Content_Types].xml"].contains("/xl/sharedStrings.xml"));

    // Sheet names: sanitised, de-duplicated ignoring case, defaulted, truncated to 31.
    let wb = &e["xl/workbook.xml"];
    for (i, name) in [
        "Dati_ 2024_12",
        "dati_ 2024_12 (2)",
        "Foglio3",
        "Avviamenti e cessazioni per pro",
    ]
    .iter()
    .enumerate()
    {
        assert!(
            wb.contains(&format!(
                "<sheet name=\"{name}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
                n = i + 1
            )),
            "{wb}"
        );
    }
    assert!(wb.contains(
        "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">&apos;Dati_ 2024_12&apos;!$A$1:$K$5</definedName>"
    ));
    assert!(!wb.contains("localSheetId=\"2\""), "the empty sheet has no filter");

    let sst = shared_strings(&e["xl/sharedStrings.xml"]);
    let s1 = &e["xl/worksheets/sheet1.xml"];
    // Layout: dimension, frozen header, widths, autofilter, first sheet selected.
    assert!(s1.contains("<dimension ref=\"A1:K5\"/>"));
    assert!(s1.contains("<sheetView tabSelected=\"1\" workbookViewId=\"0\">"));
    assert!(s1.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
    assert!(s1.contains("<autoFilter ref=\"A1:K5\"/>"));
    assert!(
        s1.contains("<col min=\"1\" max=\"1\" width=\"13\" customWidth=\"1\"/>"),
        "provincia: 9 + 4"
    );
    assert_eq!(s1.matches("<col ").count(), 11);
    // Header: bold shared strings.
    assert!(cell(s1, "A1").is_some_and(|c| c.contains("s=\"1\" t=\"s\"")));
    assert_eq!(cell_text(s1, &sst, "K1"), "grande");
    // Numbers.
    assert_eq!(cell(s1, "B2"), Some("<c r=\"B2\" s=\"2\"><v>1234</v></c>"));
    assert_eq!(cell(s1, "B3"), Some("<c r=\"B3\" s=\"2\"><v>-5</v></c>"));
    assert_eq!(cell(s1, "B5"), Some("<c r=\"B5\" s=\"2\"><v>1234567</v></c>"));
    assert_eq!(cell(s1, "C2"), Some("<c r=\"C2\" s=\"3\"><v>0.5</v></c>"));
    assert_eq!(cell(s1, "C5"), Some("<c r=\"C5\" s=\"3\"><v>1234.5</v></c>"));
    assert_eq!(cell(s1, "I2"), Some("<c r=\"I2\" s=\"3\"><v>1234.56</v></c>"));
    assert_eq!(cell(s1, "I3"), Some("<c r=\"I3\" s=\"3\"><v>-0.01</v></c>"));
    assert_eq!(
        cell(s1, "K2"),
        Some("<c r=\"K2\" s=\"2\"><v>18446744073709551615</v></c>")
    );
    // NaN and nulls: no cell.
    for r in ["C3", "C4", "B4", "A5", "D4", "E4", "H5", "I4", "F3"] {
        assert_eq!(cell(s1, r), None, "{r}");
    }
    // Booleans.
    assert_eq!(cell(s1, "D2"), Some("<c r=\"D2\" t=\"b\"><v>1</v></c>"));
    assert_eq!(cell(s1, "D3"), Some("<c r=\"D3\" t=\"b\"><v>0</v></c>"));
    // Dates: serials from 1899-12-30; before March 1900 as text.
    assert_eq!(cell(s1, "E2"), Some("<c r=\"E2\" s=\"4\"><v>45657</v></c>"));
    assert_eq!(cell(s1, "E3"), Some("<c r=\"E3\" s=\"4\"><v>25569</v></c>"));
    assert_eq!(cell_text(s1, &sst, "E5"), "01/01/1900");
    // Timestamps: 12:30 is 0.5208333 of a day; 23:30 UTC is 00:30 the next day at +01:00.
    assert!(
        cell(s1, "F2").is_some_and(|c| c.starts_with("<c r=\"F2\" s=\"5\"><v>45657.520833333")),
        "{s1}"
    );
    assert!(
        cell(s1, "G2").is_some_and(|c| c.starts_with("<c r=\"G2\" s=\"5\"><v>45658.020833333")),
        "{s1}"
    );
    // Strings: escaped, control character stripped; dictionary values shared.
    assert_eq!(cell_text(s1, &sst, "A2"), "Milano");
    assert_eq!(cell_text(s1, &sst, "A3"), "&lt;&amp;&gt;&quot;x");
    assert_eq!(cell_text(s1, &sst, "A4"), "ab");
    assert_eq!(cell_text(s1, &sst, "H2"), "OK");
    assert_eq!(cell_text(s1, &sst, "H3"), "KO");
    assert_eq!(
        cell(s1, "H2").map(|c| c.replace("H2", "")),
        cell(s1, "H4").map(|c| c.replace("H4", ""))
    );
    assert_eq!(cell_text(s1, &sst, "J2"), "12:30:00", "other types: Arrow's display");
    assert!(!e["xl/sharedStrings.xml"].contains('\u{1}'));
    assert_eq!(sst.iter().filter(|s| *s == "OK").count(), 1, "strings are shared");

    // Sheet 2: title, header on row 3, columns up to AD, notes after a blank row.
    let s2 = &e["xl/worksheets/sheet2.xml"];
    assert!(s2.contains("<dimension ref=\"A1:AD8\"/>"));
    assert!(!s2.contains("tabSelected"));
    assert!(cell(s2, "A1").is_some_and(|c| c.contains("s=\"6\"")));
    assert_eq!(cell_text(s2, &sst, "A1"), "Tabella larga");
    assert!(!s2.contains("<row r=\"2\""));
    assert_eq!(cell_text(s2, &sst, "AD3"), "c30");
    assert_eq!(cell_text(s2, &sst, "Z3"), "c26");
    assert_eq!(cell_text(s2, &sst, "AA3"), "c27");
    assert_eq!(cell(s2, "AD4"), Some("<c r=\"AD4\" s=\"2\"><v>30</v></c>"));
    assert_eq!(cell(s2, "AD5"), Some("<c r=\"AD5\" s=\"2\"><v>30000</v></c>"));
    assert!(s2.contains("<pane ySplit=\"3\" topLeftCell=\"A4\""));
    assert!(s2.contains("<autoFilter ref=\"A3:AD5\"/>"));
    assert!(!s2.contains("<row r=\"6\""));
    assert!(cell(s2, "A7").is_some_and(|c| c.contains("s=\"7\"")));
    assert_eq!(cell_text(s2, &sst, "A7"), "Fonte: elaborazioni OML su dati CO");
    assert_eq!(cell_text(s2, &sst, "A8"), "Legenda: * dato oscurato");

    // Sheet 3: empty.
    let s3 = &e["xl/worksheets/sheet3.xml"];
    assert!(s3.contains("<dimension ref=\"A1\"/>") && s3.contains("<sheetData></sheetData>"));
    assert!(!s3.contains("<pane") && !s3.contains("<autoFilter") && !s3.contains("<cols>"));

    // Sheet 4: header only.
    let s4 = &e["xl/worksheets/sheet4.xml"];
    assert!(s4.contains("<autoFilter ref=\"A1:B1\"/>"));
    assert!(!s4.contains("<row r=\"2\""));
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
    let names = || vec!["s".to_string()];
    let at_limit = Sheet::new(
        "s",
        vec![batch(vec![("n", Arc::new(NullArray::new(MAX_ROWS - 1)) as _)])],
    );
    let plan = plan_sheet(&at_limit, names().remove(0)).expect("at the limit");
    assert_eq!(plan.last_row, MAX_ROWS);
    let with_title = at_limit.with_title("t");
    assert!(
        plan_sheet(&with_title, names().remove(0)).is_err(),
        "the title rows count"
    );
    let notes = Sheet::new(
        "s",
        vec![batch(vec![("n", Arc::new(NullArray::new(MAX_ROWS - 3)) as _)])],
    )
    .with_note("n");
    assert_eq!(
        plan_sheet(&notes, names().remove(0)).expect("notes fit").last_row,
        MAX_ROWS
    );
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
    let e = entries(&bytes);
    let s1 = &e["xl/worksheets/sheet1.xml"];
    assert_well_formed("sheet1", s1);
    assert!(s1.contains("<dimension ref=\"A1:A3\"/>"), "{s1}");
    assert_eq!(s1.matches("<row ").count(), 2, "title and note only: {s1}");
    assert!(cell(s1, "A3").is_some_and(|c| c.contains("s=\"7\"")));
    assert!(!s1.contains("<pane") && !s1.contains("<autoFilter"));
    assert!(!e["xl/workbook.xml"].contains("definedName"));
}

#[test]
fn column_names() {
    let cases = [
        (0, "A"),
        (25, "Z"),
        (26, "AA"),
        (27, "AB"),
        (29, "AD"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),
    ];
    for (i, name) in cases {
        assert_eq!(col_name(i), name);
    }
    assert_eq!(col_name(702), "AAA");
    assert_eq!(col_name(MAX_COLS - 1), "XFD");
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
fn text_escaping() {
    let mut out = Vec::new();
    write_text(&mut out, "a<b>&\"c\"\r\n_x0041_ _x12_ _x00e9_").expect("vec");
    assert_eq!(
        String::from_utf8(out).expect("utf8"),
        "a&lt;b&gt;&amp;&quot;c&quot;&#xD;\n_x005F_x0041_ _x12_ _x005F_x00e9_"
    );
    assert_eq!(clean_text("ok\ttab"), "ok\ttab");
    assert_eq!(clean_text("a\u{0}b\u{1f}c\u{FFFE}d"), "abcd");
    let long = "é".repeat(MAX_CELL_CHARS + 10);
    assert_eq!(clean_text(&long).chars().count(), MAX_CELL_CHARS);
    assert_eq!(escape("O'Brien & <co>"), "O&apos;Brien &amp; &lt;co&gt;");
}

#[test]
fn number_text() {
    let f = |v: f64| {
        let mut out = Vec::new();
        write_f64(&mut out, v).expect("vec");
        String::from_utf8(out).expect("utf8")
    };
    assert_eq!(f(0.1), "0.1");
    assert_eq!(f(-0.0), "0");
    assert_eq!(f(1234.5), "1234.5");
    assert_eq!(f(123_456_789_012_345.0), "123456789012345");
    assert_eq!(f(1e20), "1E+20");
    assert_eq!(f(-1.5e-7), "-1.5E-7");
    let mut out = Vec::new();
    write_f32(&mut out, 0.1).expect("vec");
    assert_eq!(out, b"0.1", "f32 in its own shortest form, not 0.10000000149011612");
    let mut out = Vec::new();
    write_i64(&mut out, i64::MIN).expect("vec");
    assert_eq!(out, b"-9223372036854775808");
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
    assert!(matches!(datetime_cell(secs(2024, 1, 1, 6, 0), 0, "%d/%m/%Y"), Cell::SerialTime(v) if v == 45292.25));
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
    let mut z = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
    let mut xml = String::new();
    z.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet")
        .read_to_string(&mut xml)
        .expect("read");
    let last = format!("<c r=\"A{MAX_ROWS}\" s=\"2\"><v>{}</v></c>", n - 1);
    assert!(xml.contains(&last), "the last row is written");
    assert!(xml.ends_with("</worksheet>"));
}
