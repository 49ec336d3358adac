//! Protocol tests of the language server as real editors drive it (issue 26): it stays up
//! whatever a change does, it stays in step with the disk when the client cannot watch
//! files, and it finds the catalogue's root by itself.

mod common;

use std::path::Path;

use common::lsp::{Client, catalogue, codes, has, read, uri};
use serde_json::{Value, json};

fn watched(c: &mut Client, changes: &[(&Path, u8)]) {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(p, t)| json!({"uri": uri(p), "type": t}))
        .collect();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": changes }),
    );
}

/// `rm` a file, then `git checkout` it back while a new file appears, both seen in one
/// re-scan, then save: the server panicked here (a new file's id skipped a slot).
#[test]
fn a_deleted_file_restored_with_a_new_one_in_one_rescan_does_not_take_the_server_down() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    // The catalogue is open (with the file) before it goes.
    c.sync();
    let cloud = root.join("services/cloud-hosting.yaml");
    let original = read(&cloud);
    std::fs::remove_file(&cloud).unwrap();
    watched(&mut c, &[(&cloud, 3)]);
    // The services that depended on it now name a missing one.
    let db = uri(&root.join("services/database-platform.yaml"));
    c.wait_diagnostics(&db, has("unresolved-reference"));

    std::fs::write(&cloud, &original).unwrap();
    let new = root.join("services/zz-new.yaml");
    let product = read(&root.join("products/hr-portal.yaml"))
        .replace("id: hr-portal", "id: new-portal")
        .replace("team: hr-systems", "team: nobody");
    std::fs::write(&new, &product).unwrap();
    watched(&mut c, &[(&cloud, 1), (&new, 1)]);
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service);
    c.open(&service, &text);
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&service)}}),
    );
    c.wait_diagnostics(&uri(&new), has("unresolved-reference"));
    c.wait_diagnostics(&db, |d| d.is_empty());
    // Still answering, about the right files.
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&service)},
               "position": common::lsp::position_of(&text, "service: cloud-hosting", 10)}),
    );
    assert_eq!(def["uri"], uri(&cloud), "{def}");
    assert!(c.shutdown().success());
}

/// A bug in a check, in a handler or in a request costs that one piece of work: it is
/// logged (`window/logMessage`), the catalogue is opened again, and the server goes on
/// with the right findings. The faults are planted (debug builds read the variable).
#[test]
fn a_panic_in_a_check_a_notification_or_a_request_is_logged_and_survived() {
    let (_tmp, root) = catalogue();
    let fault = (
        "CATALINT_LSP_FAULT",
        "check,textDocument/didChange,textDocument/hover",
    );
    let mut c = Client::initialized_with(&root, true, &[fault]);
    let teams = root.join("teams/teams.yaml");
    let text = read(&teams);
    c.open(&teams, &text);
    // The first check panics: logged, and the catalogue opened again with the editor's text.
    c.wait_for(|c, _| {
        c.logs()
            .iter()
            .any(|l| l.contains("fault planted at `check`"))
    });
    let service = uri(&root.join("services/hr-self-service.yaml"));
    // The first edit's handler panics; the next edit is taken in from scratch.
    let text = c.edit(&teams, &text, 2, "id: hr-systems", "id: hr-sytems");
    c.wait_for(|c, _| {
        c.logs()
            .iter()
            .any(|l| l.contains("handling `textDocument/didChange` failed"))
    });
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&teams), "version": 3}, "contentChanges": [{"text": text}]}),
    );
    c.wait_diagnostics(&service, has("unresolved-reference"));
    // A request that panics is an InternalError; the same request next time is answered.
    let at = json!({"textDocument": {"uri": uri(&teams)}, "position": {"line": 4, "character": 3}});
    let r = c.request("textDocument/hover", at.clone());
    assert_eq!(r["error"]["code"], -32603, "{r}");
    assert!(
        c.logs()
            .iter()
            .any(|l| l.contains("answering `textDocument/hover` failed"))
    );
    let r = c.result("textDocument/hover", at);
    assert!(r["contents"]["value"].as_str().is_some(), "{r}");
    // Typed back: the finding goes, so the workspace is the right one.
    c.edit(&teams, &text, 4, "id: hr-sytems", "id: hr-systems");
    c.wait_diagnostics(&service, |d| d.is_empty());
    assert!(c.shutdown().success());
}

