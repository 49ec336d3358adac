//! `external:`: entities outside the linted files that references may name, as globs over
//! `kind:namespace/name` in lower case (Backstage catalogues: groups synced from an identity
//! provider, other repositories' APIs). Every layer's globs count.

use super::file::Settings;
use super::invalid;
use super::kinds::LayerErrors;

/// The layers' globs (each layer's file and list), as one set; `None` without any. An
/// invalid glob is a finding on its layer.
pub(super) fn globs(
    layers: &[(&Settings, &[String])],
) -> Result<Option<globset::GlobSet>, LayerErrors> {
    let mut set = globset::GlobSetBuilder::new();
    let mut any = false;
    for (li, (settings, list)) in layers.iter().enumerate() {
        let mut errors = Vec::new();
        for (i, g) in list.iter().enumerate() {
            match globset::GlobBuilder::new(&g.to_lowercase()).build() {
                Ok(glob) => {
                    set.add(glob);
                    any = true;
                }
                Err(e) => errors.push(invalid(
                    settings,
                    &format!("/spec/external/{i}"),
                    format!("`{g}` is not a valid glob: {}", e.kind()),
                    "invalid glob",
                    "write globs over `kind:namespace/name`, e.g. `group:default/*`",
                )),
            }
        }
        if !errors.is_empty() {
            return Err((li, errors));
        }
    }
    if !any {
        return Ok(None);
    }
    // Each glob compiled on its own above; a set that still fails is named on the last layer.
    let last = layers.len().saturating_sub(1);
    set.build().map(Some).map_err(|e| {
        let errors = layers
            .get(last)
            .map(|(settings, _)| {
                invalid(
                    settings,
                    "/spec/external",
                    format!("the `external` globs cannot be combined: {e}"),
                    "here",
                    "check the globs",
                )
            })
            .into_iter()
            .collect();
        (last, errors)
    })
}
