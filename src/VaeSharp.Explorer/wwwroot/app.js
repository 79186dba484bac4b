// VaeSharp explorer: the page. Plain JavaScript, no build step; talks only to this server's /api (docs/explorer.md).
"use strict";

const TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const $ = id => document.getElementById(id);

// State the browser tests read (window.explorer): kept small and plain.
const explorer = window.explorer = {
  ready: false, info: null, points: null, pointCount: 0, selected: null, z: null, label: null,
  decodes: 0, encodes: 0, drawn: null, a: null, b: null, errors: 0, busy: false,
  screenPositionOf: i => toScreen(explorer.points.x[i], explorer.points.y[i], true),
};

const view = { scale: 1, ox: 0, oy: 0, width: 0, height: 0, bounds: null };
let hoverIndex = -1;

function showError(message) {
  explorer.errors++;
  $("status").textContent = message;
}
function clearError() { $("status").textContent = ""; }

async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let message = `${response.status}`;
    try { message = (await response.json()).error || message; } catch { /* not JSON */ }
    throw new Error(`${path}: ${message}`);
  }
  return response;
}
const postJson = (path, body) => api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

function setImage(img, blob) {
  const old = img.dataset.url;
  const url = URL.createObjectURL(blob);
  img.dataset.url = url;
  img.src = url;
  if (old) setTimeout(() => URL.revokeObjectURL(old), 1000);
  return new Promise(resolve => { if (img.complete) resolve(); else img.onload = () => resolve(); });
}

function labelOrNull() {
  return explorer.info.conditional ? Number($("label").value) : null;
}
function withLabel(body) {
  const label = labelOrNull();
  if (label !== null) body.label = label;
  return body;
}

// ---------- the map ----------
const canvas = $("map");
const ctx = canvas.getContext("2d");

function resizeCanvas() {
  const ratio = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  view.width = rect.width; view.height = rect.height;
  canvas.width = Math.round(rect.width * ratio); canvas.height = Math.round(rect.height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
}

function fitView() {
  const { x, y } = explorer.points;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < x0) x0 = x[i]; if (x[i] > x1) x1 = x[i];
    if (y[i] < y0) y0 = y[i]; if (y[i] > y1) y1 = y[i];
  }
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const pad = 0.06;
  const w = x1 - x0, h = y1 - y0;
  view.bounds = { x0: x0 - pad * w, x1: x1 + pad * w, y0: y0 - pad * h, y1: y1 + pad * h };
  view.scale = 1; view.ox = 0; view.oy = 0;
}

// Data → canvas pixels (y up). `page` adds the canvas's place on the page (for the tests' mouse clicks).
function toScreen(dx, dy, page) {
  const b = view.bounds;
  const bx = (dx - b.x0) / (b.x1 - b.x0) * view.width;
  const by = (1 - (dy - b.y0) / (b.y1 - b.y0)) * view.height;
  const sx = bx * view.scale + view.ox, sy = by * view.scale + view.oy;
  if (!page) return { x: sx, y: sy };
  const rect = canvas.getBoundingClientRect();
  return { x: rect.left + sx, y: rect.top + sy };
}

// Where a code goes on the current map: PCA projects it, two dimensions read it; t-SNE has no projection for new
// points, so a code is shown at its example (or its nearest example) when that one is laid out.
function mapPosition(z, pca, index) {
  if (!z) return null;
  const points = explorer.points;
  if (points.map === "pca") return pca ? { x: pca[0], y: pca[1] } : null;
  if (points.map === "tsne") return index !== null && index !== undefined && index < points.count ? { x: points.x[index], y: points.y[index] } : null;
  return { x: z[Number($("dim-x").value)], y: z[Number($("dim-y").value)] };
}

