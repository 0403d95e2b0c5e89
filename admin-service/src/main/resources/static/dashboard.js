// The admin dashboard: charts and tables over the admin API, for one API key.
// Every value from the API goes into the page as text (textContent) or onto a canvas, never as markup:
// paths, user agents and reasons are written by clients and operators.
"use strict";

const $ = id => document.getElementById(id);
const REFRESH_MS = 30000;
const PAGE_SIZE = 20;
const RANGES = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3 };

// The key lives in this tab's sessionStorage and is handed to the tabs of the same browser session that
// ask for it (BroadcastChannel); "Forget key" clears it in every tab. It is never written to disk.
const channel = "BroadcastChannel" in window ? new BroadcastChannel("ipt-admin") : null;
let key = sessionStorage.getItem("ipt-key");
let me = null;
let timer = null;
const flagsPage = { page: 0 };
const blocksPage = { page: 0 };

if (channel) {
  channel.onmessage = event => {
    const m = event.data;
    if (m === "need-key" && key) {
      channel.postMessage({ key });
    } else if (m && typeof m.key === "string" && !key) {
      key = m.key;
      sessionStorage.setItem("ipt-key", key);
      start();
    } else if (m === "forget") {
      forgetHere("");
    }
  };
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + key };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (response.status === 401) {
    forgetHere("That key was not accepted.");
    throw new ApiError(401, "signed out");
  }
  if (!response.ok) throw new ApiError(response.status, (data && (data.detail || data.title)) || String(response.status));
  return data;
}

function show(error) {
  $("status").textContent = error ? String(error.message || error) : "";
}

// ---- sign-in ----------------------------------------------------------------------------------------

function forgetHere(message) {
  key = null;
  me = null;
  sessionStorage.removeItem("ipt-key");
  stopTimer();
  $("app").hidden = true;
  $("who").hidden = true;
  $("forget").hidden = true;
  $("signin").hidden = false;
  $("signinError").textContent = message || "";
}

async function start() {
  try {
    me = await api("GET", "api/v1/me");
  } catch (e) {
    if (e.status !== 401) $("signinError").textContent = String(e.message || e);
    return;
  }
  $("signin").hidden = true;
  $("app").hidden = false;
  $("who").hidden = false;
  $("forget").hidden = false;
  $("who").textContent = me.name + " · " + me.role;
  // A viewer's key may only read: the page offers no change.
  for (const el of document.querySelectorAll("[data-write]")) el.hidden = me.role !== "operator";
  document.body.dataset.role = me.role;
  await refresh();
  schedule();
}

$("signinForm").onsubmit = event => {
  event.preventDefault();
  key = $("key").value.trim();
  $("key").value = "";
  sessionStorage.setItem("ipt-key", key);
  start();
};

$("forget").onclick = () => {
  if (channel) channel.postMessage("forget");
  forgetHere("");
};

// ---- time range and refresh ---------------------------------------------------------------------------

// The chosen range as the API takes it: ISO-8601 instants, the end excluded.
function range() {
  const choice = $("range").value;
  if (choice === "custom") {
    const from = $("from").value, to = $("to").value;
    if (!from || !to) throw new Error("choose both ends of the custom range");
    return { from: new Date(from + ":00Z").toISOString(), to: new Date(to + ":00Z").toISOString(), label: from + " to " + to + " UTC" };
  }
  const to = new Date();
  return { from: new Date(to.getTime() - RANGES[choice]).toISOString(), to: to.toISOString(), label: $("range").selectedOptions[0].text };
}

function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") q.set(name, value);
  return q.toString();
}

function schedule() {
  stopTimer();
  if ($("autoRefresh").checked && key) timer = setInterval(refresh, REFRESH_MS);
}

function stopTimer() {
  if (timer) clearInterval(timer);
  timer = null;
}

$("autoRefresh").onchange = schedule;
$("refresh").onclick = refresh;
$("range").onchange = () => {
  $("customRange").hidden = $("range").value !== "custom";
  if ($("range").value !== "custom") refresh();
};
$("applyRange").onclick = refresh;

let generation = 0;

