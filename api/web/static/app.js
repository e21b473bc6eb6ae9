// Backoffice pages work without this file; it adds drag-and-drop upload with live
// status, keyboard shortcuts and field highlighting. No framework, no network
// access beyond this server.
(function () {
  "use strict";
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

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
    if (body.dataset.status === "processing") {
      const tick = async () => {
        const r = await fetch("/api/documents/" + id + "/status", { headers: { Accept: "application/json" } });
        if (r.status === 404 || (r.ok && (await r.json()).final)) { location.reload(); return; }
        setTimeout(tick, 2000);
      };
      setTimeout(tick, 2000);
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
          const el = document.querySelector("[data-attention]") || document.querySelector('table.fields input[name="value"]');
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
    setupDocument();
    setupShortcuts();
  });
})();
