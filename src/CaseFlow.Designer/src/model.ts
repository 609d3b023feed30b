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
  defaultValue?: string | null;
  uiHint: string;
}

export interface ActivityType {
  type: string;
  displayName: string;
  category: string;
  description?: string | null;
  inputs: InputDescriptor[];
  outcomes: string[];
  dynamicOutcomes: boolean;
  isTrigger: boolean;
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
    version: 1,
    customProperties: { canStartWorkflow: false, runAsynchronously: false },
    metadata: { designer: { position: { x: Math.round(at.x), y: Math.round(at.y) }, size: { width: 200, height: 50 } } },
  };
  for (const i of type.inputs)
    if (i.defaultValue !== undefined && i.defaultValue !== null && i.defaultValue !== "")
      a[i.name] = { typeName: i.typeName, expression: { type: "Literal", value: i.defaultValue } };
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
