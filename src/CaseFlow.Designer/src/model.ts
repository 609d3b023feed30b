// The workflow JSON is the document of record. The designer keeps the parsed object as it came and
// patches only what the user changed, so properties it does not understand (unknown activity types,
// customProperties, vertices, metadata, the legacy flat connection form) survive a save untouched.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type WorkflowDoc = JsonObject;

export interface InputDescriptor {
  name: string;
  typeName: string;
  displayName: string;
  description?: string | null;
  displayNameHi?: string | null;
  descriptionHi?: string | null;
  defaultValue?: string | null;
  uiHint: string;
  /** From the server's descriptor: the range a number must lie in, whether it must be whole, the values a choice allows. */
  minimum?: number | null;
  maximum?: number | null;
  wholeNumber?: boolean;
  choices?: string[] | null;
}

/** What is wrong with a literal number for its descriptor, in words; undefined when it is fine or not a number input. */
export function numberProblem(text: string, input: InputDescriptor): string | undefined {
  const { minimum: min, maximum: max, wholeNumber } = input;
  if (text.trim() === "" || (min == null && max == null && !wholeNumber)) return undefined;
  const range = min != null && max != null ? `from ${min} to ${max}` : min != null ? `at least ${min}` : max != null ? `at most ${max}` : "";
  const n = Number(text);
  if (!/^\s*-?\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n)) return `"${text}" is not a number; it must be ${wholeNumber ? "a whole number " : ""}${range}.`.replace(/ \.$/, ".");
  if (wholeNumber && !Number.isInteger(n)) return `${text} is not a whole number; it must be a whole number ${range}.`.replace(/ \.$/, ".");
  if ((min != null && n < min) || (max != null && n > max)) return `${text} is out of range; it must be ${range}.`;
  return undefined;
}

/** A share (0.75) as a percentage (75), and back; rounding keeps 0.1 + 0.2 from showing as 30.000000000000004. */
export function shareToPercent(text: string): string {
  const n = Number(text);
  return text.trim() === "" || !Number.isFinite(n) ? text : String(Math.round(n * 10000) / 100);
}

export function percentToShare(text: string): string {
  const n = Number(text);
  return text.trim() === "" || !Number.isFinite(n) ? text : String(Math.round(n * 100) / 10000);
}

export interface ActivityType {
  type: string;
  displayName: string;
  /** The Hindi name, where the server's descriptor has one. */
  displayNameHi?: string | null;
  descriptionHi?: string | null;
  category: string;
  description?: string | null;
  inputs: InputDescriptor[];
  outcomes: string[];
  dynamicOutcomes: boolean;
  isTrigger: boolean;
  /** A published workflow offered as an activity: the definition it runs and the version a dropped node pins. */
  workflowDefinitionId?: string | null;
  workflowVersion?: number | null;
}

export interface ConnectionRef {
  index: number;
  source: string;
  port: string;
  target: string;
  targetPort: string;
}

export interface Position {
  x: number;
  y: number;
}

export function parseWorkflow(text: string): WorkflowDoc {
  const doc = JSON.parse(text.replace(/^\uFEFF/, "")) as Json;
  if (!isObject(doc)) throw new Error("A workflow definition is a JSON object.");
  return doc;
}

