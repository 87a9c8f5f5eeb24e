//! The in-memory index of item metadata, built at unlock, for instant search.
//! It never holds a secret value.

use crate::error::{Error, Result};
use crate::items::{ItemKind, ItemSummary};
use crate::vault::Vault;
use std::collections::HashMap;

struct Entry {
    item: ItemSummary,
    name: String,
    service: String,
    env: String,
    tags: Vec<String>,
}

impl Entry {
    fn new(item: ItemSummary) -> Self {
        Self {
            name: item.name.to_lowercase(),
            service: item.service.as_deref().unwrap_or_default().to_lowercase(),
            env: item.env_var.as_deref().unwrap_or_default().to_lowercase(),
            tags: item.tags.iter().map(|t| t.to_lowercase()).collect(),
            item,
        }
    }

    /// Lower is better; `None` means the term does not match. `finder`
    /// is the term's substring searcher, built once per query.
    fn score(&self, term: &str, finder: &memchr::memmem::Finder<'_>) -> Option<u32> {
        if self.name == term {
            return Some(0);
        }
        if self.name.starts_with(term) {
            return Some(1);
        }
        // One scan of the name answers both "starts a word" and "contains".
        let name = self.name.as_bytes();
        let mut contains = false;
        for i in finder.find_iter(name) {
            contains = true;
            if i > 0 && matches!(name[i - 1], b' ' | b'-' | b'_' | b'.' | b'/' | b':') {
                return Some(2);
            }
        }
        if contains {
            return Some(3);
        }
        if self.tags.iter().any(|t| t == term) || self.service == term || self.env == term {
            return Some(4);
        }
        if self.service.starts_with(term)
            || self.env.starts_with(term)
            || self.tags.iter().any(|t| t.starts_with(term))
        {
            return Some(5);
        }
        if finder.find(self.service.as_bytes()).is_some()
            || finder.find(self.env.as_bytes()).is_some()
            || self.tags.iter().any(|t| finder.find(t.as_bytes()).is_some())
        {
            return Some(6);
        }
        None
    }
}

/// Filters for `list` and search.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: Option<String>,
    pub kind: Option<ItemKind>,
    pub tag: Option<String>,
}

/// Standing filters, such as a persona profile's: an item passes when its
/// kind is one of `kinds` and it carries one of `tags` (an empty list lets
/// everything through). They narrow a [`Query`] further.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    pub tags: Vec<String>,
    pub kinds: Vec<ItemKind>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.kinds.is_empty()
    }
}

#[derive(Default)]
pub struct Index {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    /// Errors for items whose metadata would not open.
    damaged: Vec<String>,
    /// The file's `data_version` when this was read, if known.
    data_version: Option<i64>,
}

