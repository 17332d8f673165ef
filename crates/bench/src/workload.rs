//! The design document's read patterns as HTTP requests: one request per key of the sample (see
//! [`crate::keys`]), each with a valid token of its user, written as the lines `wrk/replay.lua`
//! replays. The mix and the login requests are built here too.

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use prosektor_application::TokenCodec;
use prosektor_domain::{SessionVersion, UserId};
use prosektor_security::JwtCodec;
use uuid::Uuid;

use crate::database::{ADMIN_EMAIL, LOGIN_USERS, PASSWORD};
use crate::keys::Key;

/// Company-search prefixes, as a user types them (matched ignoring case and Turkish letters).
pub const PREFIX_TERMS: &[&str] = &[
    "Anadolu",
    "Ege Sağ",
    "Şişli",
    "Trakya G",
    "Karadeniz",
    "Çukurova D",
    "İzmir İSG",
    "Boğaziçi",
];
/// Company-search infixes: the middle of a name, or part of a tax id.
pub const INFIX_TERMS: &[&str] = &[
    "sağlık osgb 12",
    "lık osgb 7",
    "güvenlik osgb 31",
    "osgb 4242",
    "isg osgb 9",
    "niz danışmanlık",
    "00000777",
    "0001234",
];
/// The analytics window: the last 30 days of the seeded year.
pub const ANALYTICS_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2025, 12, 2) {
    Some(day) => day,
    None => panic!("a valid date"),
};
/// The last day of the analytics window.
pub const ANALYTICS_TO: NaiveDate = match NaiveDate::from_ymd_opt(2025, 12, 31) {
    Some(day) => day,
    None => panic!("a valid date"),
};

/// A read pattern of the design document (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// 1. A company's dashboard.
    Dashboard,
    /// 2. A company's active projects.
    ActiveProjects,
    /// 3. The login lookup, as `GET /me` with a valid token.
    Me,
    /// 4a. Company search by a prefix.
    SearchPrefix,
    /// 4b. Company search by an infix.
    SearchInfix,
    /// Company autocomplete by a prefix (the first ten names).
    Autocomplete,
    /// A client's recent-activity feed, its first page.
    Activity,
    /// 5. A project's analytics, last 30 days.
    Analytics,
}

impl Pattern {
    /// Every pattern, in report order.
    pub const ALL: [Self; 8] = [
        Self::Dashboard,
        Self::ActiveProjects,
        Self::Me,
        Self::SearchPrefix,
        Self::SearchInfix,
        Self::Autocomplete,
        Self::Activity,
        Self::Analytics,
    ];

    /// The pattern's name in reports and file names.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dashboard => "dashboard",
            Self::ActiveProjects => "active-projects",
            Self::Me => "me",
            Self::SearchPrefix => "search-prefix",
            Self::SearchInfix => "search-infix",
            Self::Autocomplete => "autocomplete",
            Self::Activity => "activity",
            Self::Analytics => "analytics",
        }
    }

    /// The pattern named `name` in reports.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|pattern| pattern.name() == name)
    }

    /// The p99 the pattern must stay under at 32 connections: 25 ms, and 5 ms for autocomplete,
    /// which answers keystrokes.
    pub const fn p99_target(self) -> Duration {
        match self {
            Self::Autocomplete => Duration::from_millis(5),
            _ => Duration::from_millis(25),
        }
    }

    /// The pattern's share of the mix, in percent (the issue's 30/30/20/10/10, search split
    /// evenly between prefix and infix; autocomplete and the activity feed, promised beside the
    /// design document's patterns but not among them, are measured alone).
    pub const fn mix_percent(self) -> u32 {
        match self {
            Self::Dashboard | Self::Analytics => 30,
            Self::ActiveProjects => 20,
            Self::Me => 10,
            Self::SearchPrefix | Self::SearchInfix => 5,
            Self::Autocomplete | Self::Activity => 0,
        }
    }
}

/// Writes request lines for wrk: `method \t path \t token \t body`.
#[derive(Debug)]
pub struct Requests {
    codec: JwtCodec,
    admin: Uuid,
}

impl Requests {
    /// Requests signed with the server's `jwt_secret`, the administrator being `admin`.
    ///
    /// # Errors
    /// When the secret is too short.
    pub fn new(jwt_secret: &str, admin: Uuid) -> anyhow::Result<Self> {
        let codec = JwtCodec::new(
            jwt_secret.as_bytes(),
            std::time::Duration::from_secs(24 * 60 * 60),
        )?;
        Ok(Self { codec, admin })
    }

    /// One line per key: `pattern` on that key.
    pub fn lines(&self, pattern: Pattern, keys: &[Key]) -> String {
        keys.iter()
            .enumerate()
            .map(|(k, key)| self.line(pattern, k, key))
            .collect()
    }

    /// One line per key, each of a pattern drawn by the mix's weights (every 20 consecutive keys
    /// hold the exact proportions).
    pub fn mix_lines(&self, keys: &[Key]) -> String {
        let slots: Vec<Pattern> = Pattern::ALL
            .iter()
            .flat_map(|&pattern| std::iter::repeat_n(pattern, (pattern.mix_percent() / 5) as usize))
            .collect();
        keys.iter()
            .enumerate()
            .map(|(k, key)| self.line(slots[k % slots.len()], k, key))
            .collect()
    }