// A rank in [0, 1] to a colour from blue (#1f77b4) to orange (#ff7f0e).
function scoreColour(t) {
  const mix = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${mix(31, 255)}, ${mix(119, 127)}, ${mix(180, 14)})`;
}

function drawMap() {
  if (!explorer.points) return;
  ctx.clearRect(0, 0, view.width, view.height);
  const { x, y, labels, scores } = explorer.points;
  const byScore = scores && $("colour-by").value === "score";
  const size = 3;
  for (let i = 0; i < x.length; i++) {
    const p = toScreen(x[i], y[i]);
    if (p.x < -size || p.y < -size || p.x > view.width + size || p.y > view.height + size) continue;
    if (byScore) {
      // Blue (typical) to orange by the score's rank; points above the run's threshold in red, drawn larger.
      const flagged = scores[i] > explorer.info.anomaly.threshold;
      ctx.fillStyle = flagged ? "#d62728" : scoreColour(explorer.scoreRank[i]);
      const s2 = flagged ? 5 : size;
      ctx.fillRect(p.x - s2 / 2, p.y - s2 / 2, s2, s2);
      continue;
    }
    ctx.fillStyle = labels ? TAB10[labels[i] % 10] : "#1f77b4";
    ctx.fillRect(p.x - size / 2, p.y - size / 2, size, size);
  }
  const ring = (i, colour, radius) => {
    const p = toScreen(x[i], y[i]);
    ctx.strokeStyle = colour; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI); ctx.stroke();
  };
  if (hoverIndex >= 0) ring(hoverIndex, "#555", 6);
  for (const [end, name] of [[explorer.a, "A"], [explorer.b, "B"]]) {
    const at = end && mapPosition(end.z, end.pca, end.index);
    if (at) {
      const p = toScreen(at.x, at.y);
      ctx.fillStyle = "#000"; ctx.font = "bold 13px system-ui"; ctx.fillText(name, p.x + 7, p.y - 7);
    }
  }
  if (explorer.selected !== null && explorer.selected >= 0 && explorer.selected < x.length) ring(explorer.selected, "#000", 8);
  const drawn = explorer.drawn && mapPosition(explorer.drawn.z, explorer.drawn.pca, explorer.drawn.nearest);
  if (drawn) {
    const p = toScreen(drawn.x, drawn.y);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.moveTo(p.x - 9, p.y - 9); ctx.lineTo(p.x + 9, p.y + 9); ctx.moveTo(p.x + 9, p.y - 9); ctx.lineTo(p.x - 9, p.y + 9); ctx.stroke();
    ctx.fillStyle = "#000"; ctx.font = "bold 12px system-ui"; ctx.fillText("drawn", p.x + 11, p.y + 4);
  }
}

function nearest(sx, sy, within) {
  const { x, y } = explorer.points;
  let best = -1, bestD = within * within;
  for (let i = 0; i < x.length; i++) {
    const p = toScreen(x[i], y[i]);
    const d = (p.x - sx) ** 2 + (p.y - sy) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  }
  return best;
}

function className(label) {
  const names = explorer.info.class_names;
  return names && label !== null && label < names.length ? names[label] : (label === null ? "" : String(label));
}

let drag = null;
canvas.addEventListener("pointerdown", e => {
  drag = { x: e.offsetX, y: e.offsetY, ox: view.ox, oy: view.oy, moved: false };
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener("pointermove", e => {
  if (!explorer.points) return;
  if (drag) {
    const dx = e.offsetX - drag.x, dy = e.offsetY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; canvas.classList.add("panning"); }
    if (drag.moved) { view.ox = drag.ox + dx; view.oy = drag.oy + dy; requestAnimationFrame(drawMap); return; }
  }
  const i = nearest(e.offsetX, e.offsetY, 8);
  if (i !== hoverIndex) {
    hoverIndex = i;
    const tip = $("tooltip");
    if (i >= 0) {
      $("tooltip-image").src = `/api/examples/${i}/image.png`;
      const label = explorer.points.labels ? explorer.points.labels[i] : null;
      const score = explorer.points.scores ? ` · ${explorer.info.anomaly.score} ${explorer.points.scores[i].toFixed(1)}` : "";
      $("tooltip-text").textContent = `#${i}${label === null ? "" : " · " + className(label)}${score}`;
      tip.hidden = false;
    } else tip.hidden = true;
    requestAnimationFrame(drawMap);
  }
  if (i >= 0) {
    const tip = $("tooltip");
    tip.style.left = `${Math.min(e.offsetX + 14, view.width - 100)}px`;
    tip.style.top = `${Math.max(e.offsetY - 110, 0)}px`;
  }
});
canvas.addEventListener("pointerup", e => {
  const wasDrag = drag && drag.moved;
  drag = null; canvas.classList.remove("panning");
  if (wasDrag) return;
  const i = nearest(e.offsetX, e.offsetY, 8);
  if (i >= 0) selectExample(i).catch(err => showError(err.message));
});
canvas.addEventListener("pointerleave", () => { hoverIndex = -1; $("tooltip").hidden = true; requestAnimationFrame(drawMap); });
canvas.addEventListener("wheel", e => {
  e.preventDefault();
  const factor = Math.exp(-e.deltaY * 0.0015);
  const s = Math.min(200, Math.max(0.2, view.scale * factor));
  const k = s / view.scale;
  view.ox = e.offsetX - (e.offsetX - view.ox) * k;
  view.oy = e.offsetY - (e.offsetY - view.oy) * k;
  view.scale = s;
  requestAnimationFrame(drawMap);
}, { passive: false });
$("reset-view").addEventListener("click", () => { fitView(); drawMap(); });