impl Index {
    pub fn build(items: Vec<ItemSummary>, damaged: Vec<Error>) -> Self {
        let mut index = Index {
            entries: Vec::with_capacity(items.len()),
            by_id: HashMap::with_capacity(items.len()),
            damaged: damaged.into_iter().map(|e| e.to_string()).collect(),
            data_version: None,
        };
        for item in items {
            index.upsert(item);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Descriptions of items that could not be read.
    pub fn damaged(&self) -> &[String] {
        &self.damaged
    }

    pub fn upsert(&mut self, item: ItemSummary) {
        match self.by_id.get(&item.id) {
            Some(&i) => self.entries[i] = Entry::new(item),
            None => {
                self.by_id.insert(item.id.clone(), self.entries.len());
                self.entries.push(Entry::new(item));
            }
        }
    }

    /// Every item, in index order.
    pub fn items(&self) -> impl Iterator<Item = &ItemSummary> {
        self.entries.iter().map(|e| &e.item)
    }

    pub fn get(&self, id: &str) -> Option<&ItemSummary> {
        self.by_id.get(id).map(|&i| &self.entries[i].item)
    }

    pub fn remove(&mut self, id: &str) {
        if let Some(i) = self.by_id.remove(id) {
            self.entries.swap_remove(i);
            if let Some(moved) = self.entries.get(i) {
                self.by_id.insert(moved.item.id.clone(), i);
            }
        }
    }

    /// Items matching every term of the query, best first; without text,
    /// sorted by name.
    pub fn search(&self, q: &Query) -> Vec<&ItemSummary> {
        self.search_within(q, &Filters::default())
    }

    /// [`Index::search`] inside standing filters.
    pub fn search_within(&self, q: &Query, filters: &Filters) -> Vec<&ItemSummary> {
        let f_tags: Vec<String> = filters.tags.iter().map(|t| t.to_lowercase()).collect();
        let terms: Vec<String> = q
            .text
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let tag = q.tag.as_deref().map(str::to_lowercase);
        let finders: Vec<memchr::memmem::Finder<'_>> = terms
            .iter()
            .map(|t| memchr::memmem::Finder::new(t.as_bytes()))
            .collect();
        let mut hits: Vec<(u32, &Entry)> = self
            .entries
            .iter()
            .filter(|e| q.kind.is_none_or(|k| e.item.kind == k))
            .filter(|e| tag.as_ref().is_none_or(|t| e.tags.contains(t)))
            .filter(|e| filters.kinds.is_empty() || filters.kinds.contains(&e.item.kind))
            .filter(|e| f_tags.is_empty() || e.tags.iter().any(|t| f_tags.contains(t)))
            .filter_map(|e| {
                let mut total = 0;
                for (t, f) in terms.iter().zip(&finders) {
                    total += e.score(t, f)?;
                }
                Some((total, e))
            })
            .collect();
        hits.sort_unstable_by(|(sa, a), (sb, b)| sa.cmp(sb).then_with(|| a.name.cmp(&b.name)));
        hits.into_iter().map(|(_, e)| &e.item).collect()
    }
}

impl Vault {
    /// Decrypts every item's metadata into the search index (once per unlock).
    pub async fn load_index(&mut self) -> Result<&Index> {
        if self.index.is_none() {
            // Read before the rows: a commit in between makes the index
            // look stale, never fresh.
            let version = self.data_version().await?;
            let (items, damaged) = self.read_summaries().await?;
            let mut index = Index::build(items, damaged);
            index.data_version = Some(version);
            self.index = Some(index);
        }
        self.index.as_ref().ok_or(Error::Locked)
    }

    /// The index, rebuilt only if another process committed to the file
    /// since it was read (our own writes keep it up to date in place).
    pub async fn fresh_index(&mut self) -> Result<&Index> {
        let version = self.data_version().await?;
        if self.index.as_ref().and_then(|i| i.data_version) != Some(version) {
            self.index = None;
        }
        self.load_index().await
    }

    /// The index, if it has been loaded since unlock.
    pub fn index(&self) -> Option<&Index> {
        self.index.as_ref()
    }

    /// Rebuilds the index from the file, after another process changed it.
    pub async fn reload_index(&mut self) -> Result<&Index> {
        self.index = None;
        self.load_index().await
    }

    /// Changes whenever another connection (the CLI, another window) commits
    /// to the vault file; our own writes leave it alone.
    pub async fn data_version(&mut self) -> Result<i64> {
        let (v,): (i64,) = sqlx::query_as("PRAGMA data_version")
            .fetch_one(&mut self.store.conn)
            .await?;
        Ok(v)
    }

    pub async fn list(&mut self, q: &Query) -> Result<Vec<ItemSummary>> {
        Ok(self.load_index().await?.search(q).into_iter().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, name: &str, service: Option<&str>, tags: &[&str]) -> ItemSummary {
        ItemSummary {
            id: id.into(),
            kind: ItemKind::ApiKey,
            name: name.into(),
            service: service.map(Into::into),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            env_var: None,
            scopes: vec![],
            created_at: 0,
            updated_at: 0,
            expires_at: None,
            policy: None,
            version: None,
            value_set_at: None,
            facts: None,
            needs_reauth: false,
        }
    }

    fn names(index: &Index, text: &str) -> Vec<String> {
        let q = Query {
            text: Some(text.into()),
            ..Default::default()
        };
        index.search(&q).into_iter().map(|i| i.name.clone()).collect()
    }

    #[test]
    fn ranks_exact_then_prefix_then_word_then_substring_then_service() {
        let index = Index::build(
            vec![
                item("1", "my-stripe-key", None, &[]),
                item("2", "stripe", None, &[]),
                item("3", "stripe-live", None, &[]),
                item("4", "openai", Some("Stripe"), &[]),
                item("5", "xstripey", None, &[]),
                item("6", "unrelated", None, &["payments"]),
            ],
            vec![],
        );
        assert_eq!(
            names(&index, "STRIPE"),
            ["stripe", "stripe-live", "my-stripe-key", "xstripey", "openai"]
        );
        assert_eq!(names(&index, "pay"), ["unrelated"]);
        assert_eq!(names(&index, "stripe live"), ["stripe-live"]);
        assert!(names(&index, "nothing").is_empty());
    }

    #[test]
    fn env_var_names_are_searched_too() {
        let mut with_env = item("7", "prod", None, &[]);
        with_env.env_var = Some("STRIPE_API_KEY".into());
        let index = Index::build(vec![with_env, item("8", "other", None, &[])], vec![]);
        assert_eq!(names(&index, "stripe_api"), ["prod"]);
    }

    #[test]
    fn upsert_and_remove_keep_positions_right() {
        let mut index = Index::build(
            vec![item("a", "alpha", None, &[]), item("b", "beta", None, &[])],
            vec![],
        );
        index.remove("a");
        index.upsert(item("b", "gamma", None, &[]));
        assert_eq!(names(&index, ""), ["gamma"]);
        index.remove("b");
        assert!(index.is_empty());
    }

    #[test]
    fn filters_by_kind_and_tag() {
        let mut tok = item("t", "gh", None, &["Work"]);
        tok.kind = ItemKind::Token;
        let index = Index::build(vec![tok, item("k", "aws", None, &["work"])], vec![]);
        let q = Query {
            kind: Some(ItemKind::Token),
            ..Default::default()
        };
        assert_eq!(index.search(&q).len(), 1);
        let q = Query {
            tag: Some("WORK".into()),
            ..Default::default()
        };
        assert_eq!(index.search(&q).len(), 2);
    }

    #[test]
    fn standing_filters_narrow_any_query() {
        let mut tok = item("t", "gh", None, &["Work"]);
        tok.kind = ItemKind::Token;
        let index = Index::build(
            vec![
                tok,
                item("k", "aws", None, &["work"]),
                item("p", "home", None, &["home"]),
            ],
            vec![],
        );
        let all = Query::default();
        let work = Filters {
            tags: vec!["WORK".into(), "ci".into()],
            kinds: vec![],
        };
        assert_eq!(index.search_within(&all, &work).len(), 2);
        let work_tokens = Filters {
            kinds: vec![ItemKind::Token],
            ..work
        };
        let hits = index.search_within(&all, &work_tokens);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].name, "gh");
        assert_eq!(index.search_within(&all, &Filters::default()).len(), 3);
    }
}