/// A client that cannot watch files (Debian's Neovim 0.7): the server looks at the disk
/// itself on a save, on a document opened, and on the first message after a pause, so
/// that `rm`, `sed` and `cp` in a shell are seen, and go-to-definition never opens a
/// deleted file.
#[test]
fn a_client_without_file_watching_still_sees_rm_sed_and_cp() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized_with(&root, false, &[]);
    c.sync();
    assert!(
        c.server_requests
            .iter()
            .all(|r| r["method"] != "client/registerCapability"),
        "nothing to register with a client that cannot watch: {:?}",
        c.server_requests
    );
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service);
    c.open(&service, &text);
    let save = |c: &mut Client| {
        c.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri(&service)}}),
        );
    };

    // `rm` of a file that is not open, then a save of another.
    let cloud = root.join("services/cloud-hosting.yaml");
    let original = read(&cloud);
    std::fs::remove_file(&cloud).unwrap();
    save(&mut c);
    let db = uri(&root.join("services/database-platform.yaml"));
    c.wait_diagnostics(&db, has("unresolved-reference"));
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&service)},
               "position": common::lsp::position_of(&text, "service: cloud-hosting", 10)}),
    );
    assert_eq!(
        def,
        Value::Null,
        "the definition is in a deleted file: {def}"
    );

    // `sed` on a file that is not open, then a document opened.
    let teams = root.join("teams/teams.yaml");
    std::fs::write(
        &teams,
        read(&teams).replace("id: hr-systems", "id: hr-sytems"),
    )
    .unwrap();
    let portal = root.join("products/hr-portal.yaml");
    c.open(&portal, &read(&portal));
    c.wait_diagnostics(&uri(&service), has("unresolved-reference"));

    // `cp`, then the editor is used again after a pause (here: a hover).
    let copy = root.join("products/copy.yaml");
    std::fs::copy(&portal, &copy).unwrap();
    std::fs::write(&cloud, &original).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&service)}, "position": {"line": 0, "character": 0}}),
    );
    // The copy sorts first: the original is the one that uses the id again.
    c.wait_diagnostics(&uri(&portal), has("unique-id"));
    c.wait_diagnostics(&db, |d| d.is_empty());
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&service)},
               "position": common::lsp::position_of(&text, "service: cloud-hosting", 10)}),
    );
    assert_eq!(def["uri"], uri(&cloud), "{def}");
    assert!(c.shutdown().success());
}

fn at(uri: &str, text: &str, needle: &str, plus: usize) -> Value {
    json!({"textDocument": {"uri": uri}, "position": common::lsp::position_of(text, needle, plus)})
}

/// An editor opens `services/` (its own root marker, or the current folder) of a catalogue
/// without `catalint.yaml`: the server checks the catalogue's top, so the teams beside it
/// resolve (issue 26: 17 false `unresolved-reference` errors).
#[test]
fn a_folder_inside_a_catalogue_without_config_checks_the_whole_catalogue() {
    let (_tmp, root) = catalogue();
    let services = root.join("services");
    let mut c = Client::initialized(&services);
    c.sync();
    assert!(
        c.logs()
            .iter()
            .any(|l| l.contains("checking the catalogue at")),
        "{:?}",
        c.logs()
    );
    for (uri, list) in &c.diagnostics {
        assert!(list.is_empty(), "{uri}: {list:?}");
    }
    // And it is the catalogue that is checked: a typo in a team is found in its service.
    let teams = root.join("teams/teams.yaml");
    let text = read(&teams);
    c.open(&teams, &text);
    c.edit(&teams, &text, 2, "id: hr-systems", "id: hr-sytems");
    c.wait_diagnostics(
        &uri(&services.join("hr-self-service.yaml")),
        has("unresolved-reference"),
    );
    assert!(c.shutdown().success());
}

