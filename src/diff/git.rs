//! Reading a revision of the repository through the `git` command: which revision a name
//! means, the merge base with the upstream, and the catalogue files of a revision's tree,
//! read from git's objects (`git ls-tree -r -z` then one `git cat-file --batch` for every
//! blob) without touching the working tree or the index. Why the command and not a library
//! is measured in the book ("Reviewing changes").

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::RunError;

/// The repository the current folder is in.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top folder of the working tree.
    pub top: PathBuf,
    /// The current folder relative to the top (`""` at the top, else `sub/dir/`).
    pub prefix: String,
}

/// One catalogue-looking file of a revision's tree, not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// Relative to the top of the repository, `/`-separated.
    pub path: String,
    /// The blob's object id.
    pub object: String,
}

/// One file of a revision's tree.
pub struct Blob {
    /// Relative to the top of the repository, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir);
    // A user's `git` aliases, pagers and colours never change what is read.
    c.env("GIT_PAGER", "cat").env("LC_ALL", "C");
    c
}

fn run(dir: &Path, args: &[&str]) -> Result<std::process::Output, RunError> {
    git(dir).args(args).output().map_err(|e| {
        RunError::Usage(format!(
            "cannot run `git` ({e}); install git, or compare against a folder with --base-dir DIR"
        ))
    })
}

fn stdout_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}

fn stderr_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_owned()
}

impl Repo {
    /// The repository of `dir`, or a clear error when `dir` is not in one.
    pub fn discover(dir: &Path) -> Result<Repo, RunError> {
        let out = run(dir, &["rev-parse", "--show-toplevel", "--show-prefix"])?;
        if !out.status.success() {
            return Err(RunError::Usage(format!(
                "{} is not in a git repository ({}); run catalint diff inside one, or compare against a folder with --base-dir DIR",
                crate::paths::shown(dir),
                stderr_line(&out)
            )));
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        let top = PathBuf::from(lines.next().unwrap_or("."));
        let prefix = lines.next().unwrap_or("").to_owned();
        Ok(Repo { top, prefix })
    }

    fn is_shallow(&self) -> bool {
        run(&self.top, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|o| stdout_line(&o) == "true")
    }

    /// The commit a revision names (`main`, `origin/main`, `HEAD~2`, a hash), with a short
    /// hash for headings.
    pub fn resolve(&self, rev: &str) -> Result<(String, String), RunError> {
        if rev.starts_with('-') {
            return Err(RunError::Usage(format!(
                "`{rev}` is not a revision (revisions do not start with `-`)"
            )));
        }
        let spec = format!("{rev}^{{commit}}");
        let out = run(&self.top, &["rev-parse", "--verify", "--quiet", &spec])?;
        if !out.status.success() {
            let mut message = format!("unknown revision `{rev}`: git has no commit of that name");
            if self.is_shallow() {
                message.push_str(&format!(
                    "; this is a shallow clone, which may not hold it: fetch it first, e.g. `git fetch --depth=1 origin {rev}` (for a branch, `git fetch --depth=1 origin {}:refs/remotes/origin/{}`), or check out with `fetch-depth: 0`",
                    rev.strip_prefix("origin/").unwrap_or(rev),
                    rev.strip_prefix("origin/").unwrap_or(rev),
                ));
            } else {
                message.push_str(" (see `git branch -a` and `git log --oneline`)");
            }
            return Err(RunError::Usage(message));
        }
        let full = stdout_line(&out);
        let short = full.get(..12).unwrap_or(&full).to_owned();
        Ok((full, short))
    }

    /// The merge base of the current branch with its upstream: what a pull request of this
    /// branch would be compared against.
    pub fn default_base(&self) -> Result<String, RunError> {
        let upstream = run(
            &self.top,
            &[
                "rev-parse",
                "--abbrev-ref",
                "--symbolic-full-name",
                "@{upstream}",
            ],
        )?;
        if !upstream.status.success() {
            return Err(RunError::Usage(
                "no BASE given and the current branch has no upstream to compare with; name one: `catalint diff main` (or `origin/main`, a tag, a commit), or `--base-dir DIR`".into(),
            ));
        }
        let upstream = stdout_line(&upstream);
        let out = run(&self.top, &["merge-base", "HEAD", &upstream])?;
        if !out.status.success() {
            let shallow = if self.is_shallow() {
                format!(
                    "; this is a shallow clone: fetch more history (`git fetch --deepen=100 origin`, or `fetch-depth: 0` in actions/checkout), or name BASE (`catalint diff {upstream}`)"
                )
            } else {
                String::new()
            };
            return Err(RunError::Usage(format!(
                "HEAD and its upstream {upstream} have no common commit{shallow}"
            )));
        }
        Ok(stdout_line(&out))
    }

    /// Every catalogue-looking file (`*.yaml`, `*.yml`: catalogue files, `catalint.yaml`,
    /// policies) of the commit's tree, read from git's objects. Links and submodules are not
    /// files of the revision and are left out.
    pub fn yaml_blobs(&self, commit: &str) -> Result<Vec<Blob>, RunError> {
        let tree = self.yaml_tree(commit)?;
        self.read_blobs(tree.into_iter().map(|e| (e.path, e.object)).collect())
    }

    /// The catalogue-looking files of the commit's tree (as [`Repo::yaml_blobs`] reads them)
    /// with their object ids, without reading them: two trees' ids say which files differ.
    pub fn yaml_tree(&self, commit: &str) -> Result<Vec<TreeEntry>, RunError> {
        let out = run(&self.top, &["ls-tree", "-r", "-z", "--full-tree", commit])?;
        if !out.status.success() {
            return Err(RunError::Usage(format!(
                "cannot list the files of {commit}: {}",
                stderr_line(&out)
            )));
        }
        let mut wanted = Vec::new();
        for record in out.stdout.split(|&b| b == 0) {
            // `<mode> <type> <object>\t<path>`; a path that is not UTF-8 is no catalogue file
            // catalint could name either.
            let Ok(record) = std::str::from_utf8(record) else {
                continue;
            };
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let mut fields = meta.split(' ');
            let (mode, kind, object) = (fields.next(), fields.next(), fields.next());
            if kind != Some("blob") || mode == Some("120000") {
                continue;
            }
            if path.ends_with(".yaml") || path.ends_with(".yml") {
                wanted.push(TreeEntry {
                    path: path.to_owned(),
                    object: object.unwrap_or_default().to_owned(),
                });
            }
        }
        Ok(wanted)
    }

    /// The blobs named (path, object id), read through one `git cat-file --batch`.
    pub fn read_blobs(&self, wanted: Vec<(String, String)>) -> Result<Vec<Blob>, RunError> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        self.cat_blobs(wanted)
    }

