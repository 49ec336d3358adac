//! `catalint lsp`: the language server over stdin and stdout ([`crate::server`]).

use std::io;

/// `main` runs the server itself, before it locks stdout (the server's writer thread owns
/// stdout); this is for library callers of [`super::run`].
pub(super) fn run() -> io::Result<u8> {
    crate::server::run()
}
