// Drives Debian's chromium (puppeteer-core, no browser download) over two sites that
// `catalint site` built: the golden example and a generated 10,000-service catalogue.
// Run by tests/site.rs; prints one JSON line of measurements and exits non-zero with the
// list of failed checks.
//
//   node site.js GOLDEN_DIR BIG_DIR SHOTS_DIR [SINGLE_FILE] [FINDINGS_DIR]
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");
const puppeteer = require("puppeteer-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [golden, big, shots, single, broken] = process.argv.slice(2).map((p) => (p ? path.resolve(p) : ""));
const failures = [];
const report = {};
function check(ok, what) {
  if (!ok) failures.push(what);
}

async function open(browser, file, opts = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: opts.width || 1280, height: opts.height || 800 });
  if (opts.dark) await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  // Anything but the site's own files is a network request the site must not make.
  page.on("request", (r) => {
    if (!r.url().startsWith("file://") && !r.url().startsWith("data:")) errors.push("network: " + r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.waitForSelector("html[data-ready]", { timeout: 20000 });
  return { page, errors };
}

async function axe(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0] && v.nodes[0].target }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe on ${what}: ${JSON.stringify(bad)}`);
  return result;
}

/// Every local link of a page points at a file that exists (and, with a fragment, at an
/// element of that page).
async function links(page, file, seen) {
  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => new URL(a.getAttribute("href"), document.baseURI).href));
  const targets = [];
  for (const href of hrefs) {
    if (!href.startsWith("file://")) continue;
    const url = new URL(href);
    const target = fileURLToPath(url.href.split("#")[0]);
    if (!fs.existsSync(target)) {
      failures.push(`broken link in ${path.basename(file)}: ${href}`);
      continue;
    }
    if (url.hash && target === file) {
      const id = decodeURIComponent(url.hash.slice(1));
      const found = await page.evaluate((i) => !!document.getElementById(i), id);
      check(found, `broken anchor in ${path.basename(file)}: ${url.hash}`);
    }
    if (!seen.has(target)) {
      seen.add(target);
      targets.push(target);
    }
  }
  return targets;
}

async function goldenSite(browser) {
  const index = path.join(golden, "index.html");
  // Every page, reached by following links from the index: no console error, no broken link.
  const seen = new Set([index]);
  const queue = [index];
  let pages = 0;
  while (queue.length) {
    const file = queue.shift();
    const { page, errors } = await open(browser, file);
    check(errors.length === 0, `console errors on ${path.relative(golden, file)}: ${errors.join("; ")}`);
    queue.push(...(await links(page, file, seen)));
    pages += 1;
    await page.close();
  }
  report.goldenPages = pages;
  const expected = fs.readdirSync(path.join(golden, "service")).length;
  check(seen.has(path.join(golden, "service", "hr-self-service.html")), "the index links every service page");

  // Search by part of a name.
  {
    const { page } = await open(browser, index);
    await page.type("#q", "self-serv");
    await page.waitForFunction(() => document.querySelectorAll("#list tbody tr").length === 1, { timeout: 5000 }).catch(() => {});
    const rows = await page.$$eval("#list tbody tr a", (as) => as.map((a) => a.textContent));
    check(rows.length === 1 && rows[0] === "HR Self-Service", `search "self-serv" found ${JSON.stringify(rows)}`);
    // A filter: only teams.
    await page.click("#q", { clickCount: 3 });
    await page.keyboard.press("Backspace");
    await page.select("#f-kind", await page.$eval("#f-kind", (s) => [...s.options].find((o) => o.textContent === "Team").value));
    await page.waitForFunction(() => [...document.querySelectorAll("#list tbody tr td:nth-child(2)")].every((td) => td.textContent === "Team"));
    const teams = await page.$$eval("#list tbody tr", (rs) => rs.length);
    check(teams === 6, `kind filter Team shows ${teams} rows, not 6`);
    await page.select("#f-kind", "");
    // Keyboard: "/" focuses the search box.
    await page.click("h1");
    await page.keyboard.press("/");
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    check(focused === "q", `"/" focuses the search box (focus on ${focused})`);
    await axe(page, "the index");
    await page.evaluate(() => { document.getElementById("q").value = ""; document.getElementById("q").dispatchEvent(new Event("input")); document.activeElement.blur(); });
    await new Promise((r) => setTimeout(r, 100));
    await page.screenshot({ path: path.join(shots, "site-index.png") });
    await page.close();
  }
  // The service page: its SLA table, the availability it promises.
  {
    const { page } = await open(browser, path.join(golden, "service", "hr-self-service.html"));
    const sla = await page.$$eval("table.sla tbody tr", (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
    check(JSON.stringify(sla) === JSON.stringify([["P1", "15m", "4h"], ["P2", "30m", "8h"], ["P3", "4h", "3d"], ["P4", "1d", "2w"]]),
      `the SLA table of hr-self-service: ${JSON.stringify(sla)}`);
    const headers = await page.$$eval("table.sla thead th", (hs) => hs.map((h) => h.textContent));
    check(headers.join() === "Priority,Response,Resolution", `SLA headers ${headers}`);
    await axe(page, "a service page");
    // Printed: no navigation or controls, the content whole.
    await page.emulateMediaType("print");
    const printed = await page.evaluate(() => [getComputedStyle(document.querySelector("header.top")).display, getComputedStyle(document.querySelector("table.sla")).display]);
    check(printed[0] === "none" && printed[1] !== "none", `printing hides the header and keeps the SLA table (${printed})`);
    await page.emulateMediaType(null);
    await page.setViewport({ width: 1280, height: 1500 });
    await page.screenshot({ path: path.join(shots, "site-service.png"), fullPage: false });
    await page.close();
  }
  // The map: one node per entity, each a link to its page.
  {
    const { page } = await open(browser, path.join(golden, "map.html"));
    const hrefs = await page.$$eval("svg.graph a.node", (as) => as.map((a) => a.getAttribute("href")));
    const entities = ["service", "product", "team"].map((d) => fs.readdirSync(path.join(golden, d)).length).reduce((a, b) => a + b, 0);
    check(hrefs.length === entities && new Set(hrefs).size === entities, `the map has ${hrefs.length} nodes (${new Set(hrefs).size} distinct) for ${entities} entities`);
    report.goldenMapNodes = hrefs.length;
    await axe(page, "the map");
    await page.screenshot({ path: path.join(shots, "site-map.png") });
    await page.close();
  }
  // Dark mode: readable (axe checks its contrast too).
  {
    const d = await open(browser, index, { dark: true });
    await d.page.screenshot({ path: path.join(shots, "site-index-dark.png") });
    await d.page.close();
    const { page } = await open(browser, path.join(golden, "service", "hr-self-service.html"), { dark: true });
    await axe(page, "a service page in dark mode");
    await page.close();
    const t = await open(browser, path.join(golden, "team", "hr-systems.html"), { dark: true });
    await axe(t.page, "a team page in dark mode");
    await t.page.close();
  }
  report.goldenServices = expected;
}

/// The single-file site: the index shown first, each page a section reached by its anchor.
async function singleFile(browser) {
  const { page, errors } = await open(browser, single);
  const visible = (id) => page.evaluate((i) => {
    const s = document.getElementById(i);
    return !!s && getComputedStyle(s).display !== "none";
  }, id);
  check(await visible("index"), "the single file shows its index first");
  await page.type("#q", "self-serv");
  await page.waitForFunction(() => document.querySelectorAll("#list tbody tr").length === 1, { timeout: 5000 }).catch(() => {});
  // The list is redrawn once per frame while typing: follow the link from inside the page.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  await page.evaluate(() => document.querySelector("#list tbody tr a").click());
  await page.waitForFunction(() => location.hash === "#service/hr-self-service", { timeout: 5000 }).catch(() => {});
  check(await visible("service/hr-self-service") && !(await visible("index")),
    "a row's link shows that service's section alone");
  const sla = await page.$$eval("[id='service/hr-self-service'] table.sla tbody tr", (rs) => rs.length);
  check(sla === 4, `the single file's service section has its SLA table (${sla} rows)`);
  const title = await page.title();
  check(title.startsWith("HR Self-Service"), `the single file names the shown page (${title})`);
  const anchors = await page.$$eval("a[href^='#']", (as) => as.map((a) => a.getAttribute("href").slice(1)).filter(Boolean));
  const missing = await page.evaluate((ids) => ids.filter((i) => i !== "main" && !document.getElementById(decodeURIComponent(i))), anchors);
  check(missing.length === 0, `single-file anchors without a section: ${missing.slice(0, 5).join(", ")}`);
  check(errors.length === 0, `console errors in the single file: ${errors.join("; ")}`);
  report.singleFileAnchors = anchors.length;
  await page.close();
}

