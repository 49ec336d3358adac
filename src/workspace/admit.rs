//! Files in: a selection admitted into the workspace's slots, and each file read from the
//! editor's text, a folder in memory or the disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::state::FileState;
use super::{Workspace, file_id};
use crate::discover::Found;
use crate::read::{self, Input};
use crate::select::{self, Selection};
use crate::source::FileId;

impl Workspace {
    /// Brings the workspace's files in line with a selection: new files are read, files no
    /// longer selected are removed. Files already here keep their ids and their results.
    pub(super) fn admit(&mut self, selection: Selection) {
        if self.state.files.is_empty() {
            return self.admit_first(selection);
        }
        let Selection { files, focus, .. } = selection;
        let selected: HashMap<PathBuf, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.found.path().to_path_buf(), i))
            .collect();
        for (path, &id) in &self.by_path {
            if !selected.contains_key(path) {
                self.state.files[id.0 as usize].remove();
            }
        }
        let mut new: Vec<(FileId, select::Selected)> = Vec::new();
        // A file that never was here gets the next free slot; one that comes back (restored
        // after a delete) takes its old slot again, and uses up no new one.
        let mut next_slot = self.state.files.len();
        for f in files {
            let path = f.found.path().to_path_buf();
            match self.by_path.get(&path) {
                Some(&id) if self.state.files[id.0 as usize].live => {}
                Some(&id) => new.push((id, f)),
                None => {
                    let id = file_id(next_slot);
                    next_slot += 1;
                    self.by_path.insert(path, id);
                    new.push((id, f));
                }
            }
        }
        self.state.files.reserve(new.len());
        let inputs: Vec<Input> = new
            .par_iter()
            .map(|(id, f)| self.read_found(*id, &f.found, &f.name))
            .collect();
        for ((id, f), input) in new.into_iter().zip(inputs) {
            let slot = id.0 as usize;
            if slot < self.state.files.len() {
                self.state.files[slot].replace(input);
            } else {
                // New slots were handed out in order: each is the next one pushed.
                debug_assert_eq!(slot, self.state.files.len());
                self.state
                    .files
                    .push(FileState::new(f.found, f.name, input));
            }
        }
        // Which files are reported, by id: a focused selection names them by position.
        self.state.focus = focus.map(|marks| {
            let mut by_id = vec![false; self.state.files.len()];
            for (path, &i) in &selected {
                if let (Some(&id), Some(true)) = (self.by_path.get(path), marks.get(i)) {
                    by_id[id.0 as usize] = true;
                }
            }
            by_id
        });
    }

    /// The first selection: file ids are positions in it, every file is read straight into
    /// its slot (no list of what is new, no second copy of the inputs), and the map from
    /// paths to ids is built only for a workspace that will be told of changes.
    fn admit_first(&mut self, selection: Selection) {
        let Selection { files, focus, .. } = selection;
        let states: Vec<FileState> = files
            .into_par_iter()
            .enumerate()
            .map(|(i, f)| {
                let input = self.read_found(file_id(i), &f.found, &f.name);
                FileState::new(f.found, f.name, input)
            })
            .collect();
        if !self.state.once {
            self.by_path = states
                .iter()
                .enumerate()
                .map(|(i, s)| (s.found.path().to_path_buf(), file_id(i)))
                .collect();
        }
        self.state.files = states;
        // A focused selection marks its files by position, which is their id here.
        self.state.focus = focus;
    }

    pub(super) fn exists(&self, path: &Path) -> bool {
        self.overlay.contains_key(path)
            || match &self.folder {
                Some(folder) => folder.exists(path),
                None => path.exists(),
            }
    }

    pub(super) fn read(&self, id: FileId) -> Input {
        let state = &self.state.files[id.0 as usize];
        self.read_found(id, &state.found, &state.name)
    }

    fn read_found(&self, id: FileId, found: &Found, name: &str) -> Input {
        let in_folder = || self.folder.as_ref().and_then(|f| f.get(found.path()));
        match self.overlay.get(found.path()) {
            Some(text) => Input::in_memory(id, name, text, &self.read_limits()),
            None => match in_folder() {
                Some(bytes) => read::from_bytes(
                    bytes,
                    name,
                    id,
                    self.settings.file_size,
                    &self.settings.limits,
                ),
                None => read::read(
                    found,
                    name,
                    id,
                    self.settings.file_size,
                    &self.settings.limits,
                ),
            },
        }
    }

    pub(super) fn read_limits(&self) -> read::ReadLimits {
        read::ReadLimits {
            file_size: self.settings.file_size,
            load: self.settings.limits,
        }
    }
}
