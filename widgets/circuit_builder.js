// @ts-check
// nbblox circuit builder: an anywidget front-end module (AFM).
// Plain ES module: no imports, no build step, no network. Rendered by anywidget in
// Jupyter and by panel.custom.AnyWidgetComponent in served dashboards.  Types are
// JSDoc only (the file runs as it is); `tsc` checks them (tests/ui/test_builder_types.py,
// settings in widgets/tsconfig.json).
//
// State model: `base` is the state Python has confirmed; `view` = base + the user's
// pending edits (applied optimistically so typing never waits for a busy kernel).
// Every edit is one small message {type: "edit", seq, view, ops}; Python answers
// "applied" (canonical ops, applied to base by every view) or "rejected" (the view
// drops that edit and shows why). Python-side changes arrive as "applied" with no seq.
//
// Layout of this file: the types; pure state logic (exported, tested on their own);
// DOM helpers; then `render`, which wires the parts that share one `Builder`:
// protocolPart (messages both ways, base/view/pending), palettePart (catalog, search,
// drag onto the canvas), canvasPart (SVG drawing, view transform, export),
// gesturesPart (pointer and keyboard), sidePanelPart (the selection's fields) and
// toolbarPart (buttons, files, simulate).

// ---------------------------------------------------------------- types: the model
/**
 * One parameter of a blox type (`type_info` in nbblox/ui/builder/layout.py).
 * @typedef {object} ParamMeta
 * @property {number} default
 * @property {number} lo       slider range
 * @property {number} hi
 * @property {number} step
 * @property {string} unit
 * @property {string} doc
 * @property {Bound | null} hard   physical range; null: any finite value
 */
/** @typedef {[number | null, number | null]} Bound  [min, max]; null: unbounded */
/**
 * A blox type: a catalog entry (`type_info`) or a composite's block
 * (`composite_type_info` in nbblox/ui/builder/composites.py).
 * @typedef {object} TypeInfo
 * @property {string} key       what nodes refer to (`BloxNode.type`)
 * @property {string} name      the identifier (`nb.blox.<name>`, code and files)
 * @property {string} [title]   what a person reads ("Hodgkin–Huxley"; BloxType.title)
 * @property {string} kind      neuron, neural_mass, synapse, input, observer, custom, composite
 * @property {string} [doc]
 * @property {string} [citation]
 * @property {string[]} [states]
 * @property {string[]} [inputs]
 * @property {string[]} [outputs]
 * @property {Object<string, ParamMeta>} [params]
 * @property {boolean} [catalog]
 */
/**
 * A block on the canvas: a blox, a closed composite, or a member of an open one.
 * @typedef {object} BloxNode
 * @property {string} name
 * @property {string} type      a TypeInfo key
 * @property {Object<string, number>} params
 * @property {number} x         centre, canvas units
 * @property {number} y
 * @property {string} [group]   member of this open composite
 * @property {boolean} [composite]  a closed composite's block
 */
/**
 * A connection (an arrow) between two blocks.
 * @typedef {object} Edge
 * @property {string} id
 * @property {string} src
 * @property {string} dst
 * @property {number} weight
 * @property {number} delay     ms
 * @property {string} output    port of src ("" until Python picked it)
 * @property {string} input     port of dst
 * @property {string} [unit]    the weight's unit
 * @property {boolean} [locked] inside an open composite: shown, not editable
 */
/**
 * The whole canvas as plain data (`BuilderModel.snapshot` in sync.py).
 * @typedef {object} Snapshot
 * @property {string} name
 * @property {number} rev
 * @property {BloxNode[]} nodes
 * @property {Edge[]} edges
 * @property {Object<string, TypeInfo>} types
 */
/**
 * A snapshot indexed for editing: what `applyOps` changes.
 * @typedef {object} State
 * @property {string} name
 * @property {number} rev
 * @property {Object<string, TypeInfo>} types
 * @property {Map<string, BloxNode>} nodes
 * @property {Map<string, Edge>} edges
 */
/** @typedef {{kind: "node", name: string}} NodeSelection */
/** @typedef {{kind: "edge", id: string}} EdgeSelection */
/** @typedef {NodeSelection | EdgeSelection | null} Selection */

// ---------------------------------------------------------------- types: the ops
// One typedef per op.  tests/ui/test_builder_ops.py checks that `EditOp` names exactly
// ops.EDIT_OPS and `Op` exactly ops.CANONICAL_OPS (nbblox/ui/builder/ops.py, the one
// list); tsc checks that applyOps has a case for every Op and none other.
/** @typedef {{op: "add_type", info: TypeInfo}} AddTypeOp */
/** @typedef {{op: "add_node", name: string, type: string, params?: Object<string, number>, x: number, y: number, group?: string}} AddNodeOp */
/** @typedef {{op: "remove_node", name: string}} RemoveNodeOp */
/** @typedef {{op: "rename", name: string, new: string}} RenameOp */
/** @typedef {{op: "set_params", name: string, params: Object<string, number>}} SetParamsOp */
/** @typedef {{op: "move", name: string, x: number, y: number}} MoveOp */
/** @typedef {{op: "positions", pos: Object<string, [number, number]>}} PositionsOp */
/** @typedef {{op: "add_edge", id: string, src: string, dst: string, weight?: number, delay?: number, output?: string | null, input?: string | null, unit?: string}} AddEdgeOp */
/** @typedef {{op: "remove_edge", id: string}} RemoveEdgeOp */
/** @typedef {{op: "set_edge", id: string, weight?: number, delay?: number, output?: string, input?: string}} SetEdgeOp */
/** @typedef {AddNodeOp | RemoveNodeOp | RenameOp | SetParamsOp | MoveOp | PositionsOp | AddEdgeOp | RemoveEdgeOp | SetEdgeOp} EditOp  what a view may send */
/** @typedef {AddTypeOp | EditOp} Op  what a view applies */

// ---------------------------------------------------------------- types: the messages
// view -> Python: an edit (handled by BuilderModel.handle in sync.py) or a command
// (CircuitBuilder._route in widget.py, then BuilderModel._handle).
/** @typedef {{type: "edit", ops: EditOp[], label: string}} EditMsg */
/**
 * @typedef {{cmd: "undo"} | {cmd: "redo"} | {cmd: "save_json"} | {cmd: "code"}
 *   | {cmd: "layout", kind: "auto" | "spring" | "circular"} | {cmd: "hello", rev: number}
 *   | {cmd: "toggle", name: string} | {cmd: "simulate", t_end: number}
 *   | {cmd: "load_json", text: string, filename: string}} Command
 */
