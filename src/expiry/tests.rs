use super::*;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2030-06-01 00:00 UTC);

fn thresholds() -> Thresholds {
    Thresholds::new(Duration::days(30), Duration::days(7)).unwrap()
}

fn cert(cn: &str, from: OffsetDateTime, to: OffsetDateTime) -> rcgen::Certificate {
    let mut params = rcgen::CertificateParams::new(vec![format!("{cn}.example")]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.not_before = from;
    params.not_after = to;
    let key = rcgen::KeyPair::generate().unwrap();
    params.self_signed(&key).unwrap()
}

fn check(name: &str, bytes: &[u8]) -> Vec<Finding> {
    check_bytes(Path::new(name), bytes, false, thresholds(), NOW)
}

#[test]
fn each_window_gets_its_level() {
    let start = datetime!(2001-01-01 0:00 UTC);
    let cases = [
        (datetime!(2099-01-01 0:00 UTC), Level::Ok),
        (NOW + Duration::days(20), Level::Warning),
        (NOW + Duration::days(3), Level::Critical),
        (datetime!(2001-06-01 0:00 UTC), Level::Critical),
    ];
    for (not_after, want) in cases {
        let c = cert("a", start, not_after);
        let got = check("a.pem", c.pem().as_bytes());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].level, want, "{}", got[0].reason);
    }
    let future = cert("f", NOW + Duration::days(1), datetime!(2099-01-01 0:00 UTC));
    let got = check("f.pem", future.pem().as_bytes());
    assert_eq!(got[0].level, Level::Critical);
    assert!(
        got[0].reason.contains("not valid before"),
        "{}",
        got[0].reason
    );
}

#[test]
fn bundles_count_each_certificate_and_der_is_read() {
    let a = cert(
        "a",
        datetime!(2001-01-01 0:00 UTC),
        datetime!(2099-01-01 0:00 UTC),
    );
    let b = cert(
        "b",
        datetime!(2001-01-01 0:00 UTC),
        datetime!(2002-01-01 0:00 UTC),
    );
    let bundle = format!("{}{}", a.pem(), b.pem());
    let got = check("bundle.pem", bundle.as_bytes());
    let levels: Vec<_> = got.iter().map(|f| (f.position, f.level)).collect();
    assert_eq!(levels, [(Some(1), Level::Ok), (Some(2), Level::Critical)]);
    assert_eq!(got[1].cert.as_ref().unwrap().subject, "/CN=b");
    assert_eq!(got[1].name.as_ref().unwrap().subject, "/CN=b");
    let der = check("a.der", a.der());
    assert_eq!(der.len(), 1);
    assert_eq!(der[0].level, Level::Ok);
}

#[test]
fn malformed_input_is_unknown_never_a_panic() {
    let a = cert(
        "a",
        datetime!(2001-01-01 0:00 UTC),
        datetime!(2099-01-01 0:00 UTC),
    );
    let pem = a.pem();
    let mut trailing = a.der().to_vec();
    trailing.extend_from_slice(b"junk");
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.pem", pem.as_bytes()[..pem.len() / 2].to_vec()),
        ("empty.pem", Vec::new()),
        (
            "bad.pem",
            b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        ("trailing.der", trailing),
        ("huge.der", vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ("text.crt", b"hello".to_vec()),
    ];
    for (name, bytes) in inputs {
        let got = check(name, &bytes);
        assert_eq!(got.len(), 1, "{name}");
        assert_eq!(got[0].level, Level::Unknown, "{name}: {}", got[0].reason);
    }
}

#[test]
fn unrelated_files_and_keys_are_skipped_in_walks() {
    let key = rcgen::KeyPair::generate().unwrap();
    assert!(check("server-key.pem", key.serialize_pem().as_bytes()).is_empty());
    assert!(check("server-key.der", &key.serialize_der()).is_empty());
    assert!(check("index.txt", b"V\t991231235959Z\t\t01\tunknown\t/CN=a\n").is_empty());
    assert!(check("serial", b"01\n").is_empty());
    let explicit = check_bytes(Path::new("notes"), b"hi", true, thresholds(), NOW);
    assert_eq!(explicit[0].level, Level::Unknown);
}

#[test]
fn critical_must_not_exceed_warning() {
    assert!(Thresholds::new(Duration::days(7), Duration::days(30)).is_err());
}

#[test]
fn thresholds_are_strict_lower_bounds() {
    let t = thresholds();
    let from = datetime!(2001-01-01 0:00 UTC);
    assert_eq!(t.classify(from, NOW + Duration::days(30), NOW).0, Level::Ok);
    assert_eq!(
        t.classify(from, NOW + Duration::days(30) - Duration::SECOND, NOW)
            .0,
        Level::Warning
    );
    assert_eq!(
        t.classify(from, NOW + Duration::days(7), NOW).0,
        Level::Warning
    );
    assert_eq!(t.classify(from, NOW, NOW).0, Level::Critical);
    assert_eq!(human(Duration::hours(5)), "5 hours");
    assert_eq!(human(Duration::days(1)), "1 day");
}

#[test]
fn scan_walks_sorted_into_hidden_directories_skips_vcs_and_reports_loops() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let ok = cert(
        "ok",
        datetime!(2001-01-01 0:00 UTC),
        datetime!(2099-01-01 0:00 UTC),
    );
    std::fs::create_dir_all(root.join("b/old_keys")).unwrap();
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    for p in [
        "a.pem",
        "b/c.pem",
        "b/old_keys/x.pem",
        ".hidden/y.pem",
        ".git/z.pem",
    ] {
        std::fs::write(root.join(p), ok.pem()).unwrap();
    }
    std::os::unix::fs::symlink("..", root.join("b/loop")).unwrap();
    std::os::unix::fs::symlink("a.pem", root.join("z-link.pem")).unwrap();
    let mut found = Vec::new();
    scan(&[root.to_path_buf()], thresholds(), NOW, |f| {
        found.push(f);
        Ok::<_, ()>(())
    })
    .unwrap();
    let names: Vec<_> = found
        .iter()
        .map(|f| match &f.source {
            Source::File(path) => path,
            other => panic!("a file scan found {other}"),
        })
        .map(|path| path.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert_eq!(names, [".hidden/y.pem", "a.pem", "b/c.pem", "b/loop"]);
    assert_eq!(found[3].level, Level::Unknown);
}

#[test]
fn the_fast_pem_path_defers_anything_odd_to_the_strict_reader() {
    let a = cert(
        "a",
        datetime!(2001-01-01 0:00 UTC),
        datetime!(2099-01-01 0:00 UTC),
    );
    let pem = a.pem();
    let ders =
        crate::encoding::fast::pem_certificates(format!("junk\n{pem}{pem}").as_bytes()).unwrap();
    assert_eq!(ders, [a.der().to_vec(), a.der().to_vec()]);
    let truncated = format!("{pem}{}", &pem[..pem.len() - 20]);
    assert!(crate::encoding::fast::pem_certificates(truncated.as_bytes()).is_none());
    let key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    assert!(crate::encoding::fast::pem_certificates(key.as_bytes()).is_none());
    let spaced = pem.replacen("MII", "M II", 1);
    assert!(crate::encoding::fast::pem_certificates(spaced.as_bytes()).is_none());
    // Through the strict path, a truncated second certificate is reported after the first.
    let got = check("t.pem", truncated.as_bytes());
    let levels: Vec<_> = got.iter().map(|f| f.level).collect();
    assert_eq!(levels, [Level::Ok, Level::Unknown]);
}
