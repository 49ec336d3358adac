//! Protocol tests: the real `catalint lsp` driven over stdio with JSON-RPC, on a copy of the
//! example catalogue (`fixtures/catalogue`).

mod common;

use common::lsp::{Client, catalogue, has, position_of, read, uri};
use serde_json::{Value, json};

#[test]
fn a_team_id_broken_in_one_file_is_reported_in_others_and_cleared_when_fixed() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let teams = root.join("teams/teams.yaml");
    let text = read(&teams);
    c.open(&teams, &text);
    let text = c.edit(&teams, &text, 2, "id: hr-systems", "id: hr-sytems");

    let service = uri(&root.join("services/hr-self-service.yaml"));
    let found = c.wait_diagnostics(&service, has("unresolved-reference"));
    let d = found
        .iter()
        .find(|d| d["code"] == "unresolved-reference")
        .unwrap();
    // `    team: hr-systems` is line 17 (0-based 16), the value from column 10.
    assert_eq!(
        d["range"]["start"],
        json!({"line": 16, "character": 10}),
        "{d}"
    );
    assert_eq!(
        d["range"]["end"],
        json!({"line": 16, "character": 20}),
        "{d}"
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "catalint");
    let href = d["codeDescription"]["href"].as_str().unwrap();
    assert!(
        href.ends_with("/docs/src/rules/unresolved-reference.md"),
        "{href}"
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `hr-sytems`?"),
        "{d}"
    );
    // The other files that name the team got theirs too.
    for f in [
        "services/payroll-application.yaml",
        "products/hr-portal.yaml",
        "products/payroll-app.yaml",
    ] {
        c.wait_diagnostics(&uri(&root.join(f)), has("unresolved-reference"));
    }

    // Fixing the id in teams.yaml clears every one of them.
    c.edit(&teams, &text, 3, "id: hr-sytems", "id: hr-systems");
    for f in [
        "services/hr-self-service.yaml",
        "services/payroll-application.yaml",
        "products/hr-portal.yaml",
        "products/payroll-app.yaml",
    ] {
        c.wait_diagnostics(&uri(&root.join(f)), |d| d.is_empty());
    }
    assert!(c.shutdown().success());
}

#[test]
fn related_places_and_utf16_columns() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let app = root.join("products/payroll-app.yaml");
    let text = read(&app);
    c.open(&app, &text);
    // The same id as another product: `unique-id`, with the first one as a related place.
    let text = c.edit(&app, &text, 2, "id: payroll-app", "id: hr-portal");
    let found = c.wait_diagnostics(&uri(&app), has("unique-id"));
    let d = found.iter().find(|d| d["code"] == "unique-id").unwrap();
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(
        related[0]["location"]["uri"],
        uri(&root.join("products/hr-portal.yaml")),
        "{d}"
    );
    assert_eq!(related[0]["location"]["range"]["start"]["line"], 3);

    // A value with a character outside the BMP: two UTF-16 code units.
    c.edit(&app, &text, 3, "team: hr-systems", "team: \"h😀\"");
    let found = c.wait_diagnostics(&uri(&app), |d| {
        d.iter().any(|d| d["range"]["start"]["line"] == 10)
    });
    let d = found
        .iter()
        .find(|d| d["range"]["start"]["line"] == 10)
        .unwrap();
    assert_eq!(d["range"]["start"]["character"], 8, "{d}");
    assert_eq!(d["range"]["end"]["character"], 8 + 5, "{d}");
}

