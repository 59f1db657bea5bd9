// distkit studio: the page. Notes are [pitch, start, end] on a sixteenth-note grid.
//
// One state object holds what the user made: the melody, the arrangement written for it (or
// null), the model, seed and tempo. Every change goes through `commit`, which keeps Undo's
// history of melody AND arrangement together and redraws everything from the state, so what
// the page shows cannot disagree with what it plays or downloads.
"use strict";

const TOKEN = document.querySelector('meta[name="distkit-token"]').content;
const STEPS_PER_BEAT = 4;
const VOICES = ["soprano", "alto", "tenor", "bass"];
const COLOURS = { soprano: "#d62728", alto: "#1f77b4", tenor: "#2ca02c", bass: "#9467bd" };
const NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
// General MIDI programs offered per voice (numbered from 0, as in the file).
const PROGRAMS = {
  52: "Choir aahs", 0: "Piano", 19: "Church organ", 40: "Violin", 41: "Viola", 42: "Cello",
  43: "Contrabass", 48: "Strings", 56: "Trumpet", 57: "Trombone", 60: "French horn",
  68: "Oboe", 70: "Bassoon", 71: "Clarinet", 73: "Flute", 24: "Guitar",
};
// Computer keys to semitones above the keyboard's lowest C (as in most DAWs).
const KEYMAP = {
  a: 0, w: 1, s: 2, e: 3, d: 4, f: 5, t: 6, g: 7, y: 8, h: 9, u: 10, j: 11,
  k: 12, o: 13, l: 14, p: 15, ";": 16, "'": 17,
};
const KEY_OF = Object.fromEntries(Object.entries(KEYMAP).map(([k, v]) => [v, k.toUpperCase()]));
const PIANO_KEYS = 25; // two octaves and a C
const POLL_MS = 250;

// A metre: `beats` beats of a 1/`unit` note a bar, the first bar line `pickup` steps in.
const FOUR_FOUR = { beats: 4, unit: 4, pickup: 0 };

const state = {
  melody: { notes: [], steps: 0, metre: FOUR_FOUR },
  arrangement: null, // { model, plugin, steps, seed, voices: {soprano: [...], ...} } for this melody
  name: "", // what the melody is called (example, file), for download names
  revision: 0, // grows with every change of the melody; a harmonize answer must match it
  history: [],
  job: null, // { id, revision, timer }
  starting: false, // a job request is on its way: no second one until it is answered
  settings: { tempo: [20, 300], max_note_beats: 16, timbres: ["sine", "triangle", "square", "sawtooth"] },
  octave: 4,
  editVoice: "soprano",
  selected: null, // { voice, index } of the note picked on the roll
  volumes: { soprano: 1, alto: 0.6, tenor: 0.6, bass: 0.75 },
  timbres: { soprano: "triangle", alto: "sine", tenor: "sine", bass: "triangle" },
  programs: { soprano: 52, alto: 52, tenor: 52, bass: 52 },
  recording: null,
  playing: [],
  playTimer: null,
  models: [],
};

const $ = (id) => document.getElementById(id);

// --- messages: each beside the control it concerns ------------------------------------------

function say(where, message, kind) {
  const element = $(`${where}-message`);
  element.textContent = message || "";
  element.className = `message ${kind || "note"}`;
  element.hidden = !message;
}

// --- server -------------------------------------------------------------------------------

