use lambdasec_secrets::redact;

#[test]
fn redact_shows_first_four_and_length() {
    let k = ["AKIA", "Z7Q4WXJ3M2KPLR5T"].concat();
    assert_eq!(redact(&k), "AKIA…(20 chars)");
    assert_eq!(redact("12345678"), "1234…(8 chars)");
}

#[test]
fn redact_short_values_show_nothing() {
    assert_eq!(redact("hunt2"), "…(5 chars)");
    assert_eq!(redact("hunter2"), "…(7 chars)");
    assert_eq!(redact(""), "…(0 chars)");
}

#[test]
fn redact_counts_characters_not_bytes() {
    assert_eq!(redact("pässwörd-ü"), "päss…(10 chars)");
    assert_eq!(redact("ééééééé"), "…(7 chars)");
}