#[test]
fn files_changed_on_disk_and_the_config_are_picked_up() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    c.sync();
    let registration = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("the watcher is registered dynamically");
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );

    // A new file on disk that names a team that does not exist.
    let new = root.join("products/new.yaml");
    let product = read(&root.join("products/hr-portal.yaml"))
        .replace("id: hr-portal", "id: new-portal")
        .replace("team: hr-systems", "team: nobody");
    std::fs::write(&new, &product).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&new), "type": 1}]}),
    );
    c.wait_diagnostics(&uri(&new), has("unresolved-reference"));

    // The config turns the rule off: the finding goes.
    let config = root.join("catalint.yaml");
    std::fs::write(&config, "rules:\n  unresolved-reference: off\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 1}]}),
    );
    c.wait_diagnostics(&uri(&new), |d| d.is_empty());

    // A broken config is shown in the config file itself.
    std::fs::write(&config, "rules:\n  no-such-rule: off\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    c.wait_diagnostics(&uri(&config), |d| !d.is_empty());
    // Fixed again: checked again.
    std::fs::remove_file(&config).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 3}]}),
    );
    c.wait_diagnostics(&uri(&config), |d| d.is_empty());
    c.wait_diagnostics(&uri(&new), has("unresolved-reference"));

    // Deleted: its findings go.
    std::fs::remove_file(&new).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&new), "type": 3}]}),
    );
    c.wait_diagnostics(&uri(&new), |d| d.is_empty());
}

#[test]
fn definition_references_and_symbols() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service);
    let teams = uri(&root.join("teams/teams.yaml"));

    let at = |needle: &str, plus: usize| json!({"textDocument": {"uri": uri(&service)}, "position": position_of(&text, needle, plus)});
    let def = c.result("textDocument/definition", at("team: hr-systems", 8));
    assert_eq!(def["uri"], teams, "{def}");
    assert_eq!(def["range"]["start"], json!({"line": 4, "character": 6}));
    assert_eq!(def["range"]["end"], json!({"line": 4, "character": 16}));
    // A dependency, a product and an offering named by a request.
    let dep = c.result(
        "textDocument/definition",
        at("service: identity-and-access", 12),
    );
    assert_eq!(
        dep["uri"],
        uri(&root.join("services/identity-and-access.yaml"))
    );
    let product = c.result("textDocument/definition", at("product: hr-portal", 10));
    assert_eq!(product["uri"], uri(&root.join("products/hr-portal.yaml")));
    let offering = c.result(
        "textDocument/definition",
        at("{offering: Payslip correction", 12),
    );
    let line = text[..text.find("- name: Payslip correction").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(offering["range"]["start"]["line"], line);
    // Nothing to go to on a plain value.
    let none = c.result("textDocument/definition", at("category: business", 11));
    assert_eq!(none, Value::Null);

    let refs = c.result(
        "textDocument/references",
        json!({
            "textDocument": {"uri": teams},
            "position": {"line": 4, "character": 8},
            "context": {"includeDeclaration": true},
        }),
    );
    let mut files: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "hr-portal.yaml",
            "hr-self-service.yaml",
            "payroll-app.yaml",
            "payroll-application.yaml",
            "payroll-application.yaml",
            "teams.yaml"
        ]
    );

    let symbols = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": teams}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "hr-systems",
            "platform-engineering",
            "service-desk",
            "security-operations",
            "workplace-services",
            "consulting-practice"
        ]
    );
    assert_eq!(symbols[0]["detail"], "Team: HR Systems");
    let offerings = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&service)}}),
    );
    assert_eq!(offerings[0]["children"][1]["name"], "Payslip correction");

    let found = c.result("workspace/symbol", json!({"query": "PAYROLL"}));
    let mut ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["payroll-app", "payroll-application"]);
}

#[test]
fn hover_on_references_keys_suppressions_and_findings() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service).replace(
        "  supportGroup: service-desk",
        "  # catalint-disable-next-line sla-defined -- reviewed\n  supportGroup: service-desk",
    );
    c.open(&service, &text);
    let mut hover = |needle: &str, plus: usize| -> String {
        let r = c.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&service)}, "position": position_of(&text, needle, plus)}),
        );
        r["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let team = hover("team: hr-systems", 9);
    assert!(team.contains("**Team** `hr-systems`: HR Systems"), "{team}");
    assert!(team.contains("manager: priya.shah@example.org"), "{team}");
    assert!(team.contains("teams/teams.yaml:5"), "{team}");
    let dep = hover("service: cloud-hosting", 10);
    assert!(dep.contains("**Service** `cloud-hosting`"), "{dep}");
    assert!(dep.contains("owner: team `platform-engineering`"), "{dep}");
    let key = hover("  criticality: 2", 4);
    assert!(key.contains("`criticality`: how critical it is"), "{key}");
    let rule = hover("sla-defined", 3);
    assert!(rule.contains("**`sla-defined`**"), "{rule}");
    // The unused suppression is a finding: hovering it names both rules.
    assert!(rule.contains("**`unused-suppression`**"), "{rule}");
}