    /// A login of each login user and of the administrator, with the right password.
    pub fn login_lines(companies: u64) -> String {
        (1..=LOGIN_USERS)
            .map(|i| format!("user{i}@osgb{}.example", i % companies))
            .chain(std::iter::once(ADMIN_EMAIL.to_owned()))
            .map(|email| {
                let body = serde_json::json!({ "email": email, "password": PASSWORD });
                format!("POST\t/api/v1/auth/login\t\t{body}\n")
            })
            .collect()
    }

    fn line(&self, pattern: Pattern, k: usize, key: &Key) -> String {
        let path = match pattern {
            Pattern::Dashboard => format!("/api/v1/companies/{}/dashboard", key.company),
            Pattern::ActiveProjects => {
                format!("/api/v1/companies/{}/projects/active", key.company)
            }
            Pattern::Me => "/api/v1/me".to_owned(),
            Pattern::SearchPrefix => search_path(PREFIX_TERMS[k % PREFIX_TERMS.len()]),
            Pattern::SearchInfix => search_path(INFIX_TERMS[k % INFIX_TERMS.len()]),
            Pattern::Autocomplete => autocomplete_path(PREFIX_TERMS[k % PREFIX_TERMS.len()]),
            Pattern::Activity => format!("/api/v1/activity?limit={ACTIVITY_LIMIT}"),
            Pattern::Analytics => format!(
                "/api/v1/projects/{}/stats?from={ANALYTICS_FROM}&to={ANALYTICS_TO}",
                key.project
            ),
        };
        let user = match pattern {
            Pattern::SearchPrefix | Pattern::SearchInfix | Pattern::Autocomplete => self.admin,
            _ => key.user,
        };
        let token = self
            .codec
            .issue(UserId::from_uuid(user), SessionVersion::INITIAL, Utc::now());
        format!("GET\t{path}\t{token}\t\n")
    }
}

fn search_path(term: &str) -> String {
    format!("/api/v1/companies/search?q={}", encoded(term))
}

/// The page size of the activity feed's requests.
pub const ACTIVITY_LIMIT: u32 = 20;

/// The number of names autocomplete asks for.
pub const AUTOCOMPLETE_LIMIT: u32 = 10;

fn autocomplete_path(prefix: &str) -> String {
    format!(
        "/api/v1/companies/autocomplete?prefix={}&limit={AUTOCOMPLETE_LIMIT}",
        encoded(prefix)
    )
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<Key> {
        (0..40_u128)
            .map(|n| Key {
                user: Uuid::from_u128(n),
                company: Uuid::from_u128(1000 + n),
                project: Uuid::from_u128(2000 + n),
            })
            .collect()
    }

    fn requests() -> Requests {
        Requests::new("a-secret-of-at-least-thirty-two-bytes", Uuid::from_u128(7)).expect("codec")
    }

    #[test]
    fn the_mix_has_the_issues_proportions() {
        assert_eq!(
            Pattern::ALL.iter().map(|p| p.mix_percent()).sum::<u32>(),
            100
        );
        let lines = requests().mix_lines(&keys());
        let count = |needle: &str| lines.lines().filter(|line| line.contains(needle)).count();
        assert_eq!(count("/dashboard"), 12);
        assert_eq!(count("/stats?"), 12);
        assert_eq!(count("/projects/active"), 8);
        assert_eq!(count("/me\t"), 4);
        assert_eq!(count("/companies/search"), 4);
        assert_eq!(count("/companies/autocomplete"), 0);
        assert_eq!(count("/activity"), 0);
    }

    #[test]
    fn autocomplete_types_the_search_prefixes_as_the_admin() {
        let lines = requests().lines(Pattern::Autocomplete, &keys());
        let second = lines.lines().nth(1).expect("a line");
        assert!(
            second.contains("/api/v1/companies/autocomplete?prefix=Ege+Sa%C4%9F&limit=10"),
            "{second}"
        );
        assert_eq!(Pattern::named("autocomplete"), Some(Pattern::Autocomplete));
        assert_eq!(Pattern::Autocomplete.p99_target(), Duration::from_millis(5));
    }

    #[test]
    fn each_line_carries_a_token_of_its_user_and_an_encoded_query() {
        let lines = requests().lines(Pattern::SearchPrefix, &keys());
        let first = lines.lines().next().expect("a line");
        let fields: Vec<&str> = first.split('\t').collect();
        assert_eq!(fields[0], "GET");
        assert_eq!(fields[1], "/api/v1/companies/search?q=Anadolu");
        assert!(fields[2].starts_with("eyJ"));
        let second = lines.lines().nth(1).expect("a line");
        assert!(second.contains("q=Ege+Sa%C4%9F"), "{second}");
    }

    #[test]
    fn logins_use_the_seeded_emails() {
        let lines = Requests::login_lines(10_000);
        assert_eq!(lines.lines().count() as u64, LOGIN_USERS + 1);
        assert!(
            lines.starts_with("POST\t/api/v1/auth/login\t\t{\"email\":\"user1@osgb1.example\"")
        );
    }
}
