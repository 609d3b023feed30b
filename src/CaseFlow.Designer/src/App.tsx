import { useCallback, useContext, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import {
  Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges, applyNodeChanges, useNodesInitialized, useReactFlow,
  type Connection, type Edge, type EdgeChange, type NodeChange,
} from "@xyflow/react";
import { api, ApiError, type Change, type DefinitionSummary, type EscalationLevel, type InstanceDetail, type Issue, type SimulatedLevel, type WhatIf } from "./api";
import { categoryName, escalateTo, eventWords, istText, LangContext, levelPost, say, storedLang, storeLang, t, type Lang } from "./i18n";
import { ActivityNode, type ActivityFlowNode } from "./ActivityNode";
import { CasesEditor, InputEditor, RawActivityEditor, VariableEditor } from "./editors";
import {
  activities, activity, addActivity, addConnection, compositeContents, connections, copyActivities, describeCron, displayText, isObject, label, layout,
  laneLayout, numberProblem, parseWorkflow, pasteActivities, percentToShare, ports, readInput, record, redo, removeActivities, removeConnections,
  replaceActivity, serializeWorkflow, shareToPercent,
  setDisplayText, setInput, setPosition, setSwitchCases, setVariableRef, undo, variables, type ActivityType, type Clip,
  type EditHistory, type Json, type JsonObject, type WorkflowDoc,
} from "./model";

const nodeTypes = { activity: ActivityNode };

type Route = { view: "list" } | { view: "edit"; id: string } | { view: "instance"; key: string };

function readRoute(): Route {
  const h = decodeURIComponent(window.location.hash.replace(/^#\/?/, ""));
  if (h.startsWith("definitions/")) return { view: "edit", id: h.slice("definitions/".length) };
  if (h.startsWith("instances/")) return { view: "instance", key: h.slice("instances/".length) };
  return { view: "list" };
}

/** Set by an editor with unsaved changes: in-app navigation asks before leaving it. */
let unsavedWork: (() => boolean) | undefined;

/** Copied activities, kept across definitions (an administrator copies from one flow into another). */
let clipboard: Clip | undefined;

/** The question before unsaved work is left, in the language chosen. */
function leaveQuestion(lang: Lang = storedLang()): string {
  return t(lang, "This definition has unsaved changes. Leave without saving them?", "इस परिभाषा में बिना सहेजे बदलाव हैं। उन्हें सहेजे बिना छोड़ें?");
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

export function App() {
  const [route, setRoute] = useState<Route>(readRoute);
  const [types, setTypes] = useState<ActivityType[]>([]);
  const [lang, setLang] = useState<Lang>(storedLang);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  useEffect(() => {
    // The hash has already changed when this fires: with unsaved work, ask, and put the editor's address back if the answer is no.
    let current = window.location.hash;
    const on = () => {
      if (unsavedWork?.() && !window.confirm(leaveQuestion())) {
        window.history.replaceState(null, "", current);
        return;
      }
      current = window.location.hash;
      setRoute(readRoute());
    };
    window.addEventListener("hashchange", on);
    api.activityTypes().then(setTypes).catch(() => undefined);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  const switchLang = () => {
    const next = lang === "en" ? "hi" : "en";
    storeLang(next);
    setLang(next);
  };
  return (
    <LangContext.Provider value={lang}>
    <div className="app">
      <header className="top">
        <a href="#/" className="brand">{say("title", lang)}</a>
        <div className="signout">
          <button type="button" data-testid="language" onClick={switchLang} title={lang === "en" ? "हिन्दी में देखें" : "View in English"}>
            {lang === "en" ? "हिन्दी" : "English"}
          </button>
          <button type="button" onClick={() => api.signOut().finally(() => { window.location.href = "/designer/login"; })}>{say("signOut", lang)}</button>
        </div>
      </header>
      {route.view === "list" && <DefinitionList />}
      {route.view === "edit" && (
        <ReactFlowProvider key={route.id}>
          <Editor definitionId={route.id} types={types} />
        </ReactFlowProvider>
      )}
      {route.view === "instance" && (
        <ReactFlowProvider key={route.key}>
          <InstanceView idOrCase={route.key} types={types} />
        </ReactFlowProvider>
      )}
    </div>
    </LangContext.Provider>
  );
}

function DefinitionList() {
  const lang = useContext(LangContext);
  const [list, setList] = useState<DefinitionSummary[]>();
  const [error, setError] = useState<string>();
  const [lookup, setLookup] = useState("");
  useEffect(() => {
    api.definitions().then(setList).catch((e) => setError(String(e.message)));
  }, []);
  const importFile = async (file: File) => {
    try {
      const saved = await api.importJson(await file.text());
      window.location.hash = `#/definitions/${saved.definition.definitionId}`;
    } catch (e) {
      setError(`Import failed: ${(e as Error).message}`);
    }
  };
  return (
    <main className="list-view">
      <h1>{t(lang, "Workflow definitions", "वर्कफ़्लो परिभाषाएँ")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="definitions" data-testid="definitions">
        <thead><tr><th>{t(lang, "Name", "नाम")}</th><th>Id</th><th>{t(lang, "Version", "संस्करण")}</th><th>{t(lang, "State", "स्थिति")}</th><th>{t(lang, "Running instances", "चल रहे उदाहरण")}</th></tr></thead>
        <tbody>
          {list?.map((d) => (
            <tr key={d.definitionId}>
              <td><a href={`#/definitions/${d.definitionId}`} data-testid={`open-${d.definitionId}`}>{d.name ?? d.definitionId}</a></td>
              <td><code>{d.definitionId}</code></td>
              <td>{d.version}</td>
              <td>{d.isPublished ? say("published", lang) : d.publishedVersion ? `${say("draft", lang)} (v${d.publishedVersion} ${say("published", lang)})` : say("draft", lang)}</td>
              <td>{d.runningInstances ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="side-actions">
        <label className="button">Import JSON… <input type="file" accept=".json,application/json" hidden onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} /></label>
        <form onSubmit={(e) => { e.preventDefault(); if (lookup) window.location.hash = `#/instances/${lookup.trim()}`; }}>
          <label>{t(lang, "Case number or instance id", "शिकायत संख्या या उदाहरण id")} <input value={lookup} onChange={(e) => setLookup(e.target.value)} data-testid="instance-lookup" /></label>
          <button type="submit">{t(lang, "Open instance", "खोलें")}</button>
        </form>
      </section>
    </main>
  );
}

function issuesByActivity(issues: Issue[]): Map<string, Issue[]> {
  const map = new Map<string, Issue[]>();
  for (const i of issues) if (i.activityId) map.set(i.activityId, [...(map.get(i.activityId) ?? []), i]);
  return map;
}

/** A join that many connections run into (the flow's "resolved", "disposed", "back to work"): its lines are bundled. */
const BundleAt = 3;

/**
 * Nodes and edges for React Flow. With <bundle>, connections into a join that many run into are not drawn as long
 * crossing curves: the port they leave from says where it goes ("Resolved → Disposed") and the join shows how many
 * arrive. The document is unchanged; "Show all connections" draws every line.
 */
function buildGraph(doc: WorkflowDoc, types: ActivityType[], issues: Issue[], states?: Map<string, "passed" | "waiting">,
  serverPorts?: Record<string, string[]>, bundle = false): { nodes: ActivityFlowNode[]; edges: Edge[] } {
  const at = layout(doc);
  const byType = new Map(types.map((t) => [t.type, t]));
  const byActivity = issuesByActivity(issues);
  const conns = connections(doc);
  const acts = activities(doc);
  const inbound = new Map<string, number>();
  for (const c of conns) inbound.set(c.target, (inbound.get(c.target) ?? 0) + 1);
  const bundled = new Set(bundle ? acts.filter((a) => a.type === "Elsa.FlowJoin" && (inbound.get(String(a.id)) ?? 0) >= BundleAt).map((a) => String(a.id)) : []);
  const stubs = new Map<string, Record<string, string>>();
  for (const c of conns.filter((c) => bundled.has(c.target))) {
    const target = acts.find((a) => a.id === c.target);
    stubs.set(c.source, { ...(stubs.get(c.source) ?? {}), [c.port]: target ? label(target) : c.target });
  }
  const nodes: ActivityFlowNode[] = acts.map((a) => {
    const id = String(a.id);
    const type = byType.get(String(a.type));
    return {
      id, type: "activity", position: at.get(id) ?? { x: 0, y: 0 },
      data: {
        activity: a, type, ports: ports(doc, a, type, serverPorts?.[id]), issues: byActivity.get(id) ?? [], state: states?.get(id),
        stubs: stubs.get(id), arriving: bundled.has(id) ? inbound.get(id) : undefined,
      },
    };
  });
  // An edge's id names its ends and port, so a selection survives the rebuild after another edit.
  const edges: Edge[] = conns.map((c) => ({
    id: `e:${c.source}:${c.port}:${c.target}`, source: c.source, sourceHandle: c.port, target: c.target, targetHandle: "In",
    label: c.port, data: { index: c.index }, hidden: bundled.has(c.target),
    className: states && states.get(c.source) === "passed" && states.has(c.target) ? "passed" : undefined,
  }));
  return { nodes, edges };
}

function Editor({ definitionId, types }: { definitionId: string; types: ActivityType[] }) {
  const flow = useReactFlow();
  const [doc, setDoc] = useState<WorkflowDoc>();
  // The document as last opened or saved: "unsaved" means the one on screen is another (an undo back to it is saved again).
  const [savedDoc, setSavedDoc] = useState<WorkflowDoc>();
  const [history, setHistory] = useState<EditHistory>({ past: [], future: [] });
  const [meta, setMeta] = useState<DefinitionSummary>();
  const [versions, setVersions] = useState<DefinitionSummary[]>([]);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [serverPorts, setServerPorts] = useState<Record<string, string[]>>({});
  const [status, setStatus] = useState<string>("");
  const [nodes, setNodes] = useState<ActivityFlowNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [edgeMenu, setEdgeMenu] = useState<{ x: number; y: number; edge: Edge }>();
  const [panel, setPanel] = useState<"inspector" | "history" | "rules" | "preview">("inspector");
  const [levels, setLevels] = useState<EscalationLevel[]>([]);
  const lang = useContext(LangContext);
  const [changes, setChanges] = useState<{ from: number; to: number; changes: Change[] }>();
  // Activities to select once the graph is rebuilt (after a paste or a drop).
  const selectNext = useRef<Set<string> | undefined>(undefined);
  const pastes = useRef(0);
  const dirty = !!doc && doc !== savedDoc;

  const load = useCallback(async (version?: number) => {
    const d = await api.definition(definitionId, version);
    const parsed = parseWorkflow(d.json);
    setDoc(parsed);
    setSavedDoc(parsed);
    setHistory({ past: [], future: [] });
    setMeta(d.definition);
    setVersions(d.versions);
    const v = await api.validate(d.json);
    setIssues(v.issues);
    setServerPorts(v.ports);
    setLevels(v.levels ?? []);
  }, [definitionId]);

  useEffect(() => {
    load().catch((e) => setStatus(t(lang, `Could not open ${definitionId}: ${(e as Error).message}`, `${definitionId} नहीं खुल सका: ${(e as Error).message}`)));
  }, [load, definitionId]);

  // Unsaved work is not lost without a question: leaving the page or the app asks first.
  useEffect(() => {
    unsavedWork = () => dirty;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!dirty) return;
      e.preventDefault();
      e.returnValue = leaveQuestion(lang);
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      unsavedWork = undefined;
    };
  }, [dirty]);

  // Every edit is checked by the server shortly after it is made: issues show on their nodes, and ports that come
  // from inputs (a FlowSwitch's cases) follow the server's reading of them rather than a second copy of that rule here.
  useEffect(() => {
    if (!doc || doc === savedDoc) return;
    const timer = window.setTimeout(() => {
      api.validate(serializeWorkflow(doc)).then((v) => {
        setIssues(v.issues);
        setServerPorts(v.ports);
        setLevels(v.levels ?? []);
      }, () => { /* a draft the server cannot parse keeps its last answer; Validate and Save say why */ });
    }, 300);
    return () => window.clearTimeout(timer);
  }, [doc, savedDoc]);

  const [bundle, setBundle] = useState(true);
  const graph = useMemo(() => (doc ? buildGraph(doc, types, issues, undefined, serverPorts, bundle) : { nodes: [], edges: [] }), [doc, types, issues, serverPorts, bundle]);
  useEffect(() => {
    // Each rebuild (every edit, every validation answer) keeps the sizes React Flow measured and the selection: a node
    // without its size is hidden until measured again, so the whole graph would blink after each keystroke.
    const want = selectNext.current;
    selectNext.current = undefined;
    setNodes((old) => {
      const before = new Map(old.map((n) => [n.id, n]));
      return graph.nodes.map((n) => ({ ...n, measured: before.get(n.id)?.measured, selected: want ? want.has(n.id) : !!before.get(n.id)?.selected }));
    });
    setEdges((old) => {
      const kept = new Set(old.filter((e) => e.selected).map((e) => e.id));
      return graph.edges.map((e) => ({ ...e, selected: !want && kept.has(e.id) }));
    });
  }, [graph]);

  const selectedIds = nodes.filter((n) => n.selected).map((n) => n.id);

  // The first view shows where the flow begins, at a size that can be read: a whole escalation fitted at once is a third
  // of life size, its text a few pixels high. The minimap, the fit button and the outline reach the rest.
  const canvasRef = useRef<HTMLDivElement>(null);
  const initialized = useNodesInitialized();
  const placed = useRef(false);
  useEffect(() => {
    if (!initialized || placed.current || nodes.length === 0 || !canvasRef.current) return;
    placed.current = true;
    const left = Math.min(...nodes.map((n) => n.position.x));
    const first = nodes.filter((n) => n.position.x < left + 600);
    const top = Math.min(...first.map((n) => n.position.y));
    const bottom = Math.max(...first.map((n) => n.position.y + (n.measured?.height ?? 50)));
    const box = canvasRef.current.getBoundingClientRect();
    const zoom = 0.85;
    flow.setViewport({ x: 30 - left * zoom, y: box.height / 2 - ((top + bottom) / 2) * zoom, zoom });
  }, [initialized, nodes, flow]);

  /** Every edit goes through here, so each can be undone. <key> names the field typed into: keystrokes in one field within a moment are one step. */
  const change = (next: WorkflowDoc, key?: string) => {
    if (!doc || next === doc) return;
    setHistory((h) => record(h, doc, key));
    setDoc(next);
  };

  const stepBack = () => {
    const u = doc && undo(history, doc);
    if (!u) return;
    setHistory(u.history);
    setDoc(u.doc);
    setStatus(t(lang, "Undone.", "पूर्ववत किया गया।"));
  };

  const stepForward = () => {
    const r = doc && redo(history, doc);
    if (!r) return;
    setHistory(r.history);
    setDoc(r.doc);
    setStatus(t(lang, "Redone.", "फिर से किया गया।"));
  };

  const copy = () => {
    if (!doc) return;
    const clip = copyActivities(doc, selectedIds);
    if (!clip) return;
    clipboard = clip;
    pastes.current = 0;
    // Also on the system clipboard as Elsa JSON where the browser allows it; the designer itself reads its own copy.
    navigator.clipboard?.writeText(JSON.stringify(clip, null, 2)).catch(() => undefined);
    setStatus(t(lang, `Copied ${clip.activities.length} activit${clip.activities.length === 1 ? "y" : "ies"}${clip.connections.length ? ` and ${clip.connections.length} connection(s) between them` : ""}.`,
      `${clip.activities.length} गतिविधि(याँ)${clip.connections.length ? ` और उनके बीच ${clip.connections.length} संबंध` : ""} कॉपी किए गए।`));
  };

  const paste = () => {
    if (!doc || !clipboard) return;
    pastes.current++;
    const { doc: next, ids } = pasteActivities(doc, clipboard, { x: 40 * pastes.current, y: 40 * pastes.current });
    selectNext.current = new Set(ids);
    change(next);
    setStatus(t(lang, `Pasted ${ids.join(", ")}.`, `चिपकाया गया: ${ids.join(", ")}।`));
  };

  // Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) / Ctrl+C / Ctrl+V on the canvas; inside a text field they keep their usual meaning.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || isTyping(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === "z" && !e.shiftKey) stepBack();
      else if ((k === "z" && e.shiftKey) || k === "y") stepForward();
      else if (k === "c") copy();
      else if (k === "v") paste();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const onNodesChange = (c: NodeChange<ActivityFlowNode>[]) => setNodes((ns) => applyNodeChanges(c, ns));

  // Clicking a connection selects it (Delete or Backspace then removes it); so does its context menu.
  const onEdgesChange = (c: EdgeChange[]) => setEdges((es) => applyEdgeChanges(c, es));

  const deleteEdges = (es: Edge[]) => {
    if (!doc || es.length === 0) return;
    change(removeConnections(doc, es.map((e) => (e.data as { index: number }).index)));
    setEdgeMenu(undefined);
  };

  const onConnect = (c: Connection) => {
    if (doc && c.source && c.target) change(addConnection(doc, c.source, c.sourceHandle ?? "Done", c.target));
  };

  const onDelete = ({ nodes: ns, edges: es }: { nodes: ActivityFlowNode[]; edges: Edge[] }) => {
    if (!doc) return;
    let next = removeConnections(doc, es.map((e) => (e.data as { index: number }).index));
    next = removeActivities(next, ns.map((n) => n.id));
    change(next);
  };

  const addAt = (t: ActivityType, at: { x: number; y: number }) => {
    if (!doc) return;
    const next = addActivity(doc, t, at);
    const added = activities(next).at(-1);
    if (added) selectNext.current = new Set([String(added.id)]);
    change(next);
  };

  // A click on a palette item drops it in the middle of the view; dragging it drops it where it is let go.
  const addFromPalette = (t: ActivityType) => addAt(t, flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 }));

  const onDrop = (e: DragEvent) => {
    const type = types.find((t) => t.type === e.dataTransfer.getData(PaletteMime));
    if (!type) return;
    e.preventDefault();
    // The node's top-left corner goes where the pointer is, less a little so the pointer lands on the node.
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addAt(type, { x: at.x - 20, y: at.y - 10 });
  };

  const save = async (): Promise<DefinitionSummary | undefined> => {
    if (!doc) return;
    setStatus(t(lang, "Saving…", "सहेजा जा रहा है…"));
    try {
      const saving = doc;
      const saved = await api.saveDraft(serializeWorkflow(saving));
      setMeta(saved.definition);
      setIssues(saved.issues);
      setSavedDoc(saving);
      setVersions((await api.definition(definitionId)).versions);
      const errors = saved.issues.filter((i) => i.severity === "ERROR").length;
      setStatus(t(lang, `Saved draft v${saved.definition.version}${errors ? ` with ${errors} error(s): it cannot be published until they are fixed` : ""}.`,
        `मसौदा v${saved.definition.version} सहेजा गया${errors ? `; ${errors} त्रुटि(याँ) ठीक होने तक प्रकाशित नहीं हो सकता` : ""}।`));
      return saved.definition;
    } catch (e) {
      setStatus(t(lang, `Not saved: ${(e as Error).message}`, `नहीं सहेजा गया: ${(e as Error).message}`));
    }
  };

  const validate = async () => {
    if (!doc) return;
    const v = await api.validate(serializeWorkflow(doc));
    setIssues(v.issues);
    setServerPorts(v.ports);
    setLevels(v.levels ?? []);
    const errorCount = v.issues.filter((i) => i.severity === "ERROR").length;
    setStatus(v.publishable ? t(lang, "Valid: it can be published.", "सही है: प्रकाशित किया जा सकता है।")
      : t(lang, `${errorCount} error(s): shown on the activities.`, `${errorCount} त्रुटि(याँ): गतिविधियों पर दिखाई गई हैं।`));
  };

  const publish = async () => {
    const target = dirty || !meta ? await save() : meta;
    if (!target) return;
    // Before it takes effect, the administrator reads in plain words what changes and whom it touches.
    const inForce = versions.find((v) => v.isPublished);
    let note = "";
    if (inForce && inForce.version !== target.version) {
      let summary = "";
      try {
        const d = await api.diff(definitionId, target.version);
        summary = d.changes.length === 0 ? "No changes from the published version." :
          d.changes.slice(0, 12).map((c) => `• ${c.summary}`).join("\n") + (d.changes.length > 12 ? `\n… and ${d.changes.length - 12} more` : "");
      } catch { summary = "(the changes could not be listed)"; }
      const running = (await api.definition(definitionId).catch(() => undefined))?.runningInstances ?? 0;
      // The question is also where the note for the record is written: Cancel publishes nothing.
      const answer = window.prompt(t(lang,
        `Publish v${target.version} in place of v${inForce.version}?\n\n${summary}\n\nIt applies to cases registered from now on; ` +
        `${running} running case${running === 1 ? "" : "s"} keep${running === 1 ? "s" : ""} the version ${running === 1 ? "it" : "they"} started on.\n\n` +
        "A note for the record (why this change), then OK to publish:",
        `v${inForce.version} के स्थान पर v${target.version} प्रकाशित करें?\n\n${summary}\n\nयह अब से पंजीकृत शिकायतों पर लागू होगा; ` +
        `चल रही ${running} शिकायतें अपना संस्करण रखेंगी।\n\nअभिलेख के लिए टिप्पणी (यह बदलाव क्यों), फिर प्रकाशित करने के लिए OK:`), "");
      if (answer === null) {
        setStatus(t(lang, "Not published: cancelled.", "प्रकाशित नहीं: रद्द किया गया।"));
        return;
      }
      note = answer.trim().slice(0, 500);
    }
    setStatus(t(lang, `Publishing v${target.version}…`, `v${target.version} प्रकाशित हो रहा है…`));
    try {
      const p = await api.publish(definitionId, target.version, note);
      setMeta(p.definition);
      setIssues(p.issues);
      setVersions((await api.definition(definitionId)).versions);
      setStatus(t(lang, `Published v${p.definition.version}: new cases follow it; running cases keep their version.`,
        `v${p.definition.version} प्रकाशित: नई शिकायतें इसका पालन करेंगी; चल रही शिकायतें अपना संस्करण रखेंगी।`));
    } catch (e) {
      if (e instanceof ApiError && e.issues.length) setIssues(e.issues);
      setStatus(t(lang, `Not published: ${(e as Error).message} Fix the errors shown on the activities.`,
        `प्रकाशित नहीं: ${(e as Error).message} गतिविधियों पर दिखाई गई त्रुटियाँ ठीक करें।`));
    }
  };

  const showDiff = async (version: number) => {
    try {
      setChanges(await api.diff(definitionId, version));
    } catch (e) {
      setStatus((e as Error).message);
    }
  };

  // An old version comes back as a new draft: nothing published changes, and the history keeps every version.
  const restore = async (version: number) => {
    const draft = versions.find((v) => !v.isPublished && !v.publishedAt);
    if (!window.confirm(t(lang,
      `Restore v${version} as a new draft?` + (draft ? ` It replaces the current draft v${draft.version}.` : "") +
      (dirty ? " Your unsaved changes on screen are dropped." : "") + " Nothing is published until you publish it.",
      `v${version} को नए मसौदे के रूप में लौटाएँ?` + (draft ? ` यह वर्तमान मसौदा v${draft.version} बदल देगा।` : "") +
      (dirty ? " स्क्रीन के बिना सहेजे बदलाव हट जाएँगे।" : "") + " प्रकाशित करने तक कुछ प्रकाशित नहीं होगा।"))) return;
    try {
      const old = await api.definition(definitionId, version);
      const saved = await api.saveDraft(old.json);
      await load();
      setStatus(t(lang, `Restored v${version} as draft v${saved.definition.version}.`, `v${version} मसौदा v${saved.definition.version} के रूप में लौटाया गया।`));
    } catch (e) {
      setStatus(t(lang, `Not restored: ${(e as Error).message}`, `नहीं लौटाया गया: ${(e as Error).message}`));
    }
  };

  const openVersion = (version: number) => {
    if (dirty && !window.confirm(leaveQuestion(lang))) return;
    load(version).catch((e) => setStatus((e as Error).message));
  };

  // Export is what is on screen, saved or not: the file an administrator downloads is the flow they are looking at.
  const exportOnScreen = () => {
    if (!doc) return;
    const url = URL.createObjectURL(new Blob([serializeWorkflow(doc)], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${definitionId}${dirty ? "-unsaved" : meta ? `-v${meta.version}` : ""}.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  // An import says what it will replace before it does: this definition's screen (undoable), or another definition.
  const importFile = async (file: File) => {
    try {
      const text = await file.text();
      const imported = parseWorkflow(text);
      const name = String(imported.name ?? imported.definitionId ?? file.name);
      if (imported.definitionId && imported.definitionId !== definitionId) {
        if (!window.confirm(t(lang,
          `"${file.name}" is the definition "${name}" (${String(imported.definitionId)}), not "${String(doc?.name ?? definitionId)}". ` +
          `Import it as a new draft of ${String(imported.definitionId)} and open it there? Nothing here changes${dirty ? ", but this screen's unsaved changes are left behind" : ""}.`,
          `"${file.name}" परिभाषा "${name}" (${String(imported.definitionId)}) है, "${String(doc?.name ?? definitionId)}" नहीं। ` +
          `इसे ${String(imported.definitionId)} के नए मसौदे के रूप में आयात करके वहीं खोलें? यहाँ कुछ नहीं बदलेगा${dirty ? ", पर इस स्क्रीन के बिना सहेजे बदलाव पीछे छूट जाएँगे" : ""}।`))) {
          setStatus(t(lang, "Import cancelled.", "आयात रद्द किया गया।"));
          return;
        }
        if (dirty) unsavedWork = undefined;
        const saved = await api.importJson(text);
        window.location.hash = `#/definitions/${saved.definition.definitionId}`;
        return;
      }
      if (!window.confirm(t(lang,
        `Replace what is on screen (${meta ? `v${meta.version} ${meta.isPublished ? "published" : "draft"}` : definitionId}` +
        `${dirty ? " with unsaved changes" : ""}) with "${file.name}" (${activities(imported).length} activities)? Undo brings it back; nothing is saved until you save.`,
        `स्क्रीन पर जो है (${meta ? `v${meta.version}` : definitionId}${dirty ? ", बिना सहेजे बदलावों सहित" : ""}) उसे "${file.name}" ` +
        `(${activities(imported).length} गतिविधियाँ) से बदलें? पूर्ववत करें से वापस आएगा; सहेजने तक कुछ नहीं सहेजा जाएगा।`))) {
        setStatus(t(lang, "Import cancelled.", "आयात रद्द किया गया।"));
        return;
      }
      change(imported.definitionId ? imported : { ...imported, definitionId });
      setStatus(t(lang, `Imported "${file.name}" into the editor; save to keep it.`, `"${file.name}" संपादक में आयात हुआ; रखने के लिए सहेजें।`));
    } catch (e) {
      setStatus(t(lang, `Import failed: ${(e as Error).message}`, `आयात विफल: ${(e as Error).message}`));
    }
  };

  const sel = doc && selectedIds.length === 1 ? activity(doc, selectedIds[0]) : undefined;
  const selType = sel ? types.find((t) => t.type === sel.type) : undefined;
  const categories = [...new Set(types.map((t) => t.category))];
  const general = issues.filter((i) => !i.activityId);

  const selectOnly = (id: string) => {
    setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === id })));
    setPanel("inspector");
    const n = nodes.find((x) => x.id === id);
    if (n) flow.setCenter(n.position.x + 100, n.position.y + 40, { zoom: 1, duration: 0 });
  };

  /** Ctrl- or Shift-click in the outline adds an activity to the selection (or takes it out), without moving the view. */
  const toggle = (id: string) => setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, selected: !n.selected } : n)));

  const inputChanged = (id: string, name: string, uiHint: string, v: Parameters<typeof setInput>[3]) => {
    if (!doc) return;
    let next = setInput(doc, id, name, v);
    // A schedule's label follows its expression, so the chart never says "Monday" for a Friday run.
    if (uiHint === "cron" && v?.expressionType === "Literal" && v.value) next = setDisplayText(next, id, describeCron(v.value));
    change(next, `input:${id}:${name}`);
  };

  return (
    <div className="editor">
      <div className="toolbar">
        <a href="#/">{say("definitions", lang)}</a>
        <strong data-testid="definition-title">{String(doc?.name ?? definitionId)}</strong>
        {meta && <span className="badge" data-testid="version-badge">v{meta.version} {say(meta.isPublished ? "published" : "draft", lang)}{dirty ? ` • ${say("unsaved", lang)}` : ""}</span>}
        <button type="button" onClick={stepBack} disabled={history.past.length === 0} title="Undo (Ctrl+Z)" data-testid="undo">{say("undo", lang)}</button>
        <button type="button" onClick={stepForward} disabled={history.future.length === 0} title="Redo (Ctrl+Shift+Z)" data-testid="redo">{say("redo", lang)}</button>
        <button type="button" onClick={save} disabled={!doc} data-testid="save">{say("save", lang)}</button>
        <button type="button" onClick={validate} disabled={!doc} data-testid="validate">{say("validate", lang)}</button>
        <button type="button" onClick={publish} disabled={!doc} data-testid="publish">{say("publish", lang)}</button>
        <button type="button" onClick={exportOnScreen} disabled={!doc} data-testid="export">{say("export", lang)}</button>
        <label className="button">{say("import", lang)} <input type="file" accept=".json,application/json" hidden data-testid="import-file"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) importFile(f); }} /></label>
        <button type="button" onClick={() => setPanel(panel === "history" ? "inspector" : "history")} data-testid="versions">{say("versions", lang)}</button>
        <button type="button" onClick={() => setPanel(panel === "rules" ? "inspector" : "rules")} data-testid="rules-toggle">{say("rules", lang)}</button>
        <button type="button" onClick={() => setPanel(panel === "preview" ? "inspector" : "preview")} data-testid="preview-toggle">{say("preview", lang)}</button>
        <button type="button" data-testid="bundle" onClick={() => setBundle(!bundle)}>{say(bundle ? "showAll" : "bundleJoins", lang)}</button>
        <button type="button" data-testid="tidy" disabled={!doc || levels.length === 0} title={say("tidyHint", lang)}
          onClick={() => { if (!doc) return; change(laneLayout(doc, levels)); placed.current = false; setStatus(say("tidied", lang)); }}>{say("tidy", lang)}</button>
        <span className="status" data-testid="status" role="status">{status}</span>
      </div>
      <div className="workspace">
        <aside className="palette" data-testid="palette">
          <h2>{say("palette", lang)}</h2>
          <p className="muted">{say("paletteHint", lang)}</p>
          {categories.map((c) => (
            // The helpline's own activities, and the workflows it publishes for reuse, are what administrators reach for first.
            <details key={c} open={c === "CaseFlow" || c === "Workflows"}>
              <summary>{categoryName(c, lang)}</summary>
              {types.filter((t) => t.category === c).map((t) => (
                <button type="button" key={t.type} className="palette-item" title={(lang === "hi" && t.descriptionHi) || t.description || t.type} data-testid={`palette-${t.type}`} draggable
                  onDragStart={(e) => { e.dataTransfer.setData(PaletteMime, t.type); e.dataTransfer.effectAllowed = "copy"; }}
                  onClick={() => addFromPalette(t)}>
                  {nameOf(t, lang)}
                </button>
              ))}
            </details>
          ))}
          <h2>{say("activities", lang)}</h2>
          <ul className="outline">
            {doc && activities(doc).map((a) => (
              <li key={String(a.id)}>
                <button type="button" data-testid={`outline-${String(a.id)}`} className={selectedIds.includes(String(a.id)) ? "current" : ""}
                  onClick={(e) => (e.ctrlKey || e.metaKey || e.shiftKey ? toggle(String(a.id)) : selectOnly(String(a.id)))}>
                  {label(a)} {issuesByActivity(issues).has(String(a.id)) ? "⚠" : ""}
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <div className="canvas" data-testid="canvas" ref={canvasRef} onDragOver={(e) => { if (e.dataTransfer.types.includes(PaletteMime)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } }} onDrop={onDrop}>
          <ReactFlow<ActivityFlowNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onEdgeContextMenu={(ev, edge) => {
              ev.preventDefault();
              // Placed inside the canvas, clamped so the menu never opens off screen.
              const box = (ev.target as Element).closest(".canvas")?.getBoundingClientRect();
              const x = Math.max(0, Math.min(ev.clientX - (box?.left ?? 0), (box?.width ?? 400) - 200));
              const y = Math.max(0, Math.min(ev.clientY - (box?.top ?? 0), (box?.height ?? 300) - 100));
              setEdgeMenu({ x, y, edge });
            }}
            onNodeDragStop={(_, n, dragged) => { if (doc) { let next = doc; for (const d of dragged.length ? dragged : [n]) next = setPosition(next, d.id, d.position); change(next); } }}
            onConnect={onConnect}
            onDelete={onDelete}
            onPaneClick={() => setEdgeMenu(undefined)}
            deleteKeyCode={["Delete", "Backspace"]}
            multiSelectionKeyCode={["Control", "Meta", "Shift"]}
            fitView
            minZoom={0.1}
          >
            <Background />
            <Controls />
            <MiniMap pannable zoomable />
          </ReactFlow>
          {edgeMenu && (
            <div className="context-menu" data-testid="edge-menu" style={{ position: "absolute", left: edgeMenu.x, top: edgeMenu.y }}>
              <div className="muted">{edgeMenu.edge.source} · {String(edgeMenu.edge.label ?? "")} → {edgeMenu.edge.target}</div>
              <button type="button" data-testid="edge-menu-delete" onClick={() => deleteEdges([edgeMenu.edge])}>Delete connection</button>
              <button type="button" onClick={() => setEdgeMenu(undefined)}>Cancel</button>
            </div>
          )}
        </div>
        <aside className="inspector" data-testid="inspector">
          {panel === "preview" ? (
            doc && <Preview doc={doc} lang={lang} />
          ) : panel === "rules" ? (
            doc && <RulesTable doc={doc} levels={levels} lang={lang} types={types} onChange={(next, key) => change(next, key)} onSelect={(id) => selectOnly(id)} />
          ) : panel === "history" ? (
            <History versions={versions} onOpen={openVersion} onDiff={showDiff} onRestore={restore} changes={changes} />
          ) : sel ? (
            <>
              <h2 data-testid="inspector-title">{label(sel)}</h2>
              <div className="muted">{selType ? nameOf(selType, lang) : String(sel.type)} · id <code>{String(sel.id)}</code></div>
              <label className="display-name">{say("displayName", lang)}
                <input type="text" data-testid="display-name" value={displayText(sel) ?? ""} placeholder={String(sel.name ?? sel.id)}
                  onChange={(e) => doc && change(setDisplayText(doc, String(sel.id), e.target.value), `display:${String(sel.id)}`)} />
              </label>
              {!selType && <p className="muted">This activity type is not run by CaseFlow; it is kept as it is.</p>}
              <CompositePanel activity={sel} type={selType} lang={lang} />
              {issuesByActivity(issues).get(String(sel.id))?.map((i, n) => <p key={n} className={i.severity.toLowerCase()}>{i.code}: {i.message}</p>)}
              {selType?.inputs.map((i) => i.uiHint === "cases" ? (
                <CasesEditor key={i.name} activity={sel} onChange={(cases) => doc && change(setSwitchCases(doc, String(sel.id), cases), `cases:${String(sel.id)}`)} />
              ) : i.uiHint === "variable" ? (
                <VariableEditor key={i.name} activity={sel} declared={doc ? variables(doc) : []} onChange={(v) => doc && change(setVariableRef(doc, String(sel.id), v))} />
              ) : (
                <InputEditor key={i.name} activity={sel} input={i} onChange={(v) => inputChanged(String(sel.id), i.name, i.uiHint, v)} />
              ))}
              <RawActivityEditor activity={sel} onApply={(a) => {
                try { if (doc) change(replaceActivity(doc, String(sel.id), a)); return undefined; } catch (e) { return (e as Error).message; }
              }} />
            </>
          ) : selectedIds.length > 1 ? (
            <p className="muted" data-testid="multi-selection">{t(lang, `${selectedIds.length} activities selected: Ctrl+C copies them with the connections between them, Delete removes them.`,
              `${selectedIds.length} गतिविधियाँ चुनी गईं: Ctrl+C उन्हें उनके बीच के संबंधों सहित कॉपी करता है, Delete हटाता है।`)}</p>
          ) : (
            <p className="muted">{t(lang, "Select an activity to edit its inputs (Ctrl or Shift and click to select several). Drag from a port to another activity's left edge to connect; select and press Delete to remove. Ctrl+Z undoes.",
              "किसी गतिविधि के इनपुट बदलने के लिए उसे चुनें (कई चुनने के लिए Ctrl या Shift के साथ क्लिक)। जोड़ने के लिए किसी पोर्ट से दूसरी गतिविधि के बाएँ किनारे तक खींचें; हटाने के लिए चुनकर Delete दबाएँ। Ctrl+Z पूर्ववत करता है।")}</p>
          )}
        </aside>
      </div>
      {general.length > 0 && (
        <ul className="general-issues">{general.map((i, n) => <li key={n} className={i.severity.toLowerCase()}>{i.code}: {i.message}</li>)}</ul>
      )}
    </div>
  );
}

/**
 * What a composite holds: a workflow used as an activity links to its own definition (its published version is what
 * runs); a nested flowchart, sequence, container, If or loop lists its activities, each opened in place to show what
 * it holds in turn. The nested activities are changed in the activity's JSON below, or by opening the workflow.
 */
function CompositePanel({ activity, type, lang }: { activity: JsonObject; type: ActivityType | undefined; lang: Lang }) {
  const contents = compositeContents(activity, type);
  if (!contents) return null;
  if (contents.workflowDefinitionId)
    return (
      <p className="composite" data-testid="composite">
        {t(lang, "Runs the published workflow ", "प्रकाशित वर्कफ़्लो चलाता है: ")}
        <a href={`#/definitions/${contents.workflowDefinitionId}`} data-testid="open-child">{contents.workflowDefinitionId} ↗</a>
        {typeof activity.version === "number" && <span className="muted"> · v{activity.version}</span>}
      </p>
    );
  return (
    <details className="composite" data-testid="composite" open>
      <summary>{t(lang, `Holds ${contents.children.length} activities`, `इसमें ${contents.children.length} गतिविधियाँ हैं`)}</summary>
      <ul>
        {contents.children.map((c) => (
          <li key={`${c.slot}:${c.id}`} data-testid={`child-${c.id}`}>
            {c.slot !== "activities" && <span className="muted">{c.slot}: </span>}
            <strong>{c.label}</strong> <span className="muted">{c.type}</span>
            {c.children > 0 && <CompositePanel activity={c.node} type={undefined} lang={lang} />}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** An activity type's name in the chosen language (the server's descriptors carry the Hindi). */
function nameOf(t: ActivityType, lang: Lang): string {
  return lang === "hi" && t.displayNameHi ? t.displayNameHi : t.displayName;
}

/**
 * The escalation as a table, in the words of the order: level, who holds it, the limit, when the officer is warned, and
 * what a breach does. Rows come from the server's reading of the flow (the same the escalation rule checks); the values
 * are read from the activities on screen, and editing a cell edits that activity, so table and chart never disagree.
 */
function RulesTable({ doc, levels, lang, types, onChange, onSelect }: {
  doc: WorkflowDoc; levels: EscalationLevel[]; lang: Lang; types: ActivityType[]; onChange: (next: WorkflowDoc, key: string) => void; onSelect: (id: string) => void;
}) {
  if (levels.length === 0) return <p className="muted" data-testid="rules">{say("noLevels", lang)}</p>;
  return (
    <div className="rules" data-testid="rules">
      <h2>{say("rules", lang)}</h2>
      <p className="muted">{say("rulesHint", lang)}</p>
      <table>
        <thead><tr><th>{say("level", lang)}</th><th>{say("post", lang)}</th><th>{say("limit", lang)}</th><th>{say("warnAt", lang)}</th><th>{say("onBreach", lang)}</th></tr></thead>
        <tbody>
          {levels.map((l) => {
            const timer = activity(doc, l.timerId);
            if (!timer) return null;
            const days = readInput(timer, "workingDays")?.value ?? "";
            const duration = readInput(timer, "duration")?.value ?? "";
            const share = readInput(timer, "warningShare")?.value ?? "";
            // The range is the timer's own, from its descriptor.
            const daysInput = types.find((t) => t.type === timer.type)?.inputs.find((i) => i.name === "workingDays");
            const dayProblem = daysInput ? numberProblem(days, daysInput) : undefined;
            return (
              <tr key={l.timerId} data-testid={`rule-L${l.level}`}>
                <td><button type="button" className="link" onClick={() => onSelect(l.timerId)}>L{l.level}</button></td>
                <td>{levelPost(l.level, lang)}</td>
                <td>
                  {duration ? <span title={duration}>{say("duration", lang)}</span> : (
                    <input type="number" min={daysInput?.minimum ?? undefined} max={daysInput?.maximum ?? undefined} step={1} data-testid={`rule-L${l.level}-days`} value={days} aria-invalid={!!dayProblem}
                      onChange={(e) => onChange(setInput(doc, l.timerId, "workingDays", { typeName: "Int32", expressionType: "Literal", value: e.target.value }), `input:${l.timerId}:workingDays`)} />
                  )}
                  {dayProblem && <div className="error">{dayProblem}</div>}
                </td>
                <td>
                  <input type="number" min={0} max={99} step={1} data-testid={`rule-L${l.level}-warn`} value={shareToPercent(share)}
                    onChange={(e) => onChange(setInput(doc, l.timerId, "warningShare", { typeName: "Double", expressionType: "Literal", value: percentToShare(e.target.value) }), `input:${l.timerId}:warningShare`)} /> %
                </td>
                <td>{l.escalateId ? escalateTo(l.level + 1, lang) : l.flagId ? say("csReview", lang) : <span className="error">{say("brokenBreach", lang)}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The draft tried out before it is published, read-only: when a case registered at a chosen moment would be due at each
 * level (the holiday calendar included), and how many open cases would be past their limit, or due within a week, under
 * the draft against the version in force. Both come from the server, which works limits out with the running timer's rule.
 */
function Preview({ doc, lang }: { doc: WorkflowDoc; lang: Lang }) {
  const [registered, setRegistered] = useState("2026-11-06T10:00");
  const [district, setDistrict] = useState("dehradun");
  const [category, setCategory] = useState("power-supply");
  const [levels, setLevels] = useState<SimulatedLevel[]>();
  const [whatIf, setWhatIf] = useState<WhatIf>();
  const [error, setError] = useState<string>();
  const run = async <T,>(f: () => Promise<T>, set: (v: T) => void) => {
    setError(undefined);
    try { set(await f()); } catch (e) { setError((e as Error).message); }
  };
  const n = (v: number | null) => (v === null ? "—" : String(v));
  return (
    <div className="preview" data-testid="preview">
      <h2>{say("simulator", lang)}</h2>
      <form onSubmit={(e) => { e.preventDefault(); run(() => api.simulate(serializeWorkflow(doc), registered, district, category), (r) => setLevels(r.levels)); }}>
        <label>{say("registeredOn", lang)} <input type="datetime-local" data-testid="sim-registered" value={registered} onChange={(e) => setRegistered(e.target.value)} /></label>
        <label>{say("district", lang)} <input type="text" data-testid="sim-district" value={district} onChange={(e) => setDistrict(e.target.value)} /></label>
        <label>{say("category", lang)} <input type="text" data-testid="sim-category" value={category} onChange={(e) => setCategory(e.target.value)} /></label>
        <button type="submit" data-testid="sim-run">{say("simulate", lang)}</button>
      </form>
      {levels && (
        <table data-testid="sim-result">
          <thead><tr><th>{say("level", lang)}</th><th>{say("post", lang)}</th><th>{say("due", lang)}</th></tr></thead>
          <tbody>{levels.map((l) => (
            <tr key={l.level} data-testid={`sim-L${l.level}`}><td>L{l.level}</td><td>{l.post ?? levelPost(l.level, lang)}</td>
              <td>{l.problem ? <span className="error">{l.problem}</span> : <>{l.dueText} <span className="muted">({l.limit})</span></>}</td></tr>
          ))}</tbody>
        </table>
      )}
      <h2>{say("whatIf", lang)}</h2>
      <button type="button" data-testid="whatif-run" onClick={() => run(() => api.whatIf(serializeWorkflow(doc)), setWhatIf)}>{say("whatIfRun", lang)}</button>
      {whatIf && (
        <table data-testid="whatif-result">
          <thead>
            <tr><th rowSpan={2}>{say("level", lang)}</th><th rowSpan={2}>{say("openCases", lang)}</th><th colSpan={2}>{say("pastNow", lang)}</th><th colSpan={2}>{say("withinSoon", lang)}</th></tr>
            <tr><th>v{whatIf.publishedVersion ?? "—"} ({say("inForce", lang)})</th><th>{say("draft", lang)}</th><th>v{whatIf.publishedVersion ?? "—"}</th><th>{say("draft", lang)}</th></tr>
          </thead>
          <tbody>{whatIf.levels.map((l) => (
            <tr key={l.level} data-testid={`whatif-L${l.level}`}>
              <td>L{l.level}</td><td>{l.cases}</td>
              <td data-testid={`whatif-L${l.level}-past-published`}>{n(l.published.pastLimit)}</td><td data-testid={`whatif-L${l.level}-past-draft`}>{n(l.draft.pastLimit)}</td>
              <td data-testid={`whatif-L${l.level}-soon-published`}>{n(l.published.withinSoon)}</td><td data-testid={`whatif-L${l.level}-soon-draft`}>{n(l.draft.withinSoon)}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

/** The drag payload of a palette item: its activity type. */
const PaletteMime = "application/x-caseflow-activity";


function History({ versions, onOpen, onDiff, onRestore, changes }: {
  versions: DefinitionSummary[]; onOpen: (v: number) => void; onDiff: (v: number) => void; onRestore: (v: number) => void;
  changes?: { from: number; to: number; changes: Change[] };
}) {
  const lang = useContext(LangContext);
  return (
    <div className="history" data-testid="history">
      <h2>{say("versions", lang)}</h2>
      <ul>
        {[...versions].reverse().map((v) => (
          <li key={v.version} data-testid={`version-${v.version}`}>
            <div>
              <strong>v{v.version}</strong> {v.isPublished ? t(lang, "(published)", "(प्रकाशित)") : v.publishedAt ? t(lang, "(was published)", "(पहले प्रकाशित)") : t(lang, "(draft)", "(मसौदा)")}
              <div className="muted">{v.publishedAt
                ? `${t(lang, "published", "प्रकाशित")} ${istText(v.publishedAt, lang)}${v.publishedBy ? ` ${t(lang, "by", "—")} ${v.publishedBy}` : ""}`
                : `${t(lang, "saved", "सहेजा")} ${v.updatedAt ? istText(v.updatedAt, lang) : ""}${v.savedBy ? ` ${t(lang, "by", "—")} ${v.savedBy}` : ""}`}</div>
              {v.note && <div className="version-note" data-testid={`note-${v.version}`}>“{v.note}”</div>}
            </div>
            <button type="button" onClick={() => onOpen(v.version)}>{t(lang, "Open", "खोलें")}</button>
            <button type="button" onClick={() => onDiff(v.version)}>{t(lang, "Changes from published", "प्रकाशित से बदलाव")}</button>
            {v.version !== Math.max(...versions.map((x) => x.version)) && (
              <button type="button" data-testid={`restore-${v.version}`} onClick={() => onRestore(v.version)}>{t(lang, "Restore as new draft", "नए मसौदे के रूप में लौटाएँ")}</button>
            )}
          </li>
        ))}
      </ul>
      {changes && (
        <div className="diff" data-testid="diff">
          <h3>{t(lang, `From v${changes.from} (published) to v${changes.to}`, `v${changes.from} (प्रकाशित) से v${changes.to} तक`)}</h3>
          {changes.changes.length === 0 ? <p>{t(lang, "No changes.", "कोई बदलाव नहीं।")}</p> : (
            <ul>{changes.changes.map((c, n) => <li key={n} className={c.kind}>{c.summary}</li>)}</ul>
          )}
        </div>
      )}
    </div>
  );
}

function InstanceView({ idOrCase, types }: { idOrCase: string; types: ActivityType[] }) {
  const [detail, setDetail] = useState<InstanceDetail>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.instance(idOrCase).then(setDetail).catch((e) => setError((e as Error).message));
  }, [idOrCase]);
  const graph = useMemo(() => {
    if (!detail?.json) return { nodes: [], edges: [] };
    const states = new Map<string, "passed" | "waiting">();
    detail.passed.forEach((id) => states.set(id, "passed"));
    detail.waiting.forEach((id) => states.set(id, "waiting"));
    return buildGraph(parseWorkflow(detail.json), types, [], states, undefined, true);
  }, [detail, types]);
  const lang = useContext(LangContext);
  if (error) return <main className="list-view"><p className="error" role="alert">{error}</p><a href="#/">{say("definitions", lang)}</a></main>;
  if (!detail) return <main className="list-view">Loading…</main>;
  const i = detail.instance;
  const doc = detail.json ? parseWorkflow(detail.json) : undefined;
  const activityOf = (id: string) => (doc && activity(doc, id)) ?? { id };
  // The engine says Suspended while it waits on a timer or an event: to an administrator the case is simply waiting.
  const state = i.status === "Suspended" ? "waiting" : i.status === "Running" ? "running" : i.status.toLowerCase();
  return (
    <div className="editor">
      <div className="toolbar">
        <a href="#/">← Definitions</a>
        <strong>Instance {i.id}</strong>
        <span className="badge" data-testid="instance-badge">{i.definitionId} v{i.definitionVersion} · {state}{i.correlationId ? ` · case ${i.correlationId}` : ""}</span>
        <span className="legend"><span className="swatch passed" /> passed <span className="swatch waiting" /> waiting</span>
      </div>
      <div className="workspace">
        <div className="canvas" data-testid="instance-canvas">
          <ReactFlow nodes={graph.nodes} edges={graph.edges} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false}
            elementsSelectable={false} deleteKeyCode={null} fitView minZoom={0.1}>
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <aside className="inspector">
          {detail.timeline && (
            <>
              <h2>{say("timeline", lang)}</h2>
              <ol className="timeline" data-testid="timeline">
                {detail.timeline.map((e, n) => (
                  <li key={n} className={e.type}>
                    <div className="when">{istText(e.at, lang)}</div>
                    <div className="what">{eventWords(e.type, e.level, lang)}</div>
                    {e.text && e.type !== "DueTimeSet" && <div className="muted">{e.text}</div>}
                  </li>
                ))}
              </ol>
            </>
          )}
          <h2>{say("waitingOn", lang)}</h2>
          <ul data-testid="waits">
            {detail.waits.map((w, n) => (
              <li key={n}>{label(activityOf(w.activityId))}: {w.kind === "Timer" ? `${lang === "hi" ? "टाइमर" : "timer"}, ${w.dueTime ? istText(w.dueTime, lang) : ""}`
                : w.eventName === "CaseChanged" ? (lang === "hi" ? "शिकायत में बदलाव" : "a change to the case") : w.eventName ?? w.kind}</li>
            ))}
          </ul>
          <details>
            <summary>{say("engineJournal", lang)}</summary>
            <ol className="journal">
              {detail.journal.map((j, n) => (
                <li key={n}>{istText(j.at, lang)} {j.kind} {j.activityName ?? j.activityId ?? ""}{j.detail ? ` — ${j.detail}` : ""}</li>
              ))}
            </ol>
          </details>
        </aside>
      </div>
    </div>
  );
}
