//! The files of the search index and where they go, decided from the number of pages alone so
//! the plan can list them before anything is rendered (`render::search` fills them).
//!
//! A query downloads the manifest, the shard of each of its words and the metadata chunks of
//! the results it shows; a facet's file only when that facet is chosen. So what a search costs
//! grows with the size of a shard, not of the site.

/// The folder every search file is published in (the search page is its `index.html`).
pub const SEARCH_DIR: &str = "search/";

/// Pages per metadata chunk: the results a query shows come in few small files.
pub const CHUNK: usize = 8;

/// About this many pages' postings per shard; the shard count is the next power of two.
const PAGES_PER_SHARD: usize = 24;

/// The most shards: past this the manifest's own size and the file count start to cost more
/// than a smaller shard saves.
const MAX_SHARDS: usize = 1024;

/// The facets, in the order the search page offers them. The first three are taxonomies (a
/// site without one has an empty facet), `answer` is a case's quiz state, `kind` the page kind.
pub const FACETS: [&str; 5] = ["modality", "system", "level", "answer", "kind"];

/// One file of the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFile {
    /// `search/index.json`: the layout, facet values with counts, the stop words.
    Manifest,
    /// `search/t/N.json`: the postings of every term whose key hashes to `N`.
    Shard(usize),
    /// `search/m/N.json`: what a result shows (title, address, thumbnail) of pages
    /// `N * CHUNK ..`.
    Meta(usize),
    /// `search/f/NAME.json`: the pages of each value of facet `FACETS[N]`.
    Facet(usize),
}

/// How many shards and chunks an index of `docs` pages has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchLayout {
    pub docs: usize,
    pub shards: usize,
    pub chunks: usize,
}

impl SearchLayout {
    pub fn for_docs(docs: usize) -> SearchLayout {
        SearchLayout {
            docs,
            shards: docs
                .div_ceil(PAGES_PER_SHARD)
                .next_power_of_two()
                .clamp(1, MAX_SHARDS),
            chunks: docs.div_ceil(CHUNK),
        }
    }

    /// Every file of the index with its output path.
    pub fn files(&self) -> Vec<(String, SearchFile)> {
        let mut out = vec![(format!("{SEARCH_DIR}index.json"), SearchFile::Manifest)];
        out.extend(
            (0..self.shards).map(|n| (format!("{SEARCH_DIR}t/{n}.json"), SearchFile::Shard(n))),
        );
        out.extend(
            (0..self.chunks).map(|n| (format!("{SEARCH_DIR}m/{n}.json"), SearchFile::Meta(n))),
        );
        out.extend(
            FACETS
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("{SEARCH_DIR}f/{f}.json"), SearchFile::Facet(i))),
        );
        out
    }

    /// The shard a term is in: FNV-1a of the UTF-8 of its first three characters (the whole
    /// term when shorter), so every term a typed prefix of three or more characters can
    /// match is in one shard. The search script computes the same.
    pub fn shard_of(&self, term: &str) -> usize {
        let end = term.char_indices().nth(3).map_or(term.len(), |(i, _)| i);
        let mut h: u32 = 0x811c_9dc5;
        for b in term[..end].bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        h as usize % self.shards
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_grow_with_the_site_and_a_prefix_stays_in_one() {
        assert_eq!(SearchLayout::for_docs(0).shards, 1);
        assert_eq!(SearchLayout::for_docs(10).shards, 1);
        assert_eq!(SearchLayout::for_docs(1000).shards, 64);
        assert_eq!(SearchLayout::for_docs(10_000).shards, 512);
        let l = SearchLayout::for_docs(10_000);
        assert_eq!(l.shard_of("pneumothorax"), l.shard_of("pneumonia"));
        assert_eq!(l.shard_of("pne"), l.shard_of("pneumonia"));
        // Known FNV-1a values, which the script's copy must give too.
        assert_eq!(l.shard_of("ct"), 0x4b29_7fd2 % 512);
        assert_eq!(SearchLayout::for_docs(17).chunks, 3);
        assert_eq!(SearchLayout::for_docs(17).files().len(), 1 + 1 + 3 + 5);
    }
}
