//! `?status=` on the list routes (packing tasks, returns): one status of a
//! lifecycle, or blank for every status, spaces around either ignored; and
//! the schema that says so, so a client generated from the document sends
//! only what is taken.

use std::str::FromStr;

use shop_kit::Problem;
use utoipa::openapi::schema::Schema;

use crate::domain::status::Lifecycle;

/// The statuses of `S`, spelled as on the wire.
fn names<S: Lifecycle>() -> Vec<String> {
    S::all().iter().map(|&status| status.into()).collect()
}

/// `a, b or c`.
fn one_of(names: &[String]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// `?status=` as a status of `S`; `None` when absent or blank; a 422
/// naming `status` otherwise (never quoting what was sent).
pub fn parse<S: Lifecycle + FromStr>(raw: Option<&str>) -> Result<Option<S>, Problem> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    raw.parse()
        .map(Some)
        .map_err(|_| Problem::invalid_field("status", format!("must be {}", one_of(&names::<S>()))))
}

/// What [`parse`] takes, for the rows called `what` (`tasks`, `returns`):
/// a status of `S`, or a blank value or one with spaces around it.
pub fn schema<S: Lifecycle + utoipa::ToSchema>(what: &str) -> Schema {
    use shop_client::wire::rules::SPACE;
    use utoipa::openapi::{ObjectBuilder, Ref, Type, schema::AnyOfBuilder};

    let names = names::<S>();
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let padded = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!(
            "^[{SPACE}]*(?:{})?[{SPACE}]*$",
            names.join("|")
        )))
        .description(Some("A status with spaces around it, or blank"));
    AnyOfBuilder::new()
        .description(Some(format!(
            "Only {what} in this status ({}, surrounding spaces ignored); blank for every status",
            one_of(&quoted)
        )))
        .item(Ref::from_schema_name(S::name()))
        .item(padded)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::{PackingTaskStatus, ReturnStatus};

    fn refusal<S: Lifecycle + FromStr + std::fmt::Debug>(raw: &str) -> String {
        let problem = parse::<S>(Some(raw)).unwrap_err();
        problem.details().fields.as_ref().unwrap()["status"].clone()
    }

    #[test]
    fn a_status_filter_is_a_known_status_or_blank() {
        assert_eq!(parse::<PackingTaskStatus>(None).unwrap(), None);
        assert_eq!(parse::<PackingTaskStatus>(Some("  ")).unwrap(), None);
        assert_eq!(
            parse::<PackingTaskStatus>(Some(" packed ")).unwrap(),
            Some(PackingTaskStatus::Packed)
        );
        assert_eq!(
            parse::<ReturnStatus>(Some("received")).unwrap(),
            Some(ReturnStatus::Received)
        );
        assert_eq!(
            refusal::<PackingTaskStatus>("lost"),
            "must be pending, packed, shipped or cancelled"
        );
        assert_eq!(
            refusal::<ReturnStatus>("Received"),
            "must be requested, received or refunded"
        );
    }

    #[test]
    fn the_schema_names_every_status_and_takes_padded_ones() {
        let schema = serde_json::to_value(schema::<ReturnStatus>("returns")).unwrap();
        assert_eq!(
            schema["description"],
            "Only returns in this status (`requested`, `received` or `refunded`, surrounding spaces ignored); blank for every status"
        );
        assert_eq!(
            schema["anyOf"][0]["$ref"],
            "#/components/schemas/ReturnStatus"
        );
        let pattern = schema["anyOf"][1]["pattern"].as_str().unwrap();
        assert!(
            pattern.contains("(?:requested|received|refunded)?"),
            "{pattern}"
        );
    }
}
