//! Names that collide once made Rust identifiers (`tests/specs/collisions.yaml`): the build
//! script compiles the client (with `-D warnings` in CI, so `non_snake_case` and
//! `just_underscores_and_digits` would fail it); here each colliding name is used.

#[allow(dead_code)]
mod collisions {
    include!(concat!(env!("OUT_DIR"), "/collisions.rs"));
}

use collisions::builders::{GetJobResponse, GetJobResponse2};
use collisions::types;
use serde_json::json;

#[test]
fn properties_named_alike_get_their_own_fields() {
    let value = json!({
        "self": "a", "Self": "b", "-1": -1, "+1": 1, "529": "c", "1_2": "d",
        "extra": "e", "Extra": "f", "value": "g", "": "h", "unlisted": true
    });
    let names: types::Names = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(names.self_.as_deref(), Some("a"));
    assert_eq!(names.self_2.as_deref(), Some("b"));
    assert_eq!((names.minus_1, names.plus_1), (Some(-1), Some(1)));
    assert_eq!(names.v_529.as_deref(), Some("c"));
    assert_eq!(names.v_1_2.as_deref(), Some("d"));
    assert_eq!(names.extra_3["unlisted"], json!(true));
    assert_eq!(serde_json::to_value(&names).unwrap(), value);
}

#[test]
fn an_operation_named_like_another_ones_answer_enum_keeps_its_name() {
    // `getJobResponse`'s builder is `GetJobResponse`; `getJob`'s answer enum gave way.
    let answer = GetJobResponse2::Accepted;
    assert!(matches!(answer, GetJobResponse2::Accepted));
    fn builder_exists(_: Option<GetJobResponse>) {}
    builder_exists(None);
    let kinds: Vec<types::Kind> =
        serde_json::from_value(json!(["a", "A", "-1", "Other", ""])).unwrap();
    assert_eq!(
        kinds.iter().map(types::Kind::as_str).collect::<Vec<_>>(),
        ["a", "A", "-1", "Other", ""]
    );
}

#[test]
fn union_alternatives_named_like_the_catch_all_leave_it_a_free_name() {
    let other: types::Catchall = serde_json::from_value(json!({"a": "x"})).unwrap();
    assert!(matches!(other, types::Catchall::Other(_)));
    let unrecognized: types::Catchall = serde_json::from_value(json!({"b": "y"})).unwrap();
    assert!(matches!(unrecognized, types::Catchall::Unrecognized(_)));
    let neither: types::Catchall = serde_json::from_value(json!(7)).unwrap();
    assert_eq!(neither, types::Catchall::Unrecognized2(json!(7)));
}
