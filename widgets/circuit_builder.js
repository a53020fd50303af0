// nbblox circuit builder: an anywidget front-end module (AFM).
// Plain ES module: no imports, no build step, no network. Rendered by anywidget in
// Jupyter and by panel.custom.AnyWidgetComponent in served dashboards.
//
// State model: `base` is the state Python has confirmed; `view` = base + the user's
// pending edits (applied optimistically so typing never waits for a busy kernel).
// Every edit is one small message {type: "edit", seq, view, ops}; Python answers
// "applied" (canonical ops, applied to base by every view) or "rejected" (the view
// drops that edit and shows why). Python-side changes arrive as "applied" with no seq.

const SVGNS = "http://www.w3.org/2000/svg";
export const NODE_W = 120, NODE_H = 44;
const KIND_COLORS = { neuron: "#3b7dd8", neural_mass: "#8e44ad", input: "#27ae60",
  observer: "#d68910", synapse: "#16a085", custom: "#7f8c8d", composite: "#2c3e50" };
const KIND_LABELS = { neuron: "Neurons", neural_mass: "Neural masses", synapse: "Synapses",
  input: "Inputs", observer: "Observers", custom: "Custom" };
const KIND_ORDER = ["neuron", "neural_mass", "synapse", "input", "observer", "custom"];
const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

// ---------------------------------------------------------------- pure state logic
export function fromSnapshot(s) {
  const st = { name: (s && s.name) || "circuit", rev: (s && s.rev) || 0,
    types: { ...((s && s.types) || {}) }, nodes: new Map(), edges: new Map() };
  for (const n of (s && s.nodes) || []) st.nodes.set(n.name, { ...n, params: { ...n.params } });
  for (const e of (s && s.edges) || []) st.edges.set(e.id, { ...e });
  return st;
}

export function cloneState(st) {
  const c = { name: st.name, rev: st.rev, types: { ...st.types }, nodes: new Map(), edges: new Map() };
  for (const [k, n] of st.nodes) c.nodes.set(k, { ...n, params: { ...n.params } });
  for (const [k, e] of st.edges) c.edges.set(k, { ...e });
  return c;
}

function need(st, name) {
  const n = st.nodes.get(name);
  if (!n) throw new Error(`no blox named '${name}'`);
  return n;
}

export function applyOps(st, ops) {
  for (const op of ops) {
    switch (op.op) {
      case "add_type": st.types[op.info.key] = op.info; break;
      case "add_node":
        if (st.nodes.has(op.name)) throw new Error(`the circuit already has a blox named '${op.name}'`);
        st.nodes.set(op.name, { name: op.name, type: op.type, params: { ...(op.params || {}) },
          x: +op.x || 0, y: +op.y || 0, ...(op.group ? { group: op.group } : {}) });
        break;
      case "remove_node":
        need(st, op.name);
        for (const [id, e] of [...st.edges]) if (e.src === op.name || e.dst === op.name) st.edges.delete(id);
        st.nodes.delete(op.name);
        break;
      case "rename": {
        need(st, op.name);
        if (st.nodes.has(op.new)) throw new Error(`the circuit already has a blox named '${op.new}'`);
        const nodes = new Map();
        for (const [k, n] of st.nodes) nodes.set(k === op.name ? op.new : k, k === op.name ? { ...n, name: op.new } : n);
        st.nodes = nodes;
        for (const e of st.edges.values()) {
          if (e.src === op.name) e.src = op.new;
          if (e.dst === op.name) e.dst = op.new;
        }
        break;
      }
      case "set_params": Object.assign(need(st, op.name).params, op.params); break;
      case "move": { const n = need(st, op.name); n.x = +op.x; n.y = +op.y; break; }
      case "positions":
        for (const [k, xy] of Object.entries(op.pos)) { const n = need(st, k); n.x = +xy[0]; n.y = +xy[1]; }
        break;
      case "add_edge":
        if (st.edges.has(op.id)) throw new Error(`connection id ${op.id} is used`);
        need(st, op.src); need(st, op.dst);
        st.edges.set(op.id, { id: op.id, src: op.src, dst: op.dst, weight: +(op.weight ?? 1),
          delay: +(op.delay ?? 0), output: op.output || "", input: op.input || "" });
        break;
      case "remove_edge":
        if (!st.edges.delete(op.id)) throw new Error(`no connection ${op.id}`);
        break;
      case "set_edge": {
        const e = st.edges.get(op.id);
        if (!e) throw new Error(`no connection ${op.id}`);
        if ("weight" in op) e.weight = +op.weight;
        if ("delay" in op) e.delay = +op.delay;
        if ("output" in op) e.output = op.output;
        if ("input" in op) e.input = op.input;
        break;
      }
      default: throw new Error(`unknown op ${op.op}`);
    }
  }
  return st;
}

export function autoName(typeName, taken) {
  let prefix = typeName.replace(/[^A-Z]/g, "").toLowerCase();
  if (typeName === typeName.toUpperCase() || prefix.length < 2) prefix = typeName.toLowerCase().slice(0, 4);
  prefix = prefix.replace(/[^a-z0-9_]/g, "") || "blox";
  if (!/^[a-z]/.test(prefix)) prefix = "b" + prefix;
  for (let i = 1; ; i++) if (!taken.has(prefix + i)) return prefix + i;
}

