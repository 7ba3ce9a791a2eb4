// The chat page: asks /api/ask/stream, shows the answer, its figures and citations.
// Every piece of text from the report or the user goes in as text (textContent,
// createTextNode), never as HTML.
"use strict";

// Example questions are made from the library's own reports (see showLibrary).
const EXAMPLES = [];

const WORDS = {
  zh: {
    figures: "数据", sources: "出处", abstained: "报告未说明", passage: "出处",
    kinds: { result: "完成", target: "目标", estimate: "预计" },
    chars: "字符", unit: "单位", thinking: "正在查找…", understood: "理解为",
    more: (n) => `更多相关段落（${n}）`, copy: "复制引文", copied: "已复制",
    inDocument: "在全文中查看", allReports: "全部报告",
  },
  en: {
    figures: "Figures", sources: "Sources", abstained: "Not stated in the report", passage: "Source",
    kinds: { result: "result", target: "target", estimate: "estimate" },
    chars: "chars", unit: "unit", thinking: "Looking it up…", understood: "Read as",
    more: (n) => `More passages on the topic (${n})`, copy: "Copy citation", copied: "Copied",
    inDocument: "Show in the document", allReports: "All reports",
  },
};

const KEY_STORE = "reportqa-api-key";

// The conversation of this tab: earlier questions as the service understood them,
// sent with each question so that a follow-up ("那2023年呢？") is read against them.
// The service keeps nothing; "New conversation" starts over.
const MAX_HISTORY = 20;
let asked = [];

/** A period label ("2022-actual", "2016-2020-actual") in the reader's words. */
function periodText(w, label, info) {
  if (!label) return "";
  const p = info || (() => {
    const m = /^(\d{4})(?:-(\d{4}))?-(actual|target|estimate)$/.exec(label);
    if (!m) return null;
    return { start: +m[1], end: +(m[2] || m[1]), kind: m[3] === "actual" ? "result" : m[3] };
  })();
  if (!p) return label;
  const years = p.start === p.end ? `${p.start}` : `${p.start}–${p.end}`;
  return w === WORDS.zh ? `${years}年${w.kinds[p.kind]}` : `${years} ${w.kinds[p.kind]}`;
}
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ helpers

/** An element with a class and text (as text, never HTML). */
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Slice by code points: the server's offsets count characters, not UTF-16 units. */
function cpSlice(chars, start, end) {
  return chars.slice(Math.max(0, start), Math.max(0, end)).join("");
}

function apiKey() {
  const params = new URLSearchParams(location.search);
  const key = params.get("key");
  if (key) {
    sessionStorage.setItem(KEY_STORE, key);
    params.delete("key");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }
  return sessionStorage.getItem(KEY_STORE);
}

function headers(json) {
  const h = json ? { "Content-Type": "application/json" } : {};
  const key = apiKey();
  if (key) h["X-API-Key"] = key;
  return h;
}

// The service words its messages in the language of the question (api/messages.py).
const ZH_PREFIX = { 401: "需要 API 密钥（用 ?key=… 打开本页）", 413: "问题太长", 422: "无法读取这个问题",
                    503: "服务尚未就绪，请稍候" };

/** A readable message from an error response: FastAPI's {detail} in its two shapes;
 * in Chinese when `lang` is zh. */
async function errorMessage(response, lang = "en") {
  let detail = null;
  try {
    detail = (await response.json()).detail;
  } catch (_) { /* not JSON */ }
  if (Array.isArray(detail)) {
    detail = detail.map((d) => {
      // The question's own problem reads as a sentence, not as the validator's words
      // ("question: Value error, question has no words…").
      const where = (d.loc || []).filter((p) => p !== "body" && p !== "question").join(".");
      const msg = String(d.msg || "").replace(/^Value error, /, "");
      const why = d.ctx && typeof d.ctx.error === "string" && !msg.includes(d.ctx.error)
        ? `${msg}: ${d.ctx.error}` : msg;
      return where ? `${where}: ${why}` : why;
    }).join("; ");
  }
  if (lang === "zh") {
    const prefix = ZH_PREFIX[response.status] || `出错了（${response.status}）`;
    // The service's own Chinese sentence; an English one (not yet translated) stays out.
    return detail && /[\u4e00-\u9fff]/.test(detail) ? `${prefix}：${detail}` : prefix;
  }
  const prefix = {
    401: "API key needed (open the page with ?key=…)",
    413: "Question too long",
    422: "Invalid question",
    503: "Not ready",
  }[response.status] || `Error ${response.status}`;
  return detail ? `${prefix}: ${detail}` : prefix;
}