#[test]
fn quick_fixes_fix_all_and_suppression() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service)
        .replace("    team: hr-systems", "    team: hr-sytems")
        .replace("tags: [hr, self-service]", "tags: [hr, no]");
    c.open(&service, &text);
    let u = uri(&service);
    c.wait_diagnostics(&u, has("unresolved-reference"));
    let start = position_of(&text, "hr-sytems", 0);
    let actions = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": {"start": start, "end": start}, "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("`hr-systems`"))
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert!(fix["title"].as_str().unwrap().contains("(unsafe"), "{fix}");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], false);
    assert_eq!(fix["diagnostics"][0]["code"], "unresolved-reference");
    let edit = &fix["edit"]["changes"][&u][0];
    assert_eq!(edit["newText"], "hr-systems");
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress `unresolved-reference` on this line")
        .unwrap_or_else(|| panic!("{titles:?}"));
    let edit = &suppress["edit"]["changes"][&u][0];
    assert_eq!(
        edit["newText"],
        "    # catalint-disable-next-line unresolved-reference\n"
    );
    assert_eq!(edit["range"]["start"], json!({"line": 16, "character": 0}));

    // Only source actions asked for: the safe fix of the whole file, not the unsafe one.
    let all = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll.catalint");
    let edits = all[0]["edit"]["changes"][&u].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["newText"], "\"no\"");
}

#[test]
fn rename_changes_the_id_and_every_reference_across_files() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service);
    let at = position_of(&text, "team: hr-systems", 8);
    let prepared = c.result(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri(&service)}, "position": at}),
    );
    assert_eq!(prepared["placeholder"], "hr-systems");
    let edit = c.result(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&service)}, "position": at, "newName": "hr-platform"}),
    );
    let changes = edit["changes"].as_object().unwrap();
    let count = |f: &str| {
        changes
            .get(&uri(&root.join(f)))
            .map_or(0, |e| e.as_array().unwrap().len())
    };
    assert_eq!(count("teams/teams.yaml"), 1);
    assert_eq!(count("services/hr-self-service.yaml"), 1);
    assert_eq!(count("services/payroll-application.yaml"), 2);
    assert_eq!(count("products/hr-portal.yaml"), 1);
    assert_eq!(count("products/payroll-app.yaml"), 1);
    assert_eq!(changes.len(), 5);
    assert!(
        changes
            .values()
            .flat_map(|e| e.as_array().unwrap())
            .all(|e| e["newText"] == "hr-platform")
    );

    let bad = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&service)}, "position": at, "newName": "HR Platform"}),
    );
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let taken = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&service)}, "position": at, "newName": "service-desk"}),
    );
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already"),
        "{taken}"
    );
}