async function loadPoints() {
  const kind = $("map-kind").value;
  $("dims-choice").hidden = kind !== "dims";
  const query = kind === "dims" ? `?map=dims&x=${$("dim-x").value}&y=${$("dim-y").value}` : `?map=${kind}`;
  const points = await (await api(`/api/points${query}`)).json();
  if (!points.ready) {
    // t-SNE still being computed on the server: show the progress and ask again.
    $("x-label").textContent = `${points.message}…`;
    setTimeout(() => { if ($("map-kind").value === kind) loadPoints().catch(err => showError(err.message)); }, 1500);
    return;
  }
  explorer.points = points;
  explorer.pointCount = points.count;
  if (points.scores) {
    const order = points.scores.map((v, i) => i).sort((a, b) => points.scores[a] - points.scores[b]);
    explorer.scoreRank = new Array(order.length);
    order.forEach((i, r) => { explorer.scoreRank[i] = order.length > 1 ? r / (order.length - 1) : 0; });
  }
  $("x-label").textContent = `→ ${points.x_label}`;
  $("y-label").textContent = `↑ ${points.y_label}`;
  fitView();
  drawMap();
}

// ---------- the selection: sliders and live decoding ----------
let decodeBusy = false, decodePending = false;
function requestDecode() {
  decodePending = true;
  if (!decodeBusy) pumpDecode();
}
async function pumpDecode() {
  decodeBusy = explorer.busy = true;
  try {
    while (decodePending) {
      decodePending = false;
      const blob = await (await postJson("/api/decode", withLabel({ z: explorer.z }))).blob();
      await setImage($("recon"), blob);
      explorer.decodes++;
    }
    clearError();
  } catch (err) { showError(err.message); } finally { decodeBusy = explorer.busy = false; }
}

function buildSliders() {
  const box = $("sliders");
  box.textContent = "";
  for (const dim of explorer.info.dimensions) {
    const name = document.createElement("span");
    name.className = "name" + (dim.active ? "" : " inactive");
    name.textContent = `z[${dim.index}] ${dim.kl.toFixed(2)}`;
    name.title = `KL ${dim.kl.toFixed(3)} nats, activity ${dim.activity.toFixed(3)}${dim.active ? "" : " (inactive: the model ignores this dimension)"}`;
    if (!dim.active) name.textContent += " ∅";
    const wrap = document.createElement("span");
    if (!dim.active) wrap.className = "inactive";
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: -4, max: 4, step: 0.01, value: 0 });
    input.dataset.dim = dim.index;
    input.setAttribute("aria-label", `latent dimension ${dim.index}`);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = "0.00";
    input.addEventListener("input", () => {
      explorer.z[dim.index] = Number(input.value);
      const name = $("selection-name");
      if (!name.textContent.endsWith(" (edited)")) name.textContent += " (edited)";
      value.textContent = Number(input.value).toFixed(2);
      requestDecode();
    });
    wrap.append(input);
    box.append(name, wrap, value);
  }
}