// Validate a number typed into the side panel against a parameter's metadata.
export function parseValue(text, meta, label) {
  const s = String(text).trim();
  if (!NUMBER_RE.test(s)) return { error: `${label}: '${s}' is not a number` };
  const v = Number(s);
  if (!Number.isFinite(v)) return { error: `${label}: ${s} is not finite` };
  const hard = meta && meta.hard;
  if (hard) {
    if (hard[0] !== null && hard[0] !== undefined && v < hard[0])
      return { error: `${label} = ${v} is outside its physical range (must be >= ${hard[0]})` };
    if (hard[1] !== null && hard[1] !== undefined && v > hard[1])
      return { error: `${label} = ${v} is outside its physical range (must be <= ${hard[1]})` };
  }
  const warn = meta && meta.lo !== undefined && (v < meta.lo || v > meta.hi)
    ? `${label} = ${v} is outside the usual range [${meta.lo}, ${meta.hi}]` : null;
  return { value: v, warn };
}

// Curved arrow between two blox centres (same geometry as builder_layout._edge_path).
export function edgePath(a, b, lane = 0) {
  // lane: the k-th of several connections between the same two blocks (a collapsed
  // composite's port fans out into one connection per member): each bends further
  if (a.x === b.x && a.y === b.y) {
    const top = a.y - NODE_H / 2, hgt = 60 + 30 * lane, wid = 60 + 14 * lane;
    return { d: `M${a.x + 20},${top} C${a.x + wid},${top - hgt} ${a.x - wid},${top - hgt} ${a.x - 20},${top}`,
      mx: a.x, my: top - 0.75 * hgt };
  }
  const dx = b.x - a.x, dy = b.y - a.y, dist = Math.hypot(dx, dy) || 1;
  const ux = dx / dist, uy = dy / dist;
  const t = Math.min(ux ? (NODE_W / 2) / Math.abs(ux) : Infinity, uy ? (NODE_H / 2) / Math.abs(uy) : Infinity) + 3;
  const sx = a.x + ux * t, sy = a.y + uy * t, ex = b.x - ux * t, ey = b.y - uy * t;
  const bend = Math.min(40, dist * 0.15) + 44 * lane;
  const cx = (sx + ex) / 2 - uy * bend, cy = (sy + ey) / 2 + ux * bend;
  const f = (v) => v.toFixed(1);
  // the label sits on the curve, further along it for each further lane (on a
  // vertical edge the bends alone leave wide labels overlapping)
  const u = Math.min(0.5 + 0.2 * lane, 0.8), q0 = (1 - u) * (1 - u), q1 = 2 * u * (1 - u), q2 = u * u;
  return { d: `M${f(sx)},${f(sy)} Q${f(cx)},${f(cy)} ${f(ex)},${f(ey)}`,
    mx: q0 * sx + q1 * cx + q2 * ex, my: q0 * sy + q1 * cy + q2 * ey };
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

function s(tag, attrs = {}) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const fmt = (v) => (typeof v === "number" ? String(+v.toPrecision(6)) : String(v));

// ---------------------------------------------------------------- the widget
function render({ model, el }) {
  const viewId = Math.random().toString(36).slice(2, 10);
  let base = fromSnapshot(model.get("snapshot"));
  let view = base;
  let pending = [];           // [{seq, ops}] sent, not yet confirmed
  let outbox = [];            // messages not yet acknowledged (fallback channel)
  let seq = 0;
  let sel = null;             // {kind: "node", name} | {kind: "edge", id}
  let sideKey = null;         // what the side panel was built for
  let tf = { x: 0, y: 0, k: 1 };
  let fitted = false;
  let userView = false;       // panned or zoomed by hand: a resize keeps the view
  const palette = model.get("palette") || [];
  const paletteByKey = Object.fromEntries(palette.map((t) => [t.key, t]));
  const typeOf = (key) => view.types[key] || base.types[key] || paletteByKey[key] || { name: "?", kind: "custom", params: {}, inputs: [], outputs: [] };

  // ---- DOM
  const root = h("div", { class: "nbb-builder", tabindex: "0", "data-lm-suppress-shortcuts": "true" });
  root.style.height = `${model.get("height") || 560}px`;
  const btn = (cls, label, title, fn) => h("button", { class: `nbb-btn ${cls}`, title, type: "button", onclick: fn }, label);
  const fileInput = h("input", { type: "file", accept: ".json,application/json", class: "nbb-file", style: "display:none" });
  const tEnd = h("input", { class: "nbb-tend", value: fmt(model.get("t_end") || 200), size: "5", title: "simulated time (ms)" });
  const status = h("span", { class: "nbb-status" });
  const toolbar = h("div", { class: "nbb-toolbar" },
    btn("nbb-undo", "↶ Undo", "Undo (Ctrl+Z)", () => command("undo")),
    btn("nbb-redo", "↷ Redo", "Redo (Ctrl+Shift+Z)", () => command("redo")),
    btn("nbb-delete", "✕ Delete", "Delete the selection (Del)", () => deleteSelection()),
    btn("nbb-layout", "Auto-layout", "Lay the circuit out again", () => command("layout", { kind: "auto" })),
    btn("nbb-fit", "Fit", "Fit the circuit in view", () => { userView = false; fit(); applyTransform(); }),
    h("span", { class: "nbb-sep" }),
    btn("nbb-open", "Open…", "Open a circuit JSON file", () => fileInput.click()),
    btn("nbb-save", "Save", "Download the circuit as JSON", () => command("save_json")),
    btn("nbb-code", "Code", "Download the Python code that builds this circuit", () => command("code")),
    btn("nbb-svg", "SVG", "Export the canvas as SVG", () => download(exportSVG(), "circuit.svg", "image/svg+xml")),
    btn("nbb-png", "PNG", "Export the canvas as PNG", () => exportPNG()),
    h("span", { class: "nbb-sep" }),
    h("label", { class: "nbb-tend-label" }, "t_end ", tEnd, " ms "),
    btn("nbb-simulate", "▶ Simulate", "Simulate the circuit", () => simulate()),
    status, fileInput);
  const search = h("input", { class: "nbb-search", placeholder: "Search blox…", type: "search" });
  const groups = h("div", { class: "nbb-groups" });
  const paletteEl = h("div", { class: "nbb-palette" }, search, groups);
  const svg = s("svg", { class: "nbb-canvas" });
  const defs = s("defs");
  const marker = s("marker", { id: `nbb-arrow-${viewId}`, viewBox: "0 0 10 10", refX: "10", refY: "5",
    markerUnits: "userSpaceOnUse", markerWidth: "11", markerHeight: "11", orient: "auto-start-reverse" });
  marker.append(s("path", { d: "M0,0L10,5L0,10z", fill: "#555" }));
  defs.append(marker);
  const viewport = s("g", { class: "nbb-viewport" });
  const frameLayer = s("g", { class: "nbb-frames" });     // open composites
  const edgeLayer = s("g", { class: "nbb-edges" });
  const nodeLayer = s("g", { class: "nbb-nodes" });
  const tempLayer = s("g", { class: "nbb-temp" });
  viewport.append(frameLayer, edgeLayer, nodeLayer, tempLayer);
  svg.append(defs, viewport);
  const canvasWrap = h("div", { class: "nbb-canvas-wrap" }, svg);
  const side = h("div", { class: "nbb-side" });
  const msgEl = h("div", { class: "nbb-msg" });
  const resultsEl = h("div", { class: "nbb-results" });
  root.append(toolbar, h("div", { class: "nbb-main" }, paletteEl, canvasWrap, side), msgEl, resultsEl);
  el.appendChild(root);

  // ---- messages to Python
  function send(msg) {
    msg.view = viewId;
    msg.seq = ++seq;
    if (typeof model.send === "function") {
      model.send(msg);
    } else {                  // Panel's AnyWidgetComponent: resend unacked messages via a trait
      outbox.push(msg);
      model.set("inbox", outbox.slice());
      model.save_changes();
    }
    return msg.seq;
  }
  function edit(ops, label) {
    const probe = cloneState(view);
    try { applyOps(probe, ops); } catch (err) { showMessage(String(err.message || err), "error"); return false; }
    const n = send({ type: "edit", ops, label });
    pending.push({ seq: n, ops });
    view = probe;
    redraw();
    return true;
  }
  function command(cmd, extra = {}) { send({ type: "cmd", cmd, ...extra }); updateStatus(); }

  function recompute() {
    if (!pending.length) { view = base; return; }
    const v = cloneState(base);
    pending = pending.filter((p) => { try { applyOps(v, p.ops); return true; } catch (e) { return false; } });
    view = v;
  }
  function acked(n) {
    if (typeof n !== "number") return;
    pending = pending.filter((p) => p.seq > n);
    if (outbox.length) outbox = outbox.filter((m) => m.seq > n);
  }
  function onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    const mine = msg.view === viewId;
    if (msg.view && !mine && msg.type !== "applied") return;
    switch (msg.type) {
      case "applied":
        try { applyOps(base, msg.ops || []); } catch (err) { command("hello", { rev: -1 }); }
        for (const o of msg.ops || []) {          // the selection follows renames made elsewhere
          if (o.op === "rename" && sel && sel.kind === "node" && sel.name === o.name) { sel = { kind: "node", name: o.new }; sideKey = null; }
        }
        if (typeof msg.rev === "number") base.rev = msg.rev;
        if (mine) acked(msg.seq);
        recompute();
        if (!mine && (msg.ops || []).some((o) => o.op === "add_node" && !visible(o))) fitted = false;
        redraw(); break;
      case "rejected":
        if (mine) { acked(msg.seq); recompute(); redraw(); showMessage(msg.error, "error"); }
        break;
      case "snapshot": {
        const wasEmpty = view.nodes.size === 0;
        base = fromSnapshot(msg.state);
        if (mine) acked(msg.seq);
        recompute();
        if (!mine || wasEmpty) fitted = false;   // a new circuit (opened/replaced): fit it
        redraw(); break;
      }
      case "message": showMessage(msg.text, msg.level); break;
      case "results": resultsEl.textContent = msg.text; break;
      case "download": download(msg.text, msg.filename, msg.mime); break;
    }
    updateStatus();
  }
  const onCustom = (msg) => onMessage(msg);
  model.on("msg:custom", onCustom);
  const onTEnd = () => { if (document.activeElement !== tEnd) tEnd.value = fmt(model.get("t_end")); };
  model.on("change:t_end", onTEnd);

  function showMessage(text, level = "info") {
    msgEl.textContent = text || "";
    msgEl.className = `nbb-msg nbb-${level}`;
  }
  // a value fixed after an error: the error no longer holds, so it must not stay on screen
  function clearError() {
    if (msgEl.classList.contains("nbb-error")) showMessage("");
  }
  function updateStatus() {
    const waiting = pending.length + (outbox.length ? 1 : 0);
    const comps = [...view.nodes.values()].filter((n) => n.composite).length;
    status.textContent = `${view.nodes.size - comps} blox` + (comps ? ` · ${comps} composite${comps > 1 ? "s" : ""}` : "")
      + ` · ${view.edges.size} connections` + (pending.length ? ` · saving ${pending.length}…` : "");
    status.classList.toggle("nbb-busy", waiting > 0);
  }

  // ---- palette
  function buildPalette() {
    groups.replaceChildren();
    const q = search.value.trim().toLowerCase();
    for (const kind of KIND_ORDER) {
      const items = palette.filter((t) => t.kind === kind && (!q || t.name.toLowerCase().includes(q)
        || (t.doc || "").toLowerCase().includes(q) || (KIND_LABELS[kind] || "").toLowerCase().includes(q)));
      if (!items.length) continue;
      const g = h("div", { class: "nbb-group", "data-kind": kind }, h("div", { class: "nbb-group-title", text: KIND_LABELS[kind] || kind }));
      for (const t of items) {
        const item = h("div", { class: "nbb-item", "data-type": t.name, title: `${t.doc || ""}\n${t.citation || ""}`.trim() },
          h("span", { class: "nbb-swatch", style: `background:${KIND_COLORS[t.kind] || KIND_COLORS.custom}` }),
          // long CamelCase names wrap at their capitals instead of being cut off
          h("span", { class: "nbb-item-name", text: t.name.replace(/([a-z])(?=[A-Z])/g, "$1\u200b") }));
        item.addEventListener("pointerdown", (ev) => startPaletteDrag(ev, t));
        item.addEventListener("dblclick", () => addNodeAt(t, centerWorld()));
        g.append(item);
      }
      groups.append(g);
    }
  }
  search.addEventListener("input", buildPalette);

  function addNodeAt(t, pt) {
    const name = autoName(t.name, new Set(view.nodes.keys()));
    const params = Object.fromEntries(Object.entries(t.params || {}).map(([k, m]) => [k, m.default]));
    const addOp = { op: "add_node", name, type: t.key, params, x: Math.round(pt.x), y: Math.round(pt.y) };
    if (edit([addOp], `add ${name}`)) { sel = { kind: "node", name }; redraw(); }
  }

  function startPaletteDrag(ev, t) {
    if (ev.button !== 0) return;
    ev.preventDefault();
    const ghost = h("div", { class: "nbb-ghost", text: t.name });
    ghost.style.left = `${ev.clientX + 4}px`; ghost.style.top = `${ev.clientY + 4}px`;
    root.append(ghost);
    const move = (e) => { ghost.style.left = `${e.clientX + 4}px`; ghost.style.top = `${e.clientY + 4}px`; };
    const up = (e) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      ghost.remove();
      const r = svg.getBoundingClientRect();
      if (e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom)
        addNodeAt(t, toWorld(e.clientX, e.clientY));
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  // ---- canvas geometry
  function toWorld(cx, cy) {
    const r = svg.getBoundingClientRect();
    return { x: (cx - r.left - tf.x) / tf.k, y: (cy - r.top - tf.y) / tf.k };
  }
  function size() {
    const r = svg.getBoundingClientRect();
    return { w: r.width || 700, h: r.height || 450 };
  }
  function centerWorld() { const { w, h: hh } = size(); return { x: (w / 2 - tf.x) / tf.k, y: (hh / 2 - tf.y) / tf.k }; }
  function applyTransform() { viewport.setAttribute("transform", `translate(${tf.x.toFixed(2)},${tf.y.toFixed(2)}) scale(${tf.k.toFixed(4)})`); }
  function bbox() {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of view.nodes.values()) {
      const m = n.group ? 30 : 0;       // the frame of an open composite and its label
      x0 = Math.min(x0, n.x - NODE_W / 2 - m); x1 = Math.max(x1, n.x + NODE_W / 2 + m);
      y0 = Math.min(y0, n.y - NODE_H / 2 - 50 - m); y1 = Math.max(y1, n.y + NODE_H / 2 + m);
    }
    return x0 === Infinity ? null : { x0, y0, x1, y1 };
  }
  function visible(p) {               // is world point p inside the canvas view?
    const { w, h: hh } = size(), x = p.x * tf.k + tf.x, y = p.y * tf.k + tf.y;
    return x > 0 && y > 0 && x < w && y < hh;
  }
  function fit() {
    const b = bbox(), { w, h: hh } = size();
    if (!b) { tf = { x: w / 2, y: hh / 2, k: 1 }; return; }
    const k = Math.min(1.2, 0.9 * Math.min(w / (b.x1 - b.x0), hh / (b.y1 - b.y0)));
    tf = { k, x: w / 2 - k * (b.x0 + b.x1) / 2, y: hh / 2 - k * (b.y0 + b.y1) / 2 };
  }

  // ---- drawing
  let nodeEls = new Map(), edgeEls = new Map();
  function toggle(name) { command("toggle", { name }); }   // Python answers with a snapshot
  function drawFrames() {                  // an open composite: a dashed frame around its members
    const boxes = new Map();
    for (const n of view.nodes.values()) {
      if (!n.group) continue;
      const b = boxes.get(n.group) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      b.x0 = Math.min(b.x0, n.x - NODE_W / 2); b.x1 = Math.max(b.x1, n.x + NODE_W / 2);
      b.y0 = Math.min(b.y0, n.y - NODE_H / 2); b.y1 = Math.max(b.y1, n.y + NODE_H / 2);
      boxes.set(n.group, b);
    }
    for (const [name, b] of boxes) {
      // room above the members for self-connection loops, and the label above that
      const pad = 24, top = 62;
      const g = s("g", { class: "nbb-frame", "data-group": name });
      g.append(s("rect", { x: b.x0 - pad, y: b.y0 - top, width: b.x1 - b.x0 + 2 * pad,
        height: b.y1 - b.y0 + top + pad, rx: 10, fill: "rgba(44,62,80,0.05)", stroke: KIND_COLORS.composite,
        "stroke-width": 1.5, "stroke-dasharray": "6,4" }));
      const label = s("text", { x: b.x0 - pad + 8, y: b.y0 - top - 6, "font-size": "12", fill: KIND_COLORS.composite, class: "nbb-frame-label" });
      label.textContent = `▾ ${name} (double-click to close)`;
      g.append(label);
      g.addEventListener("dblclick", (ev) => { ev.stopPropagation(); toggle(name); });
      frameLayer.append(g);
    }
  }
  svg.addEventListener("dblclick", (ev) => {   // a composite block opens, a frame closes
    const nodeG = ev.target.closest && ev.target.closest(".nbb-node");
    const n = nodeG && view.nodes.get(nodeG.getAttribute("data-name"));
    if (n && n.composite) { ev.stopPropagation(); toggle(n.name); }
  });
  function redraw() {
    if (!fitted) { fit(); fitted = true; }
    applyTransform();
    nodeLayer.replaceChildren(); edgeLayer.replaceChildren(); frameLayer.replaceChildren();
    nodeEls = new Map(); edgeEls = new Map();
    drawFrames();
    const labels = view.edges.size <= 150;
    // big connectomes: arrowhead markers and anti-aliasing dominate the cost of a pan frame
    const big = view.edges.size > 300;
    const arrow = big ? null : `url(#nbb-arrow-${viewId})`;
    edgeLayer.setAttribute("shape-rendering", big ? "optimizeSpeed" : "auto");
    edgeLayer.setAttribute("opacity", big ? "0.45" : "1");
    const lanes = new Map();           // connections already drawn between the same two blocks
    for (const e of view.edges.values()) {
      const a = view.nodes.get(e.src), b = view.nodes.get(e.dst);
      if (!a || !b) continue;
      const pair = `${e.src}\u0000${e.dst}`, lane = lanes.get(pair) || 0;
      lanes.set(pair, lane + 1);
      const p = edgePath(a, b, lane);
      const g = s("g", { class: "nbb-edge" + (e.locked ? " nbb-locked" : ""), "data-id": e.id, "data-src": e.src, "data-dst": e.dst,
        "data-lane": String(lane) });
      const selected = sel && sel.kind === "edge" && sel.id === e.id;
      if (labels) g.append(s("path", { d: p.d, class: "nbb-edge-hit", fill: "none", stroke: "transparent", "stroke-width": "10" }));
      g.append(s("path", { d: p.d, class: "nbb-edge-line", fill: "none", stroke: selected ? "#e67e22" : (e.weight < 0 ? "#c0392b" : "#555"),
        "stroke-width": selected ? "3" : (big ? "1" : "1.5"), ...(arrow ? { "marker-end": arrow } : {}) }));
      if (labels) {
        const t = s("text", { x: p.mx.toFixed(1), y: (p.my - 4).toFixed(1), class: "nbb-weight", "text-anchor": "middle", "font-size": "11", fill: "#333" });
        t.textContent = fmt(e.weight) + (e.delay ? ` (${fmt(e.delay)} ms)` : "");
        g.append(t);
      }
      edgeLayer.append(g); edgeEls.set(e.id, g);
    }
    for (const n of view.nodes.values()) {
      const t = typeOf(n.type);
      const selected = sel && sel.kind === "node" && sel.name === n.name;
      const g = s("g", { class: "nbb-node" + (selected ? " nbb-selected" : ""), "data-name": n.name, transform: `translate(${n.x},${n.y})` });
      if (n.composite) g.append(s("rect", { x: -NODE_W / 2 + 4, y: -NODE_H / 2 + 4, width: NODE_W, height: NODE_H, rx: 8,
        fill: KIND_COLORS.composite, opacity: "0.45", stroke: "#222" }));    // a stack: several blox inside
      g.append(s("rect", { x: -NODE_W / 2, y: -NODE_H / 2, width: NODE_W, height: NODE_H, rx: 8,
        fill: KIND_COLORS[t.kind] || KIND_COLORS.custom, stroke: selected ? "#e67e22" : "#222", "stroke-width": selected ? 3 : (n.composite ? 2 : 1) }));
      if (n.composite) g.classList.add("nbb-composite");
      const label = s("text", { y: -3, "text-anchor": "middle", "font-size": "13", fill: "white", class: "nbb-node-name" });
      label.textContent = n.name;
      const sub = s("text", { y: 13, "text-anchor": "middle", "font-size": "10", fill: "white", class: "nbb-node-type" });
      sub.textContent = t.name;
      g.append(label, sub);
      if ((t.outputs || []).length) g.append(s("circle", { class: "nbb-port", cx: NODE_W / 2, cy: 0, r: 7, fill: "white", stroke: "#222" }));
      nodeLayer.append(g); nodeEls.set(n.name, g);
    }
    if (sel && ((sel.kind === "node" && !view.nodes.has(sel.name)) || (sel.kind === "edge" && !view.edges.has(sel.id)))) sel = null;
    renderSide();
    updateStatus();
  }

  function redrawEdgesOf(name) {
    for (const [id, g] of edgeEls) {
      if (g.getAttribute("data-src") !== name && g.getAttribute("data-dst") !== name) continue;
      const e = view.edges.get(id);
      const p = edgePath(view.nodes.get(e.src), view.nodes.get(e.dst), Number(g.getAttribute("data-lane")) || 0);
      for (const path of g.querySelectorAll("path")) path.setAttribute("d", p.d);
      const t = g.querySelector("text");
      if (t) { t.setAttribute("x", p.mx.toFixed(1)); t.setAttribute("y", (p.my - 4).toFixed(1)); }
    }
  }

  // ---- side panel
  function field(cls, value, attrs = {}) { return h("input", { class: cls, value, spellcheck: "false", ...attrs }); }
  function renderSide() {
    const key = sel ? (sel.kind === "node" ? `n:${sel.name}` : `e:${sel.id}`) : "none";
    if (key !== sideKey) { buildSide(); sideKey = key; return; }
    for (const inp of side.querySelectorAll("input[data-key]")) {        // refresh values, never under the cursor
      if (inp === (root.getRootNode().activeElement || document.activeElement)) continue;
      const v = currentValue(inp.getAttribute("data-key"));
      if (v !== undefined && !inp.classList.contains("nbb-invalid")) inp.value = inp.type === "range" ? v : fmt(v);
    }
  }
  function currentValue(k) {
    const [what, a, b] = k.split("|");
    if (what === "p") { const n = view.nodes.get(a); return n ? n.params[b] : undefined; }
    if (what === "e") { const e = view.edges.get(a); return e ? e[b] : undefined; }
    return undefined;
  }
  function buildSide() {
    side.replaceChildren();
    if (!sel) {
      side.append(h("div", { class: "nbb-side-title", text: "Circuit" }),
        h("p", { class: "nbb-help", text: "Drag a blox from the palette onto the canvas. Drag from a blox's white port to another blox to connect them. Click a blox or an arrow to edit it; Delete removes it. Drag the background to pan, scroll to zoom." }));
      return;
    }
    if (sel.kind === "node" && view.nodes.get(sel.name).composite) {
      const n = view.nodes.get(sel.name), t = typeOf(n.type);
      side.append(h("div", { class: "nbb-side-title", text: n.name }),
        h("p", { class: "nbb-help", text: t.name }),
        h("p", { class: "nbb-help", text: `ports in: ${(t.inputs || []).join(", ") || "none"} · out: ${(t.outputs || []).join(", ") || "none"}` }),
        btn("nbb-open-composite", "Open ▸", "Show the blox inside (double-click the block)", () => toggle(n.name)),
        h("p", { class: "nbb-doc", text: t.doc || "" }));
      return;
    }
    if (sel.kind === "node") {
      const n = view.nodes.get(sel.name), t = typeOf(n.type);
      const rename = field("nbb-rename", n.name);
      rename.addEventListener("change", () => {
        const v = rename.value.trim();
        if (v === n.name) return;
        if (!NAME_RE.test(v)) { showMessage(`'${v}' is not a valid blox name: start with a letter, then letters, digits or '_'`, "error"); rename.value = sel.name; return; }
        if (view.nodes.has(v)) { showMessage(`the circuit already has a blox named '${v}'`, "error"); rename.value = sel.name; return; }
        const old = sel.name;
        sel = { kind: "node", name: v };          // before the redraw, which drops a vanished selection
        if (!edit([{ op: "rename", name: old, new: v }], `rename ${old}`)) sel = { kind: "node", name: old };
        sideKey = null; redraw();
      });
      if (n.group) rename.disabled = true;       // a member's name is part of its composite
      side.append(h("div", { class: "nbb-side-title", text: t.name }),
        h("label", { class: "nbb-row" }, h("span", { class: "nbb-pname", text: "name" }), rename));
      const box = h("div", { class: "nbb-params" });
      for (const [p, meta] of Object.entries(t.params || {})) {
        const txt = field("nbb-param", fmt(n.params[p]), { "data-param": p, "data-key": `p|${n.name}|${p}` });
        const slider = h("input", { type: "range", class: "nbb-slider", min: meta.lo, max: meta.hi, step: meta.step, "data-key": `p|${n.name}|${p}` });
        slider.value = n.params[p];
        const commit = (text) => {
          const r = parseValue(text, meta, `${sel.name}.${p}`);
          if (r.error) { txt.classList.add("nbb-invalid"); showMessage(r.error, "error"); return; }
          txt.classList.remove("nbb-invalid");
          clearError();
          if (r.warn) showMessage(r.warn, "warn");
          const cur = view.nodes.get(sel.name);
          if (cur && cur.params[p] === r.value) return;
          edit([{ op: "set_params", name: sel.name, params: { [p]: r.value } }], `set ${sel.name}.${p}`);
        };
        txt.addEventListener("change", () => commit(txt.value));
        txt.addEventListener("keydown", (e) => { if (e.key === "Enter") txt.blur(); });
        slider.addEventListener("input", () => { txt.value = fmt(+slider.value); });
        slider.addEventListener("change", () => commit(slider.value));
        const range = `${fmt(meta.lo)} … ${fmt(meta.hi)}`;
        box.append(h("div", { class: "nbb-prow", title: `${meta.doc || ""} [${range}]${meta.hard ? " physical range " + JSON.stringify(meta.hard) : ""}` },
          h("span", { class: "nbb-pname", text: p }), txt, h("span", { class: "nbb-unit", text: meta.unit || "" }), slider));
      }
      side.append(box, ...(n.group ? [h("p", { class: "nbb-help", text: `inside composite '${n.group}'` })]
        : [btn("nbb-delete-sel", "Delete blox", "Delete this blox and its connections", () => deleteSelection())]),
        h("p", { class: "nbb-doc", text: t.doc || "" }), h("p", { class: "nbb-cite", text: t.citation || "" }));
    } else {
      const e = view.edges.get(sel.id);
      side.append(h("div", { class: "nbb-side-title", text: `${e.src} → ${e.dst}` }),
        h("p", { class: "nbb-help", text: `${e.output || "output"} → ${e.input || "input"}` }));
      if (e.locked) {
        side.append(h("p", { class: "nbb-help", text: `${fmt(e.weight)}${e.delay ? `, ${fmt(e.delay)} ms` : ""} · inside a composite: change its wiring on the composite itself` }));
        return;
      }
      for (const [f, label, unit] of [["weight", "weight", ""], ["delay", "delay", "ms"]]) {
        const inp = field(`nbb-${f}`, fmt(e[f]), { "data-key": `e|${e.id}|${f}` });
        inp.addEventListener("change", () => {
          const r = parseValue(inp.value, f === "delay" ? { hard: [0, null] } : null, `${e.src} → ${e.dst} ${f}`);
          if (r.error) { inp.classList.add("nbb-invalid"); showMessage(r.error, "error"); return; }
          inp.classList.remove("nbb-invalid");
          clearError();
          const cur = view.edges.get(sel.id);
          if (cur && cur[f] === r.value) return;
          edit([{ op: "set_edge", id: sel.id, [f]: r.value }], `set ${f}`);
        });
        inp.addEventListener("keydown", (ev) => { if (ev.key === "Enter") inp.blur(); });
        side.append(h("label", { class: "nbb-row" }, h("span", { class: "nbb-pname", text: label }), inp, h("span", { class: "nbb-unit", text: unit })));
      }
      // blox with several outputs/inputs (e.g. WongWang's I_1/I_2, synapses' V_pre/V_post): pick the ports
      for (const [f, names] of [["output", typeOf(view.nodes.get(e.src).type).outputs || []],
                                ["input", typeOf(view.nodes.get(e.dst).type).inputs || []]]) {
        if (names.length < 2 || e.locked || view.nodes.get(e.src).composite || view.nodes.get(e.dst).composite) continue;
        const pick = h("select", { class: `nbb-${f}` }, ...names.map((n) => h("option", { value: n, text: n })));
        pick.value = e[f];
        pick.addEventListener("change", () => edit([{ op: "set_edge", id: sel.id, [f]: pick.value }], `set ${f}`));
        side.append(h("label", { class: "nbb-row" }, h("span", { class: "nbb-pname", text: f }), pick, h("span")));
      }
      side.append(btn("nbb-delete-sel", "Delete connection", "Delete this connection", () => deleteSelection()));
    }
  }

  function deleteSelection() {
    if (!sel) { showMessage("select a blox or a connection first", "info"); return; }
    if (sel.kind === "node") edit([{ op: "remove_node", name: sel.name }], `delete ${sel.name}`);
    else edit([{ op: "remove_edge", id: sel.id }], "delete connection");
    sel = null; redraw();
  }

  // ---- pointer interaction on the canvas
  function hitNode(cx, cy) {
    const r = root.getRootNode();
    const elAt = (r.elementFromPoint ? r : document).elementFromPoint(cx, cy);
    const g = elAt && elAt.closest && elAt.closest(".nbb-node");
    return g ? g.getAttribute("data-name") : null;
  }
  let edgeCounter = 0;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    root.focus({ preventScroll: true });
    const port = ev.target.closest(".nbb-port");
    const nodeG = ev.target.closest(".nbb-node");
    const edgeG = ev.target.closest(".nbb-edge");
    ev.preventDefault();
    const start = { cx: ev.clientX, cy: ev.clientY };
    let moveFn, upFn;
    if (port && nodeG) {                                   // connect
      const src = nodeG.getAttribute("data-name"), a = view.nodes.get(src);
      const line = s("path", { class: "nbb-temp-line", stroke: "#e67e22", "stroke-width": 2, fill: "none", "stroke-dasharray": "5,4" });
      tempLayer.append(line);
      moveFn = (e) => { const p = toWorld(e.clientX, e.clientY); line.setAttribute("d", `M${a.x + NODE_W / 2},${a.y} L${p.x},${p.y}`); };
      upFn = (e) => {
        line.remove();
        const dst = hitNode(e.clientX, e.clientY);
        if (!dst) return;
        const tt = typeOf(view.nodes.get(dst).type), ts = typeOf(a.type);
        if (!(tt.inputs || []).length) { showMessage(`cannot connect ${src} → ${dst}: ${dst} (${tt.name}) has no input`, "error"); return; }
        if (!(ts.outputs || []).length) { showMessage(`cannot connect ${src} → ${dst}: ${src} (${ts.name}) has no output`, "error"); return; }
        const id = `${viewId}-${++edgeCounter}`;
        // no ports named: Python applies the pair's connection rule (a synapse -> neuron edge
        // also reads V back into V_post) or the first output and input; a composite's ports
        if (edit([{ op: "add_edge", id, src, dst, weight: 1, delay: 0, output: null, input: null }], `connect ${src} → ${dst}`)) {
          sel = { kind: "edge", id }; redraw();
        }
      };
    } else if (nodeG) {                                    // move / select
      const name = nodeG.getAttribute("data-name"), n = view.nodes.get(name);
      const ox = n.x, oy = n.y;
      let moved = false;
      if (!(sel && sel.kind === "node" && sel.name === name)) { sel = { kind: "node", name }; redraw(); }
      const g = nodeEls.get(name);
      moveFn = (e) => {
        const dx = (e.clientX - start.cx) / tf.k, dy = (e.clientY - start.cy) / tf.k;
        if (!moved && Math.hypot(dx, dy) * tf.k < 3) return;
        moved = true;
        n.x = ox + dx; n.y = oy + dy;           // local preview; committed on release
        g.setAttribute("transform", `translate(${n.x},${n.y})`);
        redrawEdgesOf(name);
      };
      upFn = () => {
        if (!moved) return;
        const x = Math.round(n.x), y = Math.round(n.y);
        n.x = ox; n.y = oy;
        edit([{ op: "move", name, x, y }], `move ${name}`);
      };
    } else if (edgeG) {
      sel = { kind: "edge", id: edgeG.getAttribute("data-id") }; redraw();
      return;
    } else {                                               // pan
      const t0 = { ...tf };
      let moved = false;
      moveFn = (e) => {
        const dx = e.clientX - start.cx, dy = e.clientY - start.cy;
        if (Math.hypot(dx, dy) > 2) moved = true;
        tf = { ...t0, x: t0.x + dx, y: t0.y + dy }; userView = true; applyTransform();
      };
      upFn = () => { if (!moved && sel) { sel = null; redraw(); } };
    }
    const up = (e) => { window.removeEventListener("pointermove", moveFn); window.removeEventListener("pointerup", up); upFn(e); };
    window.addEventListener("pointermove", moveFn);
    window.addEventListener("pointerup", up);
  });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    const k = Math.min(8, Math.max(0.05, tf.k * Math.exp(-ev.deltaY * 0.0015)));
    tf = { k, x: px - (px - tf.x) * (k / tf.k), y: py - (py - tf.y) * (k / tf.k) };
    userView = true; applyTransform();
  }, { passive: false });

  root.addEventListener("keydown", (ev) => {
    const tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const mod = ev.ctrlKey || ev.metaKey;
    let handled = true;
    if (ev.key === "Delete" || ev.key === "Backspace") deleteSelection();
    else if (mod && (ev.key === "z" || ev.key === "Z")) command(ev.shiftKey ? "redo" : "undo");
    else if (mod && (ev.key === "y" || ev.key === "Y")) command("redo");
    else if (ev.key === "Escape") { sel = null; redraw(); }
    else handled = false;
    if (handled) { ev.preventDefault(); ev.stopPropagation(); }
  });

  // ---- files, export, simulate
  fileInput.addEventListener("change", async () => {
    const f = fileInput.files && fileInput.files[0];
    if (!f) return;
    if (f.size > 20e6) { showMessage(`${f.name} is larger than 20 MB`, "error"); return; }
    command("load_json", { text: await f.text(), filename: f.name });
    fileInput.value = "";
  });
  function simulate() {
    const r = parseValue(tEnd.value, { hard: [1e-9, null] }, "t_end");
    if (r.error) { tEnd.classList.add("nbb-invalid"); showMessage(r.error, "error"); return; }
    tEnd.classList.remove("nbb-invalid");
    clearError();
    resultsEl.textContent = "simulating…";
    command("simulate", { t_end: r.value });
  }
  function download(text, filename, mime) {
    const a = h("a", { href: URL.createObjectURL(new Blob([text], { type: mime })), download: filename });
    root.append(a); a.click(); a.remove();
  }
  function exportSVG() {
    const b = bbox() || { x0: -100, y0: -50, x1: 100, y1: 50 }, m = 30;
    const out = s("svg", { xmlns: SVGNS, viewBox: `${b.x0 - m} ${b.y0 - m} ${b.x1 - b.x0 + 2 * m} ${b.y1 - b.y0 + 2 * m}`,
      width: Math.round(b.x1 - b.x0 + 2 * m), height: Math.round(b.y1 - b.y0 + 2 * m), "font-family": "sans-serif" });
    out.append(defs.cloneNode(true), s("rect", { x: b.x0 - m, y: b.y0 - m, width: b.x1 - b.x0 + 2 * m, height: b.y1 - b.y0 + 2 * m, fill: "white" }));
    for (const layer of [edgeLayer, nodeLayer]) out.append(layer.cloneNode(true));
    for (const hit of out.querySelectorAll(".nbb-edge-hit, .nbb-port")) hit.remove();
    return new XMLSerializer().serializeToString(out);
  }
  function exportPNG() {
    const text = exportSVG();
    const img = new Image();
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = img.width * 2; c.height = img.height * 2;
      const ctx = c.getContext("2d"); ctx.scale(2, 2); ctx.drawImage(img, 0, 0);
      c.toBlob((blob) => {
        const a = h("a", { href: URL.createObjectURL(blob), download: "circuit.png" });
        root.append(a); a.click(); a.remove();
      }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }
  root.nbbExportSVG = exportSVG;

  buildPalette();
  redraw();
  requestAnimationFrame(() => { fit(); applyTransform(); });
  // the output area narrows or widens with the window: the circuit stays in view
  let lastW = 0;
  const resized = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
    const { w } = size();
    if (Math.abs(w - lastW) < 1) return;
    lastW = w;
    if (fitted && !userView) { fit(); applyTransform(); }
  }) : null;
  if (resized) resized.observe(canvasWrap);
  command("hello", { rev: base.rev });
  return () => {
    model.off("msg:custom", onCustom); model.off("change:t_end", onTEnd);
    if (resized) resized.disconnect();
  };
}

export default { render };
