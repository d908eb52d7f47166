// Opens a proscribe HTML report in headless Chromium and reports, as JSON on stdout, what a
// person sees: title, summary numbers, rows, what sorting and filtering do, the details of
// a finding, print layout, the page without JavaScript, console errors and every network
// request (there must be none: the report is self-contained).
//
// Usage: node check_report.mjs REPORT.html SCREENSHOT.png
// Env:   PROSCRIBE_BROWSER_MODULES  folder holding node_modules/playwright-core
//        PROSCRIBE_CHROMIUM         the browser (default /usr/bin/chromium)
//        PROSCRIBE_LOAD_ONLY=1      only measure load-to-interactive (for bench/html.sh)
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [reportPath, shotPath] = process.argv.slice(2);
if (!reportPath) {
  console.error("usage: node check_report.mjs REPORT.html [SCREENSHOT.png]");
  process.exit(2);
}
const modules = process.env.PROSCRIBE_BROWSER_MODULES;
const require = createRequire(join(resolve(modules || "."), "package.json"));
const { chromium } = require("playwright-core");

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const url = pathToFileURL(resolve(reportPath)).href;
const profiles = [];

/// A browser with a fresh profile; every request that is not file: is recorded and aborted.
async function open(javaScriptEnabled) {
  const dir = mkdtempSync(join(tmpdir(), "proscribe-browser-"));
  profiles.push(dir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.PROSCRIBE_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    javaScriptEnabled,
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
  });
  const seen = { requests: [], blocked: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file:")) return route.continue();
    seen.blocked.push(u);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") seen.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss(); });
  return { context, page, seen };
}

/// What the visible table shows: one array of cell texts per finding row.
async function rows(page) {
  return page.$$eval("#ft tbody tr.f", (trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
}

const out = {};
try {
  const { context, page, seen } = await open(true);
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load", timeout: 120000 });
  await page.waitForFunction(() => window.proscribeReady !== undefined, null, { timeout: 120000 });
  out.loadToInteractiveMs = Date.now() - t0;
  out.readyAtMs = await page.evaluate(() => Math.round(window.proscribeReady));
  if (process.env.PROSCRIBE_LOAD_ONLY) {
    // Time a sort and a filter over every finding too: the page must stay usable.
    let t = Date.now();
    await page.click('#ft th[data-key="item"] button');
    out.sortMs = Date.now() - t;
    // Filtering waits for a 200 ms pause in typing on large reports; that is included.
    const before = await page.innerText("#shown");
    t = Date.now();
    await page.fill("#q", "kaspersky");
    await page.waitForFunction((b) => document.querySelector("#shown").innerText !== b, before);
    out.filterMs = Date.now() - t;
    out.shown = await page.innerText("#shown");
    out.rowsShown = (await rows(page)).length;
    out.requests = seen.requests.filter((u) => !u.startsWith("file:"));
    out.consoleErrors = seen.consoleErrors.concat(seen.pageErrors);
    await context.close();
    console.log(JSON.stringify(out));
    process.exit(0);
  }
  out.title = await page.title();
  out.h1 = (await page.innerText("h1")).trim();
  out.cards = await page.$$eval(".card", (cs) =>
    Object.fromEntries(cs.map((c) => [c.id.replace("card-", ""), Number(c.querySelector(".n").innerText.replace(/\D/g, ""))])));
  out.charts = await page.$$eval("figure.chart", (fs) =>
    fs.map((f) => ({ id: f.id, caption: f.querySelector("figcaption").innerText, bars: f.querySelectorAll("rect.bar, circle.dl").length })));
  out.headers = await page.$$eval("#ft th", (ths) => ths.map((th) => th.innerText.trim()));
  out.shown = (await page.innerText("#shown")).trim();
  out.rows = await rows(page);
  out.errorsSection = await page.$$eval("section.errors li", (lis) => lis.map((li) => li.innerText));
  out.warningsSection = await page.$$eval("section.warnings li", (lis) => lis.map((li) => li.innerText));

  // Sorting: the item column, descending on the second click.
  await page.click('#ft th[data-key="where"] button');
  out.sortedByWhere = await rows(page);
  out.ariaSortWhere = await page.getAttribute('#ft th[data-key="where"]', "aria-sort");
  await page.click('#ft th[data-key="where"] button');
  out.sortedByWhereDesc = await rows(page);

  // Filtering: text, then a status with no findings, then back.
  await page.fill("#q", "klnagent");
  await page.waitForTimeout(300);
  out.filteredText = await rows(page);
  await page.fill("#q", "");
  await page.selectOption("#fs", "1");
  out.filteredRestricted = await rows(page);
  out.noMatchVisible = await page.isVisible("#nomatch");
  await page.selectOption("#fs", "");
  await page.check("#fo");
  out.filteredOverdue = (await rows(page)).length;
  await page.uncheck("#fo");
  await page.waitForTimeout(100);

  // Details of the first kesl row.
  const kesl = page.locator("#ft tbody tr.f", { hasText: "kesl" }).first();
  await kesl.click();
  const det = page.locator("#ft tbody tr.det").first();
  out.details = {
    visible: await det.isVisible(),
    text: await det.innerText(),
    links: await det.locator("a").evaluateAll((as) => as.map((a) => a.href)),
  };
  out.injected = await page.evaluate(() => window.pwned === 1 || document.querySelectorAll("main script, main img, main iframe").length > 0);
  out.layout = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (shotPath) await page.screenshot({ path: shotPath, fullPage: true });

  // Print: no controls, every row expanded.
  await page.emulateMedia({ media: "print" });
  await page.waitForTimeout(100);
  out.print = {
    controlsVisible: await page.isVisible(".controls"),
    pagerVisible: await page.isVisible(".pager"),
    rows: await page.locator("#ft tbody tr.f").count(),
    detailsVisible: await page.locator("#ft tbody tr.det").evaluateAll((ds) =>
      ds.filter((d) => getComputedStyle(d).display !== "none").length),
  };
  if (shotPath) await page.screenshot({ path: shotPath.replace(/\.png$/, "-print.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  out.requests = seen.requests.filter((u) => !u.startsWith("file:"));
  out.blocked = seen.blocked;
  out.consoleErrors = seen.consoleErrors.concat(seen.pageErrors);
  out.dialogs = seen.dialogs;
  await context.close();

  // Without JavaScript: the summary, the charts and the plain table are there.
  const nojs = await open(false);
  await nojs.page.goto(url, { waitUntil: "load" });
  out.noScript = {
    cards: await nojs.page.locator(".card").count(),
    charts: await nojs.page.locator("figure.chart svg").count(),
    rows: await nojs.page.locator("table.ft tbody tr.f").count(),
    appHidden: !(await nojs.page.isVisible("#app")),
    firstRow: (await nojs.page.locator("table.ft tbody tr.f").first().innerText()).trim(),
  };
  out.noScript.requests = nojs.seen.requests.filter((u) => !u.startsWith("file:"));
  await nojs.context.close();
} catch (e) {
  out.failure = String(e && e.stack ? e.stack : e);
} finally {
  for (const d of profiles) rmSync(d, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
