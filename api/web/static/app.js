// Backoffice pages work without this file; it adds drag-and-drop upload with live
// status, keyboard shortcuts and field highlighting. No framework, no network
// access beyond this server.
(function () {
  "use strict";
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  // ---------------------------------------------------------------- review lease
  // A document opened from the review queue is taken with a POST once the page has
  // loaded (the GET that shows it changes nothing); the button does the same without JS.
  function setupLease() {
    const box = document.getElementById("lease");
    if (!box || box.dataset.leaseState !== "free") return;
    const status = document.getElementById("lease-status");
    fetch(box.dataset.leaseUrl, {
      method: "POST", headers: { "X-CSRF-Token": csrf(), Accept: "application/json" },
    }).then(async (r) => {
      const body = await r.json().catch(() => ({}));
      if (r.ok) {
        box.dataset.leaseState = "mine";
        status.textContent = "You hold this item until " +
          new Date(body.lease_until).toISOString().slice(11, 16) + " UTC.";
        const button = document.getElementById("take-lease");
        if (button) button.remove();
      } else {
        box.dataset.leaseState = "taken";
        status.textContent = body.detail || ("Could not take the item (" + r.status + ").");
      }
    }).catch(() => {});
  }

  // ---------------------------------------------------------------- upload
  function setupUpload() {
    const form = document.getElementById("upload-form");
    if (!form) return;
    const input = document.getElementById("files");
    const zone = document.getElementById("drop-zone");
    const list = document.getElementById("upload-status");
    const FINAL = new Set(["needs_review", "auto_approved", "approved", "rejected", "failed", "restricted"]);

    function row(file) {
      const li = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = file.name;
      const state = document.createElement("span");
      state.className = "status status-processing";
      state.textContent = "uploading";
      li.append(name, state);
      list.append(li);
      return { li, state };
    }
    function show(ui, status, id) {
      ui.state.className = "status status-" + status;
      ui.state.textContent = status.replace(/_/g, " ");
      if (id && status !== "restricted" && !ui.li.querySelector("a")) {
        const a = document.createElement("a");
        a.href = "/documents/" + id;
        a.textContent = "Open";
        ui.li.append(a);
      }
    }
    async function poll(ui, id) {
      for (let i = 0; i < 600; i++) {
        const r = await fetch("/api/documents/" + id + "/status", { headers: { Accept: "application/json" } });
        // 404: no longer visible to the uploader (it turned out to be someone else's type)
        if (r.status === 404) { show(ui, "restricted"); return; }
        if (!r.ok) { show(ui, "failed"); return; }
        const s = await r.json();
        show(ui, s.status, id);
        if (FINAL.has(s.status)) return;
        await new Promise((res) => setTimeout(res, 1500));
      }
    }
    async function send(files) {
      for (const file of files) {
        const ui = row(file);
        const body = new FormData();
        body.append("files", file, file.name);
        try {
          const r = await fetch("/api/documents?wait=false", {
            method: "POST", body, headers: { "X-CSRF-Token": csrf(), Accept: "application/json" },
          });
          if (!r.ok) { show(ui, "failed"); ui.state.textContent = "upload failed (" + r.status + ")"; continue; }
          const doc = (await r.json()).documents[0];
          show(ui, doc.status, doc.document_id);
          if (!FINAL.has(doc.status)) poll(ui, doc.document_id);
        } catch (e) {
          show(ui, "failed");
        }
      }
    }
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (input.files.length) send(Array.from(input.files));
      form.reset();
    });
    ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (ev) => {
      ev.preventDefault(); zone.classList.add("dragover");
    }));
    ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, (ev) => {
      ev.preventDefault(); zone.classList.remove("dragover");
    }));
    zone.addEventListener("drop", (ev) => {
      if (ev.dataTransfer && ev.dataTransfer.files.length) send(Array.from(ev.dataTransfer.files));
    });
  }

  // ---------------------------------------------------------------- document page
  function setupDocument() {
    const body = document.body;
    const id = body.dataset.document;
    if (!id) return;
    const boxes = (name) => document.querySelectorAll('rect.box[data-field="' + CSS.escape(name) + '"]');
    document.querySelectorAll("table.fields tr[data-field]").forEach((tr) => {
      const on = () => { tr.classList.add("active"); boxes(tr.dataset.field).forEach((b) => b.classList.add("active")); };
      const off = () => { tr.classList.remove("active"); boxes(tr.dataset.field).forEach((b) => b.classList.remove("active")); };
      tr.addEventListener("mouseenter", on); tr.addEventListener("mouseleave", off);
      tr.addEventListener("focusin", on); tr.addEventListener("focusout", off);
    });
    setupViewer();
    setupFieldWalk();
    setupFieldChecks();
    setupLineItems();
    if (body.dataset.status === "processing") {
      const tick = async () => {
        const r = await fetch("/api/documents/" + id + "/status", { headers: { Accept: "application/json" } });
        if (r.status === 404 || (r.ok && (await r.json()).final)) { location.reload(); return; }
        setTimeout(tick, 2000);
      };
      setTimeout(tick, 2000);
    }
  }

  // ---------------------------------------------------------------- page viewer
  // Zoom (fit width, fit page, +/-), pan by dragging when no field is being filled, and
  // click-to-capture: with a field's input focused, a click or a dragged rectangle on the
  // page fills it with the words under it and saves it through the normal correction form.
  const fieldInputs = () => Array.from(document.querySelectorAll('table.fields input[name="value"]'));
  const attentionInputs = () => Array.from(document.querySelectorAll("table.fields input[data-attention]"));
  const FOCUS_KEY = "backoffice-focus-after-save";
  const ZOOM_STEP = 1.25, ZOOM_MIN = 0.25, ZOOM_MAX = 6;

  function setupViewer() {
    const scroll = document.getElementById("page-scroll");
    const view = scroll && scroll.querySelector(".page-view");
    const img = view && view.querySelector("img");
    if (!img) return;
    const pageW = Number(img.getAttribute("width")) || 612;
    const pageH = Number(img.getAttribute("height")) || 792;
    const level = document.getElementById("zoom-level");
    const rotBox = view.parentElement;  // .page-rot: takes the rotated page's size in the layout
    const ROT_KEY = "backoffice-rotation-" + document.body.dataset.document + "-" + view.dataset.words;
    let scale = 1;
    let rot = Number(sessionStorage.getItem(ROT_KEY)) || 0;  // degrees clockwise: 0, 90, 180, 270
    // The page turns about its top-left corner and is moved back into the box, so the
    // boxes drawn over it (the SVG inside .page-view) turn with it.
    function place() {
      const w = view.offsetWidth, h = view.offsetHeight;
      const turn = { 0: "", 90: "translate(" + h + "px,0) rotate(90deg)", 180: "translate(" + w + "px," + h + "px) rotate(180deg)", 270: "translate(0," + w + "px) rotate(270deg)" };
      view.style.transform = turn[rot];
      rotBox.style.width = (rot % 180 ? h : w) + "px";
      rotBox.style.height = (rot % 180 ? w : h) + "px";
      view.dataset.rotation = String(rot);
      document.getElementById("rotation").textContent = rot + "°";
    }
    function zoom(s) {
      scale = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, s));
      view.style.width = Math.round(pageW * scale) + "px";
      level.textContent = Math.round(scale * 100) + " %";
      view.dataset.scale = String(scale);
      place();
    }
    const shownW = () => (rot % 180 ? pageH : pageW), shownH = () => (rot % 180 ? pageW : pageH);
    let fit = null;  // "width" or "page" while the zoom is a fit: a turn fits again
    const fitWidth = () => { zoom((scroll.clientWidth - 2) / shownW()); fit = "width"; };
    const fitPage = () => { zoom(Math.min((scroll.clientWidth - 2) / shownW(), (scroll.clientHeight || window.innerHeight * 0.8) / shownH())); fit = "page"; };
    const zoomBy = (k) => { zoom(scale * k); fit = null; };
    document.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => {
      ({ width: fitWidth, page: fitPage, in: () => zoomBy(ZOOM_STEP), out: () => zoomBy(1 / ZOOM_STEP) })[b.dataset.zoom]();
    }));
    document.querySelectorAll("[data-rotate]").forEach((b) => b.addEventListener("click", () => {
      rot = (rot + Number(b.dataset.rotate) + 360) % 360;
      sessionStorage.setItem(ROT_KEY, String(rot));
      if (fit === "width") fitWidth(); else if (fit === "page") fitPage(); else place();
    }));
    fitWidth();
    // a search hit opened here: bring its highlighted passage into view
    const passage = view.querySelector("rect.passage");
    if (passage) {
      requestAnimationFrame(() => {
        const b = passage.getBoundingClientRect(), box = scroll.getBoundingClientRect();
        scroll.scrollTop += b.top - box.top - 40;
      });
    }
    document.addEventListener("keydown", (ev) => {
      if (typing(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === "+" || ev.key === "=") { zoomBy(ZOOM_STEP); ev.preventDefault(); }
      else if (ev.key === "-") { zoomBy(1 / ZOOM_STEP); ev.preventDefault(); }
    });

    // box -> row highlighting (the rows highlight their boxes in setupDocument)
    view.querySelectorAll("rect.box").forEach((r) => {
      const row = document.querySelector('table.fields tr[data-field="' + CSS.escape(r.dataset.field) + '"]');
      if (!row) return;
      r.addEventListener("mouseenter", () => { row.classList.add("active"); r.classList.add("active"); });
      r.addEventListener("mouseleave", () => { row.classList.remove("active"); r.classList.remove("active"); });
    });

    let target = null;  // the field input that a click on the page fills
    fieldInputs().forEach((inp) => inp.addEventListener("focus", () => { target = inp; view.classList.add("capturing"); }));
    document.addEventListener("focusin", (ev) => {
      if (!fieldInputs().includes(ev.target)) { target = null; view.classList.remove("capturing"); }
    });
    let words = null;
    async function loadWords() {
      if (words) return words;
      const r = await fetch(view.dataset.words, { headers: { Accept: "application/json" } });
      words = r.ok ? (await r.json()).words : [];
      return words;
    }
    // a point on the screen -> page coordinates, undoing the view's rotation
    const toPage = (ev) => {
      const b = img.getBoundingClientRect();
      const u = (ev.clientX - b.left) / b.width, v = (ev.clientY - b.top) / b.height;
      const [x, y] = { 0: [u, v], 90: [v, 1 - u], 180: [1 - u, 1 - v], 270: [1 - v, u] }[rot];
      return [x * pageW, y * pageH];
    };
    let drag = null;
    view.addEventListener("mousedown", (ev) => {
      if (ev.button !== 0) return;
      ev.preventDefault();  // keep the field focused
      if (target) {
        const [x, y] = toPage(ev);
        const mark = document.createElement("div");
        mark.className = "capture-rect";
        view.append(mark);
        drag = { kind: "capture", x, y, mark, input: target };
      } else {
        drag = { kind: "pan", cx: ev.clientX, cy: ev.clientY, sl: scroll.scrollLeft, st: scroll.scrollTop };
        scroll.classList.add("panning");
      }
    });
    window.addEventListener("mousemove", (ev) => {
      if (!drag) return;
      if (drag.kind === "pan") {
        scroll.scrollLeft = drag.sl - (ev.clientX - drag.cx);
        scroll.scrollTop = drag.st - (ev.clientY - drag.cy);
        return;
      }
      const [x, y] = toPage(ev);
      const k = img.offsetWidth / pageW;  // the mark lives in the page's own (turned) frame
      Object.assign(drag.mark.style, {
        left: Math.min(x, drag.x) * k + "px", top: Math.min(y, drag.y) * k + "px",
        width: Math.abs(x - drag.x) * k + "px", height: Math.abs(y - drag.y) * k + "px",
      });
    });
    window.addEventListener("mouseup", async (ev) => {
      const d = drag;
      drag = null;
      scroll.classList.remove("panning");
      if (!d || d.kind !== "capture") return;
      d.mark.remove();
      const [x, y] = toPage(ev);
      let [x0, y0, x1, y1] = [Math.min(x, d.x), Math.min(y, d.y), Math.max(x, d.x), Math.max(y, d.y)];
      if (x1 - x0 < 3 && y1 - y0 < 3) { x0 -= 1; y0 -= 1; x1 += 1; y1 += 1; }  // a click
      const hit = (await loadWords()).filter((w) => w.bbox[0] <= x1 && w.bbox[2] >= x0 && w.bbox[1] <= y1 && w.bbox[3] >= y0);
      if (!hit.length) return;
      hit.sort((a, b) => (Math.abs(a.bbox[1] - b.bbox[1]) > 3 ? a.bbox[1] - b.bbox[1] : a.bbox[0] - b.bbox[0]));
      d.input.value = hit.map((w) => w.text).join(" ");
      d.input.focus();
      saveField(d.input);
    });
  }

  // ---------------------------------------------------------------- line-item grid
  // Add, delete and reorder lines in the page (the server reads the rows in their order
  // on save), and show each line's quantity x unit price and the sum of the amounts
  // against the invoice's subtotal (or its total: gross prices) as they are typed. The server checks every cell again
  // with the project's money grammar; this parser only previews.
  const LINE_FOCUS_KEY = "backoffice-focus-line-items";
  function parseAmount(text) {
    let t = String(text || "").replace(/[^0-9.,\-]/g, "");
    if (!/\d/.test(t)) return null;
    if (t.includes(",") && t.includes(".")) {
      t = t.lastIndexOf(".") > t.lastIndexOf(",") ? t.replace(/,/g, "") : t.replace(/\./g, "").replace(",", ".");
    } else if (t.includes(",")) {
      const k = t.lastIndexOf(",");
      t = t.length - k - 1 === 2 ? t.slice(0, k).replace(/,/g, "") + "." + t.slice(k + 1) : t.replace(/,/g, "");
    }
    const v = Number(t);
    return Number.isFinite(v) ? Math.round(v * 100) : null;  // cents
  }
  const fmtCents = (c) => (c < 0 ? "-" : "") + (Math.abs(c) / 100).toFixed(2);
  function setupLineItems() {
    const form = document.getElementById("line-items-form");
    const tbody = form && form.querySelector("table.grid tbody");
    if (!tbody || !form.querySelector("input[data-col]")) return;
    const table = tbody.closest("table");
    const rows = () => Array.from(tbody.querySelectorAll("tr.line"));
    const cell = (tr, col) => tr.querySelector('input[data-col="' + col + '"]');
    const blank = (tr) => Array.from(tr.querySelectorAll("input[data-col]")).every((i) => !i.value.trim());
    const LABELS = { description: "Description", quantity: "Quantity", unit_price: "Unit price", amount: "Amount", tax: "Tax" };
    function renumber() {
      rows().forEach((tr, k) => {
        const n = k + 1;
        tr.querySelector(".line-no").textContent = String(n);
        tr.querySelectorAll("input[data-col]").forEach((i) => i.setAttribute("aria-label", LABELS[i.dataset.col] + ", line " + n));
        tr.querySelector('[data-line-op="up"]').setAttribute("aria-label", "Move line " + n + " up");
        tr.querySelector('[data-line-op="down"]').setAttribute("aria-label", "Move line " + n + " down");
        tr.querySelector('[data-line-op="delete"]').setAttribute("aria-label", "Delete line " + n);
      });
    }
    function recompute() {
      const perLine = Math.round(Number(table.dataset.tolerance || "0.01") * 100);
      const floor = Math.round(Number(table.dataset.minTolerance || "0") * 100);
      let sum = 0, lines = 0, unreadable = false;
      rows().forEach((tr) => {
        const out = tr.querySelector(".row-sum output");
        const note = tr.querySelector(".mismatch-note");
        if (note) note.remove();
        if (blank(tr)) { out.textContent = ""; tr.classList.remove("mismatch"); return; }
        lines += 1;
        const q = parseAmount(cell(tr, "quantity").value), u = parseAmount(cell(tr, "unit_price").value);
        const a = parseAmount(cell(tr, "amount").value);
        if (a === null) unreadable = true; else sum += a;
        const computed = q !== null && u !== null && cell(tr, "quantity").value.trim() && cell(tr, "unit_price").value.trim()
          ? Math.round(q * u / 100) : null;
        out.textContent = computed === null ? "" : fmtCents(computed);
        const bad = computed !== null && a !== null && Math.abs(computed - a) > 2;
        tr.classList.toggle("mismatch", bad);
        if (bad) {
          const s = document.createElement("span");
          s.className = "mismatch-note"; s.textContent = " ≠ amount";
          out.after(s);
        }
      });
      const targetCell = document.getElementById("li-target");
      const target = targetCell.dataset.value;
      // the other amounts consistent lines may add up to (gross prices: the total)
      const others = (targetCell.dataset.others || "").split(" ").filter(Boolean);
      const diffRow = document.getElementById("li-diff-row");
      const verdict = document.getElementById("li-verdict");
      document.getElementById("li-sum").textContent = lines && !unreadable ? fmtCents(sum) : "—";
      if (!lines || unreadable || !target) {
        document.getElementById("li-diff").textContent = "—";
        diffRow.classList.remove("mismatch"); verdict.textContent = "";
        return;
      }
      const tol = Math.max(perLine * Math.max(1, lines), floor);
      const diff = parseAmount(target) - sum;
      const bad = Math.abs(diff) > tol && !others.some((o) => Math.abs(parseAmount(o) - sum) <= tol);
      document.getElementById("li-diff").textContent = fmtCents(diff);
      diffRow.classList.toggle("mismatch", bad);
      verdict.innerHTML = bad ? "<strong>Does not add up</strong>" : "Adds up";
    }
    function addRow(after) {
      const proto = rows()[rows().length - 1];
      const tr = proto.cloneNode(true);
      tr.classList.remove("mismatch");
      tr.classList.add("spare");
      tr.querySelectorAll("input[data-col]").forEach((i) => { i.value = ""; });
      tr.querySelector(".row-sum output").textContent = "";
      const note = tr.querySelector(".mismatch-note");
      if (note) note.remove();
      if (after) after.after(tr); else tbody.append(tr);
      renumber(); recompute();
      cell(tr, "description").focus();
      return tr;
    }
    function move(tr, step) {
      const list = rows();
      const k = list.indexOf(tr);
      const other = list[k + step];
      if (!other) return;
      if (step < 0) other.before(tr); else other.after(tr);
      renumber(); recompute();
    }
    function remove(tr, focusCol) {
      const list = rows();
      const k = list.indexOf(tr);
      if (list.length === 1) { tr.querySelectorAll("input[data-col]").forEach((i) => { i.value = ""; }); }
      else tr.remove();
      renumber(); recompute();
      const next = rows()[Math.min(k, rows().length - 1)];
      (cell(next, focusCol || "description") || next.querySelector("input")).focus();
    }
    form.addEventListener("click", (ev) => {
      const b = ev.target.closest("[data-line-op]");
      if (!b) return;
      const tr = b.closest("tr.line");
      const op = b.dataset.lineOp;
      if (op === "add") addRow(null);
      else if (op === "delete") remove(tr);
      else { move(tr, op === "up" ? -1 : 1); b.focus(); }
    });
    tbody.addEventListener("keydown", (ev) => {
      const inp = ev.target.closest("input[data-col]");
      if (!inp) return;
      const tr = inp.closest("tr.line");
      if (ev.altKey && (ev.key === "ArrowUp" || ev.key === "ArrowDown")) {
        ev.preventDefault(); move(tr, ev.key === "ArrowUp" ? -1 : 1); inp.focus();
      } else if (ev.altKey && ev.key === "Insert") {
        ev.preventDefault(); addRow(tr);
      } else if (ev.altKey && ev.key === "Delete") {
        ev.preventDefault(); remove(tr, inp.dataset.col);
      }
    });
    tbody.addEventListener("input", recompute);
    form.addEventListener("submit", () => { sessionStorage.setItem(LINE_FOCUS_KEY, "1"); });
    if (sessionStorage.getItem(LINE_FOCUS_KEY)) {
      sessionStorage.removeItem(LINE_FOCUS_KEY);
      // saved: on to Approve when the grid no longer needs review, else stay on its Save
      const approve = document.querySelector("#line-items.needs-attention") ? null : approveButton();
      const save = approve || document.getElementById("li-save");
      if (save) { save.focus(); window.addEventListener("load", () => setTimeout(() => { if (document.activeElement === document.body) save.focus(); }, 0), { once: true }); }
    }
    recompute();
  }

  // ---------------------------------------------------------------- field validation
  // As a value is typed, the server's save-path normalisation says what it would be saved
  // as ("2024-03-05", "1,234.50 EUR", "DE89 3704 … valid") or why it would be refused;
  // shown beside the input. Nothing is saved; the save re-checks everything.
  const CHECK_DELAY_MS = 250;
  function setupFieldChecks() {
    document.querySelectorAll("input[data-check]").forEach((inp) => {
      const out = document.getElementById("chk-" + inp.form.querySelector('input[name="name"]').value);
      if (!out) return;
      let timer = null, asked = 0;
      async function check() {
        const mine = ++asked;
        const r = await fetch(inp.dataset.check + "?value=" + encodeURIComponent(inp.value), { headers: { Accept: "application/json" } });
        if (mine !== asked) return;  // a newer keystroke already asked again
        if (!r.ok) { out.textContent = ""; out.className = "field-check"; return; }
        const c = await r.json();
        out.textContent = c.shown;
        out.className = "field-check " + (c.saveable ? (c.valid ? "check-ok" : "check-warn") : "check-bad");
        inp.setAttribute("aria-invalid", c.saveable ? "false" : "true");
      }
      inp.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, CHECK_DELAY_MS); });
    });
  }

  // ---------------------------------------------------------------- keyboard field walk
  // TAB / Shift+TAB move between the fields that need attention only; past the last one
  // TAB reaches Approve. ENTER saves (confirms) the value; after the reload the next
  // field that needs attention (or Approve) gets the focus, so it is never lost.
  // A line-item grid that needs review is one more stop, after the fields: TAB from the
  // last field enters its first cell, TAB inside it moves cell by cell as usual, ENTER
  // saves it and the focus goes on to Approve once it no longer needs review.
  const GRID_STOP = "line-items";
  function gridStop() {
    return document.querySelector('#line-items.needs-attention tbody input[data-col="description"]');
  }
  const walkStops = () => [...attentionInputs(), gridStop()].filter(Boolean);
  function nextAfter(input, step) {
    const list = walkStops();
    const k = list.indexOf(input);
    if (k < 0) return null;
    return list[k + step] || null;
  }
  function approveButton() {
    const b = document.querySelector("#approve-form button");
    return b && !b.disabled ? b : null;
  }
  function saveField(input) {
    const next = nextAfter(input, 1);
    sessionStorage.setItem(FOCUS_KEY, JSON.stringify(
      next ? [next === gridStop() ? GRID_STOP : next.id] : (input.hasAttribute("data-attention") ? ["approve", input.id] : [input.id])));
    input.form.requestSubmit(input.form.querySelector('button[value="save"]'));
  }
  function setupFieldWalk() {
    attentionInputs().forEach((inp) => inp.addEventListener("keydown", (ev) => {
      if (ev.key === "Tab" && !ev.altKey && !ev.ctrlKey) {
        const to = nextAfter(inp, ev.shiftKey ? -1 : 1) || (!ev.shiftKey && approveButton());
        if (to) { ev.preventDefault(); to.focus(); if (to.select) to.select(); }
      }
    }));
    fieldInputs().forEach((inp) => inp.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.isComposing) { ev.preventDefault(); saveField(inp); }
    }));
    const grid = gridStop();
    if (grid) {
      grid.addEventListener("keydown", (ev) => {  // back from the grid to the last field
        if (ev.key !== "Tab" || !ev.shiftKey || ev.altKey || ev.ctrlKey || document.activeElement !== gridStop()) return;
        const to = nextAfter(grid, -1);
        if (to) { ev.preventDefault(); to.focus(); to.select(); }
      });
    }
    // after a save: the next field that needs attention, else Approve, else the same field
    let want = [];
    try { want = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "[]"); } catch (e) { want = []; }
    sessionStorage.removeItem(FOCUS_KEY);
    const first = want.map((w) => (w === "approve" ? approveButton() : (w === GRID_STOP ? gridStop() : document.getElementById(w)))).find(Boolean);
    // (again once loaded: the browser's jump to the #fields anchor can take the focus away)
    const put = () => { if (first && document.activeElement !== first) { first.focus(); if (first.select) first.select(); } };
    put();
    if (first) {
      window.addEventListener("load", () => setTimeout(() => {
        if (!document.activeElement || document.activeElement === document.body) put();
      }, 0), { once: true });
    }
  }

  // ---------------------------------------------------------------- shortcuts
  function moveInList(step) {
    const items = Array.from(document.querySelectorAll("[data-nav-list] [data-nav-item]"));
    if (!items.length) return false;
    let k = items.indexOf(document.activeElement);
    k = k < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, k + step));
    items[k].focus();
    return true;
  }
  function setupShortcuts() {
    const help = document.getElementById("shortcut-help");
    const closeHelp = () => { help.hidden = true; };
    help.querySelector("[data-close-dialog]").addEventListener("click", closeHelp);
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !help.hidden) { closeHelp(); return; }
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
      const body = document.body;
      switch (ev.key) {
        case "j":
          if (body.dataset.next) { location.href = body.dataset.next; } else { moveInList(1); }
          break;
        case "k":
          if (body.dataset.prev) { location.href = body.dataset.prev; } else { moveInList(-1); }
          break;
        case "a": {
          const f = document.getElementById("approve-form");
          const b = f && f.querySelector("button");
          if (b && !b.disabled) f.requestSubmit(); else return;
          break;
        }
        case "r": {
          const note = document.getElementById("reject-note");
          if (note) note.focus(); else return;
          break;
        }
        case "e": {
          const el = attentionInputs()[0] || gridStop() || document.querySelector('table.fields input[name="value"]');
          if (el) { el.focus(); el.select(); } else return;
          break;
        }
        case "/": {
          const box = document.querySelector("[data-search-box]");
          if (box) box.focus(); else return;
          break;
        }
        case "?":
          help.hidden = false; help.querySelector("button").focus();
          break;
        default:
          return;
      }
      ev.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupUpload();
    setupLease();
    setupDocument();
    setupShortcuts();
  });
})();
