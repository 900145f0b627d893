//! Targets `csv` and `idx_dataset`: the loaders of data sets other than MNIST
//! (`src/data/loaders.rs`): [`loaders::load_csv`] (the "label, 784 pixels" CSV, `src/data/csv.rs`)
//! and [`loaders::load_idx`] (IDX images and labels, each gzipped or not, with a names file),
//! both with an optional names file ([`loaders::parse_names`]).
//!
//! Checks, beyond "no panic": the CSV loader accepts exactly what an independent reading of the
//! text says is valid (line by line on a `str`, with the layout's rules and the class rules: at
//! least two classes, every class with images, labels within the names) and returns that data;
//! the IDX loader, for plain files whose headers are well formed, accepts exactly when the class
//! rules hold; whatever either accepts is 28×28, has 2 to 64 valid names, every label a class and
//! every class present; every refusal is one line that names its file and carries a hint; memory
//! held stays within a few copies of the input.
//!
//! Input of both: parts, each a flag byte (0 = absent) then a `u32` LE length and the bytes:
//! `csv` = [names, csv]; `idx_dataset` = [images, labels, names].
//!
//! Non-goals: the IDX header checks themselves (target `idx`), gzip streams (target `idx_gz`).

use crate::alloc::peak_during;
use crate::harness::{assert_message, Target};
use crate::mutate::mutate_bytes;
use mnist_playground::data::classes::{check_names, MAX_CLASSES};
use mnist_playground::data::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};
use mnist_playground::data::loaders;
use mnist_playground::data::mnist::Dataset;
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use std::io::Write;

pub const CSV: Target = Target {
    name: "csv",
    generate: generate_csv,
    check: check_csv,
};

pub const IDX_DATASET: Target = Target {
    name: "idx_dataset",
    generate: generate_idx,
    check: check_idx,
};

const PIXELS: usize = 784;

fn put_part(out: &mut Vec<u8>, part: Option<&[u8]>) {
    match part {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            out.extend_from_slice(&(p.len() as u32).to_le_bytes());
            out.extend_from_slice(p);
        }
    }
}

/// The parts of an input (a truncated input gives shorter or absent parts).
fn parts(mut input: &[u8], n: usize) -> Vec<Option<&[u8]>> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        match input.split_first() {
            Some((&1, rest)) if rest.len() >= 4 => {
                let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
                let body = &rest[4..];
                let len = len.min(body.len());
                out.push(Some(&body[..len]));
                input = &body[len..];
            }
            Some((_, rest)) => {
                out.push(None);
                input = rest;
            }
            None => out.push(None),
        }
    }
    out
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A names file of about `k` names: valid, or with one flaw (a repeat, an empty line, a long
/// name, a control character, one name too few or too many).
fn names_file(rng: &mut Pcg64Mcg, k: usize) -> Vec<u8> {
    let mut names: Vec<String> = (0..k)
        .map(|i| ["cat", "dog", "✓", "○", "A", "b b"][i % 6].to_string() + &i.to_string())
        .collect();
    match rng.random_range(0..12) {
        0 if k > 1 => names[1] = names[0].clone(),
        1 => names.push(String::new()),
        2 if k > 1 => names[1] = String::new(),
        3 => names[0] = "x".repeat(rng.random_range(30..35)),
        4 => names[0].push('\t'),
        5 => names.push("extra".into()),
        6 => {
            names.pop();
        }
        _ => {}
    }
    let sep = if rng.random_bool(0.2) { "\r\n" } else { "\n" };
    let mut text = names.join(sep);
    if rng.random_bool(0.5) {
        text.push_str(sep);
    }
    text.into_bytes()
}

/// How many classes a generated data set has: mostly 2 to 4, sometimes 1 or more than 64.
fn class_count(rng: &mut Pcg64Mcg) -> usize {
    match rng.random_range(0..20) {
        0 => 1,
        1 => rng.random_range(60..70),
        _ => rng.random_range(2..5),
    }
}

/// Labels of `count` images of `k` classes: every class first (when there are enough images),
/// then random ones; sometimes all random (a class may have none).
fn labels_for(rng: &mut Pcg64Mcg, count: usize, k: usize) -> Vec<u8> {
    let cover = rng.random_bool(0.8);
    (0..count)
        .map(|i| {
            if cover && i < k {
                i as u8
            } else {
                rng.random_range(0..k) as u8
            }
        })
        .collect()
}

fn pixels(rng: &mut Pcg64Mcg, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            if rng.random_bool(0.8) {
                0
            } else {
                rng.random()
            }
        })
        .collect()
}