/** @typedef {EditMsg | ({type: "cmd"} & Command)} Outgoing */
/** @typedef {Outgoing & {view: string, seq: number}} ToPython  as sent: view id and sequence number added */
// Python -> views (`_broadcast` in sync.py / widget.py).  `view`: the view the answer
// is for (null: every view); `seq`: the message of that view it answers.
/** @typedef {"info" | "warn" | "error"} Level */
/** @typedef {{type: "applied", seq?: number | null, view?: string | null, rev?: number, ops?: Op[]}} AppliedMsg */
/** @typedef {{type: "rejected", seq?: number | null, view?: string | null, error: string}} RejectedMsg */
/** @typedef {{type: "snapshot", seq?: number | null, view?: string | null, state: Snapshot}} SnapshotMsg */
/** @typedef {{type: "message", view?: string | null, level?: Level, text: string}} NoticeMsg */
/** @typedef {{type: "results", view?: string | null, text: string}} ResultsMsg */
/** @typedef {{type: "download", view?: string | null, text: string, filename: string, mime: string}} DownloadMsg */
/** @typedef {AppliedMsg | RejectedMsg | SnapshotMsg | NoticeMsg | ResultsMsg | DownloadMsg} FromPython */

// ---------------------------------------------------------------- types: the widget model
/**
 * The synced traits (`CircuitBuilder` in widget.py, `builder_component` in panel.py).
 * @typedef {object} Traits
 * @property {TypeInfo[]} palette
 * @property {Snapshot} snapshot
 * @property {ToPython[]} inbox   unacknowledged messages (front ends without `send`)
 * @property {number} t_end
 * @property {number} height
 */
/**
 * What this module uses of anywidget's model (and Panel's AnyWidgetComponent).
 * @typedef {object} Model
 * @property {<K extends keyof Traits>(key: K) => Traits[K]} get
 * @property {<K extends keyof Traits>(key: K, value: Traits[K]) => void} set
 * @property {(event: string, fn: (...args: any[]) => void) => void} on
 * @property {(event: string, fn: (...args: any[]) => void) => void} off
 * @property {() => void} save_changes
 * @property {(msg: ToPython) => void} [send]   absent in Panel: the `inbox` trait instead
 */

const SVGNS = "http://www.w3.org/2000/svg";
export const NODE_W = 120, NODE_H = 44;
/** @type {Object<string, string>} */
const KIND_COLORS = { neuron: "#3b7dd8", neural_mass: "#8e44ad", input: "#27ae60",
  observer: "#d68910", synapse: "#16a085", custom: "#7f8c8d", composite: "#2c3e50" };
/** @type {Object<string, string>} */
const KIND_LABELS = { neuron: "Neurons", neural_mass: "Neural masses", synapse: "Synapses",
  input: "Inputs", observer: "Observers", custom: "Custom" };
const KIND_ORDER = ["neuron", "neural_mass", "synapse", "input", "observer", "custom"];
const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A title that opens a line, first letter capitalised (`nbblox._text.capital`).  @param {string} s */
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** The letters and digits of a name, accents and case dropped ("Wang–Buzsáki" -> "wangbuzsaki").  @param {string} s */
const spelled = (s) => s.normalize("NFD").replace(/[^A-Za-z0-9]/g, "").toLowerCase();

// ---------------------------------------------------------------- pure state logic
/** @param {Snapshot | null | undefined} s  @returns {State} */
export function fromSnapshot(s) {
  /** @type {State} */
  const st = { name: (s && s.name) || "circuit", rev: (s && s.rev) || 0,
    types: { ...((s && s.types) || {}) }, nodes: new Map(), edges: new Map() };
  for (const n of (s && s.nodes) || []) st.nodes.set(n.name, { ...n, params: { ...n.params } });
  for (const e of (s && s.edges) || []) st.edges.set(e.id, { ...e });
  return st;
}

/** @param {State} st  @returns {State} */
export function cloneState(st) {
  /** @type {State} */
  const c = { name: st.name, rev: st.rev, types: { ...st.types }, nodes: new Map(), edges: new Map() };
  for (const [k, n] of st.nodes) c.nodes.set(k, { ...n, params: { ...n.params } });
  for (const [k, e] of st.edges) c.edges.set(k, { ...e });
  return c;
}

/** @param {State} st  @param {string} name  @returns {BloxNode} */
function need(st, name) {
  const n = st.nodes.get(name);
  if (!n) throw new Error(`no blox named '${name}'`);
  return n;
}

/** @param {State} st  @param {string} id  @returns {Edge} */
function needEdge(st, id) {
  const e = st.edges.get(id);
  if (!e) throw new Error(`no connection ${id}`);
  return e;
}

/**
 * The name of an op no case of applyOps handles.  Typed `never`, so tsc fails
 * when an Op has no case.
 * @param {never} op  @returns {string}
 */
function unhandled(op) {
  return String(/** @type {{op?: unknown}} */ (op).op);
}

/** Apply ops to `st` in order (mutates it); throws on the first that does not fit.
 * @param {State} st  @param {Op[]} ops  @returns {State} */
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
        const e = needEdge(st, op.id);
        if ("weight" in op) e.weight = +(/** @type {number} */ (op.weight));
        if ("delay" in op) e.delay = +(/** @type {number} */ (op.delay));
        if ("output" in op) e.output = /** @type {string} */ (op.output);
        if ("input" in op) e.input = /** @type {string} */ (op.input);
        break;
      }
      default: throw new Error(`unknown op ${unhandled(op)}`);
    }
  }
  return st;
}

/** A free name for a new blox of type `typeName`: wc1, fhn2, ampa1, ...
 * @param {string} typeName  @param {Set<string>} taken  @returns {string} */
export function autoName(typeName, taken) {
  let prefix = typeName.replace(/[^A-Z]/g, "").toLowerCase();
  if (typeName === typeName.toUpperCase() || prefix.length < 2) prefix = typeName.toLowerCase().slice(0, 4);
  prefix = prefix.replace(/[^a-z0-9_]/g, "") || "blox";
  if (!/^[a-z]/.test(prefix)) prefix = "b" + prefix;
  for (let i = 1; ; i++) if (!taken.has(prefix + i)) return prefix + i;
}

/**
 * Validate a number typed into the side panel against a parameter's metadata.
 * @param {string | number} text
 * @param {{lo?: number, hi?: number, hard?: Bound | null} | null | undefined} meta
 * @param {string} label   names the value in messages
 * @returns {{value: number, warn: string | null, error?: undefined} | {error: string, value?: undefined}}
 */
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
  const warn = meta && meta.lo !== undefined && (v < meta.lo || (meta.hi !== undefined && v > meta.hi))
    ? `${label} = ${v} is outside the usual range [${meta.lo}, ${meta.hi}]` : null;
  return { value: v, warn };
}

