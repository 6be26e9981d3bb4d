//! Indices into the library, typed so a page index is never taken for a section's.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);
    };
}

id!(
    /// A page of the library (`Library::pages`).
    PageId
);
id!(
    /// A section of the library (`Library::sections`; 0 is the home section).
    SectionId
);
id!(
    /// A taxonomy of the library, in the order of `config.toml`.
    TaxonomyId
);
id!(
    /// A term within its taxonomy.
    TermId
);