async function call(path, body, options = {}) {
  const init = { method: options.method || "GET", headers: { "X-Distkit-Token": TOKEN } };
  if (body !== undefined) {
    init.method = "POST";
    init.body = options.raw ? body : JSON.stringify(body);
    init.headers["Content-Type"] = options.raw ? "application/octet-stream" : "application/json";
  }
  const response = await fetch(path, init);
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

// --- tempo: one range, from the server -----------------------------------------------------

function tempo() {
  const [low, high] = state.settings.tempo;
  const value = Number($("tempo").value);
  if ($("tempo").value.trim() === "" || !Number.isFinite(value) || value < low || value > high) {
    return null;
  }
  return value;
}

function checkTempo() {
  const [low, high] = state.settings.tempo;
  const ok = tempo() !== null;
  say("tempo", ok ? "" : `The tempo must be from ${low} to ${high} beats a minute.`, "error");
  $("tempo").setAttribute("aria-invalid", String(!ok));
  return ok;
}

const stepSeconds = () => 60 / (tempo() || 100) / STEPS_PER_BEAT;

// --- metre: where bars and beats fall (as distkit.music.time_signatures counts them) ------

const metre = () => state.melody.metre || FOUR_FOUR;
const beatSteps = (m) => 16 / m.unit;
const barSteps = (m) => m.beats * beatSteps(m);
const metreName = (m) => `${m.beats}/${m.unit}`;

// The step where each bar of a piece `steps` long begins (the pickup is bar 1 when there is
// one, as a MIDI editor counts it), and `steps` at the end.
function barStarts(steps, m = metre()) {
  const bar = barSteps(m);
  const starts = m.pickup ? [0, m.pickup] : [0];
  while (starts[starts.length - 1] + bar < steps) starts.push(starts[starts.length - 1] + bar);
  return [...starts.filter((start) => start < steps), steps];
}

// The bar (from 1) that step `step` falls in.
function barAt(step, steps) {
  const starts = barStarts(steps);
  let bar = 1;
  while (bar < starts.length - 1 && starts[bar] <= step) bar += 1;
  return bar;
}

// The steps between which beat lines are drawn: a dotted quarter in 6/8, 9/8 and 12/8.
const beatLineSteps = (m) => beatSteps(m) * (m.unit === 8 && m.beats % 3 === 0 && m.beats > 3 ? 3 : 1);

function describeMetre(m) {
  const beats = m.pickup / beatSteps(m);
  return m.pickup ? `${metreName(m)}, a pickup of ${beats} beat${beats === 1 ? "" : "s"}` : metreName(m);
}

// Show the melody's metre in its controls (a file's metre the list lacks is added to it).
function showMetre() {
  const m = metre();
  const select = $("metre");
  if (![...select.options].some((o) => o.value === metreName(m))) {
    select.appendChild(new Option(metreName(m), metreName(m)));
  }
  select.value = metreName(m);
  $("pickup").value = String(m.pickup / beatSteps(m));
}

// The metre chosen in the controls: part of the melody, so Undo brings the last one back.
function chooseMetre() {
  const [beats, unit] = $("metre").value.split("/").map(Number);
  const text = $("pickup").value.trim();
  const pickup = (text === "" ? 0 : Number(text)) * (16 / unit);
  if (!Number.isInteger(pickup) || pickup < 0 || pickup >= beats * (16 / unit)) {
    say("melody", `The pickup is 0 to under ${beats} beats of ${beats}/${unit}, in whole sixteenths; the metre stays ${describeMetre(metre())}.`, "error");
    showMetre();
    return;
  }
  const next = { beats, unit, pickup };
  if (metreName(next) === metreName(metre()) && pickup === metre().pickup) { showMetre(); return; }
  say("melody", "");
  remember();
  state.melody = { ...state.melody, metre: next };
  state.revision += 1;
  abandonJob();
  render();
}

// --- sound --------------------------------------------------------------------------------

let audio = null;
function context() {
  if (!audio) audio = new AudioContext();
  if (audio.state === "suspended") audio.resume();
  return audio;
}

function tone(pitch, start, seconds, voice, level) {
  const ctx = context();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = state.timbres[voice] || "sine";
  osc.frequency.value = 440 * Math.pow(2, (pitch - 69) / 12);
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

function isPlaying() {
  return state.playTimer !== null;
}

function stop() {
  state.playing.forEach((osc) => { try { osc.stop(); } catch (_) { /* already stopped */ } });
  state.playing = [];
  clearTimeout(state.playTimer);
  state.playTimer = null;
  document.body.classList.remove("playing");
  if (state.recording) finishRecording();
  $("roll").querySelector(".playhead")?.remove();
}

function play(voices, steps) {
  stop();
  if (!checkTempo()) return;
  const ctx = context();
  const begin = ctx.currentTime + 0.1;
  const step = stepSeconds();
  for (const [voice, notes] of Object.entries(voices)) {
    for (const [pitch, start, end] of notes) {
      tone(pitch, begin + start * step, (end - start) * step, voice, state.volumes[voice]);
    }
  }
  document.body.classList.add("playing");
  state.playTimer = setTimeout(stop, (steps * step + 0.4) * 1000);
  animatePlayhead(begin, steps * step);
}

function playCurrent() {
  if (state.arrangement) play(state.arrangement.voices, state.arrangement.steps);
  else play({ soprano: state.melody.notes }, state.melody.steps);
}

function togglePlayback() {
  if (isPlaying()) stop();
  else if (state.melody.notes.length) playCurrent();
}

function animatePlayhead(begin, seconds) {
  const svg = $("roll").querySelector("svg");
  if (!svg) return;
  const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
  line.setAttribute("class", "playhead");
  line.setAttribute("y1", 0);
  line.setAttribute("y2", svg.getAttribute("height"));
  svg.appendChild(line);
  const width = Number(svg.dataset.stepWidth) * Number(svg.dataset.steps);
  const left = Number(svg.dataset.left);
  const frame = () => {
    if (!line.isConnected) return;
    const done = (audio.currentTime - begin) / seconds;
    if (done > 1) { line.remove(); return; }
    const x = left + Math.max(0, done) * width;
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

// --- state changes ------------------------------------------------------------------------

// Replace the melody (and with it whatever was written for it); Undo brings both back.
function changeMelody(next, name) {
  remember();
  state.melody = { metre: metre(), ...next };
  state.arrangement = null;
  if (name !== undefined) state.name = name;
  state.revision += 1;
  state.selected = null;
  abandonJob();
  render();
  describeMelody();
}

function remember() {
  state.history.push({ melody: state.melody, arrangement: state.arrangement, name: state.name });
  if (state.history.length > 200) state.history.shift();
}

function undo() {
  if (!state.history.length) return;
  const last = state.history.pop();
  state.melody = last.melody;
  state.arrangement = last.arrangement;
  state.name = last.name;
  state.revision += 1;
  state.selected = null;
  abandonJob();
  render();
  describeMelody();
}

let textTimer = null;
function describeMelody() {
  clearTimeout(textTimer);
  const { notes, steps } = state.melody;
  textTimer = setTimeout(async () => {
    if (!notes.length && !steps) { $("melody-text").value = ""; return; }
    try {
      const answer = await (await call("api/text", { notes, steps })).json();
      if (notes === state.melody.notes) $("melody-text").value = answer.text;
    } catch (error) {
      say("melody", error.message, "error");
    }
  }, 150);
}

function addNote(pitch) {
  const length = Number($("length").value);
  const { notes, steps } = state.melody;
  say("melody", "");
  changeMelody({ notes: [...notes, [pitch, steps, steps + length]], steps: steps + length });
}

function addRest() {
  const length = Number($("length").value);
  changeMelody({ notes: state.melody.notes, steps: state.melody.steps + length });
}

// --- keys and recording -------------------------------------------------------------------

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
    say("melody", `No sound: ${error.message}`, "error");
  }
}

function release(pitch) {
  highlight(pitch, false);
  const rec = state.recording;
  if (!rec || !rec.held.has(pitch)) return;
  const start = rec.held.get(pitch);
  rec.held.delete(pitch);
  const now = Math.round((context().currentTime - rec.start) / stepSeconds());
  rec.notes.push([pitch, rec.offset + start, rec.offset + Math.min(rec.steps, Math.max(start + 1, now))]);
}

// Notes played legato end a little early by hand: close gaps under an eighth note.
function legato(notes) {
  const sorted = [...notes].sort((a, b) => a[1] - b[1]);
  return sorted.map((note, index) => {
    const next = sorted[index + 1];
    return next && next[1] > note[2] && next[1] - note[2] < 2 ? [note[0], note[1], next[1]] : note;
  });
}

function record() {
  if (state.recording) { finishRecording(); return; }
  stop();
  if (!checkTempo()) return;
  const ctx = context();
  const m = metre();
  const beat = beatSteps(m) * stepSeconds();
  const bars = Number($("bars").value);
  const start = ctx.currentTime + 0.1 + m.beats * beat; // one bar of count-in
  for (let i = 0; i < m.beats + ($("metronome").checked ? bars * m.beats : 0); i += 1) {
    click(ctx.currentTime + 0.1 + i * beat, i % m.beats === 0);
  }
  state.recording = {
    start, offset: state.melody.steps, steps: bars * barSteps(m), bar: barSteps(m), held: new Map(),
    notes: [], base: state.melody.notes,
  };
  $("record").classList.add("active");
  say("melody", `Recording ${bars} bar${bars > 1 ? "s" : ""} after a bar of count-in…`);
  state.recording.timer = setTimeout(finishRecording, (start - ctx.currentTime + bars * m.beats * beat) * 1000);
}

function finishRecording() {
  const rec = state.recording;
  if (!rec) return;
  for (const held of [...rec.held.keys()]) release(held);
  clearTimeout(rec.timer);
  state.recording = null;
  $("record").classList.remove("active");
  if (!rec.notes.length) { say("melody", "Nothing was played; the melody is unchanged."); return; }
  const last = Math.max(...rec.notes.map((n) => n[2]));
  const steps = Math.ceil((last - rec.offset) / rec.bar) * rec.bar + rec.offset; // up to the bar's end
  changeMelody({ notes: [...rec.base, ...legato(rec.notes)], steps });
  say("melody", `Recorded ${rec.notes.length} notes.`);
}

function onKey(event, down) {
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.metaKey || event.altKey) return;
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
  } else if (key === " ") { event.preventDefault(); togglePlayback(); }
  else if (key === "r") { event.preventDefault(); addRest(); }
  else if (key === "delete" || key === "backspace") {
    event.preventDefault();
    if (state.selected) deleteSelected(); else undo();
  } else if (key === "enter" && !event.target.closest("button, a")) {
    event.preventDefault(); harmonize();
  }
}