export function serializeWorkflow(doc: WorkflowDoc): string {
  return JSON.stringify(doc, null, 2);
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function root(doc: WorkflowDoc): JsonObject {
  return isObject(doc.root) ? doc.root : {};
}

export function activities(doc: WorkflowDoc): JsonObject[] {
  const list = root(doc).activities;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export function activity(doc: WorkflowDoc, id: string): JsonObject | undefined {
  return activities(doc).find((a) => a.id === id);
}

/** Both the Elsa 3 form {source:{activity,port}} and the legacy flat {source,sourcePort} are read. */
export function connections(doc: WorkflowDoc): ConnectionRef[] {
  const list = root(doc).connections;
  if (!Array.isArray(list)) return [];
  const result: ConnectionRef[] = [];
  list.forEach((c, index) => {
    if (!isObject(c)) return;
    if (isObject(c.source)) {
      const t = isObject(c.target) ? c.target : {};
      result.push({
        index,
        source: String(c.source.activity ?? ""),
        port: String(c.source.port ?? "Done"),
        target: String(t.activity ?? ""),
        targetPort: String(t.port ?? "In"),
      });
    } else {
      result.push({
        index,
        source: String(c.source ?? ""),
        port: String(c.sourcePort ?? "Done"),
        target: String(c.target ?? ""),
        targetPort: String(c.targetPort ?? "In"),
      });
    }
  });
  return result;
}

export function position(a: JsonObject): Position | undefined {
  const m = a.metadata;
  if (!isObject(m) || !isObject(m.designer) || !isObject(m.designer.position)) return undefined;
  const { x, y } = m.designer.position;
  return typeof x === "number" && typeof y === "number" ? { x, y } : undefined;
}

/** Positions for every activity: its own where it has one, else a layered layout below the placed ones. */
export function layout(doc: WorkflowDoc): Map<string, Position> {
  const acts = activities(doc);
  const result = new Map<string, Position>();
  const unplaced: string[] = [];
  let maxY = -Infinity;
  for (const a of acts) {
    const id = String(a.id);
    const p = position(a);
    if (p) {
      result.set(id, p);
      maxY = Math.max(maxY, p.y);
    } else unplaced.push(id);
  }
  if (unplaced.length === 0) return result;
  const conns = connections(doc);
  const layer = new Map<string, number>();
  const inbound = new Set(conns.map((c) => c.target));
  const queue = unplaced.filter((id) => !inbound.has(id) || !conns.some((c) => c.target === id && unplaced.includes(c.source)));
  if (queue.length === 0) queue.push(unplaced[0]);
  queue.forEach((id) => layer.set(id, 0));
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const c of conns) {
      if (c.source === id && unplaced.includes(c.target) && !layer.has(c.target)) {
        layer.set(c.target, layer.get(id)! + 1);
        queue.push(c.target);
      }
    }
  }
  const top = Number.isFinite(maxY) ? maxY + 150 : 0;
  const perLayer = new Map<number, number>();
  for (const id of unplaced) {
    const l = layer.get(id) ?? 0;
    const row = perLayer.get(l) ?? 0;
    perLayer.set(l, row + 1);
    result.set(id, { x: l * 260, y: top + row * 110 });
  }
  return result;
}

/**
 * Output ports: the ports the server reported for this activity (a FlowSwitch's cases come from its inputs, and
 * only the server's reading of them counts), else the type's declared outcomes; then any port a connection uses.
 */
export function ports(doc: WorkflowDoc, a: JsonObject, type: ActivityType | undefined, fromServer?: string[]): string[] {
  const result: string[] = [];
  const add = (p: string) => {
    if (p && !result.includes(p)) result.push(p);
  };
  (fromServer ?? type?.outcomes ?? []).forEach(add);
  connections(doc)
    .filter((c) => c.source === a.id)
    .forEach((c) => add(c.port));
  if (result.length === 0) add("Done");
  return result;
}

// --- Patches. Each returns a new document; the input is never mutated (React state).

function clone(doc: WorkflowDoc): WorkflowDoc {
  return structuredClone(doc);
}

function mutableRoot(doc: WorkflowDoc): JsonObject {
  if (!isObject(doc.root)) doc.root = { type: "Elsa.Flowchart", id: "flowchart", activities: [], connections: [] };
  return doc.root as JsonObject;
}

function mutableActivities(doc: WorkflowDoc): Json[] {
  const r = mutableRoot(doc);
  if (!Array.isArray(r.activities)) r.activities = [];
  return r.activities as Json[];
}

function mutableConnections(doc: WorkflowDoc): Json[] {
  const r = mutableRoot(doc);
  if (!Array.isArray(r.connections)) r.connections = [];
  return r.connections as Json[];
}

