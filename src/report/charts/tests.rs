//! Tests of the charts: every kind in SVG and PNG, Italian labels, edge cases, bad input.

use super::theme::{ensure_fonts, NO_DATA};
use super::*;
use crate::report::format::month_label;

const SOURCE: &str = "Fonte: elaborazioni OML su dati CO (Comunicazioni Obbligatorie)";

fn months(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| month_label(2019 + (i / 12) as i32, (i % 12) as u32 + 1))
        .collect()
}

fn chart(title: &str, kind: ChartKind) -> Chart {
    Chart {
        title: title.to_string(),
        subtitle: Some("Valori mensili, Lombardia".to_string()),
        y_label: Some("Numero di rapporti".to_string()),
        source: SOURCE.to_string(),
        kind,
    }
}

fn wave(n: usize, level: f64, amp: f64, phase: f64) -> Vec<f64> {
    (0..n)
        .map(|i| level + amp * ((i as f64) * std::f64::consts::PI / 6.0 + phase).sin() + 15.0 * i as f64)
        .collect()
}

fn sample_charts() -> Vec<(&'static str, Chart)> {
    let n = 72;
    let mut att = Series::from_values("Attivazioni", &wave(n, 21_000.0, 3_500.0, 0.0));
    att.values[30] = None; // suppressed month: a gap
    let cess = Series::from_values("Cessazioni", &wave(n, 20_500.0, 3_000.0, 1.2));
    let trend = Series::from_values("Attivazioni (destag.)", &wave(n, 21_000.0, 300.0, 0.0)).dashed();
    let saldo: Vec<f64> = (0..24).map(|i| 1500.0 * ((i as f64) * 0.8).sin() - 200.0).collect();
    let sectors = vec![
        "Agricoltura, silvicoltura e pesca".to_string(),
        "Attività manifatturiere".to_string(),
        "Costruzioni".to_string(),
        "Commercio all'ingrosso e al dettaglio; riparazione di autoveicoli e motocicli".to_string(),
        "Servizi di alloggio e di ristorazione".to_string(),
        "Istruzione".to_string(),
        "Sanità e assistenza sociale".to_string(),
    ];
    let provinces: Vec<String> = ["Bergamo", "Brescia", "Como", "Milano", "Monza e Brianza", "Varese"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let matrix: Vec<Vec<Option<f64>>> = (0..6)
        .map(|r| {
            (0..6)
                .map(|c| {
                    if r == 2 && c == 4 {
                        None
                    } else if r == c {
                        Some(12_000.0 + 900.0 * r as f64)
                    } else {
                        Some((150 * (r + 1) * (c + 2) % 2300) as f64 + 40.0)
                    }
                })
                .collect()
        })
        .collect();
    let ages: Vec<String> = ["15-24", "25-34", "35-44", "45-54", "55-64", "65 e oltre"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    vec![
        (
            "lines",
            chart(
                "Attivazioni e cessazioni di rapporti di lavoro",
                ChartKind::Lines {
                    x_labels: months(n),
                    series: vec![att, cess, trend],
                },
            ),
        ),
        (
            "bars_with_lines",
            chart(
                "Saldo mensile delle posizioni lavorative",
                ChartKind::BarsWithLines {
                    x_labels: months(24),
                    bars: vec![Series::from_values("Saldo", &saldo)],
                    lines: vec![Series::from_values(
                        "Media mobile 3 mesi",
                        &saldo
                            .windows(3)
                            .map(|w| w.iter().sum::<f64>() / 3.0)
                            .collect::<Vec<_>>(),
                    )
                    .dashed()],
                },
            ),
        ),
        (
            "bars_horizontal",
            chart(
                "Attivazioni per settore di attività economica",
                ChartKind::Bars {
                    categories: sectors.clone(),
                    series: vec![Series::new(
                        "Attivazioni",
                        vec![
                            Some(3_210.0),
                            Some(15_400.0),
                            Some(8_020.0),
                            Some(12_345.0),
                            Some(22_100.0),
                            None,
                            Some(6_480.0),
                        ],
                    )],
                    horizontal: true,
                },
            ),
        ),
        (
            "bars_vertical",
            chart(
                "Tasso di variazione tendenziale per tipologia contrattuale",
                ChartKind::Bars {
                    categories: vec![
                        "Tempo indeterminato".into(),
                        "Tempo determinato".into(),
                        "Apprendistato".into(),
                        "Somministrazione".into(),
                        "Intermittente".into(),
                    ],
                    series: vec![
                        Series::from_values("2023", &[3.2, -1.5, 8.4, -6.1, 0.4]),
                        Series::from_values("2024", &[2.1, 0.7, 5.5, -3.2, 1.9]),
                    ],
                    horizontal: false,
                },
            ),
        ),
        (
            "stacked",
            chart(
                "Ore di cassa integrazione autorizzate per tipologia",
                ChartKind::StackedBars {
                    categories: months(18),
                    series: vec![
                        Series::from_values("Ordinaria", &wave(18, 400_000.0, 150_000.0, 0.3)),
                        Series::from_values("Straordinaria", &wave(18, 250_000.0, 80_000.0, 1.0)),
                        Series::new("In deroga", (0..18).map(|i| (i % 4 != 0).then_some(30_000.0)).collect()),
                    ],
                },
            ),
        ),
        (
            "heatmap",
            Chart {
                y_label: None,
                ..chart(
                    "Mobilità dei lavoratori tra province",
                    ChartKind::Heatmap {
                        rows: provinces.clone(),
                        cols: provinces,
                        values: matrix,
                        row_title: "Provincia di residenza".into(),
                        col_title: "Provincia di lavoro".into(),
                    },
                )
            },
        ),
        (
            "pyramid",
            chart(
                "Attivazioni per classe di età e genere",
                ChartKind::Pyramid {
                    classes: ages,
                    left: Series::from_values("Maschi", &[8_200.0, 12_450.0, 10_100.0, 9_050.0, 5_300.0, 1_020.0]),
                    right: Series::new(
                        "Femmine",
                        vec![
                            Some(7_400.0),
                            Some(11_800.0),
                            Some(9_900.0),
                            Some(8_100.0),
                            Some(4_250.0),
                            None,
                        ],
                    ),
                },
            ),
        ),
    ]
}

/// Text contents of all `<text>` elements (plotters puts them on their
/// own line).
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

fn has_text(svg: &str, pred: impl Fn(&str) -> bool) -> bool {
    svg_texts(svg).iter().any(|t| pred(t))
}

fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    (
        u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
        u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
    )
}

#[test]
fn font_css_embeds_both_weights() {
    let css = font_face_css();
    assert_eq!(css.matches("@font-face").count(), 2);
    assert!(css.contains("font-family:\"OML Sans\""));
    assert!(css.contains("font-weight:bold"));
    assert!(css.contains("data:font/ttf;base64,AAEAAA")); // TrueType magic 0x00010000
    ensure_fonts().unwrap();
}

#[test]
fn every_kind_renders_svg_and_png() {
    // Written for a human to look at; outside the repository.
    let out = std::env::temp_dir().join("oml-charts-samples");
    std::fs::create_dir_all(&out).unwrap();
    for (name, c) in sample_charts() {
        let svg = render_svg(&c, 1000, 600).unwrap();
        assert!(svg.contains(&c.title), "{name}: title");
        assert!(svg.contains("Fonte: elaborazioni OML su dati CO"), "{name}: source");
        assert!(svg.contains("font-family=\"OML Sans\""), "{name}: font");
        assert!(!svg.contains("sans-serif"), "{name}: stray default font");
        let png = render_png(&c, 1000, 600).unwrap();
        assert_eq!(png_size(&png), (1000, 600), "{name}");
        std::fs::write(
            out.join(format!("{name}.svg")),
            render_svg_standalone(&c, 1000, 600).unwrap(),
        )
        .unwrap();
        std::fs::write(out.join(format!("{name}.png")), &png).unwrap();
    }
}

#[test]
fn svg_uses_italian_formatting_and_month_labels() {
    let charts = sample_charts();
    let lines = &charts[0].1;
    let svg = render_svg(lines, 1000, 600).unwrap();
    assert!(has_text(&svg, |t| t == "gen 2024"), "month labels");
    assert!(has_text(&svg, |t| t == "20.000"), "thousands separator on ticks");
    assert!(!has_text(&svg, |t| t == "dic 2023"), "labels thinned to January");
    let stacked = &charts[4].1;
    let svg = render_svg(stacked, 1000, 600).unwrap();
    assert!(
        has_text(&svg, |t| t.ends_with(".000.000") || t.ends_with("00.000")),
        "large ticks"
    );
    let bars = &charts[3].1;
    let svg = render_svg(bars, 1000, 600).unwrap();
    assert!(
        has_text(&svg, |t| t.contains(',') && t.len() <= 5),
        "decimal comma ticks"
    );
    assert!(has_text(&svg, |t| t == "-6,1"), "value label with decimal comma");
    let horizontal = &charts[2].1;
    let svg = render_svg(horizontal, 1000, 600).unwrap();
    assert!(
        has_text(&svg, |t| t == "22.100"),
        "value label with thousands separator"
    );
    assert!(has_text(&svg, |t| t.ends_with('…')), "long sector label truncated");
    assert!(has_text(&svg, |t| t == "n.d."), "missing bar marked");
}

#[test]
fn standalone_svg_embeds_font_after_svg_tag() {
    let c = &sample_charts()[0].1;
    let svg = render_svg_standalone(c, 800, 500).unwrap();
    let open = svg.find("<svg").unwrap();
    let close = open + svg[open..].find('>').unwrap();
    assert!(svg[close + 1..].trim_start().starts_with("<style>@font-face"));
    assert!(svg.trim_end().ends_with("</svg>"));
}

fn check_both(c: &Chart) -> String {
    let png = render_png(c, 640, 400).unwrap();
    assert_eq!(png_size(&png), (640, 400));
    render_svg(c, 640, 400).unwrap()
}

#[test]
fn edge_cases_do_not_panic() {
    let empty_lines = chart(
        "Vuoto",
        ChartKind::Lines {
            x_labels: vec![],
            series: vec![],
        },
    );
    assert!(check_both(&empty_lines).contains(NO_DATA));
    let all_none = chart(
        "Tutti mancanti",
        ChartKind::Lines {
            x_labels: months(12),
            series: vec![Series::new("A", vec![None; 12]), Series::new("B", vec![])],
        },
    );
    assert!(check_both(&all_none).contains(NO_DATA));
    let zeros = chart(
        "Tutti zero",
        ChartKind::Bars {
            categories: vec!["A".into(), "B".into()],
            series: vec![Series::from_values("x", &[0.0, 0.0])],
            horizontal: false,
        },
    );
    assert!(!check_both(&zeros).contains(NO_DATA));
    let single = chart(
        "Una categoria",
        ChartKind::Bars {
            categories: vec!["Solo".into()],
            series: vec![Series::from_values("x", &[5.0])],
            horizontal: true,
        },
    );
    check_both(&single);
    let single_point = chart(
        "Un punto",
        ChartKind::Lines {
            x_labels: months(1),
            series: vec![Series::from_values("x", &[-3.5])],
        },
    );
    check_both(&single_point);
    let negative = chart(
        "Negativi",
        ChartKind::BarsWithLines {
            x_labels: months(6),
            bars: vec![Series::from_values(
                "s",
                &[-1000.0, -2500.0, -10.0, -40.0, -5.0, -7000.0],
            )],
            lines: vec![],
        },
    );
    check_both(&negative);
    let long = "Attività professionali, scientifiche e tecniche e servizi di supporto alle imprese";
    let long_labels = chart(
        "Etichette lunghe",
        ChartKind::Bars {
            categories: vec![long.into(), long.into()],
            series: vec![
                Series::from_values("a", &[1.0, 2.0]),
                Series::from_values("b", &[2.0, 1.0]),
            ],
            horizontal: false,
        },
    );
    let svg = check_both(&long_labels);
    assert!(!svg.contains(long));
    let nan = chart(
        "NaN",
        ChartKind::Lines {
            x_labels: months(3),
            series: vec![Series::new("x", vec![Some(f64::NAN), Some(f64::INFINITY), None])],
        },
    );
    assert!(check_both(&nan).contains(NO_DATA));
    let heat_empty = chart(
        "Matrice vuota",
        ChartKind::Heatmap {
            rows: vec!["a".into()],
            cols: vec!["b".into()],
            values: vec![vec![None]],
            row_title: String::new(),
            col_title: String::new(),
        },
    );
    assert!(check_both(&heat_empty).contains(NO_DATA));
    let pyramid_gap = chart(
        "Piramide",
        ChartKind::Pyramid {
            classes: vec!["15-24".into()],
            left: Series::new("M", vec![None]),
            right: Series::from_values("F", &[0.0]),
        },
    );
    check_both(&pyramid_gap);
    let no_text = Chart {
        title: String::new(),
        subtitle: None,
        y_label: None,
        source: String::new(),
        kind: single.kind.clone(),
    };
    check_both(&no_text);
}

#[test]
fn invalid_input_is_an_error() {
    let negative_stack = chart(
        "x",
        ChartKind::StackedBars {
            categories: vec!["a".into()],
            series: vec![Series::from_values("s", &[-1.0])],
        },
    );
    assert!(render_svg(&negative_stack, 800, 500).is_err());
    assert!(render_png(&negative_stack, 800, 500).is_err());
    let too_long = chart(
        "x",
        ChartKind::Lines {
            x_labels: months(2),
            series: vec![Series::from_values("s", &[1.0, 2.0, 3.0])],
        },
    );
    assert!(render_svg(&too_long, 800, 500).is_err());
    let ok = &sample_charts()[0].1;
    assert!(render_png(ok, 0, 500).is_err());
    assert!(render_svg(ok, 800, 20_000).is_err());
}
