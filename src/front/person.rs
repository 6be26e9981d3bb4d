//! The values of a person's front matter that are more than text: the `role`, the networks of
//! `links` and how each is written (a full address, a handle, a bare ORCID iD), and the
//! `photo_focus` point. Pure parsing: what a value means for the site (the PGY year, who has
//! graduated) is `content::people`.

/// What a person is in the program (`role`), in the order the people page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Faculty,
    Resident,
    Fellow,
    Alumni,
    Staff,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Faculty,
        Role::Resident,
        Role::Fellow,
        Role::Alumni,
        Role::Staff,
    ];
    pub const NAMES: [&'static str; 5] = ["faculty", "resident", "fellow", "alumni", "staff"];

    /// Exact, lowercase: `role = "resident"`. "residents" and "alumnus" are read too, since
    /// they are how people say it, and mean nothing else.
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        if let Some(i) = Role::NAMES.iter().position(|n| *n == s) {
            return Some(Role::ALL[i]);
        }
        Some(match s {
            "residents" => Role::Resident,
            "fellows" => Role::Fellow,
            "alumnus" | "alumna" | "alum" => Role::Alumni,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Role::NAMES[self as usize]
    }

    /// One person of this role, for a page: "Resident".
    pub fn label(self) -> &'static str {
        ["Faculty", "Resident", "Fellow", "Alumni", "Staff"][self as usize]
    }

    /// The heading of this role's group on the people page: "Residents".
    pub fn group_title(self) -> &'static str {
        ["Faculty", "Residents", "Fellows", "Alumni", "Staff"][self as usize]
    }
}

/// A network of `links`, in the order a person's page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Website,
    Email,
    Orcid,
    Scholar,
    Linkedin,
    Bluesky,
    Mastodon,
    X,
}

impl Network {
    pub const ALL: [Network; 8] = [
        Network::Website,
        Network::Email,
        Network::Orcid,
        Network::Scholar,
        Network::Linkedin,
        Network::Bluesky,
        Network::Mastodon,
        Network::X,
    ];
    /// The names of `links`, as the README lists them.
    pub const NAMES: [&'static str; 8] = [
        "website", "email", "orcid", "scholar", "linkedin", "bluesky", "mastodon", "x",
    ];

    pub fn parse(s: &str) -> Option<Network> {
        Network::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Network::ALL[i])
    }

    pub fn as_str(self) -> &'static str {
        Network::NAMES[self as usize]
    }

    /// What the link says on the page.
    pub fn label(self) -> &'static str {
        [
            "Website",
            "E-mail",
            "ORCID",
            "Google Scholar",
            "LinkedIn",
            "Bluesky",
            "Mastodon",
            "X",
        ][self as usize]
    }

    /// How a value is written, for hints.
    pub fn example(self) -> &'static str {
        match self {
            Network::Website => "\"https://example.org/\"",
            Network::Email => "\"jane.doe@example.org\"",
            Network::Orcid => {
                "\"0000-0002-1825-0097\" or \"https://orcid.org/0000-0002-1825-0097\""
            }
            Network::Scholar => "\"https://scholar.google.com/citations?user=…\"",
            Network::Linkedin => "\"https://www.linkedin.com/in/…\"",
            Network::Bluesky => {
                "\"@name.bsky.social\" or \"https://bsky.app/profile/name.bsky.social\""
            }
            Network::Mastodon => "\"@name@mastodon.social\" or \"https://mastodon.social/@name\"",
            Network::X => "\"@name\" or \"https://x.com/name\"",
        }
    }

    /// The hosts an address of this network may be on (`None`: any host).
    fn hosts(self) -> Option<&'static [&'static str]> {
        Some(match self {
            Network::Orcid => &["orcid.org"],
            Network::Scholar => &["scholar.google.com"],
            Network::Linkedin => &["linkedin.com"],
            Network::Bluesky => &["bsky.app"],
            Network::X => &["x.com", "twitter.com"],
            Network::Website | Network::Mastodon | Network::Email => return None,
        })
    }
}

/// One entry of `links`, checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileLink {
    pub network: Network,
    /// Where the link goes: a full `https:` address (for `email`, the address itself: the
    /// theme shows it so that harvesters cannot read it, never as a plain `mailto:`).
    pub url: String,
    /// What the page shows: the handle or iD where there is one, else the address.
    pub text: String,
    #[serde(skip)]
    pub line: usize,
}

impl ProfileLink {
    /// `@user@host` of a Mastodon profile (`https://host/@user`): how Mastodon names an account.
    pub fn fediverse_handle(&self) -> Option<String> {
        if self.network != Network::Mastodon {
            return None;
        }
        let url = &self.url;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        let (host, path) = rest.split_once('/')?;
        let user = path.strip_prefix('@')?.trim_end_matches('/');
        (!user.is_empty() && !user.contains(['/', '@', '?', '#']))
            .then(|| format!("@{user}@{host}"))
    }
}