async function refresh() {
  if (!key) return;
  const mine = ++generation;
  show(null);
  try {
    const r = range();
    const within = query({ from: r.from, to: r.to });
    const [summary, traffic, flagSteps, countries, networks, clients, sensitive] = await Promise.all([
      api("GET", "api/v1/reports/summary?" + within),
      api("GET", "api/v1/reports/timeline?" + within),
      api("GET", "api/v1/reports/flag-timeline?" + within),
      api("GET", "api/v1/reports/top-countries?" + within),
      api("GET", "api/v1/reports/top-networks?" + within),
      api("GET", "api/v1/reports/top-clients?" + within),
      api("GET", "api/v1/reports/sensitive-paths?" + within)]);
    if (mine !== generation) return;
    $("summaryTitle").textContent = "Summary, " + r.label;
    stats(summary);
    trafficChart(traffic);
    flagChart(flagSteps);
    barChart("countryChart", countries.map(c => c.countryCode || "unknown"), countries.map(c => c.requests),
      countries.map(c => c.blocked));
    barChart("networkChart", networks.map(n => n.asn ? "AS" + n.asn : "unknown"), networks.map(n => n.requests),
      networks.map(n => n.blocked));
    table("clients", [["client", c => c.client], ["requests", c => c.requests], ["blocked", c => c.blocked],
      ["rate-limited", c => c.rateLimited], ["last seen", c => when(c.lastSeen), "nowrap"]], clients, {
      click: c => lookUp(c.client.replace(/\/(32|128)$/, "")) });
    table("sensitive", [["path", p => p.path], ["requests", p => p.requests], ["clients", p => p.clients],
      ["refused", p => p.refused], ["last seen", p => when(p.lastSeen), "nowrap"]], sensitive);
    await Promise.all([loadFlags(), loadBlocks()]);
    document.body.dataset.range = $("range").value;
    document.body.dataset.refreshed = String(mine);
  } catch (e) {
    if (e.status !== 401) show(e);
  }
}

// 2026-05-04T10:15:31.002Z -> 2026-05-04 10:15 (UTC)
function when(instant) {
  return instant ? instant.slice(0, 16).replace("T", " ") : "";
}

function stats(s) {
  const box = $("summary");
  box.replaceChildren();
  for (const [label, value] of [["requests", s.requests], ["clients", s.uniqueClients], ["blocked", s.blocked],
      ["rate-limited", s.rateLimited], ["allowlisted", s.allowlisted], ["sensitive", s.sensitive], ["flags", s.flagged]]) {
    const d = document.createElement("div");
    d.className = "stat";
    const b = document.createElement("b");
    b.textContent = value;
    d.append(b, label);
    box.appendChild(d);
  }
}

// ---- charts ----------------------------------------------------------------------------------------------

const COLORS = ["#2f6fdf", "#d03a3a", "#e59b1c", "#2a9d63", "#8a4fd1", "#17a2b8", "#6c757d", "#c2185b"];

function chart(id, config) {
  const existing = Chart.getChart(id);
  if (existing) {
    existing.data = config.data;
    existing.update("none");
    return existing;
  }
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
  return new Chart($(id), config);
}

// Per minute up to 6 hours, else per hour (the API's choice); the labels say which.
function stepLabel(at, steps) {
  const perMinute = steps.length > 1 && Date.parse(steps[1].at) - Date.parse(steps[0].at) === 60e3;
  return perMinute ? at.slice(11, 16) : at.slice(5, 13).replace("T", " ") + "h";
}

function trafficChart(steps) {
  chart("trafficChart", {
    type: "line",
    data: {
      labels: steps.map(s => stepLabel(s.at, steps)),
      datasets: [
        { label: "requests", data: steps.map(s => s.requests), borderColor: COLORS[0], pointRadius: 0, tension: 0.2 },
        { label: "blocked", data: steps.map(s => s.blocked), borderColor: COLORS[1], pointRadius: 0, tension: 0.2 },
        { label: "rate-limited", data: steps.map(s => s.rateLimited), borderColor: COLORS[2], pointRadius: 0, tension: 0.2 }]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, interaction: { mode: "index", intersect: false } }
  });
}

