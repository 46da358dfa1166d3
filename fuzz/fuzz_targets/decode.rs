//! Arbitrary bytes through the decoder, the HTML extractor, the JSONL/JSON
//! parsers and the whole in-memory reading path: none may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = marsad_ingest::decode(data, "fuzz");
    let text = String::from_utf8_lossy(data);
    let _ = marsad_ingest::extract_html(&text);
    let _ = marsad_ingest::parse_jsonl(&text, "fuzz.jsonl");
    let _ = marsad_ingest::parse_json(&text, "fuzz.json");
    let _ = marsad_ingest::normalize_date(&text);
    let _ = marsad_ingest::read_bytes(data, "-", None);
});
