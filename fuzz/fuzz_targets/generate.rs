//! Feeds arbitrary text to the whole generator: it must return `Ok` or a located `Err`, never
//! panic, overflow the stack or hang. Generated code must also parse (the generator checks that
//! itself and reports an internal error, which counts as a bug here).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = openapi_gen::Config::new("fuzz.yaml");
    match openapi_gen::generate(text, &config) {
        Ok(code) => assert!(code.starts_with("// @generated")),
        Err(err) => {
            let rendered = err.to_string();
            assert!(
                !rendered.contains("internal error"),
                "generator bug: {rendered}"
            );
        }
    }
});