    fn cat_blobs(&self, wanted: Vec<(String, String)>) -> Result<Vec<Blob>, RunError> {
        let failed = |what: &str| RunError::Usage(format!("cannot read git objects: {what}"));
        let mut child = git(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| failed(&e.to_string()))?;
        let mut stdin = child.stdin.take().ok_or_else(|| failed("no stdin"))?;
        let list: String = wanted.iter().map(|(_, id)| format!("{id}\n")).collect();
        // Written from another thread: git answers while it reads, and a full pipe on both
        // sides would wait forever.
        let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
        let stdout = child.stdout.take().ok_or_else(|| failed("no stdout"))?;
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        let mut blobs = Vec::with_capacity(wanted.len());
        let mut header = String::new();
        for (path, _) in wanted {
            header.clear();
            reader
                .read_line(&mut header)
                .map_err(|e| failed(&e.to_string()))?;
            // `<object> blob <size>`, or `<object> missing` in a partial clone.
            let mut parts = header.split_whitespace();
            let (_, kind, size) = (parts.next(), parts.next(), parts.next());
            let size: usize = match (kind, size.and_then(|s| s.parse().ok())) {
                (Some("blob"), Some(size)) => size,
                _ => return Err(failed(&format!("{path} is missing from this clone"))),
            };
            let mut bytes = vec![0; size + 1];
            reader
                .read_exact(&mut bytes)
                .map_err(|e| failed(&e.to_string()))?;
            bytes.pop();
            blobs.push(Blob { path, bytes });
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(blobs)
    }
}