function flagChart(steps) {
  const rules = [...new Set(steps.flatMap(s => Object.keys(s.byRule)))].sort();
  chart("flagChart", {
    type: "bar",
    data: {
      labels: steps.map(s => stepLabel(s.at, steps)),
      datasets: rules.map((rule, i) => ({ label: rule, data: steps.map(s => s.byRule[rule] || 0), backgroundColor: COLORS[i % COLORS.length] }))
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
}

function barChart(id, labels, requests, blocked) {
  chart(id, {
    type: "bar",
    data: { labels, datasets: [{ label: "requests", data: requests, backgroundColor: COLORS[0] },
      { label: "blocked", data: blocked, backgroundColor: COLORS[1] }] },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
}

// ---- tables ----------------------------------------------------------------------------------------------

// columns: [title, value of a row, css class]; rows are sorted on the page by a click on a heading.
function table(id, columns, rows, options = {}) {
  const t = $(id);
  t.replaceChildren();
  const head = t.createTHead().insertRow();
  columns.forEach(([title], i) => {
    const th = document.createElement("th");
    th.textContent = title;
    th.dataset.sort = String(i);
    th.onclick = () => {
      const descending = th.dataset.order !== "desc";
      const value = columns[i][1];
      const sorted = [...rows].sort((a, b) => compare(value(a), value(b)) * (descending ? -1 : 1));
      table(id, columns, sorted, options);
      $(id).tHead.rows[0].cells[i].dataset.order = descending ? "desc" : "asc";
    };
    head.appendChild(th);
  });
  if (options.action) head.appendChild(document.createElement("th"));
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const [, value, css] of columns) {
      const td = tr.insertCell();
      td.textContent = value(row) ?? "";
      if (css) td.className = css;
    }
    if (options.click) {
      tr.style.cursor = "pointer";
      tr.onclick = () => options.click(row);
    }
    if (options.action) {
      const td = tr.insertCell();
      const control = options.action(row);
      if (control) td.appendChild(control);
    }
  }
  if (rows.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = columns.length + (options.action ? 1 : 0);
    td.textContent = "none";
  }
}

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""));
}

function pager(id, state, total, load) {
  const box = $(id);
  box.replaceChildren();
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const previous = document.createElement("button");
  previous.textContent = "‹ newer";
  previous.disabled = state.page === 0;
  previous.onclick = () => { state.page--; load(); };
  const next = document.createElement("button");
  next.textContent = "older ›";
  next.disabled = state.page + 1 >= pages;
  next.onclick = () => { state.page++; load(); };
  const where = document.createElement("span");
  where.textContent = "page " + (state.page + 1) + " of " + pages + " (" + total + ")";
  box.append(previous, where, next);
}

function writeButton(text, onclick) {
  if (!me || me.role !== "operator") return null;
  const b = document.createElement("button");
  b.textContent = text;
  b.onclick = event => { event.stopPropagation(); onclick(); };
  return b;
}

const flagColumns = [["IP", f => f.ip], ["network", f => f.network], ["rule", f => f.rule], ["severity", f => f.severity],
  ["score", f => f.score], ["requests", f => f.requestCount], ["detected", f => when(f.detectedAt), "nowrap"], ["reason", f => f.reason]];

async function loadFlags() {
  const r = range();
  const who = $("flagIp").value.trim();
  const page = await api("GET", "api/v1/flagged?" + query({ since: r.from, until: r.to, rule: $("flagRule").value,
    minSeverity: $("flagSeverity").value, ip: who.includes("/") ? "" : who, network: who.includes("/") ? who : "",
    sort: $("flagSort").value, page: flagsPage.page, size: PAGE_SIZE }));
  table("flags", flagColumns, page.items, { click: f => lookUp(f.ip) });
  pager("flagPager", flagsPage, page.total, loadFlags);
}

const entryColumns = [["CIDR", e => e.cidr], ["status", e => e.status], ["source", e => e.source], ["by", e => e.createdBy],
  ["created", e => when(e.createdAt), "nowrap"], ["expires", e => e.expiresAt ? when(e.expiresAt) : "never", "nowrap"],
  ["reason", e => e.reason]];

async function loadBlocks() {
  const page = await api("GET", "api/v1/blocks?" + query({ status: $("blockStatus").value, contains: $("blockContains").value.trim(),
    page: blocksPage.page, size: PAGE_SIZE }));
  table("blocks", entryColumns, page.items, {
    click: e => lookUp(e.cidr.replace(/\/(32|128)$/, "")),
    action: e => e.status === "ACTIVE" ? writeButton("Unblock", () => unblock(e)) : null });
  pager("blockPager", blocksPage, page.total, loadBlocks);
}