function setCode(z, name) {
  explorer.z = Array.from(z);
  for (const input of $("sliders").querySelectorAll("input")) {
    const v = explorer.z[Number(input.dataset.dim)];
    input.value = v;
    input.parentElement.nextElementSibling.textContent = v.toFixed(2);
  }
  $("selection-name").textContent = name;
  requestDecode();
}

async function selectExample(i) {
  const example = await (await api(`/api/examples/${i}`)).json();
  explorer.selected = i;
  explorer.selectedPca = example.pca;
  if (explorer.info.conditional && example.label !== null) $("label").value = example.label;
  $("original").src = `/api/examples/${i}/image.png`;
  setCode(example.z, `test example #${i}${example.label === null ? "" : " (" + className(example.label) + ")"}`);
  drawMap();
}

function currentEnd() {
  const chosen = explorer.selected !== null && explorer.selected >= 0;
  return { z: Array.from(explorer.z), pca: chosen ? explorer.selectedPca : null, index: chosen ? explorer.selected : null, name: $("selection-name").textContent };
}
function updateAB() {
  const show = e => e ? e.name.replace(/^test example /, "") : "—";
  $("ab-state").textContent = `A: ${show(explorer.a)}  B: ${show(explorer.b)}`;
  $("interpolate").disabled = !(explorer.a && explorer.b);
  drawMap();
}
$("set-a").addEventListener("click", () => { if (explorer.z) { explorer.a = currentEnd(); updateAB(); } });
$("set-b").addEventListener("click", () => { if (explorer.z) { explorer.b = currentEnd(); updateAB(); } });
$("zero").addEventListener("click", () => {
  explorer.selected = null; $("original").removeAttribute("src");
  setCode(new Array(explorer.info.latent_dim).fill(0), "z = 0"); drawMap();
});
$("label").addEventListener("change", () => { if (explorer.z) requestDecode(); });

async function decodeStrip(img, codes, columns) {
  const blob = await (await postJson("/api/decode-grid", withLabel({ z: codes, columns }))).blob();
  await setImage(img, blob);
}

$("interpolate").addEventListener("click", async () => {
  try {
    const steps = Number($("path-steps").value);
    const path = await (await postJson("/api/path", { a: explorer.a.z, b: explorer.b.z, steps, mode: $("path-mode").value })).json();
    await decodeStrip($("path-strip"), path.z, path.z.length);
    clearError();
  } catch (err) { showError(err.message); }
});

$("traverse").addEventListener("click", async () => {
  try {
    const dim = Number($("traverse-dim").value), r = Number($("traverse-range").value), steps = Number($("traverse-steps").value);
    const base = explorer.z || new Array(explorer.info.latent_dim).fill(0);
    const codes = [];
    for (let s = 0; s < steps; s++) {
      const z = Array.from(base);
      z[dim] = -r + 2 * r * s / (steps - 1);
      codes.push(z);
    }
    await decodeStrip($("traverse-strip"), codes, steps);
    clearError();
  } catch (err) { showError(err.message); }
});

let sampleSeed = 1, lastSamples = null;
$("sample").addEventListener("click", async () => {
  try {
    const result = await (await postJson("/api/sample", withLabel({ count: 16, seed: sampleSeed++, sampler: $("sampler").value }))).json();
    lastSamples = result;
    await decodeStrip($("samples"), result.z, 4);
    clearError();
  } catch (err) { showError(err.message); }
});
$("samples").addEventListener("click", e => {
  if (!lastSamples) return;
  const img = e.currentTarget, rect = img.getBoundingClientRect();
  const col = Math.floor((e.clientX - rect.left) / rect.width * 4), row = Math.floor((e.clientY - rect.top) / rect.height * 4);
  const k = row * 4 + col;
  if (k < 0 || k >= lastSamples.z.length) return;
  explorer.selected = null; $("original").removeAttribute("src");
  setCode(lastSamples.z[k], `sample ${k + 1} of seed ${lastSamples.seed} (${lastSamples.sampler})`);
  drawMap();
});

