use super::{SectionId, TaxonomyId, TermId};

/// Which pages a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedSource {
    Site,
    Section(SectionId),
    Term { taxonomy: TaxonomyId, term: TermId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 2] = [FeedFormat::Rss, FeedFormat::Atom];

    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "rss.xml",
            FeedFormat::Atom => "atom.xml",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
        }
    }
}
