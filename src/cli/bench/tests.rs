//! The parsing helpers of the benchmarks.

use super::*;

#[test]
fn reads_the_build_timings() {
    let out = "Rapporti ricostruiti: 1.495.238\nTempi: lettura 1.8 s, ricostruzione 1.7 s, scrittura 8.2 s \
               (168.915 comunicazioni/s nel complesso)\n";
    assert_eq!(parse_build_split(out), Some((1.8, 1.7, 8.2, None, None)));
    let out =
        "Carriere dei lavoratori: 9\nTempi: lettura 1.8 s, ricostruzione 1.7 s, scrittura 8.2 s, carriere 0.4 s, transizioni 0.3 s";
    assert_eq!(parse_build_split(out), Some((1.8, 1.7, 8.2, Some(0.4), Some(0.3))));
    assert_eq!(parse_build_split("nothing"), None);
}

#[test]
fn fills_and_escapes_placeholders() {
    let s = fill(
        "'{{lake}}/x' {{threads}}",
        &[("lake", "a'b".into()), ("threads", "2".into())],
    );
    assert_eq!(s, "'a''b/x' 2");
}