#[test]
fn completion_in_a_half_typed_file() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let service = root.join("services/hr-self-service.yaml");
    // Cut after the owner, with a half-typed support group: the file does not parse.
    let full = read(&service);
    let cut = full.find("  supportGroup:").unwrap();
    let text = format!(
        "{}  supportGroup: serv\n  hours: {{service: [\n",
        &full[..cut]
    );
    c.open(&service, &text);
    c.wait_diagnostics(&uri(&service), has("yaml-syntax"));
    let complete = |c: &mut Client, needle: &str, plus: usize, text: &str| -> Vec<Value> {
        let r = c.result(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&service)}, "position": position_of(text, needle, plus)}),
        );
        r["items"].as_array().cloned().unwrap_or_default()
    };
    let items = complete(&mut c, "supportGroup: serv", 18, &text);
    let desk = items.iter().find(|i| i["label"] == "service-desk").unwrap();
    assert_eq!(desk["detail"], "IT Service Desk");
    assert_eq!(desk["textEdit"]["newText"], "service-desk");
    assert!(
        items.iter().all(|i| i["label"] != "hr-portal"),
        "teams only"
    );

    let items = complete(&mut c, "category: business", 10, &text);
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(
        labels.contains(&"business") && labels.contains(&"professional"),
        "{labels:?}"
    );
    let items = complete(&mut c, "lifecycle: live", 11, &text);
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["pipeline", "live", "deprecated", "retired"]);

    // A key half-typed under `spec`, and a priority in a flow mapping.
    let text = text.replace(
        "  supportGroup: serv\n",
        "  supportGroup: service-desk\n  depend\n",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&service), "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let items = complete(&mut c, "  depend", 8, &text);
    let dep = items.iter().find(|i| i["label"] == "dependencies").unwrap();
    assert_eq!(dep["textEdit"]["newText"], "dependencies: ");
    assert!(dep["documentation"].as_str().is_some(), "{dep}");
    let text = text.replace("  depend\n", "  dependencies:\n    - {service: clo\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&service), "version": 3}, "contentChanges": [{"text": text}]}),
    );
    let items = complete(&mut c, "{service: clo", 13, &text);
    assert_eq!(items[0]["label"], "cloud-hosting", "{items:?}");
}

#[test]
fn protocol_order_shutdown_and_exit() {
    let (_tmp, root) = catalogue();
    // A request before `initialize`: ServerNotInitialized.
    let mut c = Client::start(&root);
    let early = c.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    // `exit` without `shutdown`: exit code 1.
    let r = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    assert_eq!(r["result"]["capabilities"]["textDocumentSync"]["change"], 2);
    c.notify("initialized", json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));

    // After `shutdown` only `exit`: other requests are invalid.
    let mut c = Client::initialized(&root);
    assert_eq!(c.request("shutdown", Value::Null)["result"], Value::Null);
    let late = c.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(0));

    // The client goes away without a word: the server ends.
    let mut c = Client::initialized(&root);
    c.close_stdin();
    assert_eq!(c.wait_exit().code(), Some(1));
}

#[test]
fn bad_input_gets_an_error_or_a_diagnostic_never_a_crash() {
    let (tmp, root) = catalogue();
    // A file that is not UTF-8, on disk from the start.
    let latin1 = root.join("services/latin1.yaml");
    std::fs::write(
        &latin1,
        b"apiVersion: catalogue/v1\nkind: Service\nmetadata: {id: caf\xe9}\n",
    )
    .unwrap();
    let mut c = Client::initialized(&root);
    c.wait_diagnostics(&uri(&latin1), has("unreadable-file"));

    // A buffer that is no file (issue 26: it was an error reply): an empty answer to each
    // request an editor sends for a YAML buffer.
    let nowhere = json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}});
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "yaml", "version": 1, "text": "kind: Service\n"}}),
    );
    for method in [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
    ] {
        let r = c.request(method, nowhere.clone());
        assert_eq!(r["result"], Value::Null, "{method}: {r}");
    }
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "untitled:Untitled-1"}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    // Bad parameters, an unknown method.
    let r = c.request("textDocument/definition", json!({"textDocument": 7}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request("catalint/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A URI the client cannot even spell is a bad parameter too.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///%zz"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");

    // A document outside the workspace: a note, and no answers about it.
    let outside = tmp.path().join("elsewhere.yaml");
    std::fs::write(&outside, "a: 1\n").unwrap();
    c.open(&outside, "a: 1\n");
    let note = c.wait_diagnostics(&uri(&outside), |d| !d.is_empty());
    assert_eq!(note[0]["severity"], 3);
    assert!(
        note[0]["message"]
            .as_str()
            .unwrap()
            .contains("outside the workspace")
    );
    let r = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&outside)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r, Value::Null);

    // Edits to a document never opened, and ranges far outside the text.
    let service = root.join("services/hr-self-service.yaml");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&root.join("nope.yaml")), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": "x"}]}),
    );
    let text = read(&service);
    c.open(&service, &text);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&service), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 9999, "character": 9999}, "end": {"line": 0, "character": 99999}}, "text": "\n# end\n"}]}),
    );
    let r = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&service)}, "position": {"line": 99999, "character": 99999}}),
    );
    assert_eq!(r, Value::Null);
    // A malformed message body is not a crash: the server answers what follows.
    c.send_raw("{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didOpen\", \"params\": 3}");

    // A 50 MB document: read, checked, and the server still answers.
    let big = root.join("services/big.yaml");
    std::fs::write(&big, "a: 1\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&big), "type": 1}]}),
    );
    c.sync();
    let line = format!("# {}\n", "x".repeat(98));
    let text = format!(
        "apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: big, name: Big}}\nspec: {{email: big@example.org}}\n{}",
        line.repeat(50 * 1024 * 1024 / line.len())
    );
    assert!(text.len() > 50_000_000);
    c.open(&big, &text);
    let symbols = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&big)}}),
    );
    assert_eq!(symbols[0]["name"], "big");
    assert!(c.shutdown().success());
}

