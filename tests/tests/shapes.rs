//! Every schema shape the generator models (`tests/specs/shapes.yaml`), compiled by the build
//! script and exercised here: names, optional vs nullable, open enums, unions, `allOf`, maps,
//! recursion, and unknown properties kept.

#[allow(dead_code)]
mod shapes {
    include!(concat!(env!("OUT_DIR"), "/shapes.rs"));
}

use serde_json::{Value, json};
use shapes::types::*;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug>(
    value: Value,
) -> T {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|err| panic!("{value} does not decode: {err}"));
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        value,
        "round trip changed {typed:?}"
    );
    typed
}

#[test]
fn struct_fields_names_and_nullability() {
    let value = json!({
        "id": "x", "count": 3, "big": 9007199254740993i64, "small": 255, "ratio": 0.5, "precise": 1.0,
        "flag": false, "when": "2016-11-15T18:41:23.929000Z", "tags": ["a"], "labels": {"k": "v"},
        "anything": null, "openObject": {"any": [1, {"deep": null}]}, "nullableRequired": null,
        "nullableOptional": null, "nested": {"depth": 1, "inner": {"leaf": true}}, "status": "Waiting for Cluster",
        "inlineEnum": "c.d", "type": "t", "self": "s", "2fa": true, "content-type": "text/plain",
        "with.dot": "d", "with space": "s", "extra": "named like the catch-all", "unlisted": {"kept": [1.5]}
    });
    let everything: Everything = round_trip(value);
    assert_eq!(everything.count, 3i32);
    assert_eq!(everything.small, Some(255u8));
    assert_eq!(
        everything
            .precise
            .as_ref()
            .and_then(serde_json::Number::as_f64),
        Some(1.0)
    );
    assert!(
        everything.precise.as_ref().is_some_and(|n| n.is_f64()),
        "`1.0` stays a float"
    );
    assert_eq!(
        everything.anything,
        Some(Value::Null),
        "an explicit null is kept apart from absence"
    );
    assert_eq!(everything.nullable_required, None);
    assert_eq!(everything.nullable_optional, Some(None));
    assert_eq!(
        everything
            .nested
            .as_ref()
            .unwrap()
            .inner
            .as_ref()
            .unwrap()
            .leaf,
        Some(true)
    );
    assert_eq!(everything.status, Some(Status::WaitingForCluster));
    assert_eq!(everything.inline_enum, Some(EverythingInlineEnum::CD));
    assert_eq!(everything.r#type.as_deref(), Some("t"));
    assert_eq!(everything.self_.as_deref(), Some("s"));
    assert_eq!(everything._2fa, Some(true));
    assert_eq!(
        everything.extra.as_deref(),
        Some("named like the catch-all")
    );
    assert_eq!(everything.extra_2["unlisted"], json!({"kept": [1.5]}));

    // Absent optional fields stay absent; the required nullable one is written as null.
    let minimal: Everything = round_trip(
        json!({"id": "y", "count": 0, "ratio": 1.5, "tags": [], "nullableRequired": null}),
    );
    assert_eq!(minimal.nullable_optional, None);
    let ratio = serde_json::Number::from_f64(1.5).expect("finite");
    let built = Everything::new("y", 0, ratio, vec![]);
    assert_eq!(built, minimal);
}

#[test]
fn missing_required_field_is_an_error() {
    let err = serde_json::from_value::<Everything>(json!({"count": 1})).unwrap_err();
    assert!(err.to_string().contains("missing field `id`"), "{err}");
}

#[test]
fn open_enums_keep_unknown_values() {
    assert_eq!(round_trip::<Status>(json!("Completed")), Status::Completed);
    assert_eq!(
        round_trip::<Status>(json!("Force Stop")),
        Status::Other("Force Stop".into())
    );
    assert_eq!(round_trip::<Priority>(json!(3)), Priority::High);
    assert_eq!(round_trip::<Priority>(json!(7)), Priority::Other(7));
    assert_eq!(EverythingInlineEnum::from(""), EverythingInlineEnum::Empty);
    assert_eq!(
        "1st".parse::<EverythingInlineEnum>().unwrap(),
        EverythingInlineEnum::V1st
    );
    assert_eq!(Status::WaitingForCluster.to_string(), "Waiting for Cluster");
}

#[test]
fn recursive_types_are_boxed() {
    let tree: Tree = round_trip(
        json!({"name": "leaf", "parent": {"name": "root", "children": [{"name": "sibling"}]}}),
    );
    let parent: &Tree = tree.parent.as_deref().unwrap();
    assert_eq!(parent.name, "root");
    let linked: Linked = round_trip(json!({"next": {"back": {"next": {}}}}));
    assert!(linked.next.unwrap().back.unwrap().next.is_some());
}

#[test]
fn tagged_unions_follow_the_discriminator() {
    assert!(matches!(
        round_trip::<Message>(json!({"kind": "ping", "a": 1})),
        Message::Ping(Ping { a: 1, .. })
    ));
    assert!(matches!(
        round_trip::<Message>(json!({"kind": "pong", "b": "x"})),
        Message::Pong(_)
    ));
    // An unknown tag is kept, not rejected.
    assert!(matches!(
        round_trip::<Message>(json!({"kind": "pang", "c": true})),
        Message::Other(_)
    ));
    // A known tag with the wrong shape is an error that names the problem.
    let err = serde_json::from_value::<Message>(json!({"kind": "ping", "a": "not a number"}))
        .unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}

#[test]
fn untagged_unions_take_the_first_alternative_that_fits() {
    assert_eq!(round_trip::<Scalar>(json!(5)), Scalar::Integer(5));
    assert_eq!(
        round_trip::<Scalar>(json!("five")),
        Scalar::Text("five".into())
    );
    assert!(matches!(
        round_trip::<Scalar>(json!({"name": "t"})),
        Scalar::Tree(_)
    ));
    assert_eq!(
        round_trip::<Scalar>(json!([1, 2])),
        Scalar::Other(json!([1, 2]))
    );
}

#[test]
fn untagged_unions_never_drop_part_of_a_value() {
    // `{message, sha}` fits the closed `{message}` alternative only by dropping `sha`.
    assert!(matches!(
        round_trip::<MergeResult>(json!({"message": "m"})),
        MergeResult::Object(_)
    ));
    assert!(matches!(
        round_trip::<MergeResult>(json!({"message": "m", "sha": "abc"})),
        MergeResult::Object2(_)
    ));
    assert!(matches!(
        round_trip::<MergeResult>(json!({"message": "m", "sha": "abc", "more": 1})),
        MergeResult::Other(_)
    ));
    // A required-but-nullable property must be present: absent, the alternative would add `null`.
    assert!(matches!(
        round_trip::<TimelineEvent>(json!({"event": "commented", "body": "b"})),
        TimelineEvent::CommentedEvent(_)
    ));
    assert!(matches!(
        round_trip::<TimelineEvent>(json!({"event": "locked", "commit_id": null})),
        TimelineEvent::LockedEvent(_)
    ));
}

#[test]
fn indirect_nulls_are_kept_apart_from_absence() {
    let nulls: NullableParts = round_trip(json!({
        "pages": null, "droplet": null, "window": null, "big": 9223372036854775808u64,
        "flush": 9223372036854775808u64
    }));
    assert_eq!(nulls.flush, Some(9223372036854775808u64));
    assert_eq!(nulls.pages, Some(None));
    assert_eq!(nulls.droplet, Some(None));
    assert_eq!(nulls.window, None);
    assert_eq!(nulls.big, Some(9223372036854775808u64));
    let absent: NullableParts = round_trip(json!({"window": {"start": "s"}}));
    assert_eq!((absent.pages, absent.droplet), (None, None));
    assert!(
        serde_json::from_value::<NullableParts>(json!({})).is_ok(),
        "a required nullable field may be absent when decoding a struct on its own"
    );
}

#[test]
fn numbers_keep_their_kind() {
    let whole: Measure = round_trip(json!({"id": 13, "ratio": 0.1, "size": 1e300}));
    assert!(whole.id.is_i64(), "13 stays whole");
    assert_eq!(whole.ratio.as_ref().and_then(|n| n.as_f64()), Some(0.1));
    let float: Measure = round_trip(json!({"id": 13.0, "size": -0.0}));
    assert!(float.id.is_f64(), "13.0 stays a float");
    assert_eq!(
        serde_json::to_string(&float).unwrap(),
        r#"{"id":13.0,"size":-0.0}"#
    );
    assert!(matches!(
        round_trip::<WholeOrText>(json!({"id": 7})),
        WholeOrText::Measure(_)
    ));
    let built = Measure::new(serde_json::Number::from(42));
    assert_eq!(serde_json::to_value(&built).unwrap(), json!({"id": 42}));
}

#[test]
fn all_of_merges_into_one_struct() {
    let derived: Derived = round_trip(json!({"id": "d", "created": "today", "extra_field": 2.5}));
    assert_eq!(derived.id, "d");
    assert_eq!(derived.extra_field.as_f64(), Some(2.5));
    assert!(
        serde_json::from_value::<Derived>(json!({"id": "d"})).is_err(),
        "required parts of every allOf member apply"
    );
}

#[test]
fn maps_and_closed_objects() {
    let counts: Counts = round_trip(json!({"a": 1, "b": 2}));
    assert_eq!(counts["b"], 2);
    let closed: Closed = serde_json::from_value(json!({"only": "x", "ignored": 1})).unwrap();
    assert_eq!(serde_json::to_value(&closed).unwrap(), json!({"only": "x"}));
    let renamed: OptionModel = round_trip(json!({"value": "prelude names do not clash"}));
    assert_eq!(renamed.value.as_deref(), Some("prelude names do not clash"));
}

#[test]
fn same_shaped_inline_schemas_share_one_type() {
    let issue: IssueEvent = round_trip(json!({
        "actor": {"login": "octocat", "site": {"url": "https://github.com"}},
        "state": "open",
    }));
    // Assigning one's fields to the other's compiles only if they are the same types.
    let mut pull = PullEvent::new();
    pull.actor = issue.actor.clone();
    pull.state = issue.state.clone();
    // An inline object shaped like a component is that component.
    let site: Option<Site> = issue.actor.and_then(|actor| actor.site);
    assert_eq!(
        site.and_then(|site| site.url).as_deref(),
        Some("https://github.com")
    );
    // A different requiredness is a different shape.
    assert_ne!(
        std::any::type_name_of_val(&pull.reviewer),
        std::any::type_name_of_val(&pull.actor)
    );
}