// --- the roll: drawn from the state, and editable -----------------------------------------

const ROW = 12;
const LABELS = 34;

function shownVoices() {
  return state.arrangement ? state.arrangement.voices : { soprano: state.melody.notes };
}

function shownSteps() {
  return state.arrangement ? state.arrangement.steps : state.melody.steps;
}

function pianoRoll(voices, steps) {
  const ns = "http://www.w3.org/2000/svg";
  const pitches = Object.values(voices).flat().map((n) => n[0]);
  const low = (pitches.length ? Math.min(...pitches) : 60) - 3;
  const high = (pitches.length ? Math.max(...pitches) : 72) + 3;
  const sx = 12;
  const width = LABELS + steps * sx;
  const svg = document.createElementNS(ns, "svg");
  const m = metre();
  Object.assign(svg.dataset, { low, high, stepWidth: sx, steps, left: LABELS, metre: metreName(m), barSteps: barSteps(m), pickup: m.pickup });
  svg.setAttribute("width", width);
  svg.setAttribute("height", (high - low + 1) * ROW);
  svg.setAttribute("class", "pianoroll");
  const add = (name, attributes, parent = svg) => {
    const element = document.createElementNS(ns, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    parent.appendChild(element);
    return element;
  };
  for (let p = low; p <= high; p += 1) {
    const y = (high - p) * ROW;
    if ([1, 3, 6, 8, 10].includes(p % 12)) {
      add("rect", { x: LABELS, y, width: steps * sx, height: ROW, class: "black-row" });
    }
    if (p % 12 === 0 || p === low || p === high || [4, 7].includes(p % 12)) {
      const label = add("text", { x: 2, y: y + ROW - 2, class: "pitch-label" });
      label.textContent = `${NAMES[p % 12]}${Math.floor(p / 12) - 1}`;
    }
  }
  // Bar lines where the metre's bars begin (and at the end where a bar ends there); beat
  // lines counted from the first bar line.
  const bars = new Set(barStarts(steps, m).slice(0, -1));
  if ((steps - m.pickup) % barSteps(m) === 0) bars.add(steps);
  const beat = beatLineSteps(m);
  for (let s = 0; s <= steps; s += 1) {
    const kind = bars.has(s) ? "bar" : (s - m.pickup) % beat === 0 ? "beat" : null;
    if (kind) add("line", { x1: LABELS + s * sx, x2: LABELS + s * sx, y1: 0, y2: (high - low + 1) * ROW, class: kind, "data-step": s });
  }
  const passage = $("passage-controls").hidden ? null : passageRange();
  if (passage) {
    add("rect", { x: LABELS + passage[0] * sx, y: 0, width: (passage[1] - passage[0]) * sx, height: (high - low + 1) * ROW, class: "passage" });
  }
  VOICES.forEach((voice, order) => {
    (voices[voice] || []).forEach(([pitch, start, end], index) => {
      // Each voice keeps its own band of the row, so unisons show as stacked bars.
      const selected = state.selected && state.selected.voice === voice && state.selected.index === index;
      const rect = add("rect", {
        x: LABELS + start * sx, y: (high - pitch) * ROW + order * 2, width: Math.max(3, (end - start) * sx - 1),
        height: ROW - 6, fill: COLOURS[voice], "data-voice": voice, "data-index": index,
        class: `note voice-${voice}${selected ? " selected" : ""}`,
      });
      const title = document.createElementNS(ns, "title");
      title.textContent = `${voice}: ${NAMES[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
      rect.appendChild(title);
    });
  });
  return svg;
}

function rollPosition(svg, event) {
  const box = svg.getBoundingClientRect();
  const x = event.clientX - box.left - LABELS;
  const y = event.clientY - box.top;
  return {
    step: Math.floor(x / Number(svg.dataset.stepWidth)),
    pitch: Number(svg.dataset.high) - Math.floor(y / ROW),
    x,
  };
}

// Change the notes of one voice by the roll: the melody and its arrangement stay together.
function editVoice(voice, change) {
  remember();
  const voices = { ...shownVoices() };
  voices[voice] = change([...(voices[voice] || [])]).sort((a, b) => a[1] - b[1] || b[0] - a[0]);
  const steps = Math.max(shownSteps(), ...Object.values(voices).flat().map((n) => n[2]));
  if (voice === "soprano") {
    state.melody = { ...state.melody, notes: voices.soprano, steps };
    state.revision += 1;
    abandonJob();
    describeMelody();
  }
  if (state.arrangement) {
    state.arrangement = { ...state.arrangement, voices, steps, edited: true };
    if (voice !== "soprano") { state.revision += 1; abandonJob(); }
  }
  render();
}

function deleteSelected() {
  const { voice, index } = state.selected;
  state.selected = null;
  editVoice(voice, (notes) => notes.filter((_, i) => i !== index));
}

function attachRollEditing(svg) {
  svg.addEventListener("pointerdown", (event) => {
    const position = rollPosition(svg, event);
    if (position.x < 0) return;
    if (event.shiftKey && !$("passage-controls").hidden) {
      event.preventDefault();
      const steps = shownSteps();
      const first = barAt(position.step, steps);
      $("passage-from").value = first;
      $("passage-to").value = first;
      const onMove = (move) => {
        const bar = barAt(rollPosition(svg, move).step, steps);
        $("passage-from").value = Math.max(1, Math.min(first, bar));
        $("passage-to").value = Math.max(first, bar);
      };
      const onUp = () => {
        svg.removeEventListener("pointermove", onMove);
        svg.removeEventListener("pointerup", onUp);
        render();
      };
      svg.setPointerCapture(event.pointerId);
      svg.addEventListener("pointermove", onMove);
      svg.addEventListener("pointerup", onUp);
      return;
    }
    const target = event.target.closest("rect.note");
    if (!target) {
      if (state.editVoice !== "soprano" && !state.arrangement) {
        say("roll", "Harmonize first to edit the other voices.", "error");
        return;
      }
      const length = Number($("length").value);
      state.selected = null;
      editVoice(state.editVoice, (notes) => [...notes, [position.pitch, position.step, position.step + length]]);
      return;
    }
    event.preventDefault();
    const voice = target.dataset.voice;
    const index = Number(target.dataset.index);
    const [pitch, start, end] = shownVoices()[voice][index];
    const edgeX = Number(svg.dataset.left) + end * Number(svg.dataset.stepWidth);
    const resizing = event.clientX - svg.getBoundingClientRect().left > edgeX - 5;
    state.selected = { voice, index };
    svg.setPointerCapture(event.pointerId);
    let moved = null;
    const onMove = (move) => {
      const at = rollPosition(svg, move);
      if (resizing) {
        moved = [pitch, start, Math.max(start + 1, at.step + 1)];
      } else {
        const shift = at.step - position.step;
        moved = [pitch + (at.pitch - position.pitch), Math.max(0, start + shift), Math.max(0, start + shift) + (end - start)];
      }
      target.setAttribute("x", Number(svg.dataset.left) + moved[1] * Number(svg.dataset.stepWidth));
      target.setAttribute("width", Math.max(3, (moved[2] - moved[1]) * Number(svg.dataset.stepWidth) - 1));
      target.setAttribute("y", (Number(svg.dataset.high) - moved[0]) * ROW + VOICES.indexOf(voice) * 2);
    };
    const onUp = () => {
      svg.removeEventListener("pointermove", onMove);
      svg.removeEventListener("pointerup", onUp);
      const same = !moved || (moved[0] === pitch && moved[1] === start && moved[2] === end);
      if (same) { render(); return; }
      editVoice(voice, (notes) => notes.map((note, i) => (i === index ? moved : note)));
    };
    svg.addEventListener("pointermove", onMove);
    svg.addEventListener("pointerup", onUp);
  });
}

// --- drawing everything from the state ----------------------------------------------------

function render() {
  showMetre();
  const svg = pianoRoll(shownVoices(), Math.max(shownSteps(), 16));
  attachRollEditing(svg);
  $("roll").replaceChildren(svg);
  const ready = state.arrangement !== null;
  for (const id of ["download-midi", "download-wav", "download-png", "download-musicxml", "share"]) {
    $(id).disabled = !ready;
  }
  $("play-all").textContent = ready ? "▶ Play all voices" : "▶ Play melody";
  $("play-all").disabled = !state.melody.notes.length;
  showBusy();
  const model = state.models.find((m) => m.name === $("model").value) || {};
  $("continue-controls").hidden = !state.models.some((m) => m.continue_melody);
  $("passage-controls").hidden = !model.infill || !ready;
  if (ready) {
    const a = state.arrangement;
    const seed = a.seed === null || a.seed === undefined ? "" : `, seed ${a.seed}`;
    const since = [a.regenerated, a.edited ? "edited by hand" : ""].filter(Boolean).join("; ");
    say("harmonize", `Harmonized with ${a.model} (plugin ${a.plugin}${seed})${since ? `; ${since}` : ""}.`);
  } else if (!state.job) {
    say("harmonize", "");
  }
  say("export", "");
}

function buildPiano() {
  const piano = $("piano");
  piano.replaceChildren();
  const base = 12 * (state.octave + 1);
  for (let i = 0; i < PIANO_KEYS; i += 1) {
    const pitch = base + i;
    const key = document.createElement("button");
    key.type = "button";
    key.tabIndex = -1;
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

function buildMixer() {
  const mixer = $("mixer");
  for (const voice of VOICES) {
    const row = document.createElement("div");
    row.className = `voice voice-${voice}`;
    const swatch = document.createElement("i");
    swatch.style.background = COLOURS[voice];
    const slider = document.createElement("input");
    Object.assign(slider, { type: "range", min: 0, max: 1, step: 0.05, value: state.volumes[voice] });
    slider.id = `volume-${voice}`;
    slider.title = `${voice} volume`;
    slider.addEventListener("input", () => { state.volumes[voice] = Number(slider.value); });
    const timbres = document.createElement("select");
    timbres.id = `timbre-${voice}`;
    timbres.title = `${voice} sound (playback and WAV)`;
    for (const name of state.settings.timbres) timbres.appendChild(new Option(name, name));
    timbres.value = state.timbres[voice];
    timbres.addEventListener("change", () => { state.timbres[voice] = timbres.value; timbres.blur(); });
    const program = document.createElement("select");
    program.id = `program-${voice}`;
    program.title = `${voice} instrument in the MIDI and MusicXML files`;
    for (const [number, name] of Object.entries(PROGRAMS)) program.appendChild(new Option(name, number));
    program.value = String(state.programs[voice]);
    program.addEventListener("change", () => { state.programs[voice] = Number(program.value); program.blur(); });
    const name = document.createElement("span");
    name.className = "voice-name";
    name.textContent = voice;
    row.append(swatch, name, slider, timbres, program);
    mixer.appendChild(row);
  }
}

// --- harmonizing: a job on the server, polled, with a bar and Cancel ------------------------

async function harmonize(seed) {
  if (!state.melody.notes.length) { say("harmonize", "Play or load a melody first.", "error"); return; }
  const model = $("model").value;
  const chosen = seed !== undefined ? seed : seedValue();
  if (chosen === false) return;
  const body = { notes: state.melody.notes, steps: state.melody.steps, model, seed: chosen };
  startJob(body, `Harmonizing with ${model}…`, (result) => {
    remember();
    // The model's soprano is the melody (the server checks it); keep the melody's own notes,
    // where repeated notes stay apart.
    state.arrangement = { ...result, voices: { ...result.voices, soprano: state.melody.notes } };
    state.selected = null;
    render();
  });
}

// Continue the melody by N bars with a model that has continue_melody.
function continueMelody() {
  if (!state.melody.notes.length) { say("harmonize", "Play or load a melody first.", "error"); return; }
  const model = $("continue-model").value;
  const seed = seedValue();
  if (seed === false) return;
  const bars = Number($("continue-bars").value);
  const m = metre();
  const body = {
    task: "continue", notes: state.melody.notes, steps: state.melody.steps, model, seed, bars,
    bar_steps: barSteps(m), pickup: m.pickup,
  };
  const told = `${bars} bar${bars > 1 ? "s" : ""} of ${metreName(m)}`;
  say("continue", "");
  startJob(body, `Continuing the melody by ${told} with ${model}…`, (result) => {
    changeMelody({ notes: [...state.melody.notes, ...result.added], steps: result.steps });
    say("melody", `Continued by ${told} with ${model}; Undo takes it back.`);
  }, "continue");
}

// Redraw the ticked voices over the chosen bars, with a model that has infill.
function regenerate() {
  const a = state.arrangement;
  if (!a) return;
  const passage = passageSteps();
  const redraw = [...document.querySelectorAll("input.redraw:checked")].map((box) => box.value);
  if (!passage) return;
  if (!redraw.length) { say("passage", "Tick at least one voice to regenerate.", "error"); return; }
  say("passage", "");
  const seed = Math.floor(Math.random() * 4294967295);
  const body = {
    task: "infill", voices: a.voices, steps: a.steps, model: $("model").value, seed,
    start: passage[0], end: passage[1], redraw,
  };
  startJob(body, `Regenerating ${redraw.join(", ")} in bars ${$("passage-from").value}-${$("passage-to").value}…`, (result) => {
    const bars = `bars ${$("passage-from").value}-${$("passage-to").value}`;
    if (result.unchanged) {
      say("passage", `${result.model} gave ${bars} back as they were, take after take: nothing changed.`);
      return;
    }
    remember();
    state.arrangement = {
      ...result, voices: { ...result.voices, soprano: state.melody.notes },
      regenerated: `${bars} regenerated (${redraw.join(", ")})`,
    };
    render();
  });
}

// The steps [start, end) of bars "from" to "to" in the melody's metre, or null.
function passageRange(steps = shownSteps()) {
  const from = Number($("passage-from").value);
  const to = Number($("passage-to").value);
  const starts = barStarts(steps);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from || to >= starts.length) {
    return null;
  }
  return [starts[from - 1], starts[to]];
}

function passageSteps() {
  const passage = passageRange();
  if (!passage) {
    const bars = barStarts(shownSteps()).length - 1;
    say("passage", `Choose bars from 1 to ${bars}, the first no later than the last.`, "error");
  }
  return passage;
}

// Errors go to the message beside the control that asked (`where`).
async function startJob(body, waiting, onDone, where = "harmonize") {
  if (state.job || state.starting) return;
  const revision = state.revision;
  say("harmonize", waiting);
  state.starting = true;
  showBusy();
  let job;
  try {
    job = await (await call("api/jobs", body)).json();
  } catch (error) {
    say("harmonize", "");
    say(where, error.message, "error");
    return;
  } finally {
    state.starting = false;
    showBusy();
  }
  if (revision !== state.revision) { call(`api/jobs/${job.id}`, undefined, { method: "DELETE" }).catch(() => {}); return; }
  state.job = { id: job.id, revision, started: performance.now(), typical: job.typical, onDone, where };
  $("progress").hidden = false;
  showBusy();
  poll(job);
}

// One job at a time: the buttons that start one are off while one is asked for or running.
function showBusy() {
  const busy = state.job !== null || state.starting;
  $("harmonize").disabled = busy;
  $("continue").disabled = busy;
  $("regenerate").disabled = busy;
  $("another-take").disabled = busy || state.arrangement === null;
}

function seedValue() {
  const text = $("seed").value.trim();
  if (!text) return null;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
    say("seed", "The seed is a whole number from 0 to 4294967295, or empty for a new one.", "error");
    return false;
  }
  say("seed", "");
  return seed;
}

function showProgress(view) {
  const seconds = view.elapsed;
  const typical = view.typical;
  const bar = $("progress-bar");
  if (view.progress !== null && view.progress !== undefined) {
    bar.max = 1;
    bar.value = view.progress;
    $("progress-text").textContent = `${Math.round(100 * view.progress)} % (${seconds.toFixed(0)} s)`;
  } else if (typical) {
    bar.max = 1;
    bar.value = Math.min(0.95, seconds / typical);
    $("progress-text").textContent = `${seconds.toFixed(0)} s of about ${typical.toFixed(0)} s`;
  } else {
    bar.removeAttribute("value");
    $("progress-text").textContent = `${seconds.toFixed(0)} s (first run of this model: no estimate yet)`;
  }
}

async function poll(view) {
  const job = state.job;
  if (!job || job.id !== view.id) return;
  showProgress(view);
  if (view.state === "running") {
    job.timer = setTimeout(async () => {
      try {
        poll(await (await call(`api/jobs/${view.id}`)).json());
      } catch (error) {
        finishJob();
        say("harmonize", error.message, "error");
      }
    }, POLL_MS);
    return;
  }
  finishJob();
  if (view.state === "done" && job.revision === state.revision) {
    job.onDone(view.result);
  } else if (view.state !== "done" && view.state !== "cancelled") {
    if (job.where !== "harmonize") say("harmonize", "");
    say(job.where, view.error, "error");
  }
}

function finishJob() {
  if (state.job) clearTimeout(state.job.timer);
  state.job = null;
  $("progress").hidden = true;
  render();
  loadTimes();
}

// The melody changed: a running harmonization answers a question nobody asks any more.
function abandonJob() {
  if (!state.job) return;
  const id = state.job.id;
  finishJob();
  call(`api/jobs/${id}`, undefined, { method: "DELETE" }).catch(() => {});
}

async function cancel() {
  if (!state.job) return;
  const id = state.job.id;
  finishJob();
  try {
    await call(`api/jobs/${id}`, undefined, { method: "DELETE" });
    say("harmonize", "Cancelled; the model was stopped.");
  } catch (error) {
    say("harmonize", error.message, "error");
  }
}

function anotherTake() {
  const seed = Math.floor(Math.random() * 4294967295);
  $("seed").value = seed;
  harmonize(seed);
}

// --- downloads ----------------------------------------------------------------------------

async function download(kind) {
  const arrangement = state.arrangement;
  if (!arrangement || !checkTempo()) return;
  say("export", "");
  try {
    const body = {
      voices: arrangement.voices, steps: arrangement.steps, tempo: tempo(), model: arrangement.model,
      name: state.name, volumes: state.volumes, timbres: state.timbres, programs: state.programs,
      names: (state.models.find((m) => m.name === arrangement.model) || {}).voices,
      metre: metre(),
    };
    const response = await call(`api/export/${kind}`, body);
    const blob = await response.blob();
    const disposition = response.headers.get("content-disposition") || "";
    const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || `harmonization.${kind}`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  } catch (error) {
    say("export", error.message, "error");
  }
}

// --- loading melodies ---------------------------------------------------------------------

async function useText() {
  try {
    const melody = await (await call("api/parse", { text: $("melody-text").value })).json();
    say("melody", "");
    changeMelody(melody, "");
  } catch (error) {
    say("melody", error.message, "error");
  }
}

async function loadMidi(file, track) {
  say("melody", "");
  const query = track ? `?track=${track}` : "";
  try {
    const melody = await (await call(`api/melody${query}`, await file.arrayBuffer(), { raw: true })).json();
    $("tempo").value = Math.round(melody.tempo * 100) / 100;
    checkTempo();
    changeMelody({ notes: melody.notes, steps: melody.steps, metre: melody.metre }, file.name.replace(/\.midi?$/i, ""));
    const tracks = $("midi-track");
    tracks.replaceChildren(...melody.tracks.map((label, i) => new Option(label, i + 1)));
    tracks.value = String(melody.track);
    tracks.hidden = melody.tracks.length < 2;
    tracks.onchange = () => { tracks.blur(); loadMidi(file, Number(tracks.value)); };
    const used = melody.tracks.length > 1
      ? `Melody from ${melody.tracks[melody.track - 1]} of ${melody.tracks.length}; choose another beside.`
      : `Loaded ${file.name} (${describeMetre(melody.metre)}).`;
    say("melody", [used, ...melody.warnings].join(" "));
  } catch (error) {
    say("melody", `${file.name}: ${error.message}`, "error");
  }
}

async function loadModels() {
  const answer = await (await call("api/models")).json();
  state.models = answer.models.filter((m) => m.harmonizes !== false);
  const styles = [...new Set(state.models.map((m) => m.style || "other"))];
  const picker = $("style");
  picker.replaceChildren(new Option("any style", ""));
  for (const style of styles) picker.appendChild(new Option(style === "other" ? "other models" : style, style));
  fillModels("");
  $("model").value = answer.default;
  const melodyModels = answer.models.filter((m) => m.continue_melody);
  $("continue-model").replaceChildren(...melodyModels.map((m) => new Option(m.name, m.name)));
  describeModel();
}

// The model picker, for one style ("" for all, grouped by style).
function fillModels(style) {
  const select = $("model");
  const previous = select.value;
  select.replaceChildren();
  const styles = [...new Set(state.models.map((m) => m.style || "other"))].filter((s) => !style || s === style);
  for (const each of styles) {
    const group = document.createElement("optgroup");
    group.label = each === "other" ? "other models" : each;
    for (const model of state.models.filter((m) => (m.style || "other") === each)) {
      const option = new Option(modelLabel(model), model.name);
      option.title = model.description;
      group.appendChild(option);
    }
    select.appendChild(group);
  }
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  describeModel();
}

function modelLabel(model) {
  const time = model.seconds === null || model.seconds === undefined
    ? "time not measured yet" : `about ${model.seconds < 10 ? model.seconds.toFixed(1) : Math.round(model.seconds)} s`;
  return `${model.name} (${model.plugin}) · ${time}`;
}

async function loadTimes() {
  try {
    const answer = await (await call("api/models")).json();
    for (const model of answer.models) {
      const option = [...$("model").options].find((o) => o.value === model.name);
      if (option) option.textContent = modelLabel(model);
    }
    state.models = answer.models;
  } catch (_) { /* the picker keeps its old labels */ }
}

function describeModel() {
  const model = state.models.find((m) => m.name === $("model").value);
  $("model-description").textContent = model ? model.description : "";
  if (model && model.programs) {
    VOICES.forEach((voice, index) => {
      state.programs[voice] = model.programs[index];
      const select = $(`program-${voice}`);
      if (select && ![...select.options].some((o) => o.value === String(model.programs[index]))) {
        select.appendChild(new Option(`program ${model.programs[index]}`, model.programs[index]));
      }
      if (select) select.value = String(model.programs[index]);
    });
  }
  if (model) {
    VOICES.forEach((voice, index) => {
      const label = document.querySelector(`#mixer .voice-${voice} .voice-name`);
      if (label) label.textContent = model.voices[index];
    });
  }
  if ($("roll").firstChild) render();
}

async function loadExamples() {
  const examples = await (await call("api/examples")).json();
  const select = $("example");
  for (const example of examples) select.appendChild(new Option(example.name, example.name));
  select.addEventListener("change", () => {
    const example = examples.find((e) => e.name === select.value);
    select.value = "";
    select.blur(); // the computer keys play notes again, not the dropdown's type-ahead
    if (example) {
      say("melody", "");
      $("midi-track").hidden = true;
      changeMelody({ notes: example.notes, steps: example.steps, metre: FOUR_FOUR }, example.name);
    }
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
      if (access.inputs.size) say("melody", `${access.inputs.size} MIDI keyboard(s) connected.`);
    };
    access.onstatechange = listen;
    listen();
  }).catch(() => { /* no MIDI access offered: mouse and keys still work */ });
}

async function start() {
  buildPiano();
  try {
    state.settings = await (await call("api/settings")).json();
  } catch (error) {
    say("harmonize", error.message, "error");
  }
  const [low, high] = state.settings.tempo;
  Object.assign($("tempo"), { min: low, max: high });
  buildMixer();
  render();
  $("record").addEventListener("click", record);
  $("play-all").addEventListener("click", togglePlayback);
  $("stop").addEventListener("click", stop);
  $("undo").addEventListener("click", undo);
  $("clear").addEventListener("click", () => { say("melody", ""); changeMelody({ notes: [], steps: 0 }, ""); });
  $("rest").addEventListener("click", addRest);
  $("octave-down").addEventListener("click", () => { state.octave = Math.max(1, state.octave - 1); buildPiano(); });
  $("octave-up").addEventListener("click", () => { state.octave = Math.min(7, state.octave + 1); buildPiano(); });
  $("use-text").addEventListener("click", useText);
  $("tempo").addEventListener("input", checkTempo);
  $("midi-file").addEventListener("change", (event) => {
    if (event.target.files[0]) loadMidi(event.target.files[0]);
    event.target.value = "";
    event.target.blur();
  });
  for (const id of ["length", "bars"]) $(id).addEventListener("change", () => $(id).blur());
  $("edit-voice").addEventListener("change", () => { state.editVoice = $("edit-voice").value; $("edit-voice").blur(); });
  $("model").addEventListener("change", () => { describeModel(); $("model").blur(); });
  $("style").addEventListener("change", () => { fillModels($("style").value); $("style").blur(); });
  $("continue").addEventListener("click", continueMelody);
  $("metre").addEventListener("change", () => { $("metre").blur(); chooseMetre(); });
  $("pickup").addEventListener("change", chooseMetre);
  $("regenerate").addEventListener("click", regenerate);
  for (const id of ["passage-from", "passage-to"]) $(id).addEventListener("change", render);
  $("continue-bars").addEventListener("change", () => $("continue-bars").blur());
  $("continue-model").addEventListener("change", () => $("continue-model").blur());
  $("model").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); harmonize(); }
  });
  $("harmonize").addEventListener("click", () => harmonize());
  $("cancel").addEventListener("click", cancel);
  $("another-take").addEventListener("click", anotherTake);
  $("download-midi").addEventListener("click", () => download("midi"));
  $("download-wav").addEventListener("click", () => download("wav"));
  $("download-png").addEventListener("click", () => download("png"));
  $("download-musicxml").addEventListener("click", () => download("musicxml"));
  $("share").addEventListener("click", () => download("html"));
  document.addEventListener("keydown", (event) => onKey(event, true));
  document.addEventListener("keyup", (event) => onKey(event, false));
  Promise.all([loadModels(), loadExamples()])
    .then(() => document.body.classList.add("ready"))
    .catch((error) => say("harmonize", error.message, "error"));
  connectMidiKeyboard();
}

start();