// ---------- drawing and dropping ----------
const pad = $("draw");
const pen = pad.getContext("2d");
function clearPad() { pen.fillStyle = "#000"; pen.fillRect(0, 0, pad.width, pad.height); }
clearPad();
let stroke = null;
const padPoint = e => {
  const rect = pad.getBoundingClientRect();
  return { x: (e.clientX - rect.left) / rect.width * pad.width, y: (e.clientY - rect.top) / rect.height * pad.height };
};
pad.addEventListener("pointerdown", e => {
  pad.setPointerCapture(e.pointerId);
  stroke = padPoint(e);
  pen.strokeStyle = "#fff"; pen.lineWidth = 22; pen.lineCap = "round"; pen.lineJoin = "round";
  pen.beginPath(); pen.moveTo(stroke.x, stroke.y); pen.lineTo(stroke.x + 0.1, stroke.y); pen.stroke();
});
pad.addEventListener("pointermove", e => {
  if (!stroke) return;
  const p = padPoint(e);
  pen.beginPath(); pen.moveTo(stroke.x, stroke.y); pen.lineTo(p.x, p.y); pen.stroke();
  stroke = p;
});
pad.addEventListener("pointerup", () => { if (stroke) { stroke = null; encodeDrawing(); } });
$("clear").addEventListener("click", () => { clearPad(); $("drawn-recon").removeAttribute("src"); explorer.drawn = null; drawMap(); });

// MNIST's digits are scaled into a 20 × 20 box and centred by their centre of mass in 28 × 28 (LeCun et al.);
// the drawing is prepared the same way at ten times the size, so it looks like what the model was trained on.
function centred() {
  const { width: w, height: h } = pad;
  const data = pen.getImageData(0, 0, w, h).data;
  let x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (data[(y * w + x) * 4] > 20) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  }
  if (x1 < 0) return pad;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, s = 200 / Math.max(bw, bh);
  const box = document.createElement("canvas");
  box.width = Math.max(1, Math.round(bw * s)); box.height = Math.max(1, Math.round(bh * s));
  const bctx = box.getContext("2d");
  bctx.drawImage(pad, x0, y0, bw, bh, 0, 0, box.width, box.height);
  const bd = bctx.getImageData(0, 0, box.width, box.height).data;
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < box.height; y++) for (let x = 0; x < box.width; x++) {
    const v = bd[(y * box.width + x) * 4]; m += v; mx += v * x; my += v * y;
  }
  const out = document.createElement("canvas");
  out.width = w; out.height = h;
  const octx = out.getContext("2d");
  octx.fillStyle = "#000"; octx.fillRect(0, 0, w, h);
  octx.drawImage(box, Math.round(w / 2 - (m ? mx / m : box.width / 2)), Math.round(h / 2 - (m ? my / m : box.height / 2)));
  return out;
}

async function encodeBlob(blob, type, invert, preview, name) {
  const label = labelOrNull();
  const query = new URLSearchParams();
  if (label !== null) query.set("label", label);
  if (invert) query.set("invert", "true");
  const response = await api(`/api/encode${query.size ? "?" + query : ""}`, { method: "POST", headers: { "Content-Type": type }, body: blob });
  const result = await response.json();
  explorer.drawn = { z: result.z, pca: result.pca, nearest: result.nearest };
  const decoded = await (await postJson("/api/decode", withLabel({ z: result.z }))).blob();
  await setImage($("drawn-recon"), decoded);
  explorer.selected = null;
  $("original").src = preview;
  setCode(result.z, name);
  drawMap();
  explorer.encodes++;   // last: the tests wait on it, so everything above is on the page by then
}