/// Edge values written into a CSV field.
const TOKENS: &[&str] = &[
    "",
    " ",
    "0",
    "00",
    "255",
    "256",
    "-1",
    "0.5",
    "1e3",
    " 7 ",
    "\t3",
    "x",
    "63",
    "64",
    "999",
    "99999999999999999999999",
    "+1",
    "0x10",
    "\"5\"",
    "Ⅻ",
];

fn generate_csv(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let k = class_count(rng);
    let rows = rng.random_range(1..6).max(if k < 6 { k } else { 1 });
    let labels = labels_for(rng, rows, k);
    let crlf = rng.random_bool(0.2);
    let mut text = String::with_capacity(rows * 3000);
    if rng.random_bool(0.3) {
        text.push_str("label");
        for j in 0..PIXELS {
            text.push_str(",pixel");
            text.push_str(&j.to_string());
        }
        text.push_str(if crlf { "\r\n" } else { "\n" });
    }
    for &l in &labels {
        text.push_str(&l.to_string());
        for p in pixels(rng, PIXELS) {
            text.push(',');
            text.push_str(&p.to_string());
        }
        text.push_str(if crlf { "\r\n" } else { "\n" });
    }
    let mut csv = text.into_bytes();
    for _ in 0..rng.random_range(0..4) {
        mutate_csv(rng, &mut csv);
    }
    let names = rng.random_bool(0.4).then(|| names_file(rng, k));
    put_part(out, names.as_deref());
    put_part(out, Some(&csv));
}

