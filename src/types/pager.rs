/// A page number of a paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub per_page: Option<usize>,
}

impl Pager {
    /// How many pages a list of `n` items needs (at least one, even when empty).
    pub fn count(n: usize, per_page: Option<usize>) -> usize {
        per_page.map_or(1, |p| n.div_ceil(p).max(1))
    }

    /// URL path of page `number` of a list at `base` (which ends with `/`).
    pub fn path(base: &str, number: usize) -> String {
        if number == 1 {
            base.to_string()
        } else {
            format!("{base}page/{number}/")
        }
    }

    /// The entries of `list` this page shows.
    pub fn slice<T>(self, list: &[T]) -> &[T] {
        match self.per_page {
            Some(per) => {
                let start = ((self.number - 1) * per).min(list.len());
                &list[start..(start + per).min(list.len())]
            }
            None => list,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_the_pager() {
        let list = [5, 4, 3, 2, 1];
        let pager = |number| Pager {
            number,
            per_page: Some(2),
        };
        assert_eq!(pager(1).slice(&list), [5, 4]);
        assert_eq!(pager(3).slice(&list), [1]);
        assert_eq!(pager(4).slice(&list), [] as [i32; 0]);
        assert_eq!(Pager::count(5, Some(2)), 3);
        assert_eq!(Pager::count(0, Some(2)), 1);
        assert_eq!(Pager::path("/cases/", 2), "/cases/page/2/");
    }
}