/// `value` of `network` as a link, or what is wrong with it.
pub fn profile_link(network: Network, value: &str) -> Result<(String, String), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("is empty".into());
    }
    match network {
        Network::Email => {
            let v = v.strip_prefix("mailto:").unwrap_or(v);
            let ok = v.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            }) && !v
                .chars()
                .any(|c| c.is_whitespace() || "<>\"(),;:".contains(c));
            return if ok {
                Ok((v.to_string(), v.to_string()))
            } else {
                Err(format!("\"{value}\" is not an e-mail address"))
            };
        }
        Network::Orcid if !v.contains('/') => {
            return orcid_id(v)
                .map(|id| (format!("https://orcid.org/{id}"), id))
                .ok_or_else(|| format!("\"{value}\" is not an ORCID iD"));
        }
        Network::X if v.starts_with('@') && handle(&v[1..]) => {
            return Ok((format!("https://x.com/{}", &v[1..]), v.to_string()));
        }
        Network::Bluesky if v.starts_with('@') && !v[1..].contains('@') => {
            let h = &v[1..];
            return if h.contains('.') && h.split('.').all(|p| !p.is_empty() && handle(p)) {
                Ok((format!("https://bsky.app/profile/{h}"), v.to_string()))
            } else {
                Err(format!("\"{value}\" is not a Bluesky handle"))
            };
        }
        Network::Mastodon if v.starts_with('@') => {
            return match v[1..].split_once('@') {
                Some((user, host))
                    if handle(user) && host.contains('.') && url::Host::parse(host).is_ok() =>
                {
                    Ok((format!("https://{host}/@{user}"), v.to_string()))
                }
                _ => Err(format!(
                    "\"{value}\" is not a Mastodon handle (@name@server)"
                )),
            };
        }
        _ => {}
    }
    let parsed = url::Url::parse(v).map_err(|_| format!("\"{value}\" is not a web address"))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
        return Err(format!(
            "\"{value}\" is not a web address (it must start with https://)"
        ));
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    if let Some(hosts) = network.hosts() {
        let on = |h: &str| host == h || host.ends_with(&format!(".{h}"));
        // Google Scholar lives on every country's Google domain.
        let scholar = network == Network::Scholar && host.starts_with("scholar.google.");
        if !hosts.iter().any(|h| on(h)) && !scholar {
            return Err(format!(
                "\"{value}\" is not an address on {}",
                hosts.join(" or ")
            ));
        }
    }
    if network == Network::Orcid {
        let id = parsed.path().trim_matches('/');
        if orcid_id(id).is_none() {
            return Err(format!("\"{value}\" does not end in an ORCID iD"));
        }
        return Ok((format!("https://orcid.org/{id}"), id.to_string()));
    }
    let text = match network {
        Network::Website => host.trim_start_matches("www.").to_string(),
        _ => network.label().to_string(),
    };
    Ok((parsed.to_string(), text))
}

fn handle(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A bare ORCID iD (`0000-0002-1825-0097`) whose check digit is right (ISO 7064 MOD 11-2).
pub fn orcid_id(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_uppercase();
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != 4 || groups.iter().any(|g| g.len() != 4) {
        return None;
    }
    let digits: Vec<char> = s.chars().filter(|c| *c != '-').collect();
    let (body, check) = digits.split_at(15);
    if !body.iter().all(char::is_ascii_digit) {
        return None;
    }
    let mut total = 0u32;
    for c in body {
        total = (total + c.to_digit(10)?) * 2;
    }
    let result = (12 - total % 11) % 11;
    let want = if result == 10 {
        'X'
    } else {
        char::from_digit(result, 10)?
    };
    (check[0] == want).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_plurals_are_read() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("residents"), Some(Role::Resident));
        assert_eq!(Role::parse("Resident"), None);
        assert_eq!(Role::parse("student"), None);
    }

    #[test]
    fn links_in_every_form() {
        let ok = |n, v: &str| profile_link(n, v).unwrap();
        assert_eq!(
            ok(Network::Orcid, "0000-0002-1825-0097").0,
            "https://orcid.org/0000-0002-1825-0097"
        );
        assert_eq!(
            ok(Network::Orcid, "https://orcid.org/0000-0002-1694-233X").1,
            "0000-0002-1694-233X"
        );
        assert!(profile_link(Network::Orcid, "0000-0002-1825-0098").is_err());
        assert!(profile_link(Network::Orcid, "https://orcid.org/0000-0002-1825-0098").is_err());
        assert_eq!(ok(Network::X, "@rad_doc").0, "https://x.com/rad_doc");
        assert_eq!(
            ok(Network::Bluesky, "@jane.bsky.social").0,
            "https://bsky.app/profile/jane.bsky.social"
        );
        assert_eq!(
            ok(Network::Mastodon, "@jane@mastodon.social").0,
            "https://mastodon.social/@jane"
        );
        assert_eq!(
            ok(Network::Website, "https://www.jane.example/").1,
            "jane.example"
        );
        assert_eq!(
            ok(Network::Email, "jane@hospital.example").0,
            "jane@hospital.example"
        );
        assert!(
            profile_link(
                Network::Scholar,
                "https://scholar.google.de/citations?user=x"
            )
            .is_ok()
        );
        assert!(profile_link(Network::Linkedin, "https://www.linkedin.com/in/jane").is_ok());
        for (n, bad) in [
            (Network::X, "https://facebook.com/jane"),
            (Network::Website, "jane.example"),
            (Network::Website, "javascript:alert(1)"),
            (Network::Website, "ftp://jane.example/"),
            (Network::Email, "jane at hospital"),
            (Network::Email, "jane@localhost"),
            (Network::Mastodon, "@jane"),
            (Network::Bluesky, "@jane"),
            (Network::Linkedin, " "),
        ] {
            assert!(profile_link(n, bad).is_err(), "{n:?} {bad}");
        }
    }
}
