// distkit studio: the page. Notes are [pitch, start, end] on a sixteenth-note grid.
"use strict";

const TOKEN = document.querySelector('meta[name="distkit-token"]').content;
const STEPS_PER_BEAT = 4;
const VOICES = ["soprano", "alto", "tenor", "bass"];
const COLOURS = { soprano: "#d62728", alto: "#1f77b4", tenor: "#2ca02c", bass: "#9467bd" };
const WAVES = { soprano: "triangle", alto: "sine", tenor: "sine", bass: "triangle" };
const NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
// Computer keys to semitones above the keyboard's lowest C (as in most DAWs).
const KEYMAP = {
  a: 0, w: 1, s: 2, e: 3, d: 4, f: 5, t: 6, g: 7, y: 8, h: 9, u: 10, j: 11,
  k: 12, o: 13, l: 14, p: 15, ";": 16, "'": 17,
};
const KEY_OF = Object.fromEntries(Object.entries(KEYMAP).map(([k, v]) => [v, k.toUpperCase()]));
const PIANO_KEYS = 25; // two octaves and a C

const state = {
  melody: { notes: [], steps: 0 },
  history: [],
  arrangement: null, // { model, plugin, steps, voices: {soprano: [...], ...} }
  octave: 4,
  volumes: { soprano: 1, alto: 0.6, tenor: 0.6, bass: 0.75 },
  recording: null, // { start, offset, steps, held: Map(pitch -> step) }
  playing: [],
  models: [],
};

const $ = (id) => document.getElementById(id);
const tempo = () => Math.min(240, Math.max(40, Number($("tempo").value) || 100));
const stepSeconds = () => 60 / tempo() / STEPS_PER_BEAT;

// --- server -------------------------------------------------------------------------------

async function call(path, body, raw) {
  const options = { headers: { "X-Distkit-Token": TOKEN } };
  if (body !== undefined) {
    options.method = "POST";
    options.body = raw ? body : JSON.stringify(body);
    options.headers["Content-Type"] = raw ? "application/octet-stream" : "application/json";
  }
  const response = await fetch(path, options);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error || message;
    } catch (_) {
      message = (await response.text().catch(() => "")) || message;
    }
    throw new Error(message);
  }
  return response;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

function setStatus(message) {
  $("status").textContent = message;
}

// --- sound --------------------------------------------------------------------------------

let audio = null;
function context() {
  if (!audio) audio = new AudioContext();
  if (audio.state === "suspended") audio.resume();
  return audio;
}

function frequency(pitch) {
  return 440 * Math.pow(2, (pitch - 69) / 12);
}

function tone(pitch, start, seconds, voice, level) {
  const ctx = context();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = WAVES[voice];
  osc.frequency.value = frequency(pitch);
  const peak = 0.2 * level;
  gain.gain.setValueAtTime(0, start);
  gain.gain.linearRampToValueAtTime(peak, start + 0.02);
  gain.gain.linearRampToValueAtTime(peak * 0.6, start + Math.min(0.14, seconds));
  gain.gain.setValueAtTime(peak * 0.6, start + seconds);
  gain.gain.linearRampToValueAtTime(0, start + seconds + 0.12);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + seconds + 0.15);
  state.playing.push(osc);
}

function click(at, accent) {
  const ctx = context();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = accent ? 1760 : 1320;
  gain.gain.setValueAtTime(0.3, at);
  gain.gain.exponentialRampToValueAtTime(0.001, at + 0.05);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + 0.06);
  state.playing.push(osc);
}

function stop() {
  state.playing.forEach((osc) => { try { osc.stop(); } catch (_) { /* already stopped */ } });
  state.playing = [];
  if (state.recording) finishRecording();
  $("roll").querySelector(".playhead")?.remove();
}

function play(voices, steps) {
  stop();
  const ctx = context();
  const begin = ctx.currentTime + 0.1;
  const step = stepSeconds();
  for (const [voice, notes] of Object.entries(voices)) {
    for (const [pitch, start, end] of notes) {
      tone(pitch, begin + start * step, (end - start) * step, voice, state.volumes[voice]);
    }
  }
  animatePlayhead(begin, steps * step);
}

