// Stand-in for the anywidget model (AFM API: get/set/on/off/save_changes/send),
// enough to run widgets/circuit_builder.js on a static page without Jupyter.
// Records what the widget sends (`sent`) and saves (`saves`); `_py_send(msg)`
// delivers a custom message as if Python had called widget.send(msg).
// makeFakeModel(state, {noSend: true}) mimics Panel's AnyWidgetComponent, which
// has no model.send (the widget then falls back to its `inbox` trait).
window.makeFakeModel = (state, opts = {}) => {
  const handlers = {};
  const model = {
    state: { ...state }, saves: [], sent: [],
    get: (k) => model.state[k],
    set: (k, v) => {
      const old = model.state[k];
      model.state[k] = v;
      if (old !== v) (handlers[`change:${k}`] || []).forEach((h) => h());
    },
    on: (ev, h) => { (handlers[ev] ||= []).push(h); },
    off: (ev, h) => { handlers[ev] = (handlers[ev] || []).filter((x) => x !== h); },
    save_changes: () => model.saves.push(JSON.parse(JSON.stringify(model.state))),
    _py_send: (msg) => (handlers["msg:custom"] || []).forEach((h) => h(msg, [])),
    _handlers: handlers,
  };
  if (!opts.noSend) model.send = (msg) => model.sent.push(JSON.parse(JSON.stringify(msg)));
  return model;
};
