//! Sample posts compiled into the binary; opened when no path is given.
/// (file name, contents) of each bundled post.
pub const SAMPLE_POSTS: &[(&str, &str)] = &[(
    "2026-11-20-welcome.md",
    "---\ntitle: 欢迎使用看报\ndate: 2026-11-20 09:30:00 +0800\ncategories: kanbao\ntags: 看报\n---\n欢迎。\n",
)];
