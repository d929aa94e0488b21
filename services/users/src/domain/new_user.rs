//! A registration, parsed: a valid email, a strong enough password, a name.

use std::{collections::BTreeMap, fmt};

use shop_client::wire::users::RegisterRequest;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 would take longer ones, but nobody needs more.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// An email address, trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// A deliberately simple check: one `@`, a non-empty local part, a dotted
    /// domain, no spaces, at most 254 characters (characters, as `line`
    /// counts them and the schema says; not bytes). Deliverability is the
    /// mail server's business.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = shop_kit::input::line(254).parse(raw)?.to_lowercase();
        let valid = !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.split('.').count() >= 2
                    && domain.split('.').all(|label| !label.is_empty())
            });
        if valid {
            Ok(Self(email))
        } else {
            Err("must be a valid email address".to_owned())
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password in clear: never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// At least [`MIN_PASSWORD_CHARS`] characters, at most [`MAX_PASSWORD_CHARS`].
    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A person's name: one line, trimmed, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// One line of 1 to 100 characters, trimmed; why not otherwise.
    pub fn parse(raw: &str) -> Result<Self, String> {
        shop_kit::input::line(100).parse(raw).map(Self)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A registration that passed every check.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub password: Password,
    pub name: PersonName,
}

impl NewUser {
    /// Parses every field; on failure, every bad field is named with why.
    pub fn parse(request: &RegisterRequest) -> Result<Self, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let email = Email::parse(&request.email).map_err(|e| errors.insert("email".into(), e));
        let password =
            Password::parse(&request.password).map_err(|e| errors.insert("password".into(), e));
        let name = PersonName::parse(&request.name).map_err(|e| errors.insert("name".into(), e));
        match (email, password, name) {
            (Ok(email), Ok(password), Ok(name)) => Ok(Self {
                email,
                password,
                name,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
        // 254 characters however many bytes they take; one more is too long.
        let long = format!("{}@example.com", "é".repeat(242));
        assert!(Email::parse(&long).is_ok());
        assert!(Email::parse(&format!("é{long}")).is_err());
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@example",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
            "ali\u{0}ce@example.com",
            "alice@exam\u{1b}ple.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::parse("123456789").is_err());
        let password = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
    }

    #[test]
    fn every_bad_field_is_named() {
        let request = RegisterRequest {
            email: "nope".into(),
            password: "short".into(),
            name: " ".into(),
        };
        let errors = NewUser::parse(&request).unwrap_err();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["email", "name", "password"]
        );
    }
}