/**
 * Curved arrow between two blox centres (same geometry as builder_layout._edge_path).
 * @param {{x: number, y: number}} a
 * @param {{x: number, y: number}} b
 * @param {number} [lane]
 * @returns {{d: string, mx: number, my: number}}  SVG path and where its label goes
 */
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
  const f = (/** @type {number} */ v) => v.toFixed(1);
  // the label sits at the middle of its curve, where no block is: further along,
  // lesson 17's second lane put "0.25 (5 ms)" under the col2 block.  Each lane's
  // middle is 22 px further out across the edge; a further 13 px per lane down the
  // page in the same sense keeps wide labels of a steep edge one line apart
  const down = 13 * lane * (ux < 0 ? -1 : 1);
  return { d: `M${f(sx)},${f(sy)} Q${f(cx)},${f(cy)} ${f(ex)},${f(ey)}`,
    mx: 0.25 * sx + 0.5 * cx + 0.25 * ex, my: 0.25 * sy + 0.5 * cy + 0.25 * ey + down };
}

/**
 * An HTML element.  attrs: "class", "text" (textContent, never markup), "on<event>"
 * (a listener), else attributes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
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

/**
 * An SVG element with attributes.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs]
 * @returns {SVGElementTagNameMap[K]}
 */
function s(tag, attrs = {}) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** @param {unknown} v  @returns {string} */
const fmt = (v) => (typeof v === "number" ? String(+v.toPrecision(6)) : String(v));

/** @param {string} cls  @param {string} label  @param {string} title  @param {() => void} fn */
const btn = (cls, label, title, fn) => h("button", { class: `nbb-btn ${cls}`, title, type: "button", onclick: fn }, label);

/** The element an event happened on (pointer and key events on the widget's own elements). */
const targetOf = (/** @type {Event} */ ev) => /** @type {Element} */ (ev.target);

// ---------------------------------------------------------------- the widget
/**
 * One rendered view: what its parts share.  Each part is built by its function
 * below and reached through here (`w.protocol.edit(...)`, `w.canvas.redraw()`).
 * @typedef {object} Builder
 * @property {Model} model
 * @property {string} viewId      this view, in messages (several views may show one widget)
 * @property {HTMLDivElement} root
 * @property {State} base         what Python has confirmed
 * @property {State} view         base + this view's pending edits: what is drawn
 * @property {Selection} sel
 * @property {TypeInfo[]} palette the catalog's blox types
 * @property {(key: string) => TypeInfo} typeOf
 * @property {Protocol} protocol
 * @property {Canvas} canvas
 * @property {Gestures} gestures
 * @property {SidePanel} side
 * @property {Toolbar} toolbar
 */
/** @typedef {ReturnType<typeof protocolPart>} Protocol */
/** @typedef {ReturnType<typeof canvasPart>} Canvas */
/** @typedef {ReturnType<typeof gesturesPart>} Gestures */
/** @typedef {ReturnType<typeof sidePanelPart>} SidePanel */
/** @typedef {ReturnType<typeof toolbarPart>} Toolbar */

/** @param {{model: Model, el: HTMLElement}} props  @returns {() => void} cleanup */
function render({ model, el }) {
  const base = fromSnapshot(model.get("snapshot"));
  const palette = model.get("palette") || [];
  const paletteByKey = Object.fromEntries(palette.map((t) => [t.key, t]));
  const w = /** @type {Builder} */ ({
    model, viewId: Math.random().toString(36).slice(2, 10), base, view: base, sel: null, palette,
    root: h("div", { class: "nbb-builder", tabindex: "0", "data-lm-suppress-shortcuts": "true" }),
    typeOf: (key) => w.view.types[key] || w.base.types[key] || paletteByKey[key]
      || { key, name: "?", kind: "custom", params: {}, inputs: [], outputs: [] },
  });
  w.root.style.height = `${model.get("height") || 560}px`;
  // built in this order: a part uses the parts before it at once, the later ones
  // only from event handlers (all of them exist by then)
  w.protocol = protocolPart(w);
  w.canvas = canvasPart(w);
  w.gestures = gesturesPart(w);
  w.side = sidePanelPart(w);
  const paletteView = palettePart(w);
  w.toolbar = toolbarPart(w);
  w.root.append(w.toolbar.el, h("div", { class: "nbb-main" }, paletteView.el, w.canvas.el, w.side.el),
    w.protocol.msgEl, w.protocol.resultsEl);
  el.appendChild(w.root);

  paletteView.build();
  w.canvas.redraw();
  requestAnimationFrame(() => { w.canvas.fit(); w.canvas.applyTransform(); });
  const stopResize = w.canvas.followResize();
  w.protocol.command({ cmd: "hello", rev: w.base.rev });
  return () => { w.protocol.detach(); w.toolbar.detach(); stopResize(); };
}

// ---------------------------------------------------------------- protocol
/**
 * Messages both ways, and the state they change: `base` (confirmed), `view`
 * (base + pending edits), the edits sent and not yet answered; plus the message
 * bar and the result line, where Python's words are shown.
 * @param {Builder} w
 */