/** Writes a moved node's position; an unmoved node (same coordinates) leaves the document as it was. */
export function setPosition(doc: WorkflowDoc, id: string, p: Position): WorkflowDoc {
  const current = activity(doc, id);
  if (!current) return doc;
  const old = position(current);
  // Elsa Studio writes fractional positions; a node that did not really move keeps its exact numbers.
  if (old && Math.abs(old.x - p.x) < 0.5 && Math.abs(old.y - p.y) < 0.5) return doc;
  const x = Math.round(p.x);
  const y = Math.round(p.y);
  const next = clone(doc);
  const a = activity(next, id)!;
  if (!isObject(a.metadata)) a.metadata = {};
  const m = a.metadata as JsonObject;
  if (!isObject(m.designer)) m.designer = {};
  const d = m.designer as JsonObject;
  if (isObject(d.position)) {
    d.position.x = x;
    d.position.y = y;
  } else d.position = { x, y };
  return next;
}

export interface InputValue {
  typeName: string;
  expressionType: string;
  value: string;
}

export function readInput(a: JsonObject, name: string): InputValue | undefined {
  const input = a[name];
  if (!isObject(input)) return undefined;
  const e = isObject(input.expression) ? input.expression : {};
  const v = e.value;
  return {
    typeName: String(input.typeName ?? ""),
    expressionType: String(e.type ?? "Literal"),
    value: v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v),
  };
}

/** Sets an input's expression; an empty literal removes the input, so the activity's default applies. */
export function setInput(doc: WorkflowDoc, id: string, name: string, value: InputValue | undefined): WorkflowDoc {
  const next = clone(doc);
  const a = activity(next, id);
  if (!a) return doc;
  if (!value || (value.expressionType === "Literal" && value.value === "")) {
    delete a[name];
    return next;
  }
  const existing = a[name];
  if (isObject(existing)) {
    // Keep whatever else the input object carries (Elsa adds memoryReference etc.).
    existing.typeName = existing.typeName ?? value.typeName;
    const e = isObject(existing.expression) ? existing.expression : (existing.expression = {});
    (e as JsonObject).type = value.expressionType;
    (e as JsonObject).value = value.value;
  } else {
    a[name] = { typeName: value.typeName, expression: { type: value.expressionType, value: value.value } };
  }
  return next;
}

/** Replaces one activity's whole JSON (the raw editor); its id may not change, connections depend on it. */
export function replaceActivity(doc: WorkflowDoc, id: string, replacement: JsonObject): WorkflowDoc {
  if (replacement.id !== id) throw new Error(`The activity's id must stay "${id}".`);
  const next = clone(doc);
  const list = mutableActivities(next);
  const i = list.findIndex((a) => isObject(a) && a.id === id);
  if (i < 0) return doc;
  list[i] = replacement;
  return next;
}