function animatePlayhead(begin, seconds) {
  const svg = $("roll").querySelector("svg");
  if (!svg) return;
  const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
  line.setAttribute("class", "playhead");
  line.setAttribute("y1", 0);
  line.setAttribute("y2", svg.getAttribute("height"));
  svg.appendChild(line);
  const width = Number(svg.getAttribute("width"));
  const frame = () => {
    if (!line.isConnected) return;
    const done = (audio.currentTime - begin) / seconds;
    if (done > 1) { line.remove(); return; }
    const x = Math.max(0, done) * width;
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

// --- the melody ---------------------------------------------------------------------------

function changeMelody(next) {
  state.history.push(JSON.stringify(state.melody));
  if (state.history.length > 200) state.history.shift();
  setMelody(next);
}

function setMelody(next, keepText) {
  state.melody = next;
  state.arrangement = null;
  draw();
  enableResults(false);
  if (!keepText) describeMelody();
}

let textTimer = null;
function describeMelody() {
  clearTimeout(textTimer);
  const notes = state.melody.notes;
  textTimer = setTimeout(async () => {
    if (!notes.length) { $("melody-text").value = ""; return; }
    try {
      const answer = await (await call("api/text", { notes })).json();
      if (notes === state.melody.notes) $("melody-text").value = answer.text;
    } catch (error) {
      showError(error.message);
    }
  }, 150);
}

function undo() {
  if (!state.history.length) return;
  setMelody(JSON.parse(state.history.pop()));
}

function addNote(pitch) {
  const length = Number($("length").value);
  const { notes, steps } = state.melody;
  changeMelody({ notes: [...notes, [pitch, steps, steps + length]], steps: steps + length });
}

function addRest() {
  const length = Number($("length").value);
  changeMelody({ notes: state.melody.notes, steps: state.melody.steps + length });
}

// Keys pressed: step entry, or notes in time while recording.
function press(pitch) {
  highlight(pitch, true);
  if (state.recording) {
    const rec = state.recording;
    const step = Math.round((context().currentTime - rec.start) / stepSeconds());
    if (step >= 0 && step < rec.steps) {
      for (const held of [...rec.held.keys()]) release(held);
      rec.held.set(pitch, step);
    }
  } else {
    addNote(pitch);
  }
  try {
    tone(pitch, context().currentTime, 0.35, "soprano", 1);
  } catch (error) {
    setStatus(`No sound: ${error.message}`);
  }
}

function release(pitch) {
  highlight(pitch, false);
  const rec = state.recording;
  if (!rec || !rec.held.has(pitch)) return;
  const start = rec.held.get(pitch);
  rec.held.delete(pitch);
  const now = Math.round((context().currentTime - rec.start) / stepSeconds());
  const end = Math.min(rec.steps, Math.max(start + 1, now));
  rec.notes.push([pitch, rec.offset + start, rec.offset + end]);
  setMelody({ notes: [...rec.base, ...rec.notes], steps: rec.offset + rec.steps }, true);
}

function record() {
  if (state.recording) { finishRecording(); return; }
  stop();
  const ctx = context();
  const beat = 60 / tempo();
  const bars = Number($("bars").value);
  const start = ctx.currentTime + 0.1 + 4 * beat; // one bar of count-in
  for (let i = 0; i < 4 + (($("metronome").checked) ? bars * 4 : 0); i += 1) {
    click(ctx.currentTime + 0.1 + i * beat, i % 4 === 0);
  }
  state.history.push(JSON.stringify(state.melody));
  state.recording = {
    start, offset: state.melody.steps, steps: bars * 16, held: new Map(), notes: [],
    base: state.melody.notes,
  };
  $("record").classList.add("active");
  setStatus(`Recording ${bars} bar${bars > 1 ? "s" : ""} after a bar of count-in…`);
  state.recording.timer = setTimeout(finishRecording, (start - ctx.currentTime + bars * 4 * beat) * 1000);
}

function finishRecording() {
  const rec = state.recording;
  if (!rec) return;
  for (const held of [...rec.held.keys()]) release(held);
  clearTimeout(rec.timer);
  state.recording = null;
  $("record").classList.remove("active");
  setMelody({ notes: [...rec.base, ...rec.notes], steps: rec.offset + rec.steps });
  setStatus(`Recorded ${rec.notes.length} notes.`);
}

// --- drawing ------------------------------------------------------------------------------

function draw() {
  const voices = state.arrangement ? state.arrangement.voices : { soprano: state.melody.notes };
  const steps = state.arrangement ? state.arrangement.steps : state.melody.steps;
  $("roll").replaceChildren(pianoRoll(voices, Math.max(steps, 16)));
}

function pianoRoll(voices, steps) {
  const ns = "http://www.w3.org/2000/svg";
  const all = Object.values(voices).flat();
  const pitches = all.map((n) => n[0]);
  const low = (pitches.length ? Math.min(...pitches) : 60) - 2;
  const high = (pitches.length ? Math.max(...pitches) : 72) + 2;
  const sx = Math.max(6, Math.min(40, Math.floor(1080 / steps))), sy = 7;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", steps * sx);
  svg.setAttribute("height", (high - low + 1) * sy);
  svg.setAttribute("class", "pianoroll");
  const add = (name, attributes) => {
    const element = document.createElementNS(ns, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    svg.appendChild(element);
    return element;
  };
  for (let p = low; p <= high; p += 1) {
    if ([1, 3, 6, 8, 10].includes(p % 12)) {
      add("rect", { x: 0, y: (high - p) * sy, width: steps * sx, height: sy, class: "black-row" });
    }
  }
  for (let s = 0; s <= steps; s += STEPS_PER_BEAT) {
    add("line", { x1: s * sx, x2: s * sx, y1: 0, y2: (high - low + 1) * sy, class: s % 16 ? "beat" : "bar" });
  }
  for (const [voice, notes] of Object.entries(voices)) {
    for (const [pitch, start, end] of notes) {
      const rect = add("rect", {
        x: start * sx, y: (high - pitch) * sy, width: Math.max(1, (end - start) * sx - 1),
        height: sy - 1, fill: COLOURS[voice], class: `note voice-${voice}`, "data-voice": voice,
      });
      const title = document.createElementNS(ns, "title");
      title.textContent = `${voice}: ${NAMES[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
      rect.appendChild(title);
    }
  }
  return svg;
}

function buildPiano() {
  const piano = $("piano");
  piano.replaceChildren();
  const base = 12 * (state.octave + 1);
  for (let i = 0; i < PIANO_KEYS; i += 1) {
    const pitch = base + i;
    const key = document.createElement("button");
    key.type = "button";
    key.className = [1, 3, 6, 8, 10].includes(pitch % 12) ? "key black" : "key white";
    key.dataset.pitch = pitch;
    key.dataset.note = `${NAMES[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
    key.title = key.dataset.note;
    key.innerHTML = `<span class="name">${pitch % 12 === 0 ? key.dataset.note : ""}</span>` +
      `<span class="shortcut">${KEY_OF[i] || ""}</span>`;
    key.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      key.setPointerCapture(event.pointerId);
      press(pitch);
    });
    key.addEventListener("pointerup", () => release(pitch));
    key.addEventListener("pointercancel", () => release(pitch));
    piano.appendChild(key);
  }
  $("octave").textContent = state.octave;
}

function highlight(pitch, on) {
  document.querySelector(`.key[data-pitch="${pitch}"]`)?.classList.toggle("down", on);
}

function enableResults(on) {
  for (const id of ["play-all", "download-midi", "download-wav", "download-png", "share"]) {
    $(id).disabled = !on;
  }
}

function buildMixer() {
  const mixer = $("mixer");
  for (const voice of VOICES) {
    const label = document.createElement("label");
    label.className = `voice voice-${voice}`;
    const swatch = document.createElement("i");
    swatch.style.background = COLOURS[voice];
    const slider = document.createElement("input");
    Object.assign(slider, { type: "range", min: 0, max: 1, step: 0.05, value: state.volumes[voice] });
    slider.id = `volume-${voice}`;
    slider.addEventListener("input", () => { state.volumes[voice] = Number(slider.value); });
    label.append(swatch, ` ${voice} `, slider);
    mixer.appendChild(label);
  }
}

// --- actions ------------------------------------------------------------------------------

async function harmonize() {
  showError("");
  if (!state.melody.notes.length) { showError("Play or load a melody first."); return; }
  const model = $("model").value;
  setStatus(`Harmonizing with ${model}…`);
  $("harmonize").disabled = true;
  try {
    const body = { notes: state.melody.notes, steps: state.melody.steps, model };
    state.arrangement = await (await call("api/harmonize", body)).json();
    draw();
    enableResults(true);
    setStatus(`Harmonized with ${state.arrangement.model} (plugin ${state.arrangement.plugin}).`);
  } catch (error) {
    setStatus("");
    showError(error.message);
  } finally {
    $("harmonize").disabled = false;
  }
}

async function download(kind) {
  showError("");
  const arrangement = state.arrangement;
  if (!arrangement) return;
  try {
    const body = {
      voices: arrangement.voices, steps: arrangement.steps, tempo: tempo(), model: arrangement.model,
    };
    const response = await call(`api/export/${kind}`, body);
    const blob = await response.blob();
    const disposition = response.headers.get("content-disposition") || "";
    const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || `harmonized.${kind}`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  } catch (error) {
    showError(error.message);
  }
}

async function useText() {
  showError("");
  try {
    const melody = await (await call("api/parse", { text: $("melody-text").value })).json();
    changeMelody(melody);
  } catch (error) {
    showError(error.message);
  }
}

async function loadMidi(file) {
  showError("");
  $("midi-status").textContent = "";
  try {
    const melody = await (await call("api/melody", await file.arrayBuffer(), true)).json();
    $("tempo").value = Math.round(melody.tempo);
    changeMelody({ notes: melody.notes, steps: melody.steps });
    $("midi-status").textContent = melody.warnings.join(" ") || `Loaded ${file.name}.`;
  } catch (error) {
    showError(error.message);
  }
}

async function loadModels() {
  const answer = await (await call("api/models")).json();
  state.models = answer.models;
  const select = $("model");
  for (const model of answer.models) {
    const option = new Option(`${model.name} (${model.plugin})`, model.name);
    option.title = model.description;
    select.appendChild(option);
  }
  select.value = answer.default;
  describeModel();
}

function describeModel() {
  const model = state.models.find((m) => m.name === $("model").value);
  $("model-description").textContent = model ? model.description : "";
}

async function loadExamples() {
  const examples = await (await call("api/examples")).json();
  const select = $("example");
  for (const example of examples) select.appendChild(new Option(example.name, example.name));
  select.addEventListener("change", () => {
    const example = examples.find((e) => e.name === select.value);
    if (example) changeMelody({ notes: example.notes, steps: example.steps });
    select.value = "";
  });
}

function connectMidiKeyboard() {
  if (!navigator.requestMIDIAccess) return;
  navigator.requestMIDIAccess().then((access) => {
    const listen = () => {
      for (const input of access.inputs.values()) {
        input.onmidimessage = ({ data: [status, pitch, velocity] }) => {
          const kind = status & 0xf0;
          if (kind === 0x90 && velocity > 0) press(pitch);
          else if (kind === 0x80 || kind === 0x90) release(pitch);
        };
      }
      $("midi-status").textContent = access.inputs.size ? `${access.inputs.size} MIDI keyboard(s) connected.` : "";
    };
    access.onstatechange = listen;
    listen();
  }).catch(() => { /* no MIDI access offered: mouse and keys still work */ });
}

function onKey(event, down) {
  if (event.target.closest("input, textarea, select") || event.metaKey || event.altKey) return;
  const key = event.key.toLowerCase();
  if (down && event.ctrlKey && key === "z") { undo(); event.preventDefault(); return; }
  if (event.ctrlKey) return;
  if (key in KEYMAP) {
    event.preventDefault();
    const pitch = 12 * (state.octave + 1) + KEYMAP[key];
    if (down && !event.repeat) press(pitch);
    if (!down) release(pitch);
    return;
  }
  if (!down || event.repeat) return;
  if (key === "z" || key === "x") {
    state.octave = Math.min(7, Math.max(1, state.octave + (key === "x" ? 1 : -1)));
    buildPiano();
  } else if (key === " ") { event.preventDefault(); addRest(); }
  else if (key === "backspace") { event.preventDefault(); undo(); }
  else if (key === "enter") { event.preventDefault(); harmonize(); }
}

function start() {
  buildPiano();
  buildMixer();
  draw();
  $("record").addEventListener("click", record);
  $("play-melody").addEventListener("click", () => play({ soprano: state.melody.notes }, state.melody.steps));
  $("stop").addEventListener("click", stop);
  $("undo").addEventListener("click", undo);
  $("clear").addEventListener("click", () => changeMelody({ notes: [], steps: 0 }));
  $("rest").addEventListener("click", addRest);
  $("octave-down").addEventListener("click", () => { state.octave = Math.max(1, state.octave - 1); buildPiano(); });
  $("octave-up").addEventListener("click", () => { state.octave = Math.min(7, state.octave + 1); buildPiano(); });
  $("use-text").addEventListener("click", useText);
  $("midi-file").addEventListener("change", (event) => {
    if (event.target.files[0]) loadMidi(event.target.files[0]);
    event.target.value = "";
  });
  $("model").addEventListener("change", describeModel);
  $("harmonize").addEventListener("click", harmonize);
  $("play-all").addEventListener("click", () => play(state.arrangement.voices, state.arrangement.steps));
  $("download-midi").addEventListener("click", () => download("midi"));
  $("download-wav").addEventListener("click", () => download("wav"));
  $("download-png").addEventListener("click", () => download("png"));
  $("share").addEventListener("click", () => download("html"));
  document.addEventListener("keydown", (event) => onKey(event, true));
  document.addEventListener("keyup", (event) => onKey(event, false));
  Promise.all([loadModels(), loadExamples()])
    .then(() => document.body.classList.add("ready"))
    .catch((error) => showError(error.message));
  connectMidiKeyboard();
}

start();