async function unblock(entry) {
  if (!confirm("Unblock " + entry.cidr + "?")) return;
  try {
    await api("DELETE", "api/v1/blocks/" + entry.id);
    await refresh();
  } catch (e) { show(e); }
}

$("flagFilter").onclick = () => { flagsPage.page = 0; loadFlags().catch(show); };
$("flagSort").onchange = () => { flagsPage.page = 0; loadFlags().catch(show); };
$("blockFilter").onclick = () => { blocksPage.page = 0; loadBlocks().catch(show); };
for (const rule of ["HIGH_VOLUME", "SENSITIVE_PATH", "AUTH_FAILURES", "SCANNING", "ANOMALY"]) {
  const option = document.createElement("option");
  option.textContent = rule;
  $("flagRule").appendChild(option);
}

$("block").onsubmit = async event => {
  event.preventDefault();
  const body = { cidr: $("blockCidr").value.trim(), reason: $("blockReason").value };
  const duration = $("blockFor").value.trim();
  if (duration) body.duration = duration;
  try {
    await api("POST", "api/v1/blocks", body);
    event.target.reset();
    await refresh();
  } catch (e) { show(e); }
};

// ---- one IP ------------------------------------------------------------------------------------------------

$("lookup").onsubmit = event => {
  event.preventDefault();
  lookUp($("lookupIp").value.trim());
};

async function lookUp(ip) {
  $("lookupIp").value = ip;
  try {
    const report = await api("GET", "api/v1/ips/" + encodeURIComponent(ip));
    $("ipPage").hidden = false;
    $("ipTitle").textContent = report.ip;
    $("ipStatus").textContent = report.status === "NONE" ? "neither blocked nor allowed" : report.status.toLowerCase();
    $("ipStatus").className = "status-" + report.status;
    const actions = $("ipActions");
    actions.replaceChildren();
    const deciding = report.decidingEntry;
    if (deciding && deciding.action === "BLOCK") {
      const b = writeButton("Unblock " + deciding.cidr, () => unblock(deciding).then(() => lookUp(ip)));
      if (b) actions.appendChild(b);
    } else if (report.status !== "BLOCKED") {
      const b = writeButton("Block for 24h", async () => {
        try {
          await api("POST", "api/v1/blocks", { cidr: report.ip, reason: "blocked from the dashboard", duration: "24h" });
          await refresh();
          await lookUp(ip);
        } catch (e) { show(e); }
      });
      if (b) actions.appendChild(b);
    }
    table("ipEntries", [["entry", e => e.action.toLowerCase() + " " + e.cidr], ...entryColumns.slice(2)], report.entries);
    table("ipFlags", [["rule", f => f.rule], ["severity", f => f.severity], ["detected", f => when(f.detectedAt), "nowrap"],
      ["why", f => f.reason], ["evidence", f => JSON.stringify(f.evidence)], ["where", f => geo(f.geo)]], report.recentFlags);
    const a = report.activity;
    const rows = Object.entries(a.topPaths || {}).map(([path, count]) => ({ path, count }));
    const decisions = Object.entries(a.byDecision || {}).map(([d, n]) => d.toLowerCase() + " " + n);
    table("ipActivity", [["path (" + [a.client, a.requests + " requests", ...decisions].join(", ") + ")", p => p.path],
      ["requests", p => p.count]], rows);
  } catch (e) { show(e); }
}

function geo(g) {
  if (!g) return "";
  return [g.countryCode, g.city, g.asn ? "AS" + g.asn : null, g.asOrganization].filter(x => x).join(", ");
}

// ---- start -------------------------------------------------------------------------------------------------

document.addEventListener("visibilitychange", () => { if (!document.hidden && key) refresh(); });
if (key) {
  start();
} else if (channel) {
  // Another tab of this session may hold the key; if none answers, ask for it.
  channel.postMessage("need-key");
  setTimeout(() => { if (!key) forgetHere(""); }, 300);
} else {
  forgetHere("");
}