function protocolPart(w) {
  const { model, viewId } = w;
  /** @type {{seq: number, ops: EditOp[]}[]} */
  let pending = [];           // sent, not yet confirmed
  /** @type {ToPython[]} */
  let outbox = [];            // messages not yet acknowledged (fallback channel)
  let seq = 0;
  const msgEl = h("div", { class: "nbb-msg" });
  const resultsEl = h("div", { class: "nbb-results" });

  /** @param {Outgoing} out  @returns {number} its seq */
  function send(out) {
    const msg = /** @type {ToPython} */ (out);
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
  /** Apply `ops` to the view at once and send them; false (and a message) if they do not apply.
   * @param {EditOp[]} ops  @param {string} label  the undo step's name  @returns {boolean} */
  function edit(ops, label) {
    const probe = cloneState(w.view);
    try { applyOps(probe, ops); } catch (err) { showMessage(String(/** @type {Error} */ (err).message || err), "error"); return false; }
    const n = send({ type: "edit", ops, label });
    pending.push({ seq: n, ops });
    w.view = probe;
    w.canvas.redraw();
    return true;
  }
  /** @param {Command} c */
  function command(c) { send({ type: "cmd", ...c }); w.toolbar.updateStatus(); }

  function recompute() {
    if (!pending.length) { w.view = w.base; return; }
    const v = cloneState(w.base);
    pending = pending.filter((p) => { try { applyOps(v, p.ops); return true; } catch (e) { return false; } });
    w.view = v;
  }
  /** @param {number | null | undefined} n  the last seq Python has answered */
  function acked(n) {
    if (typeof n !== "number") return;
    pending = pending.filter((p) => p.seq > n);
    if (outbox.length) outbox = outbox.filter((m) => m.seq > n);
  }
  /** @param {FromPython} msg */
  function onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    const mine = msg.view === viewId;
    if (msg.view && !mine && msg.type !== "applied") return;
    switch (msg.type) {
      case "applied":
        try { applyOps(w.base, msg.ops || []); } catch (err) { command({ cmd: "hello", rev: -1 }); }
        for (const o of msg.ops || []) {          // the selection follows renames made elsewhere
          const sel = w.sel;
          if (o.op === "rename" && sel && sel.kind === "node" && sel.name === o.name) { w.sel = { kind: "node", name: o.new }; w.side.invalidate(); }
        }
        if (typeof msg.rev === "number") w.base.rev = msg.rev;
        if (mine) acked(msg.seq);
        recompute();
        if (!mine && (msg.ops || []).some((o) => o.op === "add_node" && !w.canvas.visible(o))) w.canvas.fitOnRedraw();
        w.canvas.redraw(); break;
      case "rejected":
        if (mine) { acked(msg.seq); recompute(); w.canvas.redraw(); showMessage(msg.error, "error"); }
        break;
      case "snapshot": {
        const wasEmpty = w.view.nodes.size === 0;
        w.base = fromSnapshot(msg.state);
        if (mine) acked(msg.seq);
        recompute();
        if (!mine || wasEmpty) w.canvas.fitOnRedraw();   // a new circuit (opened/replaced): fit it
        w.canvas.redraw(); break;
      }
      case "message": showMessage(msg.text, msg.level); break;
      case "results": resultsEl.textContent = msg.text; break;
      case "download": w.toolbar.download(msg.text, msg.filename, msg.mime); break;
    }
    w.toolbar.updateStatus();
  }
  const onCustom = (/** @type {FromPython} */ msg) => onMessage(msg);
  model.on("msg:custom", onCustom);

  /** @param {string} text  @param {Level} [level] */
  function showMessage(text, level = "info") {
    msgEl.textContent = text || "";
    msgEl.className = `nbb-msg nbb-${level}`;
  }
  // a value fixed after an error: the error no longer holds, so it must not stay on screen
  function clearError() {
    if (msgEl.classList.contains("nbb-error")) showMessage("");
  }
  /** Edits sent and not confirmed, and messages waiting in the fallback channel. */
  const backlog = () => ({ edits: pending.length, unacked: outbox.length });
  const detach = () => model.off("msg:custom", onCustom);

  return { msgEl, resultsEl, edit, command, showMessage, clearError, backlog, detach };
}

// ---------------------------------------------------------------- palette
/**
 * The palette: the catalog by kind, a search box, and blox dragged (or
 * double-clicked) onto the canvas.
 * @param {Builder} w
 */