/// Issue 26, point 4, one protocol check each.
#[test]
fn the_smaller_points_of_issue_26() {
    let (_tmp, root) = catalogue();
    std::fs::write(root.join("catalint.yaml"), "rules:\n  sla-defined: error\n").unwrap();
    let mut c = Client::initialized(&root);
    c.sync();

    // `yaml-syntax`: the parser's reason once, not twice.
    let broken = root.join("services/broken.yaml");
    let text = "apiVersion: catalogue/v1\nkind: Service\nmetadata: {id: x\n";
    std::fs::write(&broken, text).unwrap();
    watched(&mut c, &[(&broken, 1)]);
    c.open(&broken, text);
    let d = c.wait_diagnostics(&uri(&broken), has("yaml-syntax"));
    let message = d[0]["message"]
        .as_str()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let reason = message.strip_prefix("invalid YAML: ").unwrap_or(&message);
    assert_eq!(message.matches(reason).count(), 1, "{message}");

    // A binary file is unreadable, from the disk or from the editor.
    let binary = root.join("services/image.yaml");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    watched(&mut c, &[(&binary, 1)]);
    c.wait_diagnostics(&uri(&binary), has("unreadable-file"));
    let sent = root.join("services/sent.yaml");
    std::fs::write(&sent, "kind: Team\n").unwrap();
    watched(&mut c, &[(&sent, 1)]);
    c.open(&sent, "PK\u{3}\u{4}\u{0}\u{0}\u{8}\u{0}: [\n");
    c.wait_diagnostics(&uri(&sent), |d| codes(d) == ["unreadable-file"]);

    // Completion: no key the mapping holds already, no service as its own dependency.
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service);
    let typed = text.replace("  facing: customer-facing\n", "").replace(
        "  supportGroup: service-desk\n",
        "  supportGroup: service-desk\n  \n",
    );
    c.open(&service, &typed);
    let key_at = json!({"textDocument": {"uri": uri(&service)},
        "position": common::lsp::position_of(&typed, "service-desk\n  \n", 15)});
    let items = c.result("textDocument/completion", key_at);
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"facing"), "{labels:?}");
    for present in ["category", "owner", "supportGroup", "lifecycle", "hours"] {
        assert!(
            !labels.contains(&present),
            "{present} offered again: {labels:?}"
        );
    }
    let deps = typed.replace(
        "  supportGroup: service-desk\n  \n",
        "  supportGroup: service-desk\n  dependencies:\n    - service: \n",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&service), "version": 2}, "contentChanges": [{"text": deps}]}),
    );
    let value_at = at(&uri(&service), &deps, "- service: \n", 11);
    let items = c.result("textDocument/completion", value_at);
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"cloud-hosting"), "{labels:?}");
    assert!(!labels.contains(&"hr-self-service"), "itself: {labels:?}");

    // Hover on an enum value: what the field is and what else it allows.
    let hover = c.result(
        "textDocument/hover",
        at(&uri(&service), &deps, "lifecycle: live", 12),
    );
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        value.contains("`live`") && value.contains("retired"),
        "{hover}"
    );
    let hover = c.result(
        "textDocument/hover",
        at(&uri(&service), &deps, "category: business", 11),
    );
    assert!(hover["contents"]["value"].as_str().is_some(), "{hover}");

    // A config broken while edited: its error shows, and the findings stay.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&service), "version": 3}, "contentChanges": [{"text": text.replace("team: hr-systems", "team: nobody")}]}),
    );
    c.wait_diagnostics(&uri(&service), has("unresolved-reference"));
    let config = root.join("catalint.yaml");
    std::fs::write(&config, "rules:\n  no-such-rule: off\n").unwrap();
    watched(&mut c, &[(&config, 2)]);
    c.wait_diagnostics(&uri(&config), |d| !d.is_empty());
    c.sync();
    assert!(
        has("unresolved-reference")(&c.diagnostics[&uri(&service)]),
        "the last good findings went: {:?}",
        c.diagnostics
    );
    std::fs::write(&config, "rules:\n  unresolved-reference: warning\n").unwrap();
    watched(&mut c, &[(&config, 2)]);
    c.wait_diagnostics(&uri(&config), |d| d.is_empty());
    // The new settings apply: the finding is a warning now.
    c.wait_diagnostics(&uri(&service), |d| {
        d.iter()
            .any(|d| d["code"] == "unresolved-reference" && d["severity"] == 2)
    });
    assert!(c.shutdown().success());
}

/// A large document (4 MB; the 20 MB of issue 26 is measured in release, see the book)
/// typed in: the server stays correct (its check waits for a pause in
/// typing, and a burst of keystrokes costs one check) and answers requests meanwhile.
#[test]
fn a_large_document_typed_in_is_checked_after_the_burst() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    c.sync();
    let big = root.join("services/big.yaml");
    let entity = read(&root.join("services/it-consultancy.yaml"));
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 4_000_000 {
        text.push_str("---\n");
        text.push_str(&entity.replace("id: it-consultancy", &format!("id: big-{n}")));
        n += 1;
    }
    std::fs::write(&big, &text).unwrap();
    watched(&mut c, &[(&big, 1)]);
    c.open(&big, &text);
    c.sync();
    let before = c.published.get(&uri(&big)).copied().unwrap_or(0);
    // Ten keystrokes, the last one making an id unresolved.
    let mut version = 2;
    let mut now = text;
    for _ in 0..9 {
        now = c.edit(&big, &now, version, "id: big-0\n", "id: big-0\n");
        version += 1;
    }
    c.edit(&big, &now, version, "team: ", "team: x");
    c.wait_diagnostics(&uri(&big), has("unresolved-reference"));
    let after = c.published[&uri(&big)];
    assert!(
        after - before <= 3,
        "{} publications for one burst",
        after - before
    );
    assert!(c.shutdown().success());
}
