//! What the store asks of a database, the same for both backends: run a statement with
//! values bound, read rows cell by cell. The queries are written once, with `?N`
//! placeholders; the few places where SQLite and PostgreSQL spell a thing differently
//! ask the [`Dialect`].

use chrono::{DateTime, Utc};

use super::{Result, StoreError};

/// Which SQL the database speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// True when the JSON array of strings in `column` holds `param`, any case.
    pub fn json_array_has(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "EXISTS (SELECT 1 FROM json_each({column}) WHERE lower(value) = lower({param}))"
            ),
            Dialect::Postgres => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text({column}::jsonb) AS t(value)
                         WHERE lower(t.value) = lower({param}))"
            ),
        }
    }

    /// `table` read whole in its own order, no index consulted: for a read that keeps
    /// most of its rows. PostgreSQL's planner weighs that itself from its statistics.
    pub fn scanned(self, table: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{table} NOT INDEXED"),
            Dialect::Postgres => table.to_string(),
        }
    }

    /// `OFFSET n` with no limit.
    pub fn offset_only(self, offset: usize) -> String {
        match self {
            Dialect::Sqlite => format!(" LIMIT -1 OFFSET {offset}"),
            Dialect::Postgres => format!(" OFFSET {offset}"),
        }
    }
}

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<&String>> for Value {
    fn from(v: Option<&String>) -> Self {
        Value::Text(v.cloned())
    }
}
impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        Value::Text(v.clone())
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Int(Some(v.timestamp()))
    }
}
impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Value::Int(v.map(|t| t.timestamp()))
    }
}

/// Text holding the NUL character is refused on both backends alike: PostgreSQL cannot
/// store it, and a terminal or a C program reading the file would cut the text there.
pub fn refuse_nul(params: &[Value]) -> Result<()> {
    let nul = params
        .iter()
        .any(|v| matches!(v, Value::Text(Some(text)) if text.contains('\0')));
    if nul {
        Err(StoreError::Encode(
            "text cannot contain the NUL character (\\0); nothing was written".to_string(),
        ))
    } else {
        Ok(())
    }
}

/// One row of a result.
pub trait Row {
    fn int(&self, column: usize) -> Result<Option<i64>>;
    /// Text borrowed from the row, read without a copy.
    fn str(&self, column: usize) -> Result<Option<&str>>;

    fn text(&self, column: usize) -> Result<Option<String>> {
        Ok(self.str(column)?.map(str::to_owned))
    }
    fn req_str(&self, column: usize) -> Result<&str> {
        self.str(column)?.ok_or_else(|| StoreError::Corrupt {
            column,
            detail: "an empty text".to_string(),
        })
    }

    fn req_int(&self, column: usize) -> Result<i64> {
        self.int(column)?.ok_or_else(|| StoreError::Corrupt {
            column,
            detail: "an empty number".to_string(),
        })
    }
    fn req_text(&self, column: usize) -> Result<String> {
        self.text(column)?.ok_or_else(|| StoreError::Corrupt {
            column,
            detail: "an empty text".to_string(),
        })
    }
    fn u32(&self, column: usize) -> Result<u32> {
        let n = self.req_int(column)?;
        u32::try_from(n).map_err(|_| StoreError::Corrupt {
            column,
            detail: format!("{n} is out of range"),
        })
    }
    fn count(&self, column: usize) -> Result<usize> {
        Ok(usize::try_from(self.req_int(column)?).unwrap_or(0))
    }
    /// A time stored as seconds since 1970; an unreadable one is an error, never 1970.
    fn time(&self, column: usize) -> Result<Option<DateTime<Utc>>> {
        self.int(column)?
            .map(|seconds| {
                DateTime::from_timestamp(seconds, 0).ok_or_else(|| StoreError::Corrupt {
                    column,
                    detail: format!("{seconds} is not a time"),
                })
            })
            .transpose()
    }
    fn req_time(&self, column: usize) -> Result<DateTime<Utc>> {
        self.time(column)?.ok_or_else(|| StoreError::Corrupt {
            column,
            detail: "an empty time".to_string(),
        })
    }
}

/// A JSON column decoded.
pub fn json_cell<T: serde::de::DeserializeOwned>(row: &dyn Row, column: usize) -> Result<T> {
    serde_json::from_str(row.req_str(column)?).map_err(|e| StoreError::Corrupt {
        column,
        detail: e.to_string(),
    })
}

/// A JSON list column decoded; the empty list, which most rows hold, without the
/// decoder.
pub fn json_list<T: serde::de::DeserializeOwned>(row: &dyn Row, column: usize) -> Result<Vec<T>> {
    if row.req_str(column)? == "[]" {
        return Ok(Vec::new());
    }
    json_cell(row, column)
}

/// A database connection inside a transaction.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; returns how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Runs a query, handing each row to `each` as it arrives.
    fn query(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()>;

    /// Adds many rows to `table` (a whole board at once), each with a value for every
    /// one of `columns`. Statement by statement here; a backend may do it faster.
    fn insert_rows(
        &mut self,
        table: &str,
        columns: &str,
        rows: &mut dyn Iterator<Item = Result<Vec<Value>>>,
    ) -> Result<()> {
        let count = columns.split(',').count();
        let placeholders: Vec<String> = (1..=count).map(|n| format!("?{n}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES ({})",
            placeholders.join(", ")
        );
        for row in rows {
            let row = row?;
            refuse_nul(&row)?;
            self.execute(&sql, &row)?;
        }
        Ok(())
    }
}

/// Every row of a query, each turned into a value by `map`.
pub fn rows<T>(
    sql: &mut dyn Sql,
    text: &str,
    params: &[Value],
    mut map: impl FnMut(&dyn Row) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    sql.query(text, params, &mut |row| {
        out.push(map(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// The first row of a query, if any.
pub fn first<T>(
    sql: &mut dyn Sql,
    text: &str,
    params: &[Value],
    mut map: impl FnMut(&dyn Row) -> Result<T>,
) -> Result<Option<T>> {
    let mut out = None;
    sql.query(text, params, &mut |row| {
        if out.is_none() {
            out = Some(map(row)?);
        }
        Ok(())
    })?;
    Ok(out)
}

/// One integer from a query that always returns a row (a count, a flag).
pub fn scalar(sql: &mut dyn Sql, text: &str, params: &[Value]) -> Result<i64> {
    first(sql, text, params, |r| r.req_int(0))?.ok_or(StoreError::Corrupt {
        column: 0,
        detail: "no row".to_string(),
    })
}