function palettePart(w) {
  const { root, palette } = w;
  const { edit } = w.protocol;
  const { svg, redraw, toWorld, centerWorld } = w.canvas;
  const search = h("input", { class: "nbb-search", placeholder: "Search blox…", type: "search" });
  const groups = h("div", { class: "nbb-groups" });
  const paletteEl = h("div", { class: "nbb-palette" }, search, groups);

  function buildPalette() {
    groups.replaceChildren();
    const q = search.value.trim().toLowerCase();
    for (const kind of KIND_ORDER) {
      const items = palette.filter((t) => t.kind === kind && (!q || t.name.toLowerCase().includes(q)
        || (t.title || "").toLowerCase().includes(q)
        || (t.doc || "").toLowerCase().includes(q) || (KIND_LABELS[kind] || "").toLowerCase().includes(q)));
      if (!items.length) continue;
      const g = h("div", { class: "nbb-group", "data-kind": kind }, h("div", { class: "nbb-group-title", text: KIND_LABELS[kind] || kind }));
      for (const t of items) {
        // a person reads the title ("Leaky integrate-and-fire"); the identifier the code
        // and the canvas use ("LIF") is a small line under it where the title does not
        // spell it ("Hodgkin–Huxley" does: no second line, the palette stays short).  The
        // tooltip leads with both in full: a line the palette ellipsises stays readable.
        const title = capital(t.title || t.name);
        const item = h("div", { class: "nbb-item", "data-type": t.name,
          title: [title, `nb.blox.${t.name}`, t.doc, t.citation].filter(Boolean).join("\n") },
          h("span", { class: "nbb-swatch", style: `background:${KIND_COLORS[t.kind] || KIND_COLORS.custom}` }),
          h("span", { class: "nbb-item-text" },
            h("span", { class: "nbb-item-name", text: title }),
            // long CamelCase identifiers wrap at their capitals instead of being cut off
            spelled(title) === spelled(t.name) ? null
              : h("span", { class: "nbb-item-id", text: t.name.replace(/([a-z])(?=[A-Z])/g, "$1\u200b") })));
        item.addEventListener("pointerdown", (ev) => startPaletteDrag(ev, t));
        item.addEventListener("dblclick", () => addNodeAt(t, centerWorld()));
        g.append(item);
      }
      groups.append(g);
    }
  }
  search.addEventListener("input", buildPalette);

  /** @param {TypeInfo} t  @param {{x: number, y: number}} pt  world point */
  function addNodeAt(t, pt) {
    const name = autoName(t.name, new Set(w.view.nodes.keys()));
    const params = Object.fromEntries(Object.entries(t.params || {}).map(([k, m]) => [k, m.default]));
    /** @type {AddNodeOp} */
    const addOp = { op: "add_node", name, type: t.key, params, x: Math.round(pt.x), y: Math.round(pt.y) };
    if (edit([addOp], `add ${name}`)) { w.sel = { kind: "node", name }; redraw(); }
  }

  /** @param {PointerEvent} ev  @param {TypeInfo} t */
  function startPaletteDrag(ev, t) {
    if (ev.button !== 0) return;
    ev.preventDefault();
    const ghost = h("div", { class: "nbb-ghost", text: capital(t.title || t.name) });
    ghost.style.left = `${ev.clientX + 4}px`; ghost.style.top = `${ev.clientY + 4}px`;
    root.append(ghost);
    const move = (/** @type {PointerEvent} */ e) => { ghost.style.left = `${e.clientX + 4}px`; ghost.style.top = `${e.clientY + 4}px`; };
    const up = (/** @type {PointerEvent} */ e) => {
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

  return { el: paletteEl, build: buildPalette };
}

// ---------------------------------------------------------------- canvas
/**
 * The SVG canvas: what is drawn (blox, arrows, open composites' frames), the view
 * transform (fit, follow resizes) and the SVG/PNG export.  What the pointer does on
 * it is gesturesPart's.
 * @param {Builder} w
 */
function canvasPart(w) {
  const { root, typeOf } = w;
  const { command } = w.protocol;
  const svg = s("svg", { class: "nbb-canvas" });
  const defs = s("defs");
  const marker = s("marker", { id: `nbb-arrow-${w.viewId}`, viewBox: "0 0 10 10", refX: "10", refY: "5",
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
  let tf = { x: 0, y: 0, k: 1 };
  let fitted = false;
  let userView = false;       // panned or zoomed by hand: a resize keeps the view

  // ---- geometry
  /** @param {number} cx  @param {number} cy  client coordinates  @returns {{x: number, y: number}} */
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
    for (const n of w.view.nodes.values()) {
      const m = n.group ? 30 : 0;       // the frame of an open composite and its label
      x0 = Math.min(x0, n.x - NODE_W / 2 - m); x1 = Math.max(x1, n.x + NODE_W / 2 + m);
      y0 = Math.min(y0, n.y - NODE_H / 2 - 50 - m); y1 = Math.max(y1, n.y + NODE_H / 2 + m);
    }
    return x0 === Infinity ? null : { x0, y0, x1, y1 };
  }
  /** Is world point p inside the canvas view?  @param {{x: number, y: number}} p */
  function visible(p) {
    const { w, h: hh } = size(), x = p.x * tf.k + tf.x, y = p.y * tf.k + tf.y;
    return x > 0 && y > 0 && x < w && y < hh;
  }
  function fit() {
    const b = bbox(), { w, h: hh } = size();
    if (!b) { tf = { x: w / 2, y: hh / 2, k: 1 }; return; }
    const k = Math.min(1.2, 0.9 * Math.min(w / (b.x1 - b.x0), hh / (b.y1 - b.y0)));
    tf = { k, x: w / 2 - k * (b.x0 + b.x1) / 2, y: hh / 2 - k * (b.y0 + b.y1) / 2 };
  }
  /** The view transform: canvas = world * k + (x, y). */
  const transform = () => tf;
  /** Pan or zoom by hand (a resize then keeps the view).  @param {{x: number, y: number, k: number}} t */
  function setTransform(t) { tf = t; userView = true; applyTransform(); }
  /** The next redraw fits the circuit in view (a new circuit, blox added out of view). */
  function fitOnRedraw() { fitted = false; }
  /** The Fit button: fit now, and again on resizes until panned or zoomed by hand. */
  function fitNow() { userView = false; fit(); applyTransform(); }
  /** The output area narrows or widens with the window: the circuit stays in view.
   * @returns {() => void} stops following */
  function followResize() {
    let lastW = 0;
    const resized = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
      const { w } = size();
      if (Math.abs(w - lastW) < 1) return;
      lastW = w;
      if (fitted && !userView) { fit(); applyTransform(); }
    }) : null;
    if (resized) resized.observe(canvasWrap);
    return () => { if (resized) resized.disconnect(); };
  }

  // ---- drawing
  /** @type {Map<string, SVGGElement>} */
  let nodeEls = new Map();
  /** @type {Map<string, SVGGElement>} */
  let edgeEls = new Map();
  /** @param {string} name */
  /** @param {string} name  @returns {SVGGElement} the drawn block of blox `name` */
  const nodeEl = (name) => /** @type {SVGGElement} */ (nodeEls.get(name));
  /** @param {string} name */
  function toggle(name) { command({ cmd: "toggle", name }); }   // Python answers with a snapshot
  function drawFrames() {                  // an open composite: a dashed frame around its members
    /** @type {Map<string, {x0: number, y0: number, x1: number, y1: number}>} */
    const boxes = new Map();
    for (const n of w.view.nodes.values()) {
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
  /** Draw the view again; then the side panel and the status line follow. */
  function redraw() {
    const { view, sel } = w;
    if (!fitted) { fit(); fitted = true; }
    applyTransform();
    nodeLayer.replaceChildren(); edgeLayer.replaceChildren(); frameLayer.replaceChildren();
    nodeEls = new Map(); edgeEls = new Map();
    drawFrames();
    const labels = view.edges.size <= 150;
    // big connectomes: arrowhead markers and anti-aliasing dominate the cost of a pan frame
    const big = view.edges.size > 300;
    const arrow = big ? null : `url(#nbb-arrow-${w.viewId})`;
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
      const tip = s("title", {});
      tip.textContent = `${n.name} (${t.name})`;     // the full names on hover
      g.append(tip, label, sub);
      if ((t.outputs || []).length) g.append(s("circle", { class: "nbb-port", cx: NODE_W / 2, cy: 0, r: 7, fill: "white", stroke: "#222" }));
      nodeLayer.append(g); nodeEls.set(n.name, g);
      fitText(label, NODE_W - 14); fitText(sub, NODE_W - 14);
    }
    if (sel && ((sel.kind === "node" && !view.nodes.has(sel.name)) || (sel.kind === "edge" && !view.edges.has(sel.id)))) w.sel = null;
    w.side.render();
    w.toolbar.updateStatus();
  }

  /**
   * Squeeze a text that is wider than ``width`` into it ("MontbrioPazoRoxinSynaptic"
   * in a 120 px node): the name stays whole and inside the node.
   * @param {SVGTextElement} t  @param {number} width
   */
  function fitText(t, width) {
    const len = t.getComputedTextLength ? t.getComputedTextLength() : 0;
    if (len > width) { t.setAttribute("textLength", String(width)); t.setAttribute("lengthAdjust", "spacingAndGlyphs"); }
  }

  /** @param {string} name  the blox being dragged: its arrows follow */
  function redrawEdgesOf(name) {
    for (const [id, g] of edgeEls) {
      if (g.getAttribute("data-src") !== name && g.getAttribute("data-dst") !== name) continue;
      const e = needEdge(w.view, id);
      const p = edgePath(need(w.view, e.src), need(w.view, e.dst), Number(g.getAttribute("data-lane")) || 0);
      for (const path of g.querySelectorAll("path")) path.setAttribute("d", p.d);
      const t = g.querySelector("text");
      if (t) { t.setAttribute("x", p.mx.toFixed(1)); t.setAttribute("y", (p.my - 4).toFixed(1)); }
    }
  }

  // ---- export
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
      const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext("2d")); ctx.scale(2, 2); ctx.drawImage(img, 0, 0);
      c.toBlob((blob) => {
        const a = h("a", { href: URL.createObjectURL(/** @type {Blob} */ (blob)), download: "circuit.png" });
        root.append(a); a.click(); a.remove();
      }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }
  Object.assign(root, { nbbExportSVG: exportSVG });     // for tests and notebooks

  return { el: canvasWrap, svg, tempLayer, redraw, redrawEdgesOf, nodeEl, toWorld, centerWorld, visible,
    transform, setTransform, fit, fitNow, fitOnRedraw, applyTransform, followResize, toggle, exportSVG, exportPNG };
}

// ---------------------------------------------------------------- gestures
/**
 * What the pointer and the keys do: select, move, connect, pan and zoom on the
 * canvas, open a composite, and the shortcuts (Delete, Ctrl+Z/Y, Escape).
 * @param {Builder} w
 */
function gesturesPart(w) {
  const { root, typeOf } = w;
  const { edit, command, showMessage } = w.protocol;
  const { svg, tempLayer, redraw, redrawEdgesOf, nodeEl, toWorld, transform, setTransform, toggle } = w.canvas;

  function deleteSelection() {
    const sel = w.sel;
    if (!sel) { showMessage("select a blox or a connection first", "info"); return; }
    if (sel.kind === "node") edit([{ op: "remove_node", name: sel.name }], `delete ${sel.name}`);
    else edit([{ op: "remove_edge", id: sel.id }], "delete connection");
    w.sel = null; redraw();
  }

  // ---- pointer interaction on the canvas
  /** @param {number} cx  @param {number} cy  @returns {string | null} the blox under a client point */
  function hitNode(cx, cy) {
    const r = /** @type {Partial<DocumentOrShadowRoot>} */ (root.getRootNode());
    const elAt = /** @type {DocumentOrShadowRoot} */ (r.elementFromPoint ? r : document).elementFromPoint(cx, cy);
    const g = elAt && elAt.closest && elAt.closest(".nbb-node");
    return g ? g.getAttribute("data-name") : null;
  }
  let edgeCounter = 0;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    root.focus({ preventScroll: true });
    const target = targetOf(ev);
    const port = target.closest(".nbb-port");
    const nodeG = target.closest(".nbb-node");
    const edgeG = target.closest(".nbb-edge");
    ev.preventDefault();
    const start = { cx: ev.clientX, cy: ev.clientY };
    /** @type {(e: PointerEvent) => void} */
    let moveFn;
    /** @type {(e: PointerEvent) => void} */
    let upFn;
    if (port && nodeG) {                                   // connect
      const src = /** @type {string} */ (nodeG.getAttribute("data-name")), a = need(w.view, src);
      const line = s("path", { class: "nbb-temp-line", stroke: "#e67e22", "stroke-width": 2, fill: "none", "stroke-dasharray": "5,4" });
      tempLayer.append(line);
      moveFn = (e) => { const p = toWorld(e.clientX, e.clientY); line.setAttribute("d", `M${a.x + NODE_W / 2},${a.y} L${p.x},${p.y}`); };
      upFn = (e) => {
        line.remove();
        const dst = hitNode(e.clientX, e.clientY);
        if (!dst) return;
        const tt = typeOf(need(w.view, dst).type), ts = typeOf(a.type);
        if (!(tt.inputs || []).length) { showMessage(`cannot connect ${src} → ${dst}: ${dst} (${tt.name}) has no input`, "error"); return; }
        if (!(ts.outputs || []).length) { showMessage(`cannot connect ${src} → ${dst}: ${src} (${ts.name}) has no output`, "error"); return; }
        const id = `${w.viewId}-${++edgeCounter}`;
        // no ports named: Python applies the pair's connection rule (a synapse -> neuron edge
        // also reads V back into V_post) or the first output and input; a composite's ports
        if (edit([{ op: "add_edge", id, src, dst, weight: 1, delay: 0, output: null, input: null }], `connect ${src} → ${dst}`)) {
          w.sel = { kind: "edge", id }; redraw();
        }
      };
    } else if (nodeG) {                                    // move / select
      const name = /** @type {string} */ (nodeG.getAttribute("data-name")), n = need(w.view, name);
      const ox = n.x, oy = n.y;
      let moved = false;
      const sel = w.sel;
      if (!(sel && sel.kind === "node" && sel.name === name)) { w.sel = { kind: "node", name }; redraw(); }
      const g = nodeEl(name);
      moveFn = (e) => {
        const { k } = transform();
        const dx = (e.clientX - start.cx) / k, dy = (e.clientY - start.cy) / k;
        if (!moved && Math.hypot(dx, dy) * k < 3) return;
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
      w.sel = { kind: "edge", id: /** @type {string} */ (edgeG.getAttribute("data-id")) }; redraw();
      return;
    } else {                                               // pan
      const t0 = { ...transform() };
      let moved = false;
      moveFn = (e) => {
        const dx = e.clientX - start.cx, dy = e.clientY - start.cy;
        if (Math.hypot(dx, dy) > 2) moved = true;
        setTransform({ ...t0, x: t0.x + dx, y: t0.y + dy });
      };
      upFn = () => { if (!moved && w.sel) { w.sel = null; redraw(); } };
    }
    const up = (/** @type {PointerEvent} */ e) => { window.removeEventListener("pointermove", moveFn); window.removeEventListener("pointerup", up); upFn(e); };
    window.addEventListener("pointermove", moveFn);
    window.addEventListener("pointerup", up);
  });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top, tf = transform();
    const k = Math.min(8, Math.max(0.05, tf.k * Math.exp(-ev.deltaY * 0.0015)));
    setTransform({ k, x: px - (px - tf.x) * (k / tf.k), y: py - (py - tf.y) * (k / tf.k) });
  }, { passive: false });

  // ---- keyboard: on the whole widget, not while typing in a field
  root.addEventListener("keydown", (ev) => {
    const tag = (/** @type {HTMLElement} */ (ev.target).tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const mod = ev.ctrlKey || ev.metaKey;
    let handled = true;
    if (ev.key === "Delete" || ev.key === "Backspace") deleteSelection();
    else if (mod && (ev.key === "z" || ev.key === "Z")) command({ cmd: ev.shiftKey ? "redo" : "undo" });
    else if (mod && (ev.key === "y" || ev.key === "Y")) command({ cmd: "redo" });
    else if (ev.key === "Escape") { w.sel = null; redraw(); }
    else handled = false;
    if (handled) { ev.preventDefault(); ev.stopPropagation(); }
  });

  svg.addEventListener("dblclick", (ev) => {   // a composite block opens, a frame closes
    const nodeG = targetOf(ev).closest && targetOf(ev).closest(".nbb-node");
    const n = nodeG && w.view.nodes.get(/** @type {string} */ (nodeG.getAttribute("data-name")));
    if (n && n.composite) { ev.stopPropagation(); toggle(n.name); }
  });

  return { deleteSelection };
}

