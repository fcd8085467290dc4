//! `oml catalog`: the lake as a documented DuckDB database file. Its views and macros are those of
//! every session (`sql/`), with paths relative to the file's folder, so the lake and the file can
//! be moved or shared together; every view and every column carries a `COMMENT ON` from the data
//! dictionary (`reference/oml/dizionario.csv`), so `duckdb oml.duckdb` opens a queryable
//! observatory that explains itself (`SELECT * FROM duckdb_columns()` shows the comments).
//!
//! The views read the lake's files when queried: the file holds no data, and is written again
//! (`oml catalog`) when a dataset appears that had no file before. DuckDB resolves relative paths
//! against the working folder: open the file from its own folder, or `SET file_search_path` to it.

use crate::lake::Lake;
use crate::reference::Reference;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What a catalog holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub views: usize,
    pub columns: usize,
    /// Views and columns the dictionary does not describe (`(view, None)` for a view): they are
    /// written without a comment.
    pub undescribed: Vec<(String, Option<String>)>,
}

/// The folder a file is in, absolute.
fn folder_of(file: &Path) -> Result<PathBuf> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::canonicalize(&dir).with_context(|| format!("resolving {}", dir.display()))
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Writes the catalog of `lake` to `out` (a new file, replaced whole: written beside it, then
/// renamed).
pub fn write(lake: &Lake, out: &Path) -> Result<Catalog> {
    let manifest = lake.manifest()?;
    let folder = folder_of(out)?;
    let root = std::fs::canonicalize(&lake.root).with_context(|| format!("resolving {}", lake.root.display()))?;
    let base = pathdiff::diff_paths(&root, &folder).unwrap_or(root);
    let sql = crate::lake::views::render(&manifest, Some(&base))?;
    let name = out.file_name().context("the catalog needs a file name")?;
    let tmp = folder.join(format!(".{}.tmp", name.to_string_lossy()));
    let _ = std::fs::remove_file(&tmp);
    let catalog = (|| -> Result<Catalog> {
        let conn = duckdb::Connection::open(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        conn.execute_batch(&format!(
            "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; \
             SET file_search_path = {};",
            quote(&folder.to_string_lossy())
        ))?;
        conn.execute_batch(&sql).context("creating the lake views (sql/)")?;
        let comments = comments(&conn)?;
        conn.execute_batch(&comments.0).context("writing the comments")?;
        Ok(comments.1)
    })();
    match catalog {
        Ok(c) => {
            std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
            Ok(c)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The `COMMENT ON` statements of every view and column of the database, and what they cover.
fn comments(conn: &duckdb::Connection) -> Result<(String, Catalog)> {
    let r = Reference::get();
    let mut sql = String::new();
    let mut cat = Catalog::default();
    let mut last: Option<&str> = None;
    for ViewColumn { view, column, .. } in &view_columns(conn)? {
        if last != Some(view.as_str()) {
            cat.views += 1;
            match r.descrizione_vista(view) {
                Some(d) => sql.push_str(&format!("COMMENT ON VIEW {} IS {};\n", ident(view), quote(d))),
                None => cat.undescribed.push((view.clone(), None)),
            }
            last = Some(view.as_str());
        }
        cat.columns += 1;
        match r.descrizione_colonna(view, column) {
            Some(d) => sql.push_str(&format!(
                "COMMENT ON COLUMN {}.{} IS {};\n",
                ident(view),
                ident(column),
                quote(d)
            )),
            None => cat.undescribed.push((view.clone(), Some(column.clone()))),
        }
    }
    Ok((sql, cat))
}

/// One column of one view of a DuckDB database, with the view's and the column's comments ('' when
/// none) and the column's type.
struct ViewColumn {
    view: String,
    about: String,
    column: String,
    ty: String,
    comment: String,
}

/// Every column of every view of `conn` (the views' own, not DuckDB's), by view, in column order.
fn view_columns(conn: &duckdb::Connection) -> Result<Vec<ViewColumn>> {
    let mut stmt = conn.prepare(
        "SELECT v.view_name, coalesce(v.comment, ''), c.column_name, c.data_type, coalesce(c.comment, '') \
         FROM duckdb_views() v JOIN duckdb_columns() c ON c.table_oid = v.view_oid \
         WHERE NOT v.internal AND NOT v.temporary ORDER BY v.view_name, c.column_index",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(ViewColumn {
                view: r.get(0)?,
                about: r.get(1)?,
                column: r.get(2)?,
                ty: r.get(3)?,
                comment: r.get(4)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// The views of a catalog with their description and columns (name, DuckDB type, description),
/// in the views' order.
type Described = Vec<(String, String, Vec<(String, String, String)>)>;

fn described(file: &Path) -> Result<Described> {
    let conn = duckdb::Connection::open_with_flags(
        file,
        duckdb::Config::default().access_mode(duckdb::AccessMode::ReadOnly)?,
    )
    .with_context(|| format!("opening {}", file.display()))?;
    let mut out: Described = Vec::new();
    for ViewColumn {
        view,
        about,
        column,
        ty,
        comment,
    } in view_columns(&conn)?
    {
        if out.last().is_none_or(|v| v.0 != view) {
            out.push((view, about, Vec::new()));
        }
        if let Some(v) = out.last_mut() {
            v.2.push((column, ty, comment));
        }
    }
    Ok(out)
}

/// The Markdown table of one view's columns.
fn table(columns: &[(String, String, String)]) -> String {
    let mut md = String::from("| colonna | tipo | descrizione |\n|---|---|---|\n");
    for (column, ty, comment) in columns {
        md.push_str(&format!("| `{column}` | {ty} | {} |\n", comment.replace('|', "\\|")));
    }
    md
}

/// The data dictionary of a catalog as Markdown (`docs/colonne.md`): for every view, its
/// description, then its columns with their DuckDB type and description. Generated from the
/// catalog (the views' real columns and types, the dictionary's comments), so it cannot drift
/// from either: a test compares it with the committed file.
pub fn markdown(file: &Path) -> Result<String> {
    let mut md = String::from(
        "# Colonne delle viste del lago\n\n\
         Generato da `oml catalog --dizionario docs/colonne.md` sul lago dei test (non modificare a mano):\n\
         le descrizioni vengono da `reference/oml/dizionario.csv`, i tipi dalle viste (`sql/`) sui file del\n\
         lago. Le regole dietro le colonne sono in `docs/dizionario.md` e `docs/convenzioni.md`.\n",
    );
    for (view, about, columns) in described(file)? {
        md.push_str(&format!("\n## `{view}`\n\n{about}\n\n{}", table(&columns)));
    }
    Ok(md)
}

/// `text` (a Markdown page such as `docs/dizionario.md`) with the column table of every block
/// `<!-- colonne: VIEW -->` … `<!-- fine colonne -->` generated again from the catalog; the rest
/// is left as written. An unknown view or an unclosed block is an error.
pub fn fill_blocks(text: &str, file: &Path) -> Result<String> {
    const OPEN: &str = "<!-- colonne: ";
    const CLOSE: &str = "<!-- fine colonne -->";
    let views = described(file)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let name_end = after.find(" -->").context("a block without its ' -->'")?;
        let view = &after[..name_end];
        let columns = &views
            .iter()
            .find(|v| v.0 == view)
            .with_context(|| format!("block of an unknown view {view}"))?
            .2;
        let end = after
            .find(CLOSE)
            .with_context(|| format!("the block of {view} is not closed"))?;
        out.push_str(&rest[..at]);
        out.push_str(&format!("{OPEN}{view} -->\n{}{CLOSE}", table(columns)));
        rest = &after[end + CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(out)
}
