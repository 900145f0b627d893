//! Class names: how many classes a data set or a model has and what they are called. MNIST's are
//! the ten digits `"0"` … `"9"` ([`digit_names`]); other data sets bring 2 to 64 classes
//! ([`CLASS_COUNT`]) with names of at most [`MAX_CLASS_NAME_CHARS`] characters. One check,
//! [`check_names`], serves the config, the model file and every loader, so they refuse the same
//! lists with the same words.
//!
//! Non-goals: reading names from files (the loaders in [`crate::data::loaders`] do), labels
//! (a label is an index into these names).

use crate::bounds::IntRange;

/// How many classes a data set or a network may have.
pub const CLASS_COUNT: IntRange = IntRange::new(2, 64);
/// Most classes (64): a label is one byte, and the page can still show a 64 × 64 confusion matrix.
pub const MAX_CLASSES: usize = 64;
/// Fewest classes (2): with one class there is nothing to tell apart.
pub const MIN_CLASSES: usize = 2;
/// Longest class name, in characters (Unicode scalar values).
pub const MAX_CLASS_NAME_CHARS: usize = 32;
/// MNIST's classes, the digits.
pub const DIGITS: usize = 10;

/// `"0"`, `"1"`, … `"{count − 1}"`: the names of a data set given without names (and MNIST's).
pub fn default_names(count: usize) -> Vec<String> {
    (0..count).map(|k| k.to_string()).collect()
}

/// The ten digits `"0"` … `"9"`, MNIST's classes and the default of every config.
pub fn digit_names() -> Vec<String> {
    default_names(DIGITS)
}

/// True for the ten digits in order (a config leaves them out of its JSON).
pub fn are_digits(names: &[String]) -> bool {
    names.len() == DIGITS && names.iter().enumerate().all(|(k, n)| *n == k.to_string())
}

/// Up to 12 names for a message, `"0, 1, 2, …"`.
pub fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
    format!(
        "{}{}",
        shown.join(", "),
        if names.len() > 12 { ", …" } else { "" }
    )
}

/// Check a list of class names: 2 to 64 of them, each non-empty (not only spaces), at most
/// [`MAX_CLASS_NAME_CHARS`] characters, without control characters (a name is one line of a
/// names file), and no two alike. The error is one line naming the field (`field`, `field[k]`)
/// and what to do.
pub fn check_names(field: &str, names: &[String]) -> Result<(), (String, String)> {
    if !CLASS_COUNT.contains(names.len() as u64) {
        return Err((
            field.to_string(),
            format!(
                "{field} must name {MIN_CLASSES} to {MAX_CLASSES} classes, got {} — {}",
                names.len(),
                if names.len() < MIN_CLASSES {
                    "a network needs at least two classes to tell apart"
                } else {
                    "merge classes or leave some out"
                }
            ),
        ));
    }
    for (k, name) in names.iter().enumerate() {
        let at = format!("{field}[{k}]");
        if name.trim().is_empty() {
            return Err((
                at.clone(),
                format!("{at} (class {k}) has an empty name — give every class a name"),
            ));
        }
        let chars = name.chars().count();
        if chars > MAX_CLASS_NAME_CHARS {
            return Err((
                at.clone(),
                format!(
                    "{at} (class {k}) is {chars} characters long, at most {MAX_CLASS_NAME_CHARS} are allowed — shorten it"
                ),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err((
                at.clone(),
                format!("{at} (class {k}) contains a control character (a line break or tab?) — a name is one line of plain text"),
            ));
        }
        if let Some(first) = names[..k].iter().position(|n| n == name) {
            return Err((
                at.clone(),
                format!(
                    "{at} repeats the name {name:?} of class {first} — every class needs its own name"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn digits_are_the_default_names_of_ten_classes() {
        assert_eq!(
            digit_names(),
            names(&["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        );
        assert!(are_digits(&digit_names()));
        assert!(!are_digits(&default_names(9)));
        assert!(!are_digits(&names(&[
            "a", "1", "2", "3", "4", "5", "6", "7", "8", "9"
        ])));
        assert_eq!(default_names(3), names(&["0", "1", "2"]));
    }

    #[test]
    fn class_name_checks_name_the_field_and_say_what_to_do() {
        assert!(check_names("classes", &names(&["✓", "✗"])).is_ok());
        assert!(check_names("classes", &default_names(64)).is_ok());
        let long = "x".repeat(MAX_CLASS_NAME_CHARS);
        assert!(check_names("classes", &[long.clone(), "y".into()]).is_ok());
        let cases: Vec<(Vec<String>, &str, &str)> = vec![
            (names(&["only"]), "classes", "at least two classes"),
            (vec![], "classes", "got 0"),
            (default_names(65), "classes", "got 65 — merge classes"),
            (names(&["a", " "]), "classes[1]", "empty name"),
            (names(&["a", ""]), "classes[1]", "empty name"),
            (
                vec!["a".into(), format!("{long}y")],
                "classes[1]",
                "33 characters long, at most 32",
            ),
            (names(&["a", "b\nc"]), "classes[1]", "control character"),
            (
                names(&["a", "b", "a"]),
                "classes[2]",
                "repeats the name \"a\" of class 0",
            ),
        ];
        for (list, field, words) in cases {
            let (f, message) = check_names("classes", &list).unwrap_err();
            assert_eq!(f, field, "{list:?}");
            assert!(message.contains(words), "{list:?}: {message}");
            assert!(message.contains(" — "), "a hint: {message}");
        }
        // A name of 32 multi-byte characters is within the limit (characters, not bytes).
        assert!(check_names("classes", &["△".repeat(32), "○".into()]).is_ok());
    }
}
