//! A post as the rest of the program sees it: clean text and typed front matter.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A post's date: the instant (for ordering) and the offset it was written in (for display).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Seconds since the Unix epoch, UTC.
    pub ts: i64,
    /// Offset east of UTC in minutes, as written (0 when the source gave none).
    pub offset_min: i32,
    /// The source gave only a day (`2022-01-05`), no time.
    pub date_only: bool,
    /// The source gave a zone; without one the time is the site's local time.
    pub has_offset: bool,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(s: &str, n: usize) -> Option<(u32, &str)> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &s[n..]))
}

impl Date {
    /// Parses the forms Jekyll accepts in front matter and file names:
    /// `2022-01-05`, `2022-01-05 20:54`, `2022-01-05 20:54:40`, with an optional
    /// `+0800` / `+08:00` / `Z` zone, or RFC 3339 (`2022-01-05T20:54:40.5+08:00`).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let (y, r) = digits(s, 4)?;
        let r = r.strip_prefix('-')?;
        let (mo, r) = digits(r, 2)?;
        let r = r.strip_prefix('-')?;
        let (d, r) = digits(r, 2)?;
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
            return None;
        }
        let mut date = Date {
            ts: days_from_civil(y as i64, mo, d) * 86400,
            offset_min: 0,
            date_only: true,
            has_offset: false,
        };
        let r = r.trim_start_matches([' ', 'T', 't']);
        if r.is_empty() {
            return Some(date);
        }
        let (h, r) = digits(r, 2)?;
        let r = r.strip_prefix(':')?;
        let (mi, mut r) = digits(r, 2)?;
        let mut sec = 0;
        if let Some(rest) = r.strip_prefix(':') {
            let (s2, rest) = digits(rest, 2)?;
            sec = s2;
            r = rest;
            if let Some(frac) = r.strip_prefix('.') {
                r = frac.trim_start_matches(|c: char| c.is_ascii_digit());
            }
        }
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        date.date_only = false;
        date.ts += (h * 3600 + mi * 60 + sec) as i64;
        let zone = r.trim_start();
        if zone.is_empty() {
            return Some(date);
        }
        if zone.eq_ignore_ascii_case("z") || zone == "UTC" {
            date.has_offset = true;
            return Some(date);
        }
        let sign = match zone.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let z = &zone[1..];
        let (zh, z) = digits(z, 2)?;
        let z = z.strip_prefix(':').unwrap_or(z);
        let (zm, z) = if z.is_empty() { (0, z) } else { digits(z, 2)? };
        if !z.trim().is_empty() || zh > 14 || zm > 59 {
            return None;
        }
        date.offset_min = sign * (zh * 60 + zm) as i32;
        date.has_offset = true;
        date.ts -= date.offset_min as i64 * 60;
        Some(date)
    }

    /// The date at the start of a Jekyll post file name: `2022-01-05-slug.md`.
    pub fn from_file_name(name: &str) -> Option<Date> {
        let head = name.get(..11)?;
        if !head.ends_with('-') {
            return None;
        }
        Date::parse(&head[..10])
    }

    fn local(&self) -> (i64, u32, u32, u32, u32, u32) {
        let t = self.ts + self.offset_min as i64 * 60;
        let (y, m, d) = civil_from_days(t.div_euclid(86400));
        let s = t.rem_euclid(86400) as u32;
        (y, m, d, s / 3600, s / 60 % 60, s % 60)
    }

    /// `2022-01-05 20:54` in the post's own offset, for the list and the article header.
    pub fn short(&self) -> String {
        let (y, m, d, h, mi, _) = self.local();
        if self.date_only {
            format!("{y:04}-{m:02}-{d:02}")
        } else {
            format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}")
        }
    }
}

/// RFC 3339 as `kanbao list` prints it (without a zone when the source gave none).
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d, h, mi, s) = self.local();
        if self.date_only {
            return write!(f, "{y:04}-{m:02}-{d:02}");
        }
        if !self.has_offset {
            return write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        }
        let sign = if self.offset_min < 0 { '-' } else { '+' };
        let o = self.offset_min.unsigned_abs();
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{:02}:{:02}",
            o / 60,
            o % 60
        )
    }
}

/// One post. Every string here has been cleaned by `sanitize` on the way in.
#[derive(Clone, Debug)]
pub struct Post {
    /// The file stem (`2022-01-05-NW202201052237444124`): unique, used by `show` and the state file.
    pub id: String,
    /// Where it came from (`assets/posts/<name>`, compiled in, for the bundled samples).
    pub path: PathBuf,
    pub title: String,
    pub date: Option<Date>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// Markdown mixed with HTML, as in the file; rendered lazily. Shared, so that a post
    /// handed to a render thread is not copied (5 MB for a long one, on the UI thread); an
    /// `Arc<String>`, not an `Arc<str>`, so that a body cleaned into a string of its own is
    /// not copied again.
    pub body: Arc<String>,
}

impl Post {
    /// Newest first; undated posts last; ties by ID so the order is stable.
    pub fn sort_key(&self) -> (std::cmp::Reverse<Option<i64>>, &str) {
        // `Reverse(None)` sorts after every `Reverse(Some(_))`.
        (std::cmp::Reverse(self.date.map(|d| d.ts)), &self.id)
    }

    pub fn date_short(&self) -> String {
        self.date.map(|d| d.short()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_the_sample_uses() {
        let with_offset = Date::parse("2022-01-05 20:54:40 +0800").unwrap();
        assert_eq!(with_offset.to_string(), "2022-01-05T20:54:40+08:00");
        assert_eq!(with_offset.ts, 1641387280);
        let naive = Date::parse("2021-12-08 10:46:18").unwrap();
        assert_eq!(naive.to_string(), "2021-12-08T10:46:18");
        let day = Date::parse("2021-12-08").unwrap();
        assert!(day.date_only);
        assert_eq!(day.short(), "2021-12-08");
        let rfc = Date::parse("2021-12-09T08:00:00.25+08:00").unwrap();
        assert_eq!(rfc.ts, Date::parse("2021-12-09 00:00:00").unwrap().ts);
        assert_eq!(
            Date::parse("2021-12-09T00:00:00Z").unwrap().ts,
            rfc.ts,
            "Z is UTC"
        );
        assert_eq!(
            Date::parse("2021-12-09 08:00 -0130").unwrap().offset_min,
            -90
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "+0800",
            "",
            "2022-13-01",
            "2022-01-05 25:00",
            "2022-1-5",
            "中文",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn file_name_dates() {
        assert_eq!(
            Date::from_file_name("2022-01-05-NW1.md").unwrap().short(),
            "2022-01-05"
        );
        assert_eq!(Date::from_file_name("-202205262391921712.md"), None);
        assert_eq!(Date::from_file_name("2022-01-05.md"), None);
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 18_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