// ---------------------------------------------------------------- side panel
/**
 * The side panel: the selected blox's name and parameters, or the selected
 * connection's weight, delay and ports, or help when nothing is selected.
 * @param {Builder} w
 */
function sidePanelPart(w) {
  const { root, typeOf } = w;
  const { edit, showMessage, clearError } = w.protocol;
  const { redraw, toggle } = w.canvas;
  const { deleteSelection } = w.gestures;
  const side = h("div", { class: "nbb-side" });
  /** @type {string | null} */
  let sideKey = null;         // what the side panel was built for
  // the selection when a field's event fires (the panel shows fields only while one is selected)
  const selName = () => /** @type {NodeSelection} */ (w.sel).name;
  const selId = () => /** @type {EdgeSelection} */ (w.sel).id;

  /** @param {string} cls  @param {string} value  @param {Record<string, string>} [attrs] */
  function field(cls, value, attrs = {}) { return h("input", { class: cls, value, spellcheck: "false", ...attrs }); }
  /** Build the panel for a new selection, else refresh its values. */
  function renderSide() {
    const sel = w.sel;
    const key = sel ? (sel.kind === "node" ? `n:${sel.name}` : `e:${sel.id}`) : "none";
    if (key !== sideKey) { buildSide(); sideKey = key; return; }
    const focused = /** @type {Document | ShadowRoot} */ (root.getRootNode()).activeElement || document.activeElement;
    for (const inp of /** @type {NodeListOf<HTMLInputElement>} */ (side.querySelectorAll("input[data-key]"))) {
      if (inp === focused) continue;                // refresh values, never under the cursor
      const v = currentValue(/** @type {string} */ (inp.getAttribute("data-key")));
      if (v !== undefined && !inp.classList.contains("nbb-invalid")) inp.value = inp.type === "range" ? String(v) : fmt(v);
    }
  }
  /** @param {string} k  "p|blox|param" or "e|edge id|field"  @returns {unknown} */
  function currentValue(k) {
    const [what, a, b] = k.split("|");
    if (what === "p") { const n = w.view.nodes.get(a); return n ? n.params[b] : undefined; }
    if (what === "e") { const e = w.view.edges.get(a); return e ? /** @type {Record<string, unknown>} */ (e)[b] : undefined; }
    return undefined;
  }
  function buildSide() {
    const { view, sel } = w;
    side.replaceChildren();
    if (!sel) {
      side.append(h("div", { class: "nbb-side-title", text: "Circuit" }),
        h("p", { class: "nbb-help", text: "Drag a blox from the palette onto the canvas. Drag from a blox's white port to another blox to connect them. Click a blox or an arrow to edit it; Delete removes it. Drag the background to pan, scroll to zoom." }));
      return;
    }
    if (sel.kind === "node" && need(view, sel.name).composite) {
      const n = need(view, sel.name), t = typeOf(n.type);
      side.append(h("div", { class: "nbb-side-title", text: n.name }),
        h("p", { class: "nbb-help", text: t.name }),
        h("p", { class: "nbb-help", text: `ports in: ${(t.inputs || []).join(", ") || "none"} · out: ${(t.outputs || []).join(", ") || "none"}` }),
        btn("nbb-open-composite", "Open ▸", "Show the blox inside (double-click the block)", () => toggle(n.name)),
        h("p", { class: "nbb-doc", text: t.doc || "" }));
      return;
    }
    if (sel.kind === "node") {
      const n = need(view, sel.name), t = typeOf(n.type);
      const rename = field("nbb-rename", n.name);
      rename.addEventListener("change", () => {
        const v = rename.value.trim();
        if (v === n.name) return;
        if (!NAME_RE.test(v)) { showMessage(`'${v}' is not a valid blox name: start with a letter, then letters, digits or '_'`, "error"); rename.value = selName(); return; }
        if (w.view.nodes.has(v)) { showMessage(`the circuit already has a blox named '${v}'`, "error"); rename.value = selName(); return; }
        const old = selName();
        w.sel = { kind: "node", name: v };          // before the redraw, which drops a vanished selection
        if (!edit([{ op: "rename", name: old, new: v }], `rename ${old}`)) w.sel = { kind: "node", name: old };
        sideKey = null; redraw();
      });
      if (n.group) rename.disabled = true;       // a member's name is part of its composite
      side.append(h("div", { class: "nbb-side-title", text: t.name }),
        h("label", { class: "nbb-row" }, h("span", { class: "nbb-pname", text: "name" }), rename));
      const box = h("div", { class: "nbb-params" });
      for (const [p, meta] of Object.entries(t.params || {})) {
        const txt = field("nbb-param", fmt(n.params[p]), { "data-param": p, "data-key": `p|${n.name}|${p}` });
        const slider = h("input", { type: "range", class: "nbb-slider", min: meta.lo, max: meta.hi, step: meta.step, "data-key": `p|${n.name}|${p}` });
        slider.value = String(n.params[p]);
        const commit = (/** @type {string} */ text) => {
          const r = parseValue(text, meta, `${selName()}.${p}`);
          if (r.error !== undefined) { txt.classList.add("nbb-invalid"); showMessage(r.error, "error"); return; }
          txt.classList.remove("nbb-invalid");
          clearError();
          if (r.warn) showMessage(r.warn, "warn");
          const cur = w.view.nodes.get(selName());
          if (cur && cur.params[p] === r.value) return;
          edit([{ op: "set_params", name: selName(), params: { [p]: r.value } }], `set ${selName()}.${p}`);
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
      const e = needEdge(view, sel.id);
      side.append(h("div", { class: "nbb-side-title", text: `${e.src} → ${e.dst}` }),
        h("p", { class: "nbb-help", text: `${e.output || "output"} → ${e.input || "input"}` }));
      if (e.locked) {
        side.append(h("p", { class: "nbb-help", text: `${fmt(e.weight)}${e.delay ? `, ${fmt(e.delay)} ms` : ""} · inside a composite: change its wiring on the composite itself` }));
        return;
      }
      for (const [f, label, unit] of /** @type {["weight" | "delay", string, string][]} */ ([["weight", "weight", ""], ["delay", "delay", "ms"]])) {
        const inp = field(`nbb-${f}`, fmt(e[f]), { "data-key": `e|${e.id}|${f}` });
        inp.addEventListener("change", () => {
          const r = parseValue(inp.value, f === "delay" ? { hard: [0, null] } : null, `${e.src} → ${e.dst} ${f}`);
          if (r.error !== undefined) { inp.classList.add("nbb-invalid"); showMessage(r.error, "error"); return; }
          inp.classList.remove("nbb-invalid");
          clearError();
          const cur = w.view.edges.get(selId());
          if (cur && cur[f] === r.value) return;
          edit([/** @type {SetEdgeOp} */ ({ op: "set_edge", id: selId(), [f]: r.value })], `set ${f}`);
        });
        inp.addEventListener("keydown", (ev) => { if (ev.key === "Enter") inp.blur(); });
        side.append(h("label", { class: "nbb-row" }, h("span", { class: "nbb-pname", text: label }), inp, h("span", { class: "nbb-unit", text: unit })));
      }
      // blox with several outputs/inputs (e.g. WongWang's I_1/I_2, synapses' V_pre/V_post): pick the ports
      const a = need(view, e.src), b = need(view, e.dst);
      for (const [f, names] of /** @type {["output" | "input", string[]][]} */ ([["output", typeOf(a.type).outputs || []],
                                                                                ["input", typeOf(b.type).inputs || []]])) {
        if (names.length < 2 || e.locked || a.composite || b.composite) continue;
        const pick = h("select", { class: `nbb-${f}` }, ...names.map((n) => h("option", { value: n, text: n })));
        pick.value = e[f];
        pick.addEventListener("change", () => edit([/** @type {SetEdgeOp} */ ({ op: "set_edge", id: selId(), [f]: pick.value })], `set ${f}`));
        side.append(h("label", { class: "nbb-row" }, h("span", { class: "nbb-pname", text: f }), pick, h("span")));
      }
      side.append(btn("nbb-delete-sel", "Delete connection", "Delete this connection", () => deleteSelection()));
    }
  }

  return { el: side, render: renderSide, invalidate: () => { sideKey = null; } };
}

// ---------------------------------------------------------------- toolbar
/**
 * The toolbar: undo/redo, delete, layout, fit, files (open, save, code, SVG,
 * PNG), t_end and Simulate, and the status line.
 * @param {Builder} w
 */
function toolbarPart(w) {
  const { model, root } = w;
  const { command, showMessage, clearError, backlog, resultsEl } = w.protocol;
  const { fitNow, exportSVG, exportPNG } = w.canvas;
  const { deleteSelection } = w.gestures;
  const fileInput = h("input", { type: "file", accept: ".json,application/json", class: "nbb-file", style: "display:none" });
  const tEnd = h("input", { class: "nbb-tend", value: fmt(model.get("t_end") || 200), size: "5", title: "simulated time (ms)" });
  const status = h("span", { class: "nbb-status" });
  const toolbar = h("div", { class: "nbb-toolbar" },
    btn("nbb-undo", "↶ Undo", "Undo (Ctrl+Z)", () => command({ cmd: "undo" })),
    btn("nbb-redo", "↷ Redo", "Redo (Ctrl+Shift+Z)", () => command({ cmd: "redo" })),
    btn("nbb-delete", "✕ Delete", "Delete the selection (Del)", () => deleteSelection()),
    btn("nbb-layout", "Auto-layout", "Lay the circuit out again", () => command({ cmd: "layout", kind: "auto" })),
    btn("nbb-fit", "Fit", "Fit the circuit in view", () => fitNow()),
    h("span", { class: "nbb-sep" }),
    btn("nbb-open", "Open…", "Open a circuit JSON file", () => fileInput.click()),
    btn("nbb-save", "Save", "Download the circuit as JSON", () => command({ cmd: "save_json" })),
    btn("nbb-code", "Code", "Download the Python code that builds this circuit", () => command({ cmd: "code" })),
    btn("nbb-svg", "SVG", "Export the canvas as SVG", () => download(exportSVG(), "circuit.svg", "image/svg+xml")),
    btn("nbb-png", "PNG", "Export the canvas as PNG", () => exportPNG()),
    h("span", { class: "nbb-sep" }),
    h("label", { class: "nbb-tend-label" }, "t_end ", tEnd, " ms "),
    btn("nbb-simulate", "▶ Simulate", "Simulate the circuit", () => simulate()),
    status, fileInput);
  const onTEnd = () => { if (document.activeElement !== tEnd) tEnd.value = fmt(model.get("t_end")); };
  model.on("change:t_end", onTEnd);

  function updateStatus() {
    const { view } = w, { edits, unacked } = backlog();
    const waiting = edits + (unacked ? 1 : 0);
    const comps = [...view.nodes.values()].filter((n) => n.composite).length;
    status.textContent = `${view.nodes.size - comps} blox` + (comps ? ` · ${comps} composite${comps > 1 ? "s" : ""}` : "")
      + ` · ${view.edges.size} connection${view.edges.size === 1 ? "" : "s"}` + (edits ? ` · saving ${edits}…` : "");
    status.classList.toggle("nbb-busy", waiting > 0);
  }

  // ---- files, simulate
  fileInput.addEventListener("change", async () => {
    const f = fileInput.files && fileInput.files[0];
    if (!f) return;
    if (f.size > 20e6) { showMessage(`${f.name} is larger than 20 MB`, "error"); return; }
    command({ cmd: "load_json", text: await f.text(), filename: f.name });
    fileInput.value = "";
  });
  function simulate() {
    const r = parseValue(tEnd.value, { hard: [1e-9, null] }, "t_end");
    if (r.error !== undefined) { tEnd.classList.add("nbb-invalid"); showMessage(r.error, "error"); return; }
    tEnd.classList.remove("nbb-invalid");
    clearError();
    resultsEl.textContent = "simulating…";
    command({ cmd: "simulate", t_end: r.value });
  }
  /** Hand `text` to the browser as a file download.
   * @param {string} text  @param {string} filename  @param {string} mime */
  function download(text, filename, mime) {
    const a = h("a", { href: URL.createObjectURL(new Blob([text], { type: mime })), download: filename });
    root.append(a); a.click(); a.remove();
  }
  const detach = () => model.off("change:t_end", onTEnd);

  return { el: toolbar, updateStatus, download, detach };
}

export default { render };