export function newActivityId(doc: WorkflowDoc, type: string): string {
  const last = type.split(".").pop() ?? "activity";
  const base = last.charAt(0).toLowerCase() + last.slice(1);
  const taken = new Set(activities(doc).map((a) => String(a.id)));
  for (let n = 1; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

export function addActivity(doc: WorkflowDoc, type: ActivityType, at: Position, id = newActivityId(doc, type.type)): WorkflowDoc {
  const next = clone(doc);
  const a: JsonObject = {
    id,
    nodeId: `Workflow1:flowchart:${id}`,
    name: id.charAt(0).toUpperCase() + id.slice(1),
    type: type.type,
    version: type.workflowVersion ?? 1,
    ...(type.workflowDefinitionId ? { workflowDefinitionId: type.workflowDefinitionId } : {}),
    customProperties: { canStartWorkflow: false, runAsynchronously: false },
    metadata: { designer: { position: { x: Math.round(at.x), y: Math.round(at.y) }, size: { width: 200, height: 50 } } },
  };
  for (const i of type.inputs)
    if (i.defaultValue !== undefined && i.defaultValue !== null && i.defaultValue !== "")
      a[i.name] = { typeName: i.typeName, expression: { type: "Literal", value: i.defaultValue } };
  // A new composite starts empty, in the shape Elsa writes it.
  if (type.type === "Elsa.Flowchart") Object.assign(a, { activities: [], connections: [] });
  else if (type.type === "Elsa.Sequence") a.activities = [];
  mutableActivities(next).push(a);
  return next;
}

export function removeActivities(doc: WorkflowDoc, ids: string[]): WorkflowDoc {
  if (ids.length === 0) return doc;
  const gone = new Set(ids);
  const next = clone(doc);
  const r = mutableRoot(next);
  r.activities = mutableActivities(next).filter((a) => !(isObject(a) && gone.has(String(a.id))));
  const drop = new Set(connections(next).filter((c) => gone.has(c.source) || gone.has(c.target)).map((c) => c.index));
  r.connections = mutableConnections(next).filter((_, i) => !drop.has(i));
  return next;
}

/** New connections are written in the Elsa 3 form; existing ones keep whichever form they had. */
export function addConnection(doc: WorkflowDoc, source: string, port: string, target: string): WorkflowDoc {
  if (connections(doc).some((c) => c.source === source && c.port === port && c.target === target)) return doc;
  const next = clone(doc);
  mutableConnections(next).push({ source: { activity: source, port }, target: { activity: target, port: "In" }, vertices: [] });
  return next;
}

export function removeConnections(doc: WorkflowDoc, indexes: number[]): WorkflowDoc {
  if (indexes.length === 0) return doc;
  const drop = new Set(indexes);
  const next = clone(doc);
  mutableRoot(next).connections = mutableConnections(next).filter((_, i) => !drop.has(i));
  return next;
}

// --- Durations and working days, in words, so "72:00:00" (72 days to .NET and Elsa) cannot slip through.

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DayFirst = /^\s*(?:(\d+)\.)?(\d+):(\d+)(?::(\d+)(?:\.\d+)?)?\s*$/;
const HoursFirst = /^\s*(\d+):(\d+)(?::(\d+))?\s*$/;

/** Parses TimeSpan text as .NET does ("d.hh:mm:ss", "hh:mm:ss", a bare number of days). */
export function parseDuration(text: string): DurationParts | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { days: Number(t), hours: 0, minutes: 0, seconds: 0 };
  const m = DayFirst.exec(t);
  if (!m) return undefined;
  const parts = { days: Number(m[1] ?? 0), hours: Number(m[2]), minutes: Number(m[3]), seconds: Number(m[4] ?? 0) };
  // .NET reads an hours field of 24 or more without a day part as days: "72:00:00" is 72 days.
  if (!m[1] && parts.hours > 23) return { days: parts.hours, hours: parts.minutes, minutes: parts.seconds, seconds: 0 };
  if (parts.hours > 23 || parts.minutes > 59 || parts.seconds > 59) return undefined;
  return parts;
}

/** True for "72:00:00" and the like: the writer meant hours, the runtime reads days. */
export function isAmbiguousDuration(text: string): boolean {
  const m = HoursFirst.exec(text);
  return !!m && (Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59);
}

/** Normalises overflowing fields (30 hours → 1 day 6 hours) and writes the unambiguous d.hh:mm:ss form. */
export function formatDuration(p: DurationParts): string {
  let total = ((p.days * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds;
  const days = Math.floor(total / 86400);
  total -= days * 86400;
  const hours = Math.floor(total / 3600);
  total -= hours * 3600;
  const minutes = Math.floor(total / 60);
  const seconds = total - minutes * 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days}.${two(hours)}:${two(minutes)}:${two(seconds)}`;
}

export function normalise(p: DurationParts): DurationParts {
  return parseDuration(formatDuration(p))!;
}

function unit(n: number, word: string): string {
  return n === 1 ? `1 ${word}` : `${n} ${word}s`;
}

export function describeDuration(text: string): string {
  const p = parseDuration(text);
  if (!p) return `not a duration: "${text}"`;
  const n = normalise(p);
  const words: string[] = [];
  if (n.days) words.push(unit(n.days, "day"));
  if (n.hours) words.push(unit(n.hours, "hour"));
  if (n.minutes) words.push(unit(n.minutes, "minute"));
  if (n.seconds) words.push(unit(n.seconds, "second"));
  return words.length ? words.join(" ") : "0 seconds";
}

export function describeWorkingDays(text: string): string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `not a number of working days: "${text}"`;
  return unit(Number(t), "working day");
}

// --- Copy and paste: activities with the connections among them, under fresh ids.

export interface Clip {
  activities: JsonObject[];
  /** Connections whose both ends are in the clip, by the copied ids. */
  connections: { source: string; port: string; target: string }[];
}

export function copyActivities(doc: WorkflowDoc, ids: string[]): Clip | undefined {
  const wanted = new Set(ids);
  const acts = activities(doc).filter((a) => wanted.has(String(a.id)));
  if (acts.length === 0) return undefined;
  return {
    activities: structuredClone(acts),
    connections: connections(doc).filter((c) => wanted.has(c.source) && wanted.has(c.target)).map(({ source, port, target }) => ({ source, port, target })),
  };
}

/** Pastes a clip moved by <offset>: each activity gets a new id (and name and node id to match), connections follow. */
export function pasteActivities(doc: WorkflowDoc, clip: Clip, offset: Position): { doc: WorkflowDoc; ids: string[] } {
  let next = clone(doc);
  const renamed = new Map<string, string>();
  for (const original of clip.activities) {
    const a = structuredClone(original);
    const id = newActivityId(next, String(a.type));
    renamed.set(String(a.id), id);
    a.id = id;
    a.nodeId = `Workflow1:flowchart:${id}`;
    a.name = id.charAt(0).toUpperCase() + id.slice(1);
    // Two activities called "Time limit at L1" on one chart would be mistaken for each other.
    if (isObject(a.metadata) && typeof a.metadata.displayText === "string" && a.metadata.displayText) a.metadata.displayText += " (copy)";
    const p = position(a);
    if (p) next = setPositionOn(a, { x: p.x + offset.x, y: p.y + offset.y }, next);
    mutableActivities(next).push(a);
  }
  for (const c of clip.connections)
    mutableConnections(next).push({ source: { activity: renamed.get(c.source)!, port: c.port }, target: { activity: renamed.get(c.target)!, port: "In" }, vertices: [] });
  return { doc: next, ids: [...renamed.values()] };
}

function setPositionOn(a: JsonObject, p: Position, doc: WorkflowDoc): WorkflowDoc {
  if (!isObject(a.metadata)) a.metadata = {};
  const m = a.metadata as JsonObject;
  if (!isObject(m.designer)) m.designer = {};
  (m.designer as JsonObject).position = { x: Math.round(p.x), y: Math.round(p.y) };
  return doc;
}

// --- What the administrator names an activity: Elsa keeps it as metadata.displayText.

export function displayText(a: JsonObject): string | undefined {
  const m = a.metadata;
  return isObject(m) && typeof m.displayText === "string" && m.displayText.trim() ? m.displayText : undefined;
}

/** The label an activity is shown by: its display text, else its name, else its id. */
export function label(a: JsonObject): string {
  return displayText(a) ?? String(a.name ?? a.id);
}

export function setDisplayText(doc: WorkflowDoc, id: string, text: string): WorkflowDoc {
  const next = clone(doc);
  const a = activity(next, id);
  if (!a) return doc;
  if (!isObject(a.metadata)) a.metadata = {};
  const m = a.metadata as JsonObject;
  if (text.trim()) m.displayText = text;
  else delete m.displayText;
  return next;
}

// --- FlowSwitch cases and SetVariable's variable, in the shapes Elsa writes (plain properties, not inputs).

export interface SwitchCase {
  label: string;
  condition: string;
}

export function readSwitchCases(a: JsonObject): SwitchCase[] {
  let raw: Json | undefined = a.cases;
  // A designer that wrapped them as an input ({"expression":{"value":"[...]"}}) is read too, and written back plain.
  if (isObject(raw) && isObject(raw.expression) && typeof raw.expression.value === "string") {
    try { raw = JSON.parse(raw.expression.value) as Json; } catch { raw = []; }
  }
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).map((c) => ({
    label: String(c.label ?? ""),
    condition: isObject(c.condition) ? String(c.condition.value ?? "") : typeof c.condition === "string" ? c.condition : "",
  }));
}

export function setSwitchCases(doc: WorkflowDoc, id: string, cases: SwitchCase[]): WorkflowDoc {
  const next = clone(doc);
  const a = activity(next, id);
  if (!a) return doc;
  a.cases = cases.map((c) => ({ label: c.label, condition: { type: "JavaScript", value: c.condition } }));
  return next;
}

export interface VariableDecl {
  id: string;
  name: string;
  typeName: string;
}

export function variables(doc: WorkflowDoc): VariableDecl[] {
  const list = Array.isArray(doc.variables) ? doc.variables : isObject(doc.root) && Array.isArray(doc.root.variables) ? doc.root.variables : [];
  return list.filter(isObject).map((v) => ({ id: String(v.id ?? v.name ?? ""), name: String(v.name ?? v.id ?? ""), typeName: String(v.typeName ?? "Object") }));
}

/** SetVariable names its variable by id, with the declaration's name and type beside it, as Elsa Studio writes it. */
export function setVariableRef(doc: WorkflowDoc, id: string, variableId: string): WorkflowDoc {
  const declared = (Array.isArray(doc.variables) ? doc.variables : []).filter(isObject).find((v) => String(v.id ?? v.name) === variableId);
  const next = clone(doc);
  const a = activity(next, id);
  if (!a) return doc;
  if (!variableId) delete a.variable;
  else a.variable = declared ? structuredClone(declared) : { id: variableId, name: variableId };
  return next;
}

// --- Cron expressions in words (Elsa's six fields, seconds first, evaluated in UTC), in India Standard Time.

const Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function describeCron(expression: string): string {
  const f = expression.trim().split(/\s+/);
  if (f.length !== 6) return `cron "${expression}" (Elsa needs six fields, seconds first)`;
  const [sec, min, hour, dom, mon, dow] = f;
  const n = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
  const s = n(sec), m = n(min), h = n(hour);
  if (s === undefined || m === undefined || h === undefined || mon !== "*") return `cron "${expression}" (UTC)`;
  // UTC to IST: +5:30, which may move the time into the next day.
  let total = h * 60 + m + 330;
  const nextDay = total >= 24 * 60;
  total %= 24 * 60;
  const time = `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")} IST`;
  if (dom === "*" && (dow === "*" || dow === "?")) return `Every day at ${time}`;
  if (dom === "*" || dom === "?") {
    const days = dow.split(",").map((d) => n(d));
    if (days.every((d) => d !== undefined && d >= 0 && d <= 7))
      return `Every ${days.map((d) => Days[((d! % 7) + (nextDay ? 1 : 0)) % 7]).join(", ")} at ${time}`;
  }
  if (n(dom) !== undefined && (dow === "*" || dow === "?") && !nextDay) return `On day ${dom} of every month at ${time}`;
  return `cron "${expression}" (UTC)`;
}

// --- Undo and redo: whole documents (they are small), edits to one field within a moment counted as one step.

export interface EditHistory {
  past: WorkflowDoc[];
  future: WorkflowDoc[];
  /** The field the last step edited and when, so typing "15" is one step, not two. */
  last?: { key: string; at: number };
}

export const HistoryLimit = 200;

export function record(h: EditHistory, before: WorkflowDoc, key?: string, now = Date.now()): EditHistory {
  if (key && h.last?.key === key && now - h.last.at < 1500 && h.past.length > 0) return { ...h, future: [], last: { key, at: now } };
  const past = [...h.past, before];
  if (past.length > HistoryLimit) past.splice(0, past.length - HistoryLimit);
  return { past, future: [], last: key ? { key, at: now } : undefined };
}

export function undo(h: EditHistory, current: WorkflowDoc): { history: EditHistory; doc: WorkflowDoc } | undefined {
  if (h.past.length === 0) return undefined;
  return { history: { past: h.past.slice(0, -1), future: [current, ...h.future] }, doc: h.past[h.past.length - 1] };
}

export function redo(h: EditHistory, current: WorkflowDoc): { history: EditHistory; doc: WorkflowDoc } | undefined {
  if (h.future.length === 0) return undefined;
  return { history: { past: [...h.past, current], future: h.future.slice(1) }, doc: h.future[0] };
}

// --- Tidy layout: the escalation as lanes, level by level from left to right, everything else in a row beneath.

export interface LevelRef {
  level: number;
  timerId: string;
  escalateId: string | null;
  flagId: string | null;
}

export const LaneWidth = 720;

/**
 * Positions every activity: each level's SLA timer in its lane (L1 leftmost) with what leads into it just before it and
 * its escalation (or the Chief Secretary flag) above; the start before L1; the rest (feedback, closure, routing) in a row
 * beneath, in the order the flow reaches them. Manual positions are replaced, so it runs only when asked (and undo
 * brings them back).
 */
export function laneLayout(doc: WorkflowDoc, levels: LevelRef[]): WorkflowDoc {
  const acts = activities(doc);
  const conns = connections(doc);
  const placed = new Map<string, Position>();
  const chainY = 300;
  for (const l of [...levels].sort((a, b) => a.level - b.level)) {
    const x = 260 + (l.level - 1) * LaneWidth;
    placed.set(l.timerId, { x: x + 220, y: chainY });
    // What enters the timer (a join, the start of the level) sits just before it, unless already placed.
    for (const c of conns.filter((c) => c.target === l.timerId && !placed.has(c.source))) placed.set(c.source, { x, y: chainY });
    const up = l.escalateId ?? l.flagId;
    if (up && !placed.has(up)) placed.set(up, { x: x + 460, y: chainY - 150 });
  }
  // The start before the first lane, when nothing placed it.
  const inbound = new Set(conns.map((c) => c.target));
  for (const a of acts.filter((a) => !inbound.has(String(a.id)) && !placed.has(String(a.id)))) placed.set(String(a.id), { x: 0, y: chainY });
  // The rest, beneath, in the order a walk from the placed ones reaches them.
  const order: string[] = [];
  const queue = [...placed.keys()];
  const seen = new Set(queue);
  while (queue.length) {
    const id = queue.shift()!;
    for (const c of conns.filter((c) => c.source === id)) {
      if (seen.has(c.target)) continue;
      seen.add(c.target);
      queue.push(c.target);
      if (!placed.has(c.target)) order.push(c.target);
    }
  }
  for (const a of acts) if (!seen.has(String(a.id))) order.push(String(a.id));
  order.forEach((id, i) => placed.set(id, { x: 260 + i * 240, y: chainY + 260 + (i % 2) * 110 }));
  let next = doc;
  for (const [id, p] of placed) next = setPosition(next, id, p);
  return next;
}

/** Elsa types that hold other activities, run by the server as a body of their own. */
const compositeTypes = new Set(["Elsa.Flowchart", "Elsa.Sequence", "Elsa.FlowNode", "Elsa.If", "Elsa.Switch", "Elsa.Fork", "Elsa.ForEach", "Elsa.ParallelForEach", "Elsa.For", "Elsa.While"]);

/** What a composite holds, for the inspector: nested activities (read from the file) or the workflow it runs. */
export interface CompositeContents {
  /** The definition a workflow activity runs; open it to see or change it. */
  workflowDefinitionId?: string;
  /** Nested activities, by where they sit (activities, body, then, else), with their display labels. */
  children: { slot: string; id: string; type: string; label: string; children: number; node: JsonObject }[];
}

export function compositeContents(a: JsonObject, type: ActivityType | undefined): CompositeContents | undefined {
  const definitionId = typeof a.workflowDefinitionId === "string" ? a.workflowDefinitionId : type?.workflowDefinitionId ?? undefined;
  if (definitionId) return { workflowDefinitionId: definitionId, children: [] };
  if (!compositeTypes.has(String(a.type))) return undefined;
  const children: CompositeContents["children"] = [];
  const add = (slot: string, c: Json | undefined) => {
    if (!isObject(c)) return;
    const nested = compositeTypes.has(String(c.type)) ? (compositeContents(c, undefined)?.children.length ?? 0) : 0;
    children.push({ slot, id: String(c.id ?? ""), type: String(c.type ?? ""), label: label(c), children: nested, node: c });
  };
  if (Array.isArray(a.activities)) for (const c of a.activities) add("activities", c);
  if (Array.isArray(a.branches)) for (const c of a.branches) add("branch", c);
  if (Array.isArray(a.cases)) for (const c of a.cases) if (isObject(c)) add(`case ${String(c.label ?? "")}`, c.activity);
  for (const slot of ["body", "then", "else", "default"]) add(slot, a[slot]);
  return { children };
}
