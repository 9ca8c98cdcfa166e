/*
 * veracity web page: start a check, follow its progress, show the report.
 *
 * Plain JavaScript, no build step, nothing loaded from the network. The page's strings come
 * from the JSON element #veracity-i18n that the server writes (page language + the report's
 * wording in zh and en).
 *
 * Safety rule: every string that comes from the server (events, reports, errors) is put into
 * the page with textContent / createElement / append — never as markup. Links are made only
 * for http, https and file URLs, and open in a new tab without an opener or a referrer.
 *
 * The event stream is read with fetch() and a stream reader, not EventSource, so that the
 * Authorization header can be sent when the server wants a token; the token is kept in
 * sessionStorage and asked for when a request is answered 401.
 */
(function () {
  "use strict";

  const I18N = JSON.parse(document.getElementById("veracity-i18n").textContent);
  const TOKEN_KEY = "veracity.token";
  const LINK_SCHEMES = new Set(["http:", "https:", "file:"]);
  const LABEL_ORDER = ["true", "mostly_true", "partly_true", "false", "misattributed", "unverifiable"];
  const MAX_RECONNECTS = 5;

  /* ---------- small helpers ---------- */

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole);
  }

  function ui(key, values) {
    return fmt(I18N.ui[key] !== undefined ? I18N.ui[key] : key, values || {});
  }

  function $(id) {
    return document.getElementById(id);
  }

  /** Create an element; `text` sets textContent, children are nodes or strings (as text). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  /** The URL when it may become a link (http, https, file), else null. */
  function safeHref(url) {
    if (typeof url !== "string" || !url.trim()) return null;
    try {
      const parsed = new URL(url.trim());
      return LINK_SCHEMES.has(parsed.protocol) ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  /** A link that opens in a new tab, or a plain span when the URL is not allowed. */
  function linkOrText(url, text, cls) {
    const href = safeHref(url);
    if (href === null) return el("span", { class: cls, text: text });
    return el("a", { class: cls, href: href, target: "_blank", rel: "noopener noreferrer", text: text });
  }

  function labelClass(label) {
    return LABEL_ORDER.includes(label) ? label : "unverifiable";
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /* ---------- server-sent events, parsed by hand ---------- */

  /**
   * Incremental parser for a text/event-stream: push() text as it arrives; complete events
   * ({id, type, data}) go to onEvent. Lines end in CR, LF or CRLF; a blank line ends an
   * event; lines starting with ":" are comments (keep-alives).
   */
  class SSEParser {
    constructor(onEvent, lastId) {
      this.onEvent = onEvent;
      this.buffer = "";
      this.lastId = lastId === undefined ? null : lastId;
      this.data = [];
      this.type = "";
    }

    push(chunk) {
      this.buffer += chunk;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(this.buffer);
        if (match === null) return;
        // A CR at the very end may be the first half of a CRLF split between chunks.
        if (match[0] === "\r" && match.index === this.buffer.length - 1) return;
        const line = this.buffer.slice(0, match.index);
        this.buffer = this.buffer.slice(match.index + match[0].length);
        this.line(line);
      }
    }

    line(line) {
      if (line === "") {
        this.dispatch();
        return;
      }
      if (line.startsWith(":")) return;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") this.type = value;
      else if (field === "data") this.data.push(value);
      else if (field === "id" && !value.includes("\0")) this.lastId = value;
    }

    dispatch() {
      const data = this.data;
      const type = this.type || "message";
      this.data = [];
      this.type = "";
      if (data.length === 0) return;
      this.onEvent({ id: this.lastId, type: type, data: data.join("\n") });
    }
  }

  /* ---------- HTTP with an optional bearer token ---------- */

  class HttpError extends Error {
    constructor(status, message) {
      super(ui("err_http", { status: status, message: message }));
      this.status = status;
    }
  }

  let tokenWaiters = null;

  /** Show the token dialog; resolves once a token has been entered. */
  function askToken() {
    if (tokenWaiters === null) {
      tokenWaiters = [];
      const dialog = $("auth");
      $("token").value = "";
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      $("token").focus();
    }
    return new Promise((resolve) => tokenWaiters.push(resolve));
  }

  function tokenEntered(event) {
    event.preventDefault();
    const value = $("token").value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    const dialog = $("auth");
    if (typeof dialog.close === "function" && dialog.open) dialog.close();
    else dialog.removeAttribute("open");
    const waiters = tokenWaiters || [];
    tokenWaiters = null;
    for (const resolve of waiters) resolve();
  }

  /** fetch() with the stored token; a 401 asks for a token and tries again. */
  async function api(path, options) {
    for (;;) {
      const opts = Object.assign({}, options || {});
      const headers = new Headers(opts.headers || {});
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (token) headers.set("Authorization", "Bearer " + token);
      opts.headers = headers;
      let resp;
      try {
        resp = await fetch(path, opts);
      } catch (err) {
        throw new Error(ui("err_network", { error: err && err.message ? err.message : err }));
      }
      if (resp.status !== 401) return resp;
      sessionStorage.removeItem(TOKEN_KEY);
      await askToken();
    }
  }

  /** The error of a failed response, read from the API's {"error": {...}} body when there is one. */
  async function httpError(resp) {
    let message = resp.statusText || ui("err_unknown");
    try {
      const body = await resp.json();
      if (body && body.error && body.error.message) message = body.error.message;
    } catch (err) {
      /* not JSON: keep the status text */
    }
    return new HttpError(resp.status, message);
  }

  async function getJSON(path) {
    const resp = await api(path, { headers: { Accept: "application/json" } });
    if (!resp.ok) throw await httpError(resp);
    return resp.json();
  }

  /* ---------- the form ---------- */

  let mode = "text";
  let busy = false;

  function selectMode(next) {
    mode = next;
    for (const tab of document.querySelectorAll(".tab")) {
      tab.setAttribute("aria-selected", tab.dataset.mode === next ? "true" : "false");
    }
    for (const panel of document.querySelectorAll(".panel")) {
      panel.hidden = panel.dataset.panel !== next;
    }
  }

  async function loadSources() {
    const status = $("sources-status");
    const list = $("source-list");
    try {
      const data = await getJSON("/v1/sources");
      list.replaceChildren();
      const corpus = Array.isArray(data.corpus) ? data.corpus : [];
      if (corpus.length) {
        const names = corpus.join(I18N.lang === "zh" ? "、" : ", ");
        list.append(checkbox("source-corpus", "corpus", "corpus", ui("source_corpus", { names: names }), true));
      }
      for (const p of Array.isArray(data.providers) ? data.providers : []) {
        if (!p || !p.configured) continue;
        list.append(checkbox("source-" + p.name, "provider", p.name, String(p.name), false, p.kind));
      }
      status.textContent = list.childElementCount ? "" : ui("sources_none");
      status.hidden = list.childElementCount > 0;
      $("llm-note").hidden = data.llm !== false;
    } catch (err) {
      status.textContent = ui("sources_failed", { error: err.message });
      status.hidden = false;
    }
  }

  function checkbox(id, name, value, text, checked, kind) {
    const input = el("input", { type: "checkbox", id: id, name: name, value: value, checked: checked });
    const parts = [input, el("span", { class: "source-name", text: text })];
    if (kind) parts.push(el("span", { class: "kind", text: String(kind) }));
    return el("label", { class: "check", for: id }, parts);
  }

  /** The request for POST /v1/checks from the form, or throws an Error with a user message. */
  function buildRequest() {
    const options = {
      lang: $("lang").value,
      providers: Array.from(document.querySelectorAll("input[name=provider]:checked"), (i) => i.value),
      corpus: Boolean($("source-corpus") && $("source-corpus").checked),
    };
    if (mode === "file") {
      const file = $("file").files[0];
      if (!file) throw new Error(ui("err_empty_file"));
      const form = new FormData();
      form.append("file", file, file.name);
      form.append("options", JSON.stringify(options));
      return { method: "POST", body: form };
    }
    let payload;
    if (mode === "url") {
      const url = $("url").value.trim();
      if (!url) throw new Error(ui("err_empty_url"));
      if (!/^https?:\/\//i.test(url)) throw new Error(ui("err_bad_url"));
      payload = { url: url };
    } else if (mode === "claims") {
      const claims = $("claims").value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
      if (!claims.length) throw new Error(ui("err_empty_claims"));
      payload = { claims: claims };
    } else {
      const text = $("text").value;
      if (!text.trim()) throw new Error(ui("err_empty_text"));
      payload = { text: text };
    }
    return {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(Object.assign(payload, options)),
    };
  }

  function setBusy(value) {
    busy = value;
    $("start").disabled = value;
    $("start").classList.toggle("busy", value);
  }

  function showFormError(message) {
    $("form-error").textContent = message || "";
    $("form-error").hidden = !message;
  }

  /* ---------- progress ---------- */

  const claims = new Map(); // id -> {text, label}
  let timer = null;
  let startedAt = 0;
  let currentJob = null;

  function setStatus(text, state) {
    const status = $("status");
    status.textContent = text;
    status.dataset.state = state || "";
  }

  function setActivity(text) {
    $("activity").textContent = text || "";
  }

  function showError(message) {
    $("error").textContent = message;
    $("error").hidden = !message;
  }

  function tick() {
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    $("elapsed").textContent = ui("seconds", { s: seconds });
  }

  function startTimer() {
    stopTimer();
    startedAt = Date.now();
    tick();
    timer = setInterval(tick, 1000);
  }

  function stopTimer() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  function resetProgress() {
    claims.clear();
    $("pending").replaceChildren();
    $("settled").replaceChildren();
    $("warnings").replaceChildren();
    $("report").hidden = true;
    $("report-claims").replaceChildren();
    showError("");
    setActivity("");
    updateCounts();
    $("progress").hidden = false;
  }

  function updateCounts() {
    $("pending-count").textContent = String($("pending").childElementCount);
    $("settled-count").textContent = String($("settled").childElementCount);
  }

  function labelName(label) {
    const names = I18N.report[I18N.lang].labels;
    return names[label] !== undefined ? names[label] : label;
  }

  function findItem(list, id) {
    for (const item of list.children) if (item.dataset.claimId === id) return item;
    return null;
  }

  function addPending(id, text) {
    if (claims.has(id)) return;
    claims.set(id, { text: text, label: null });
    $("pending").append(el("li", { class: "claim-item", "data-claim-id": id }, [
      el("span", { class: "claim-id", text: id }),
      el("span", { class: "claim-text", text: text }),
    ]));
  }

  function settle(id, label) {
    const known = claims.get(id) || { text: id, label: null };
    known.label = label;
    claims.set(id, known);
    const old = findItem($("pending"), id);
    if (old) old.remove();
    const existing = findItem($("settled"), id);
    if (existing) existing.remove();
    $("settled").append(el("li", { class: "claim-item", "data-claim-id": id, "data-label": label }, [
      el("span", { class: "badge v-" + labelClass(label), text: labelName(label) }),
      el("span", { class: "claim-text", text: known.text }),
    ]));
  }

  function warn(message) {
    $("warnings").append(el("li", { text: ui("warning", { message: message || "" }) }));
  }

  /** Apply one progress event to the page; returns the end event's data when the job ended. */
  function handleEvent(event) {
    let data = {};
    try {
      data = event.data ? JSON.parse(event.data) : {};
    } catch (err) {
      return null;
    }
    if (data === null || typeof data !== "object") data = {};
    switch (event.type) {
      case "queued":
        setStatus(ui("st_queued_n", { n: typeof data.position === "number" ? data.position : "?" }), "queued");
        break;
      case "run_started":
        setStatus(ui("st_running"), "running");
        break;
      case "claims_ready":
        for (const c of Array.isArray(data.claims) ? data.claims : []) {
          if (c && c.id !== undefined) addPending(String(c.id), String(c.text || ""));
        }
        if ($("status").dataset.state === "queued") setStatus(ui("st_running"), "running");
        break;
      case "claim_settled":
        if (data.claim_id !== undefined && data.claim_id !== null) {
          settle(String(data.claim_id), String(data.label || "unverifiable"));
        }
        break;
      case "round_started":
        setStatus(ui("st_round", { n: data.round !== null && data.round !== undefined ? data.round : "?" }), "running");
        break;
      case "query_sent":
        setActivity(ui("act_query", { provider: data.provider || "", query: data.query || "" }));
        break;
      case "document_read":
        setActivity(ui("act_document", { url: data.url || "" }));
        break;
      case "corpus_ready":
        setActivity(ui("act_corpus", { message: data.message || "" }));
        break;
      case "llm_call":
        setActivity(ui("act_llm", { stage: data.stage || "" }));
        break;
      case "warning":
        warn(data.message);
        break;
      case "run_finished":
        setStatus(ui("st_finishing"), "running");
        break;
      case "end":
        return data;
      default:
        break;
    }
    updateCounts();
    return null;
  }

  /** Follow the job's event stream until its `end` event; reconnects with Last-Event-ID. */
  async function followEvents(jobId) {
    let lastId = null;
    let failures = 0;
    for (;;) {
      let ended = null;
      const headers = { Accept: "text/event-stream" };
      if (lastId !== null) headers["Last-Event-ID"] = lastId;
      const resp = await api("/v1/checks/" + encodeURIComponent(jobId) + "/events", { headers: headers, cache: "no-store" });
      if (!resp.ok) throw await httpError(resp);
      const parser = new SSEParser((event) => {
        if (event.id !== null) lastId = event.id;
        failures = 0;
        const end = handleEvent(event);
        if (end !== null && ended === null) ended = end;
      }, lastId);
      const reader = resp.body.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
          if (ended !== null) break;
        }
        if (ended === null) parser.push(decoder.decode());
      } catch (err) {
        /* the connection dropped: reconnect below */
      }
      if (ended !== null) {
        reader.cancel().catch(() => {});
        return ended;
      }
      failures += 1;
      if (failures > MAX_RECONNECTS) throw new Error(ui("err_network", { error: "event stream closed" }));
      setStatus(ui("st_reconnecting"), "reconnecting");
      await sleep(500 * failures);
    }
  }

  /** The finished job with its report; the report may trail the end event by a moment. */
  async function loadJob(jobId) {
    for (let attempt = 0; ; attempt++) {
      const job = await getJSON("/v1/checks/" + encodeURIComponent(jobId));
      if (job.report || job.status === "failed" || attempt >= 10) return job;
      await sleep(300);
    }
  }

  /** Follow a job from the events to the report (or its error). */
  async function follow(jobId) {
    currentJob = jobId;
    startTimer();
    try {
      const end = await followEvents(jobId);
      if (end.status === "done") {
        setStatus(ui("st_loading_report"), "running");
        const job = await loadJob(jobId);
        if (job.status === "done" && job.report) {
          setActivity("");
          renderReport(job.report);
          setStatus(ui("st_done"), "done");
          return;
        }
        throw new Error(ui("err_job", { error: job.error || ui("err_unknown") }));
      }
      throw new Error(ui("err_job", { error: end.error || ui("err_unknown") }));
    } catch (err) {
      setStatus(ui("st_failed"), "failed");
      showError(err.message);
    } finally {
      stopTimer();
      tick();
    }
  }

  async function start(event) {
    event.preventDefault();
    if (busy) return;
    showFormError("");
    let request;
    try {
      request = buildRequest();
    } catch (err) {
      showFormError(err.message);
      return;
    }
    setBusy(true);
    resetProgress();
    setStatus(ui("st_submitting"), "submitting");
    try {
      const resp = await api("/v1/checks", request);
      if (!resp.ok) throw await httpError(resp);
      const job = await resp.json();
      setStatus(ui("st_queued"), "queued");
      history.replaceState(null, "", "#check=" + encodeURIComponent(job.id));
      await follow(job.id);
    } catch (err) {
      stopTimer();
      setStatus(ui("st_failed"), "failed");
      showError(err.message);
    } finally {
      setBusy(false);
    }
  }

  /* ---------- the report ---------- */

  // The rules of veracity.report.overview, mirrored: a not-checked row is never shown as a
  // verdict; problems are false, misattributed, partly true and not-checked rows.
  const NOT_CHECKED = "not_checked";
  const DISPLAY_KEYS = LABEL_ORDER.concat([NOT_CHECKED]);
  const PROBLEM_KEYS = ["false", "misattributed", "partly_true", NOT_CHECKED];
  const ROW_KEYS = PROBLEM_KEYS.concat(["unverifiable", "mostly_true", "true"]);
  const REASON_MAX = 300;
  const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc",
    "inc", "ltd", "co", "corp", "e.g", "i.e", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "no", "fig", "al", "approx", "dept", "univ", "ph.d",
    "b.sc", "m.sc"]);
  const COVERAGE_RANK = { failed: 0, degraded: 1, ok: 2 };

  let shown = null; // {report, R, t, tn, keyName, filter}

  function rowKey(row) {
    if (row && row.status === NOT_CHECKED) return NOT_CHECKED;
    return labelClass(row && row.verdict && row.verdict.label);
  }

  function shorten(text) {
    const s = normalized(text);
    return s.length <= REASON_MAX ? s : s.slice(0, REASON_MAX - 1).trimEnd() + "…";
  }

  /** The first sentence of a text (Chinese and English punctuation, initials, abbreviations). */
  function firstSentence(text) {
    const s = normalized(text);
    const ender = /[。！？!?…]+[”’"'）)】\]」』》]*|\.[”’"'）)】\]」』》]*(?=\s|$)/g;
    let match;
    while ((match = ender.exec(s)) !== null) {
      if (match[0][0] === ".") {
        const word = /([A-Za-z][A-Za-z.]*)$/.exec(s.slice(0, match.index));
        if (word && ((word[1].length === 1 && word[1] === word[1].toUpperCase())
            || ABBREVIATIONS.has(word[1].toLowerCase().replace(/\.+$/, "")))) continue;
      }
      return shorten(s.slice(0, match.index + match[0].length));
    }
    return shorten(s);
  }

  function rowReason(row, t) {
    if (rowKey(row) === NOT_CHECKED) {
      return t("not_checked_reason", { error: shorten(row.error || "") || t("no_verdict") });
    }
    return firstSentence((row.verdict && row.verdict.rationale) || "");
  }

  function orderedRows(rows, order) {
    if (order !== "problems") return rows.slice();
    return rows.slice().sort((a, b) => ROW_KEYS.indexOf(rowKey(a)) - ROW_KEYS.indexOf(rowKey(b)));
  }

  function wantedOrder() {
    return new URLSearchParams(location.search).get("order") === "problems" ? "problems" : "checklist";
  }

  function renderReport(report) {
    const lang = report.language === "zh" ? "zh" : "en";
    const R = I18N.report[lang];
    const t = (key, values) => fmt(R.strings[key], values || {});
    const tn = (key, n, values) => {
      const one = key + "_one";
      return t(n === 1 && R.strings[one] !== undefined ? one : key, Object.assign({ n: n }, values || {}));
    };
    const name = (label) => (R.labels[label] !== undefined ? R.labels[label] : label);
    const keyName = (key) => (key === NOT_CHECKED ? t("not_checked") : name(key));
    const rows = Array.isArray(report.claims) ? report.claims : [];
    const section = $("report");
    section.setAttribute("lang", lang);
    shown = { report: report, rows: rows, R: R, t: t, tn: tn, name: name, keyName: keyName, filter: "all" };

    $("report-title").textContent = t("report_title") + (report.title ? t("colon") + report.title : "");

    const meta = $("report-meta");
    meta.replaceChildren();
    const parts = [
      [t("run"), el("code", { text: report.run_id || "" })],
      [t("created"), report.created || ""],
      [t("judge"), report.judge || ""],
    ];
    if (report.input) parts.push([t("input"), linkOrText(report.input, report.input, "input-link")]);
    parts.forEach(([key, value], i) => {
      if (i) meta.append(" · ");
      meta.append(key + t("colon"), value);
    });

    const counts = {};
    for (const key of DISPLAY_KEYS) counts[key] = 0;
    for (const row of rows) counts[rowKey(row)] += 1;
    $("report-overview-heading").textContent = t("overview_heading");
    $("report-summary").textContent = summarySentence(rows.length, counts, t, tn, keyName);

    const resume = $("report-resume");
    resume.replaceChildren();
    resume.hidden = counts[NOT_CHECKED] === 0;
    if (counts[NOT_CHECKED]) {
      const [before, after] = t("resume_hint").split("{command}");
      resume.append(before, el("code", { text: "veracity resume " + (report.run_id || "") }), after || "");
    }

    const problems = rows.filter((row) => PROBLEM_KEYS.includes(rowKey(row)))
      .sort((a, b) => PROBLEM_KEYS.indexOf(rowKey(a)) - PROBLEM_KEYS.indexOf(rowKey(b)));
    const problemBox = $("report-problems");
    problemBox.replaceChildren();
    if (rows.length) {
      problemBox.append(el("h4", { text: t("problems_heading") }));
      problemBox.append(problems.length
        ? el("ul", { class: "problems" }, problems.map((row) => overviewItem(row)))
        : el("p", { class: "all-clear", text: t("problems_none") }));
    }
    const unverified = rows.filter((row) => rowKey(row) === "unverifiable");
    const failedSources = failedSourcesText(report.coverage, t, lang);
    const unverifiedBox = $("report-unverified");
    unverifiedBox.replaceChildren();
    if (unverified.length || failedSources) {
      const items = unverified.map((row) => overviewItem(row));
      if (failedSources) items.push(el("li", { class: "failed-sources", text: failedSources }));
      unverifiedBox.append(el("h4", { text: t("unverified_heading") }), el("ul", { class: "unverified" }, items));
    }
    $("report-confidence").textContent = t(report.uses_llm ? "confidence_llm" : "confidence_offline");

    const notice = $("report-notice");
    notice.hidden = Boolean(report.uses_llm);
    notice.textContent = report.uses_llm ? "" : t("judge_notice", { judge: report.judge || "" });

    renderCoverage(report.coverage, R, t, tn, lang);

    $("report-claims-heading").textContent = t("claims_heading");
    renderFilter(counts, problems.length);
    $("report-order-label").textContent = t("order_label");
    $("report-order-checklist").textContent = t("order_checklist");
    $("report-order-problems").textContent = t("order_problems");
    $("report-order").value = wantedOrder();
    renderRows();
    $("report-stats").textContent = statsLine(report.stats || {}, t, tn);
    section.hidden = false;
    section.scrollIntoView({ block: "start" });
  }

  function overviewItem(row) {
    const { t, keyName } = shown;
    const key = rowKey(row);
    const jump = el("button", { type: "button", class: "jump", text: row.text || "" });
    jump.addEventListener("click", () => {
      const target = document.getElementById("claim-" + (row.id || ""));
      if (target) {
        if (target.hidden) applyFilter("all");
        target.scrollIntoView({ block: "center" });
      }
    });
    const reason = rowReason(row, t);
    return el("li", {}, [
      el("span", { class: "badge v-" + key, text: keyName(key) }), " ", jump,
      reason ? el("span", { class: "reason", text: t("dash") + reason }) : null,
    ]);
  }

  function sourceError(source) {
    let error = source.error ? String(source.error) : "";
    const prefix = String(source.name || "") + ":";
    if (error.startsWith(prefix)) error = error.slice(prefix.length).trim();
    return error;
  }

  function failedSourcesText(coverage, t, lang) {
    if (!coverage || !Array.isArray(coverage.sources)) return "";
    const bad = coverage.sources.filter((s) => s && s.status !== "ok");
    if (!bad.length) return "";
    const space = lang === "zh" ? "" : " ";
    const named = bad.map((s) => {
      const error = sourceError(s);
      return String(s.name || "") + (error ? space + t("paren", { text: error }) : "");
    });
    return t("sources_failed", { sources: named.join(t("list_sep")) });
  }

  function renderCoverage(coverage, R, t, tn, lang) {
    const box = $("report-coverage");
    box.replaceChildren();
    box.hidden = !coverage;
    if (!coverage) return;
    const sources = (Array.isArray(coverage.sources) ? coverage.sources : []).filter(Boolean)
      .map((s, i) => [s, i])
      .sort((a, b) => ((COVERAGE_RANK[a[0].status] ?? 2) - (COVERAGE_RANK[b[0].status] ?? 2)) || a[1] - b[1])
      .map((pair) => pair[0]);
    const items = sources.map((s) => {
      const counts = [tn("coverage_queries", s.queries || 0), tn("coverage_results", s.results || 0)];
      if (s.errors) counts.push(tn("coverage_errors", s.errors));
      const status = String(s.status || "ok");
      const parts = [
        el("strong", { text: String(s.name || "") }),
        el("span", { text: R.coverage_kinds[s.kind] || String(s.kind || "") }),
        el("span", { class: "cov-status cov-status-" + (COVERAGE_RANK[status] === undefined ? "ok" : status),
                     text: R.coverage_statuses[status] || status }),
        el("span", { text: counts.join(t("summary_sep")) }),
      ];
      const error = sourceError(s);
      if (error) parts.push(el("span", { class: "cov-error", text: error }));
      const li = el("li", { class: "cov-" + status });
      parts.forEach((node, i) => {
        if (i) li.append(" · ");
        li.append(node);
      });
      return li;
    });
    const totals = [tn("coverage_pages", coverage.pages_read || 0)];
    if (coverage.pages_failed) totals.push(tn("coverage_pages_failed", coverage.pages_failed));
    if (coverage.corpus_documents_used) totals.push(tn("coverage_corpus", coverage.corpus_documents_used));
    box.append(
      el("h3", { text: t("coverage_heading") }),
      items.length ? el("ul", { class: "sources" }, items) : el("p", { text: t("coverage_none") }),
      el("p", { class: "totals", text: totals.join(t("summary_sep")) + t("summary_end") }),
    );
  }

  function renderFilter(counts, problems) {
    const { t, keyName, rows } = shown;
    const box = $("report-filter");
    box.replaceChildren(el("span", { class: "filter-label", text: t("filter_label") }));
    box.setAttribute("aria-label", t("filter_label"));
    const choices = [["all", t("filter_all", { n: rows.length }), "chip"]];
    if (problems) choices.push(["problems", t("filter_problems", { n: problems }), "chip"]);
    for (const key of DISPLAY_KEYS) {
      if (counts[key]) choices.push([key, t("filter_item", { label: keyName(key), n: counts[key] }), "chip v-" + key]);
    }
    for (const [key, text, cls] of choices) {
      const button = el("button", { type: "button", class: cls, "data-filter": key, "aria-pressed": "false", text: text });
      button.addEventListener("click", () => applyFilter(key));
      box.append(button);
    }
  }

  function rowMatches(row, filter) {
    if (filter === "all") return true;
    if (filter === "problems") return PROBLEM_KEYS.includes(rowKey(row));
    return rowKey(row) === filter;
  }

  function applyFilter(filter) {
    if (shown === null) return;
    shown.filter = filter;
    for (const button of $("report-filter").querySelectorAll("button")) {
      button.setAttribute("aria-pressed", button.dataset.filter === filter ? "true" : "false");
    }
    const byId = new Map(shown.rows.map((row) => ["claim-" + (row.id || ""), row]));
    for (const node of $("report-claims").children) {
      const row = byId.get(node.id);
      node.hidden = row !== undefined && !rowMatches(row, filter);
    }
  }

  function renderRows() {
    const { R, t, tn, keyName, report } = shown;
    const order = $("report-order").value === "problems" ? "problems" : "checklist";
    const rows = orderedRows(shown.rows, order);
    $("report-claims").replaceChildren(...rows.map((row) => claimRow(row, R, t, tn, keyName, Boolean(report.uses_llm))));
    applyFilter(shown.filter);
  }

  function changeOrder() {
    const params = new URLSearchParams(location.search);
    if ($("report-order").value === "problems") params.set("order", "problems");
    else params.delete("order");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    if (shown !== null) renderRows();
  }

  function summarySentence(total, counts, t, tn, keyName) {
    if (!total) return t("summary_none");
    const notChecked = counts[NOT_CHECKED];
    const head = notChecked
      ? tn("summary_head_partial", total, { k: total - notChecked })
      : tn("summary_head", total);
    const items = LABEL_ORDER.filter((l) => counts[l]).map((l) => t("summary_item", { n: counts[l], label: keyName(l) }));
    const groups = items.length ? [items.join(t("summary_sep"))] : [];
    if (notChecked) groups.push(t("summary_not_checked", { n: notChecked }));
    return head + t("colon") + groups.join(t("summary_group_sep")) + t("summary_end");
  }

  function statsLine(stats, t, tn) {
    const parts = [
      t("stats_seconds", { s: Number(stats.seconds || 0).toFixed(1) }),
      tn("stats_searches", stats.searches || 0),
      tn("stats_documents", stats.documents || 0),
    ];
    if (stats.llm_calls) {
      parts.push(t("stats_llm", {
        calls: tn("stats_llm_calls", stats.llm_calls),
        tokens: tn("stats_tokens", (stats.prompt_tokens || 0) + (stats.completion_tokens || 0)),
        cost: Number(stats.cost_usd || 0).toFixed(4),
      }));
    }
    if (stats.llm_cached) parts.push(tn("stats_cached", stats.llm_cached));
    if (stats.rounds) parts.push(tn("stats_rounds", stats.rounds));
    if (stats.quotes_dropped) parts.push(tn("stats_dropped", stats.quotes_dropped));
    if (Array.isArray(stats.untrusted_sources) && stats.untrusted_sources.length) {
      parts.push(tn("stats_untrusted", stats.untrusted_sources.length));
    }
    if (Array.isArray(stats.skipped_files) && stats.skipped_files.length) {
      parts.push(t("stats_skipped", { files: stats.skipped_files.join(t("list_sep")) }));
    }
    return parts.join(t("stats_sep"));
  }

  function normalized(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  /** Like veracity.report.overview.letters: NFKC, lower case, letters and digits only. */
  function letters(text) {
    return (String(text || "").normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) || []).join("");
  }

  function originalDiffers(original, text) {
    if (!original) return false;
    const said = letters(original);
    const claim = letters(text);
    return said !== claim && !claim.includes(said);
  }

  /** The quote that decided a row (its first supporting or refuting one) and the others. */
  function decidingEvidence(evidence) {
    const i = evidence.findIndex((ev) => ev && (ev.stance === "supports" || ev.stance === "refutes"));
    if (i < 0) return [null, evidence.slice()];
    return [evidence[i], evidence.slice(0, i).concat(evidence.slice(i + 1))];
  }

  function claimRow(row, R, t, tn, keyName, usesLlm) {
    const verdict = row.verdict || {};
    const key = rowKey(row);
    const headParts = [el("span", { class: "verdict v-" + key, "data-label": key, text: keyName(key) })];
    if (key !== NOT_CHECKED) {
      const pct = Math.round(Number(verdict.confidence || 0) * 100);
      headParts.push(el("span", {
        class: "confidence", tabindex: "0",
        title: t(usesLlm ? "confidence_title_llm" : "confidence_title_offline", { pct: pct }),
        text: t("confidence", { pct: pct }),
      }));
    }
    headParts.push(el("span", { class: "claim-id", text: row.id || "" }));
    const body = [el("div", { class: "claim-head" }, headParts), el("p", { class: "claim-text", text: row.text || "" })];
    if (originalDiffers(row.original, row.text)) {
      body.push(el("p", { class: "original", text: t("original", { text: normalized(row.original) }) }));
    }
    if (key === NOT_CHECKED) {
      body.push(el("p", { class: "rationale not-checked", text: rowReason(row, t) }));
    } else if (verdict.rationale && String(verdict.rationale).trim()) {
      body.push(el("p", { class: "rationale", text: String(verdict.rationale).trim() }));
    }
    const evidence = (Array.isArray(row.evidence) ? row.evidence : []).filter(Boolean);
    if (evidence.length) {
      const [deciding, rest] = decidingEvidence(evidence);
      if (deciding !== null) {
        body.push(el("ol", { class: "evidence-list deciding" }, [evidenceItem(deciding, R, t)]));
      }
      if (rest.length) {
        const summary = deciding !== null ? tn("evidence_more", rest.length) : tn("evidence_count", rest.length);
        body.push(el("details", { class: "evidence" }, [
          el("summary", { text: summary }),
          el("ol", { class: "evidence-list", start: deciding !== null ? "2" : null }, rest.map((ev) => evidenceItem(ev, R, t))),
        ]));
      }
    } else {
      body.push(el("p", { class: "none", text: t("no_evidence") }));
    }
    const research = row.research;
    if (research && Array.isArray(research.queries) && research.queries.length) {
      body.push(el("details", { class: "research" }, [
        el("summary", { text: tn("research", research.rounds || 0) }),
        el("ul", {}, research.queries.map((q) => el("li", { text: q }))),
      ]));
    }
    const problem = PROBLEM_KEYS.includes(key) ? " problem" : "";
    return el("article", { class: "claim-row row-" + key + problem, id: "claim-" + (row.id || ""), "data-label": key }, body);
  }

  function evidenceItem(ev, R, t) {
    const source = ev.source || {};
    let target = source.url || "";
    if (ev.page !== null && ev.page !== undefined && safeHref(target) && !target.includes("#")) {
      target = target + "#page=" + ev.page;
    }
    const title = source.title ? normalized(source.title) : t("untitled");
    const meta = [
      linkOrText(target, title, "source-link"),
      el("span", { class: "url", text: source.url || "" }),
      el("span", { class: "date", text: source.published ? source.published : t("date_unknown") }),
      el("span", { class: "kind", text: R.kinds[source.kind] || R.kinds.unknown }),
    ];
    if (ev.page !== null && ev.page !== undefined) meta.push(el("span", { class: "page", text: t("page", { n: ev.page }) }));
    const stance = R.stances[ev.stance] !== undefined ? ev.stance : "mentions";
    meta.push(el("span", { class: "stance stance-" + stance, text: R.stances[stance] }));
    const src = el("div", { class: "src" });
    meta.forEach((node, i) => {
      if (i) src.append(el("span", { class: "sep", "aria-hidden": "true", text: "·" }));
      src.append(node);
    });
    const quote = t("quote_open") + normalized(ev.quote) + t("quote_close");
    return el("li", { class: "evidence-item" }, [el("blockquote", { class: "quote", text: quote }), src]);
  }

  /* ---------- downloads ---------- */

  async function download(format) {
    if (currentJob === null) return;
    const button = $("download-" + format);
    button.disabled = true;
    try {
      const resp = await api("/v1/checks/" + encodeURIComponent(currentJob) + "/report." + format + "?download=1");
      if (!resp.ok) throw await httpError(resp);
      const blob = await resp.blob();
      const url = URL.createObjectURL(blob);
      const safeId = String(currentJob).replace(/[^A-Za-z0-9._-]/g, "_");
      const a = el("a", { href: url, download: "veracity-" + safeId + "." + format, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (err) {
      showError(err.message);
    } finally {
      button.disabled = false;
    }
  }

  /* ---------- start-up ---------- */

  function init() {
    for (const tab of document.querySelectorAll(".tab")) {
      tab.addEventListener("click", () => selectMode(tab.dataset.mode));
    }
    $("check-form").addEventListener("submit", start);
    $("auth-form").addEventListener("submit", tokenEntered);
    for (const format of ["md", "html", "json"]) {
      $("download-" + format).addEventListener("click", () => download(format));
    }
    $("report-order").addEventListener("change", changeOrder);
    setStatus(ui("st_idle"), "idle");
    loadSources();
    // #check=<id> follows an earlier job (a reload keeps watching it).
    const match = /^#check=(.+)$/.exec(location.hash);
    if (match) {
      resetProgress();
      setBusy(true);
      follow(decodeURIComponent(match[1])).finally(() => setBusy(false));
    }
  }

  // Exposed for tests and for the curious: the parser and the link rule.
  window.veracity = { SSEParser: SSEParser, safeHref: safeHref };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