/// A catalogue with findings (a dependency cycle): its pages show them, and stay usable.
async function findingsSite(browser) {
  for (const file of ["findings.html", "service/a.html", "map.html"]) {
    const { page, errors } = await open(browser, path.join(broken, file));
    check(errors.length === 0, `console errors on ${file} of a broken catalogue: ${errors.join("; ")}`);
    await links(page, path.join(broken, file), new Set());
    if (file !== "map.html") {
      const snippets = await page.$$eval("pre.snippet", (ps) => ps.map((p) => p.textContent));
      check(snippets.some((t) => t.includes("dependency-cycle")), `${file} shows the finding's snippet`);
    } else {
      const cycle = await page.$$eval("svg.graph path.cycle", (ps) => ps.length);
      check(cycle >= 3, `the map marks the cycle's edges (${cycle})`);
    }
    await axe(page, `${file} of a broken catalogue`);
    await page.close();
  }
}

async function bigSite(browser) {
  const index = path.join(big, "index.html");
  const size = ["index.html", "assets/site.css", "assets/site.js"].map((f) => fs.statSync(path.join(big, f)).size).reduce((a, b) => a + b, 0);
  report.bigIndexBytes = size;
  check(size < 2 * 1024 * 1024, `the 10k index and its assets are ${size} bytes, over 2 MB`);
  // Time to interactive: from navigation start to the script's first drawn, filterable list.
  const times = [];
  for (let i = 0; i < 3; i++) {
    const { page, errors } = await open(browser, index);
    check(errors.length === 0, `console errors on the 10k index: ${errors.join("; ")}`);
    times.push(Number(await page.evaluate(() => document.documentElement.dataset.ready)));
    if (i === 0) {
      await page.select("#f-findings", "none");
      await page.type("#q", "svc-12");
      await page.waitForFunction(() => /match/.test(document.getElementById("count").textContent));
      await page.evaluate(() => document.activeElement.blur());
      await page.screenshot({ path: path.join(shots, "site-index-10k.png") });
    }
    if (i === 2) {
      const rows = await page.evaluate(() => JSON.parse(document.getElementById("catalogue-data").textContent).rows.length);
      report.bigEntities = rows;
      // Search by part of a name, timed.
      const target = await page.evaluate(() => {
        const rows = JSON.parse(document.getElementById("catalogue-data").textContent).rows;
        return rows.find((r) => r[0] === 1 || r[1].includes("svc")) || rows[Math.floor(rows.length / 2)];
      });
      const needle = target[1].slice(2, -1);
      const start = Date.now();
      await page.type("#q", needle);
      await page.waitForFunction((id) => [...document.querySelectorAll("#list tbody tr .id, #list tbody tr a")].some((e) => e.textContent === id), { timeout: 5000 }, target[1]).catch(() => {});
      report.bigSearchMs = Date.now() - start;
      const found = await page.$$eval("#list tbody tr", (rs, id) => rs.some((r) => r.textContent.includes(id)), target[1]);
      check(found, `search "${needle}" in the 10k index finds ${target[1]}`);
      const seen = new Set([index]);
      await links(page, index, seen);
      await axe(page, "the 10k index");
    }
    await page.close();
  }
  times.sort((a, b) => a - b);
  report.bigInteractiveMs = times[1];
  check(times[1] < 1000, `the 10k index is interactive after ${times[1]} ms (median of 3), over 1 s`);
  // A service page of the big catalogue.
  const dir = path.join(big, "service");
  const one = fs.readdirSync(dir).sort()[0];
  const { page, errors } = await open(browser, path.join(dir, one));
  check(errors.length === 0, `console errors on a 10k service page: ${errors.join("; ")}`);
  await links(page, path.join(dir, one), new Set());
  await page.close();
  // The whole map: one node per entity.
  const m = await open(browser, path.join(big, "map.html"));
  check(m.errors.length === 0, `console errors on the 10k map: ${m.errors.join("; ")}`);
  const nodes = await m.page.$$eval("svg.graph a.node", (as) => as.length);
  report.bigMapNodes = nodes;
  check(nodes === report.bigEntities, `the 10k map has ${nodes} nodes for ${report.bigEntities} entities`);
  report.bigMapBytes = fs.statSync(path.join(big, "map.html")).size;
  await m.page.close();
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "catalint-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    userDataDir: profile,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  try {
    fs.mkdirSync(shots, { recursive: true });
    await goldenSite(browser);
    if (single) await singleFile(browser);
    if (broken) await findingsSite(browser);
    if (big) await bigSite(browser);
  } catch (e) {
    failures.push("the driver failed: " + (e && e.stack || e));
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ report, failures }));
  process.exit(failures.length ? 1 : 0);
})();