fn mutate_csv(rng: &mut Pcg64Mcg, csv: &mut Vec<u8>) {
    let commas: Vec<usize> = csv
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b',' || b == b'\n')
        .map(|(i, _)| i)
        .collect();
    if commas.is_empty() {
        mutate_bytes(rng, csv, 0, &[]);
        return;
    }
    let at = commas[rng.random_range(0..commas.len())];
    match rng.random_range(0..8) {
        0..=2 => {
            // Replace the value after a separator with an edge token.
            let end = csv[at + 1..]
                .iter()
                .position(|&b| b == b',' || b == b'\n' || b == b'\r')
                .map_or(csv.len(), |p| at + 1 + p);
            let token = TOKENS[rng.random_range(0..TOKENS.len())]
                .as_bytes()
                .to_vec();
            csv.splice(at + 1..end, token);
        }
        3 => {
            csv.remove(at);
        }
        4 => csv.insert(at, b','),
        5 => csv.splice(at..at, b"\n".iter().copied()).for_each(drop),
        6 => {
            // Duplicate the line holding `at`.
            let start = csv[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let end = csv[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(csv.len(), |p| at + p + 1);
            let line = csv[start..end].to_vec();
            csv.splice(end..end, line);
        }
        _ => mutate_bytes(rng, csv, 0, &[]),
    }
}

/// What the CSV loader must give, read independently: `Some((labels, pixels, names))` for a
/// valid input.
fn expected_csv(text: &[u8], names: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>, Vec<String>)> {
    let names: Option<Vec<String>> = match names {
        None => None,
        Some(bytes) => Some(expected_names(bytes)?),
    };
    let max_label = names.as_ref().map_or(MAX_CLASSES, Vec::len) - 1;
    let text = String::from_utf8_lossy(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ws = |c: char| c.is_ascii_whitespace();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let last = lines.iter().rposition(|l| !l.trim_matches(ws).is_empty())?;
    let number = |f: &str| -> Option<u64> {
        let f = f.trim_matches(ws);
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits = f.trim_start_matches('0');
        if digits.len() > 5 {
            return Some(u64::MAX);
        }
        Some(digits.parse().unwrap_or(0))
    };
    let (mut labels, mut pixels) = (Vec::new(), Vec::new());
    for (i, line) in lines[..=last].iter().enumerate() {
        if line.trim_matches(ws).is_empty() {
            return None;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if i == 0 && number(fields[0]).is_none() {
            if fields.len() != 785 {
                return None;
            }
            continue;
        }
        if fields.len() != 785 {
            return None;
        }
        let label = number(fields[0])?;
        if label > max_label as u64 {
            return None;
        }
        labels.push(label as u8);
        for f in &fields[1..] {
            let v = number(f)?;
            if v > 255 {
                return None;
            }
            pixels.push(v as u8);
        }
    }
    let names = class_rules(&labels, names)?;
    Some((labels, pixels, names))
}

/// The classes the labels imply (the names, or "0" … "k−1"), if they pass the class rules.
fn class_rules(labels: &[u8], names: Option<Vec<String>>) -> Option<Vec<String>> {
    let top = *labels.iter().max()? as usize;
    let names = names.unwrap_or_else(|| (0..=top).map(|k| k.to_string()).collect());
    if top >= names.len() || names.len() > MAX_CLASSES {
        return None;
    }
    let present = (0..names.len())
        .filter(|&k| labels.contains(&(k as u8)))
        .count();
    (present == names.len() && present >= 2).then_some(names)
}

/// What every loaded data set must be.
fn check_loaded(d: &Dataset) {
    assert_eq!((d.rows, d.cols), (28, 28));
    assert_eq!(d.images().len(), d.len() * PIXELS);
    assert!(
        check_names("classes", d.classes()).is_ok(),
        "{:?}",
        d.classes()
    );
    assert!(d.labels.iter().all(|&l| (l as usize) < d.class_count()));
    let h = d.label_histogram();
    assert!(h.iter().all(|&c| c > 0), "a class without images: {h:?}");
    assert_eq!(h.iter().sum::<u32>() as usize, d.len());
}

fn refusal(message: &str, files: &[&str]) -> String {
    assert_message("loader", message);
    assert!(
        files
            .iter()
            .any(|f| message.starts_with(&format!("{f}: "))
                || message.starts_with(&format!("{f} has "))),
        "a refusal names its file: {message}"
    );
    // The kind of refusal: the words after the file name, numbers and quoted values left out.
    let rest = message.split_once(": ").map_or(message, |(_, r)| r);
    let rest = rest.split(" — ").next().unwrap_or("");
    let mut kind = String::new();
    let mut quoted = false;
    for c in rest.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '0'..='9' if kind.ends_with('#') => {}
            '0'..='9' => kind.push('#'),
            _ => kind.push(c),
        }
    }
    // A hexadecimal magic number ("0x1f8b…") ends the kind.
    kind.split("#x")
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(48)
        .collect()
}

fn check_csv(input: &[u8]) -> String {
    let p = parts(input, 2);
    let (names, csv) = (p[0], p[1].unwrap_or(&[]));
    let (result, held) =
        peak_during(|| loaders::load_csv("d.csv", csv, names.map(|n| ("n.txt", n))));
    if !csv.starts_with(&[0x1f, 0x8b]) && !names.is_some_and(|n| n.starts_with(&[0x1f, 0x8b])) {
        assert!(
            held <= 2 * input.len() + 64 * 1024,
            "held {held} bytes for {} bytes",
            input.len()
        );
    }
    let want = expected_csv(csv, names);
    match (result, want) {
        (Ok(d), Some((labels, pixels, names))) => {
            check_loaded(&d);
            assert_eq!(d.labels, labels);
            assert_eq!(d.images(), &pixels[..]);
            assert_eq!(d.classes(), &names[..]);
            "loads".into()
        }
        (Err(e), None) => refusal(&e, &["d.csv", "n.txt"]),
        (got, want) => panic!(
            "load_csv gave {:?}, an independent reading says {}",
            got.map(|d| d.len()),
            if want.is_some() { "valid" } else { "invalid" }
        ),
    }
}

fn generate_idx(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let k = class_count(rng);
    let count = rng.random_range(1..7).max(if k < 7 { k } else { 1 });
    let side = if rng.random_bool(0.9) {
        28
    } else {
        rng.random_range(1..30)
    };
    let labels = labels_for(rng, count, k);
    let mut images = encode(
        IMAGES_MAGIC,
        &[count as u32, side, side],
        &pixels(rng, count * (side * side) as usize),
    );
    let mut label_file = encode(LABELS_MAGIC, &[count as u32], &labels);
    match rng.random_range(0..6) {
        0 => mutate_bytes(rng, &mut images, 16, &[]),
        1 => mutate_bytes(rng, &mut label_file, 8, &[]),
        2 => {
            // One label beyond the classes.
            let at = 8 + rng.random_range(0..count);
            label_file[at] = [k as u8, 63, 64, 200, 255][rng.random_range(0..5)];
        }
        _ => {}
    }
    let names = rng.random_bool(0.4).then(|| names_file(rng, k));
    let maybe_gz = |rng: &mut Pcg64Mcg, b: Vec<u8>| if rng.random_bool(0.2) { gz(&b) } else { b };
    let images = maybe_gz(rng, images);
    let label_file = maybe_gz(rng, label_file);
    let names = names.map(|n| maybe_gz(rng, n));
    put_part(out, Some(&images));
    put_part(out, Some(&label_file));
    put_part(out, names.as_deref());
}

/// For plain (not gzipped) files with well-formed 28×28 headers and equal counts: the labels.
fn well_formed(images: &[u8], labels: &[u8]) -> Option<Vec<u8>> {
    let be = |b: &[u8], at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    if images.len() < 16 || labels.len() < 8 || be(images, 0) != 0x803 || be(labels, 0) != 0x801 {
        return None;
    }
    let n = be(images, 4);
    let ok = n >= 1
        && be(images, 8) == 28
        && be(images, 12) == 28
        && images.len() == 16 + n * PIXELS
        && be(labels, 4) == n
        && labels.len() == 8 + n;
    ok.then(|| labels[8..].to_vec())
}

fn check_idx(input: &[u8]) -> String {
    let p = parts(input, 3);
    let (images, labels, names) = (p[0].unwrap_or(&[]), p[1].unwrap_or(&[]), p[2]);
    let (result, held) = peak_during(|| {
        loaders::load_idx(
            "i.idx",
            images.to_vec(),
            "l.idx",
            labels,
            names.map(|n| ("n.txt", n)),
        )
    });
    let gz = |b: &[u8]| b.starts_with(&[0x1f, 0x8b]);
    let plain = !gz(images) && !gz(labels) && !names.is_some_and(gz);
    if plain {
        assert!(
            held <= 2 * input.len() + 64 * 1024,
            "held {held} bytes for {} bytes",
            input.len()
        );
    }
    if let Ok(d) = &result {
        check_loaded(d);
    }
    if plain {
        if let Some(l) = well_formed(images, labels) {
            let names: Option<Option<Vec<String>>> = match names {
                None => Some(None),
                Some(n) => expected_names(n).map(Some),
            };
            let want = names.and_then(|n| class_rules(&l, n));
            match (&result, want) {
                (Ok(d), Some(names)) => {
                    assert_eq!(d.labels, l);
                    assert_eq!(d.images(), &images[16..]);
                    assert_eq!(d.classes(), &names[..]);
                }
                (Err(_), None) => {}
                (got, want) => panic!(
                    "load_idx gave {:?}, the class rules say {}",
                    got.as_ref().map(Dataset::len),
                    if want.is_some() { "valid" } else { "invalid" }
                ),
            }
        }
    }
    match result {
        Ok(_) => "loads".into(),
        Err(e) => refusal(&e, &["i.idx", "l.idx", "n.txt"]),
    }
}

/// The names of a names file, read independently (valid UTF-8, lines split at `\n` with one
/// `\r` before it dropped, blank last lines dropped, the names checked).
fn expected_names(bytes: &[u8]) -> Option<Vec<String>> {
    let s = std::str::from_utf8(bytes).ok()?;
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    let mut lines: Vec<String> = s
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    check_names("class", &lines).ok()?;
    Some(lines)
}