// ------------------------------------------------------------------ streaming

/** Yields {event, data} from a text/event-stream response body. */
async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    buffer = buffer.replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue; // keep-alive comment
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = val;
        else if (field === "data") data.push(val);
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
    if (done) return;
  }
}

/** The question, the conversation so far and the report picked, as /api/ask wants them. */
function requestBody(question) {
  const body = { question };
  if (asked.length) body.history = asked;
  const picked = $("report") ? $("report").value : "";
  if (picked) body.docs = [picked];
  return body;
}

/** Asks the stream; calls view.answer/citation/figure/done; throws Error(message). */
async function ask(question, view) {
  let response;
  try {
    response = await fetch("/api/ask/stream", {
      method: "POST", headers: headers(true),
      body: JSON.stringify(requestBody(question)),
    });
  } catch (_) {
    throw new Error("Could not reach the server / 无法连接服务器");
  }
  const lang = /[\u4e00-\u9fff]/.test(question) ? "zh" : "en";
  if (!response.ok) throw new Error(await errorMessage(response, lang));
  let finished = false;
  for await (const { event, data } of sseEvents(response)) {
    if (event === "question") view.question(data);
    else if (event === "answer") view.answer(data);
    else if (event === "citation") view.citation(data.index, data.citation);
    else if (event === "figure") view.figure(data.index, data.figure);
    else if (event === "error") throw new Error(data.detail);
    else if (event === "done") { view.done(data); finished = true; }
  }
  if (!finished) throw new Error("The answer was cut off; please ask again / 回答中断，请重试");
}

// ------------------------------------------------------------------ rendering

class AnswerView {
  constructor(item) {
    this.item = item;
    this.bubble = item.querySelector(".bubble");
    this.citations = [];
    this.figures = [];
  }

  /** Shown at once: how the question is read, while the answer is looked for. */
  question(q) {
    if (q.understood && q.understood !== q.question) {
      const words = /[\u4e00-\u9fff]/.test(q.question) ? WORDS.zh : WORDS.en;
      this.bubble.textContent = `${words.understood}: ${q.understood} — ${words.thinking}`;
    }
  }

  answer(a) {
    this.data = a;
    this.words = WORDS[a.lang] || WORDS.en;
    this.bubble.textContent = "";
    this.item.classList.toggle("abstained", a.abstained);
    this.item.lang = a.lang === "zh" ? "zh-CN" : "en";
    if (a.abstained) {
      const badge = el("span", "badge");
      badge.append(el("span", "icon", "∅"), document.createTextNode(" " + this.words.abstained));
      this.bubble.append(badge);
    }
    if (a.understood && a.understood !== a.question) {
      this.bubble.append(el("p", "understood", `${this.words.understood}: ${a.understood}`));
    }
    this.bubble.append(el("p", "answer", a.answer));
    this.figList = el("ul", "figures");
    this.citeList = el("ol", "citations");
    this.figHead = el("h3", "list-head", this.words.figures);
    this.citeHead = el("h3", "list-head", this.words.sources);
    this.figHead.hidden = this.figList.hidden = true;
    this.citeHead.hidden = this.citeList.hidden = true;
    // Passages the answer does not rest on wait behind "more".
    this.more = el("details", "more-sources");
    this.moreSummary = el("summary", "", "");
    this.moreList = el("ol", "citations");
    this.more.append(this.moreSummary, this.moreList);
    this.more.hidden = true;
    this.bubble.append(this.figHead, this.figList, this.citeHead, this.citeList, this.more);
  }