#[test]
fn a_burst_of_keystrokes_is_checked_up_to_the_last_one() {
    let (_tmp, root) = catalogue();
    let mut c = Client::initialized(&root);
    let teams = root.join("teams/teams.yaml");
    let mut text = read(&teams);
    c.open(&teams, &text);
    // Twenty keystrokes sent without waiting: the server takes what is queued together.
    let mut id = "hr-systems".to_owned();
    for version in 2..22 {
        let next = format!("{id}x");
        text = c.edit(
            &teams,
            &text,
            version,
            &format!("id: {id}\n"),
            &format!("id: {next}\n"),
        );
        id = next;
    }
    let service = uri(&root.join("services/hr-self-service.yaml"));
    c.wait_diagnostics(&service, has("unresolved-reference"));
    let symbols = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&teams)}}),
    );
    assert_eq!(symbols[0]["name"], id);
    let checks = c.published[&service];
    assert!(checks <= 20, "{checks} publications for 20 keystrokes");
    // Typed back: one more check, and the finding goes.
    c.edit(
        &teams,
        &text,
        22,
        &format!("id: {id}\n"),
        "id: hr-systems\n",
    );
    c.wait_diagnostics(&service, |d| d.is_empty());
}

#[test]
fn a_custom_rule_reference_navigates_and_completes_and_priorities_complete() {
    let (_tmp, root) = catalogue();
    std::fs::write(root.join("catalint.yaml"), "policy: policy.yaml\n").unwrap();
    std::fs::write(
        root.join("policy.yaml"),
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: house, name: House}\nspec:\n  \
         extends: default\n  customRules:\n    - id: tags-name-services\n      summary: a \
         product's tags name services\n      appliesTo: {kind: Product}\n      references:\n        \
         - {path: /metadata/tags, kind: Service}\n      message: \"{value} is no service\"\n",
    )
    .unwrap();
    let mut c = Client::initialized(&root);
    let product = root.join("products/hr-portal.yaml");
    let text = read(&product).replace(
        "  name: HR Portal\n",
        "  name: HR Portal\n  tags: [hr-self-service, nothing]\n",
    );
    c.open(&product, &text);
    // The custom rule's finding, with its policy file as the rule's documentation.
    let found = c.wait_diagnostics(&uri(&product), has("tags-name-services"));
    assert_eq!(
        found[0]["codeDescription"]["href"],
        uri(&root.join("policy.yaml"))
    );
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&product)}, "position": position_of(&text, "[hr-self", 3)}),
    );
    assert_eq!(
        def["uri"],
        uri(&root.join("services/hr-self-service.yaml")),
        "{def}"
    );
    let typed = text.replace("nothing]", "payroll-a]");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&product), "version": 2}, "contentChanges": [{"text": typed}]}),
    );
    let items = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&product)}, "position": position_of(&typed, "payroll-a]", 9)}),
    );
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["payroll-application"]);

    // Incident priorities come from the policy.
    let service = root.join("services/hr-self-service.yaml");
    let text = read(&service).replace("{priority: P4,", "{priority: ");
    c.open(&service, &text);
    let items = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&service)}, "position": position_of(&text, "{priority: ", 11)}),
    );
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["P1", "P2", "P3", "P4"]);
}