function encodeDrawing() {
  const source = $("centre").checked ? centred() : pad;
  const preview = pad.toDataURL("image/png");
  source.toBlob(blob => encodeBlob(blob, "image/png", false, preview, "your drawing").then(clearError, err => showError(err.message)), "image/png");
}

pad.addEventListener("dragover", e => { e.preventDefault(); pad.classList.add("dragover"); });
pad.addEventListener("dragleave", () => pad.classList.remove("dragover"));
// A dropped or opened file is sent as it is: the server converts it to the model's size and channels.
let filePreview = null;
function encodeFile(file) {
  if (!file) return;
  if (filePreview) URL.revokeObjectURL(filePreview);
  filePreview = URL.createObjectURL(file);
  const image = new Image();
  image.onload = () => { clearPad(); pen.drawImage(image, 0, 0, pad.width, pad.height); };
  image.src = filePreview;
  encodeBlob(file, file.type || "application/octet-stream", $("invert").checked, filePreview, `image ${file.name}`).then(clearError, err => showError(err.message));
}
pad.addEventListener("drop", e => {
  e.preventDefault(); pad.classList.remove("dragover");
  encodeFile(e.dataTransfer.files[0]);
});
$("file").addEventListener("change", e => { encodeFile(e.target.files[0]); e.target.value = ""; });

// ---------- start ----------
async function start() {
  const info = explorer.info = await (await api("/api/info")).json();
  $("run-info").textContent = `${info.run}: ${info.description}, latent ${info.latent_dim} (${info.active_units} active), ${info.examples} ${info.data} test examples`;
  const dimOptions = sel => info.dimensions.forEach(d => sel.add(new Option(`z[${d.index}]${d.active ? "" : " (inactive)"}`, d.index)));
  for (const id of ["dim-x", "dim-y", "traverse-dim"]) dimOptions($(id));
  if (info.dimensions.length > 1) $("dim-y").value = info.dimensions[1].index;
  $("dim-x").value = info.dimensions[0].index;
  for (const s of info.samplers) $("sampler").add(new Option(s.name, s.name));
  if (info.tsne) $("map-kind").add(new Option(`t-SNE of the first ${info.tsne.points}`, "tsne"));
  $("sampler").title = info.samplers.map(s => `${s.name}: ${s.description}`).join("\n");
  if (info.conditional) {
    $("label-row").hidden = false;
    for (let c = 0; c < info.class_count; c++) $("label").add(new Option(className(c), c));
  }
  const legend = $("legend");
  if (info.class_names) info.class_names.forEach((name, c) => {
    const item = document.createElement("span");
    item.textContent = name; item.style.setProperty("--swatch", TAB10[c % 10]);
    legend.append(item);
  });
  if (info.anomaly) {
    $("colour-choice").hidden = false;
    $("colour-by").title = `${info.anomaly.score} scores; red: above the run's threshold ${info.anomaly.threshold.toFixed(2)} (percentile ${info.anomaly.percentile} of its training scores)`;
    $("colour-by").addEventListener("change", drawMap);
  }
  buildSliders();
  explorer.z = new Array(info.latent_dim).fill(0);
  $("selection-name").textContent = "z = 0 (click a point, a sample, or draw)";
  requestDecode();
  resizeCanvas();
  // The first view: ?map=pca|dims|tsne if given, else t-SNE when it is ready (it clusters best), else PCA.
  const wanted = new URLSearchParams(location.search).get("map");
  if (info.maps.includes(wanted)) $("map-kind").value = wanted;
  else if (info.tsne && (await (await api("/api/points?map=tsne")).json()).ready) $("map-kind").value = "tsne";
  await loadPoints();
  for (const id of ["map-kind", "dim-x", "dim-y"]) $(id).addEventListener("change", () => loadPoints().catch(err => showError(err.message)));
  window.addEventListener("resize", () => { resizeCanvas(); drawMap(); });
  explorer.ready = true;
}
start().catch(err => showError(err.message));
