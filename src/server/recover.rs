//! What keeps the server up when catalint itself has a bug: a handler or a workspace
//! change that panics is caught, its message (with where it panicked) goes to the editor's
//! log, and the caller puts itself back in a known state (a workspace is opened again).
//! An editor rarely restarts a server that died, so a bug must cost one answer, not the
//! session.

use std::panic::AssertUnwindSafe;
use std::sync::Mutex;

/// Where the last panic happened (`file:line`), as the panic hook saw it.
static LAST_PLACE: Mutex<Option<String>> = Mutex::new(None);

/// Records where each panic happens, then does what the default hook does (the message
/// on stderr, which editors keep in their server log).
pub fn install_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(l) = info.location()
            && let Ok(mut place) = LAST_PLACE.lock()
        {
            *place = Some(format!("{}:{}", l.file(), l.line()));
        }
        default(info);
    }));
}

/// Runs `f`; a panic becomes its message, with where it happened when known.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned());
        let place = LAST_PLACE.lock().ok().and_then(|mut p| p.take());
        match place {
            Some(p) => format!("{what} (at {p})"),
            None => what,
        }
    })
}

/// A fault planted by the protocol tests (debug builds only): `CATALINT_LSP_FAULT` lists
/// points (`check`, `open`, a request or notification method); each panics the first
/// time it is reached. Release builds never read the variable.
pub fn fault(point: &str) {
    #[cfg(debug_assertions)]
    {
        static FIRED: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let Ok(planted) = std::env::var("CATALINT_LSP_FAULT") else {
            return;
        };
        if !planted.split(',').any(|p| p == point) {
            return;
        }
        let Ok(mut fired) = FIRED.lock() else { return };
        if fired.iter().any(|p| p == point) {
            return;
        }
        fired.push(point.to_owned());
        drop(fired);
        panic!("fault planted at `{point}`");
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}
