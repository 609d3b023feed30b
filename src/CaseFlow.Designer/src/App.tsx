import { useCallback, useEffect, useMemo, useState } from "react";
import {
  Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges, applyNodeChanges, useReactFlow,
  type Connection, type Edge, type EdgeChange, type NodeChange,
} from "@xyflow/react";
import { api, ApiError, type Change, type DefinitionSummary, type InstanceDetail, type Issue } from "./api";
import { ActivityNode, type ActivityFlowNode } from "./ActivityNode";
import { InputEditor, RawActivityEditor } from "./editors";
import {
  activities, activity, addActivity, addConnection, connections, layout, parseWorkflow, ports, removeActivities,
  removeConnections, replaceActivity, serializeWorkflow, setInput, setPosition, type ActivityType, type WorkflowDoc,
} from "./model";

const nodeTypes = { activity: ActivityNode };

type Route = { view: "list" } | { view: "edit"; id: string } | { view: "instance"; key: string };

function readRoute(): Route {
  const h = decodeURIComponent(window.location.hash.replace(/^#\/?/, ""));
  if (h.startsWith("definitions/")) return { view: "edit", id: h.slice("definitions/".length) };
  if (h.startsWith("instances/")) return { view: "instance", key: h.slice("instances/".length) };
  return { view: "list" };
}

export function App() {
  const [route, setRoute] = useState<Route>(readRoute);
  const [types, setTypes] = useState<ActivityType[]>([]);
  useEffect(() => {
    const on = () => setRoute(readRoute());
    window.addEventListener("hashchange", on);
    api.activityTypes().then(setTypes).catch(() => undefined);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return (
    <div className="app">
      <header className="top">
        <a href="#/" className="brand">CaseFlow workflow designer</a>
        <div className="signout">
          <button type="button" onClick={() => api.signOut().finally(() => { window.location.href = "/designer/login"; })}>Sign out</button>
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
  );
}

function DefinitionList() {
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
      <h1>Workflow definitions</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="definitions" data-testid="definitions">
        <thead><tr><th>Name</th><th>Id</th><th>Version</th><th>State</th><th>Running instances</th></tr></thead>
        <tbody>
          {list?.map((d) => (
            <tr key={d.definitionId}>
              <td><a href={`#/definitions/${d.definitionId}`} data-testid={`open-${d.definitionId}`}>{d.name ?? d.definitionId}</a></td>
              <td><code>{d.definitionId}</code></td>
              <td>{d.version}</td>
              <td>{d.isPublished ? "published" : d.publishedVersion ? `draft (v${d.publishedVersion} published)` : "draft"}</td>
              <td>{d.runningInstances ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="side-actions">
        <label className="button">Import JSON… <input type="file" accept=".json,application/json" hidden onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} /></label>
        <form onSubmit={(e) => { e.preventDefault(); if (lookup) window.location.hash = `#/instances/${lookup.trim()}`; }}>
          <label>Case number or instance id <input value={lookup} onChange={(e) => setLookup(e.target.value)} data-testid="instance-lookup" /></label>
          <button type="submit">Open instance</button>
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

function buildGraph(doc: WorkflowDoc, types: ActivityType[], issues: Issue[], states?: Map<string, "passed" | "waiting">,
  serverPorts?: Record<string, string[]>): { nodes: ActivityFlowNode[]; edges: Edge[] } {
  const at = layout(doc);
  const byType = new Map(types.map((t) => [t.type, t]));
  const byActivity = issuesByActivity(issues);
  const nodes: ActivityFlowNode[] = activities(doc).map((a) => {
    const id = String(a.id);
    const type = byType.get(String(a.type));
    return {
      id, type: "activity", position: at.get(id) ?? { x: 0, y: 0 },
      data: { activity: a, type, ports: ports(doc, a, type, serverPorts?.[id]), issues: byActivity.get(id) ?? [], state: states?.get(id) },
    };
  });
  // An edge's id names its ends and port, so a selection survives the rebuild after another edit.
  const edges: Edge[] = connections(doc).map((c) => ({
    id: `e:${c.source}:${c.port}:${c.target}`, source: c.source, sourceHandle: c.port, target: c.target, targetHandle: "In",
    label: c.port, data: { index: c.index }, className: states && states.get(c.source) === "passed" && states.has(c.target) ? "passed" : undefined,
  }));
  return { nodes, edges };
}

function Editor({ definitionId, types }: { definitionId: string; types: ActivityType[] }) {
  const flow = useReactFlow();
  const [doc, setDoc] = useState<WorkflowDoc>();
  const [meta, setMeta] = useState<DefinitionSummary>();
  const [versions, setVersions] = useState<DefinitionSummary[]>([]);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [serverPorts, setServerPorts] = useState<Record<string, string[]>>({});
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<string>("");
  const [nodes, setNodes] = useState<ActivityFlowNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [edgeMenu, setEdgeMenu] = useState<{ x: number; y: number; edge: Edge }>();
  const [selected, setSelected] = useState<string>();
  const [panel, setPanel] = useState<"inspector" | "history">("inspector");
  const [changes, setChanges] = useState<{ from: number; to: number; changes: Change[] }>();

  const load = useCallback(async (version?: number) => {
    const d = await api.definition(definitionId, version);
    setDoc(parseWorkflow(d.json));
    setMeta(d.definition);
    setVersions(d.versions);
    setDirty(false);
    const v = await api.validate(d.json);
    setIssues(v.issues);
    setServerPorts(v.ports);
  }, [definitionId]);

  useEffect(() => {
    load().catch((e) => setStatus(`Could not open ${definitionId}: ${(e as Error).message}`));
  }, [load, definitionId]);

  // Every edit is checked by the server shortly after it is made: issues show on their nodes, and ports that come
  // from inputs (a FlowSwitch's cases) follow the server's reading of them rather than a second copy of that rule here.
  useEffect(() => {
    if (!doc || !dirty) return;
    const timer = window.setTimeout(() => {
      api.validate(serializeWorkflow(doc)).then((v) => {
        setIssues(v.issues);
        setServerPorts(v.ports);
      }, () => { /* a draft the server cannot parse keeps its last answer; Validate and Save say why */ });
    }, 300);
    return () => window.clearTimeout(timer);
  }, [doc, dirty]);

  const graph = useMemo(() => (doc ? buildGraph(doc, types, issues, undefined, serverPorts) : { nodes: [], edges: [] }), [doc, types, issues, serverPorts]);
  useEffect(() => {
    // Each rebuild (every edit, every validation answer) keeps the sizes React Flow measured: a node without them is
    // hidden until measured again, so the whole graph would blink after each keystroke.
    setNodes((old) => {
      const measured = new Map(old.map((n) => [n.id, n.measured]));
      return graph.nodes.map((n) => ({ ...n, measured: measured.get(n.id), selected: n.id === selected }));
    });
    setEdges((old) => {
      const kept = new Set(old.filter((e) => e.selected).map((e) => e.id));
      return graph.edges.map((e) => ({ ...e, selected: kept.has(e.id) }));
    });
    // Selection is applied on top; a rebuild must not drop it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph]);

  const change = (next: WorkflowDoc) => {
    if (next === doc) return;
    setDoc(next);
    setDirty(true);
  };

  const onNodesChange = (c: NodeChange<ActivityFlowNode>[]) => {
    setNodes((ns) => applyNodeChanges(c, ns));
    for (const s of c) {
      if (s.type === "select" && s.selected) setSelected(s.id);
      else if (s.type === "select" && s.id === selected) setSelected(undefined);
    }
  };

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
    if (ns.some((n) => n.id === selected)) setSelected(undefined);
    change(next);
  };

  const addFromPalette = (t: ActivityType) => {
    if (!doc) return;
    const centre = flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    const next = addActivity(doc, t, centre);
    const added = activities(next).at(-1);
    change(next);
    if (added) setSelected(String(added.id));
  };

  const save = async (): Promise<DefinitionSummary | undefined> => {
    if (!doc) return;
    setStatus("Saving…");
    try {
      const saved = await api.saveDraft(serializeWorkflow(doc));
      setMeta(saved.definition);
      setIssues(saved.issues);
      setDirty(false);
      setVersions((await api.definition(definitionId)).versions);
      const errors = saved.issues.filter((i) => i.severity === "ERROR").length;
      setStatus(`Saved draft v${saved.definition.version}${errors ? ` with ${errors} error(s): it cannot be published until they are fixed` : ""}.`);
      return saved.definition;
    } catch (e) {
      setStatus(`Not saved: ${(e as Error).message}`);
    }
  };

  const validate = async () => {
    if (!doc) return;
    const v = await api.validate(serializeWorkflow(doc));
    setIssues(v.issues);
    setServerPorts(v.ports);
    setStatus(v.publishable ? "Valid: it can be published." : `${v.issues.filter((i) => i.severity === "ERROR").length} error(s): shown on the activities.`);
  };

  const publish = async () => {
    const target = dirty || !meta ? await save() : meta;
    if (!target) return;
    setStatus(`Publishing v${target.version}…`);
    try {
      const p = await api.publish(definitionId, target.version);
      setMeta(p.definition);
      setIssues(p.issues);
      setVersions((await api.definition(definitionId)).versions);
      setStatus(`Published v${p.definition.version}: new cases follow it; running cases keep their version.`);
    } catch (e) {
      if (e instanceof ApiError && e.issues.length) setIssues(e.issues);
      setStatus(`Not published: ${(e as Error).message} Fix the errors shown on the activities.`);
    }
  };

  const showDiff = async (version: number) => {
    try {
      setChanges(await api.diff(definitionId, version));
    } catch (e) {
      setStatus((e as Error).message);
    }
  };

  const importFile = async (file: File) => {
    try {
      const text = await file.text();
      const imported = parseWorkflow(text);
      if (imported.definitionId !== definitionId) {
        const saved = await api.importJson(text);
        window.location.hash = `#/definitions/${saved.definition.definitionId}`;
        return;
      }
      change(imported);
      setStatus("Imported into the editor; save to keep it.");
    } catch (e) {
      setStatus(`Import failed: ${(e as Error).message}`);
    }
  };

  const sel = doc && selected ? activity(doc, selected) : undefined;
  const selType = sel ? types.find((t) => t.type === sel.type) : undefined;
  const categories = [...new Set(types.map((t) => t.category))];
  const general = issues.filter((i) => !i.activityId);

  return (
    <div className="editor">
      <div className="toolbar">
        <a href="#/">← Definitions</a>
        <strong data-testid="definition-title">{String(doc?.name ?? definitionId)}</strong>
        {meta && <span className="badge" data-testid="version-badge">v{meta.version} {meta.isPublished ? "published" : "draft"}{dirty ? " • unsaved changes" : ""}</span>}
        <button type="button" onClick={save} disabled={!doc}>Save draft</button>
        <button type="button" onClick={validate} disabled={!doc}>Validate</button>
        <button type="button" onClick={publish} disabled={!doc}>Publish</button>
        {meta && <a className="button" href={api.exportUrl(definitionId, meta.version)} download={`${definitionId}.json`}>Export JSON</a>}
        <label className="button">Import JSON… <input type="file" accept=".json,application/json" hidden onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} /></label>
        <button type="button" onClick={() => setPanel(panel === "history" ? "inspector" : "history")}>Versions</button>
        <span className="status" data-testid="status" role="status">{status}</span>
      </div>
      <div className="workspace">
        <aside className="palette" data-testid="palette">
          <h2>Palette</h2>
          {categories.map((c) => (
            <details key={c} open={c === "CaseFlow"}>
              <summary>{c}</summary>
              {types.filter((t) => t.category === c).map((t) => (
                <button type="button" key={t.type} className="palette-item" title={t.description ?? t.type} data-testid={`palette-${t.type}`} onClick={() => addFromPalette(t)}>
                  {t.displayName}
                </button>
              ))}
            </details>
          ))}
          <h2>Activities</h2>
          <ul className="outline">
            {doc && activities(doc).map((a) => (
              <li key={String(a.id)}>
                <button type="button" data-testid={`outline-${String(a.id)}`} className={selected === a.id ? "current" : ""}
                  onClick={() => { setSelected(String(a.id)); setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === a.id }))); const n = nodes.find((x) => x.id === a.id); if (n) flow.setCenter(n.position.x + 100, n.position.y + 40, { zoom: 1, duration: 0 }); }}>
                  {String(a.name ?? a.id)} {issuesByActivity(issues).has(String(a.id)) ? "⚠" : ""}
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <div className="canvas" data-testid="canvas">
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
            onNodeClick={(_, n) => setSelected(n.id)}
            onPaneClick={() => { setSelected(undefined); setEdgeMenu(undefined); }}
            deleteKeyCode={["Delete", "Backspace"]}
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
          {panel === "history" ? (
            <History versions={versions} onOpen={(v) => load(v)} onDiff={showDiff} changes={changes} />
          ) : sel ? (
            <>
              <h2 data-testid="inspector-title">{String(sel.name ?? sel.id)}</h2>
              <div className="muted">{String(sel.type)} · id <code>{String(sel.id)}</code></div>
              {!selType && <p className="muted">This activity type is not run by CaseFlow; it is kept as it is.</p>}
              {issuesByActivity(issues).get(String(sel.id))?.map((i, n) => <p key={n} className={i.severity.toLowerCase()}>{i.code}: {i.message}</p>)}
              {selType?.inputs.map((i) => (
                <InputEditor key={i.name} activity={sel} input={i} onChange={(v) => doc && change(setInput(doc, String(sel.id), i.name, v))} />
              ))}
              <RawActivityEditor activity={sel} onApply={(a) => {
                try { if (doc) change(replaceActivity(doc, String(sel.id), a)); return undefined; } catch (e) { return (e as Error).message; }
              }} />
            </>
          ) : (
            <p className="muted">Select an activity to edit its inputs. Drag from a port to another activity's left edge to connect; select and press Delete to remove.</p>
          )}
        </aside>
      </div>
      {general.length > 0 && (
        <ul className="general-issues">{general.map((i, n) => <li key={n} className={i.severity.toLowerCase()}>{i.code}: {i.message}</li>)}</ul>
      )}
    </div>
  );
}

function History({ versions, onOpen, onDiff, changes }: {
  versions: DefinitionSummary[]; onOpen: (v: number) => void; onDiff: (v: number) => void; changes?: { from: number; to: number; changes: Change[] };
}) {
  return (
    <div className="history" data-testid="history">
      <h2>Versions</h2>
      <ul>
        {[...versions].reverse().map((v) => (
          <li key={v.version}>
            v{v.version} {v.isPublished ? "(published)" : v.publishedAt ? "(was published)" : "(draft)"}
            <button type="button" onClick={() => onOpen(v.version)}>Open</button>
            <button type="button" onClick={() => onDiff(v.version)}>Changes vs published</button>
          </li>
        ))}
      </ul>
      {changes && (
        <div className="diff" data-testid="diff">
          <h3>v{changes.to} against v{changes.from}</h3>
          {changes.changes.length === 0 ? <p>No changes.</p> : (
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
    return buildGraph(parseWorkflow(detail.json), types, [], states);
  }, [detail, types]);
  if (error) return <main className="list-view"><p className="error" role="alert">{error}</p><a href="#/">← Definitions</a></main>;
  if (!detail) return <main className="list-view">Loading…</main>;
  const i = detail.instance;
  return (
    <div className="editor">
      <div className="toolbar">
        <a href="#/">← Definitions</a>
        <strong>Instance {i.id}</strong>
        <span className="badge">{i.definitionId} v{i.definitionVersion} · {i.status}{i.correlationId ? ` · case ${i.correlationId}` : ""}</span>
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
          <h2>Waiting on</h2>
          <ul data-testid="waits">
            {detail.waits.map((w, n) => (
              <li key={n}>{w.activityId}: {w.kind}{w.eventName ? ` ${w.eventName}` : ""}{w.dueTime ? ` due ${new Date(w.dueTime).toLocaleString()}` : ""}{w.tag ? ` (${w.tag})` : ""}</li>
            ))}
          </ul>
          <h2>Journal</h2>
          <ol className="journal">
            {detail.journal.map((j, n) => (
              <li key={n}>{new Date(j.at).toLocaleString()} {j.kind} {j.activityName ?? j.activityId ?? ""}{j.detail ? ` — ${j.detail}` : ""}</li>
            ))}
          </ol>
        </aside>
      </div>
    </div>
  );
}