  citation(index, c) {
    this.citations[index] = c;
    const li = el("li", "citation-item");
    const button = el("button", "citation");
    button.type = "button";
    button.dataset.index = String(index);
    const parts = c.section.split(" / ");
    button.append(el("span", "num", `[${index + 1}]`),
      el("span", "where", parts[parts.length - 1] || "—"));
    // A table row reads as its cells under their headers; a sentence as itself.
    button.append(c.cells && c.cells.length ? cellTable(c)
      : el("span", "quote", cpSlice(Array.from(c.text), c.quote_start, c.quote_end)));
    button.addEventListener("click", () => showPassage(this, index));
    li.append(button, this.copyButton(c));
    const supports = c.supports !== false || this.citations.filter(Boolean).length === 1;
    if (supports) {
      this.citeList.append(li);
      this.citeHead.hidden = this.citeList.hidden = false;
    } else {
      this.moreList.append(li);
      this.more.hidden = false;
      this.moreSummary.textContent = this.words.more(this.moreList.children.length);
    }
  }

  /** A button that copies the cited sentence with where it is from. */
  copyButton(c) {
    const w = this.words;
    const b = el("button", "copy", w.copy);
    b.type = "button";
    b.title = w.copy;
    b.setAttribute("aria-label", w.copy);
    b.addEventListener("click", async () => {
      const quote = cpSlice(Array.from(c.text), c.quote_start, c.quote_end).trim();
      const where = [c.doc_title || c.doc_id, c.section].filter(Boolean).join(" · ");
      const text = this.data.lang === "zh" ? `“${quote}”（${where}）` : `"${quote}" (${where})`;
      b.dataset.copied = text;
      try {
        await navigator.clipboard.writeText(text);
      } catch (_) {
        const area = el("textarea", "visually-hidden", text);
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      b.textContent = w.copied;
      setTimeout(() => { b.textContent = w.copy; }, 1500);
    });
    return b;
  }

  figure(index, f) {
    this.figures[index] = f;
    const w = this.words;
    const li = el("li", "figure");
    li.append(el("span", "value", f.text));
    if (this.data.lang === "en" && f.text_en) li.append(el("span", "value-en", f.text_en));
    li.append(el("span", "label", this.data.lang === "en" ? f.label_en || f.label : f.label));
    if (f.unit) li.append(el("span", "chip unit", `${w.unit}: ${unitText(f)}`));
    if (f.period) li.append(el("span", "chip period", periodText(w, f.period, f.period_info)));
    const ref = el("button", "ref", `[${f.citation + 1}]`);
    ref.type = "button";
    ref.title = w.sources;
    ref.addEventListener("click", () => showPassage(this, f.citation));
    li.append(ref);
    this.figList.append(li);
    this.figHead.hidden = this.figList.hidden = false;
  }

  done(counts) {
    this.item.classList.remove("pending");
    const got = this.citations.filter(Boolean).length;
    if (counts.citations !== got) this.fail(`${counts.citations - got} citation(s) were lost`);
  }

  fail(message) {
    this.item.classList.remove("pending");
    this.item.classList.add("error");
    this.bubble.append(el("p", "error-text", message));
  }
}

/** A figure's unit as its number is written: 1202.8 under "（亿元）" is in 亿元, though
 * its value is counted in 元. */
function unitText(f) {
  const written = parseFloat(String(f.text).replace(/[^\d.\-]/g, ""));
  if (!written || !isFinite(f.value)) return f.unit;
  const scale = Math.round(Math.log10(Math.abs(f.value / written)));
  const prefix = { 3: "千", 4: "万", 8: "亿", 12: "万亿" }[scale];
  return prefix && !String(f.text).includes(prefix) ? prefix + f.unit : f.unit;
}

/** A table row's cells under their column headers. */
function cellTable(c) {
  const table = el("table", "cells");
  const head = el("tr"), row = el("tr");
  for (const cell of c.cells) {
    head.append(el("th", "", cell.header || "—"));
    row.append(el("td", "", cell.text));
  }
  table.append(head, row);
  return table;
}

/** The whole document in the panel, the cited passage marked and scrolled to. */
async function showInDocument(c) {
  const text = $("panel-text");
  let doc;
  try {
    const r = await fetch(`/api/documents/${encodeURIComponent(c.doc_id)}`, { headers: headers(false) });
    if (!r.ok) throw new Error(await errorMessage(r));
    doc = await r.json();
  } catch (err) {
    text.append(el("p", "error-text", err.message));
    return;
  }
  const chars = Array.from(doc.text);
  text.textContent = "";
  text.append(document.createTextNode(cpSlice(chars, 0, c.start)));
  const here = el("mark", "quote-mark", cpSlice(chars, c.start, c.end));
  here.id = "cited-here";
  text.append(here, document.createTextNode(cpSlice(chars, c.end, chars.length)));
  text.classList.add("whole");
  here.scrollIntoView({ block: "center" });
}

/** Text of a passage with its quote and figures marked, offsets relative to the passage. */
function markedPassage(c, figures) {
  const chars = Array.from(c.text);
  const marks = figures
    .map((f) => ({ s: f.start - c.start, e: f.end - c.start, f }))
    .filter((m) => m.e > m.s && m.s >= 0 && m.e <= chars.length)
    .sort((a, b) => a.s - b.s);
  const box = document.createDocumentFragment();
  function fill(parent, from, to) {
    let pos = from;
    for (const m of marks) {
      const s = Math.max(m.s, pos), e = Math.min(m.e, to);
      if (s >= e) continue;
      if (s > pos) parent.append(document.createTextNode(cpSlice(chars, pos, s)));
      const mark = el("mark", "figure-mark", cpSlice(chars, s, e));
      mark.title = `${m.f.label_en || m.f.label}`;
      parent.append(mark);
      pos = e;
    }
    if (to > pos) parent.append(document.createTextNode(cpSlice(chars, pos, to)));
  }
  const qs = Math.min(Math.max(0, c.quote_start), chars.length);
  const qe = Math.min(Math.max(qs, c.quote_end), chars.length);
  fill(box, 0, qs);
  const quote = el("mark", "quote-mark");
  fill(quote, qs, qe);
  box.append(quote);
  fill(box, qe, chars.length);
  return box;
}

function showPassage(view, index) {
  const c = view.citations[index];
  if (!c) return;
  const w = view.words;
  const figures = view.figures.filter((f) => f && f.citation === index);
  $("panel-title").textContent = `${w.passage} [${index + 1}]`;
  const path = $("panel-section");
  path.textContent = "";
  c.section.split(" / ").forEach((part, i) => {
    if (i) path.append(el("span", "sep", " › "));
    path.append(el("span", "crumb", part));
  });
  $("panel-meta").textContent =
    `${c.doc_id} · ${w.chars} ${c.start}–${c.end}` + (c.period ? ` · ${periodText(w, c.period, c.period_info)}` : "");
  const text = $("panel-text");
  text.textContent = "";
  text.classList.remove("whole");
  text.lang = "zh-CN";
  text.append(markedPassage(c, figures));
  const open = $("panel-open");
  open.textContent = w.inDocument;
  open.onclick = () => showInDocument(c);
  const list = $("panel-figures");
  list.textContent = "";
  for (const f of figures) {
    const li = el("li");
    li.append(el("mark", "figure-mark", f.text),
      el("span", "offsets", ` @ ${f.start - c.start}–${f.end - c.start}`),
      el("span", "label", ` ${view.data.lang === "en" ? f.label_en || f.label : f.label}`));
    list.append(li);
  }
  const panel = $("panel");
  panel.hidden = false;
  document.body.classList.add("panel-open");
  $("panel-close").focus();
}

function closePanel() {
  $("panel").hidden = true;
  document.body.classList.remove("panel-open");
}

// ------------------------------------------------------------------ conversation

let busy = false;

async function send(question) {
  question = question.trim();
  if (!question || busy) return;
  busy = true;
  $("send").disabled = true;
  $("intro").classList.add("compact");
  const log = $("log");
  const mine = el("li", "msg user");
  mine.append(el("div", "bubble", question));
  const theirs = el("li", "msg bot pending");
  theirs.append(el("div", "bubble", /[\u4e00-\u9fff]/.test(question) ? WORDS.zh.thinking : WORDS.en.thinking));
  log.append(mine, theirs);
  theirs.scrollIntoView({ block: "end", behavior: "smooth" });
  const view = new AnswerView(theirs);
  try {
    await ask(question, view);
    const a = view.data;
    asked = [...asked, { question: a.question, understood: a.understood || a.question }]
      .slice(-MAX_HISTORY);
    $("restart").hidden = false;
  } catch (err) {
    if (!view.data) theirs.querySelector(".bubble").textContent = "";
    view.fail(err.message);
  } finally {
    busy = false;
    $("send").disabled = false;
    theirs.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

async function watchReady() {
  const status = $("status");
  for (let i = 0; ; i++) {
    try {
      const r = await fetch("/api/ready", { headers: headers(false) });
      if (r.ok) {
        status.textContent = "● ready 就绪";
        status.className = "status ok";
        return;
      }
      status.textContent = r.status === 401 ? "API key needed" : "loading 加载中…";
      status.className = "status wait";
      if (r.status === 401) return;
    } catch (_) {
      status.textContent = "offline 离线";
      status.className = "status bad";
    }
    await new Promise((ok) => setTimeout(ok, Math.min(5000, 500 + i * 250)));
  }
}

/** The title line and the example questions come from the library's reports. */
async function showLibrary() {
  try {
    const r = await fetch("/api/documents", { headers: headers(false) });
    if (!r.ok) return;
    const docs = (await r.json()).documents;
    const named = docs.filter((d) => d.place);
    const picker = $("report");
    for (const d of docs) {
      const name = d.place ? `${d.place} ${d.year || ""}` : d.title;
      const opt = el("option", "", `${name} · ${d.title}`.slice(0, 80));
      opt.value = d.id;
      picker.append(opt);
    }
    const places = [...new Set(named.map((d) => `${d.place}${d.year ? " " + d.year : ""}`))];
    $("library").textContent = `${docs.length} 份报告 reports: ${places.slice(0, 8).join("、")}` +
      (places.length > 8 ? " …" : "") + " · answers quote the reports, with sources";
    for (const d of named.slice(0, 2)) {
      EXAMPLES.push(`${d.place}${d.year}年地区生产总值是多少？`);
      const whose = d.place_en.endsWith("s") ? `${d.place_en}'` : `${d.place_en}'s`;
      EXAMPLES.push(`How fast did ${whose} GDP grow in ${d.year}?`);
    }
    showExamples();
  } catch (_) { /* the page still works without them */ }
}

function showExamples() {
  const examples = $("examples");
  for (const q of EXAMPLES) {
    const b = el("button", "example", q);
    b.type = "button";
    b.addEventListener("click", () => send(q));
    examples.append(b);
  }
}

/** Forgets the conversation: the next question is read on its own. */
function restart() {
  asked = [];
  $("log").textContent = "";
  $("intro").classList.remove("compact");
  $("restart").hidden = true;
  closePanel();
  $("question").focus();
}

function setup() {
  apiKey(); // moves ?key=… into sessionStorage
  showLibrary();
  $("restart").addEventListener("click", restart);
  // The sticky input bar's height, for the messages to keep clear of it.
  const bar = $("ask");
  const keepClear = () => document.documentElement.style.setProperty("--bar-h", `${bar.offsetHeight}px`);
  keepClear();
  if (window.ResizeObserver) new ResizeObserver(keepClear).observe(bar);
  const box = $("question");
  $("ask").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = box.value;
    if (!q.trim() || busy) return;
    box.value = "";
    autosize();
    send(q);
  });
  box.addEventListener("keydown", (e) => {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME candidate is not a send.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      $("ask").requestSubmit();
    }
  });
  function autosize() {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight, 160) + "px";
  }
  box.addEventListener("input", autosize);
  $("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closePanel(); });
  watchReady();
  box.focus();
}

document.addEventListener("DOMContentLoaded", setup);
