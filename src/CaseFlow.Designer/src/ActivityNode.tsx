import { useContext } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { LangContext } from "./i18n";
import type { Issue } from "./api";
import { compositeContents, describeCron, describeDuration, describeWorkingDays, label, readInput, type ActivityType, type JsonObject } from "./model";

export type ActivityNodeData = {
  activity: JsonObject;
  type?: ActivityType;
  ports: string[];
  issues: Issue[];
  state?: "passed" | "waiting";
  /** Ports whose connection is bundled: where each goes, said on the port instead of drawn. */
  stubs?: Record<string, string>;
  /** For a join whose connections are bundled: how many arrive. */
  arriving?: number;
};

export type ActivityFlowNode = Node<ActivityNodeData, "activity">;

/** A line or two of what the activity is set to, so limits read in words on the chart itself. */
function summary(a: JsonObject, type?: ActivityType): string[] {
  const lines: string[] = [];
  for (const i of type?.inputs ?? []) {
    const v = readInput(a, i.name);
    if (!v || v.value === "") continue;
    if (v.expressionType !== "Literal") lines.push(`${i.displayName}: ${v.expressionType}`);
    else if (i.uiHint === "duration") lines.push(describeDuration(v.value));
    else if (i.uiHint === "working-days") lines.push(describeWorkingDays(v.value));
    else if (i.uiHint === "cron") lines.push(describeCron(v.value));
  }
  return lines;
}

/** A composite says so on the chart: the workflow it runs, or how many activities it holds (select it to open them). */
function composite(a: JsonObject, type: ActivityType | undefined, lang: string) {
  const c = compositeContents(a, type);
  if (!c) return null;
  const text = c.workflowDefinitionId
    ? (lang === "hi" ? `वर्कफ़्लो ${c.workflowDefinitionId}` : `workflow ${c.workflowDefinitionId}`)
    : (lang === "hi" ? `${c.children.length} गतिविधियाँ भीतर` : `${c.children.length} inside`);
  return <div className="node-summary node-composite" data-testid="node-composite">⧉ {text}</div>;
}

export function ActivityNode({ data, selected }: NodeProps<ActivityFlowNode>) {
  const lang = useContext(LangContext);
  const a = data.activity;
  const errors = data.issues.filter((i) => i.severity === "ERROR");
  const classes = ["activity-node"];
  if (selected) classes.push("selected");
  if (errors.length) classes.push("has-errors");
  else if (data.issues.length) classes.push("has-warnings");
  if (data.state) classes.push(data.state);
  if (!data.type) classes.push("unknown-type");
  const spacing = 100 / (data.ports.length + 1);
  return (
    <div className={classes.join(" ")} data-testid={`node-${String(a.id)}`} title={String(a.type)}>
      <Handle type="target" position={Position.Left} id="In" />
      <div className="node-name">{label(a)}</div>
      <div className="node-type">{(lang === "hi" && data.type?.displayNameHi) || data.type?.displayName || String(a.type)}{data.type ? "" : " (not run here)"}</div>
      {summary(a, data.type).map((s) => (
        <div className="node-summary" key={s}>{s}</div>
      ))}
      {composite(a, data.type, lang)}
      {data.arriving && <div className="node-summary" data-testid="arriving">{lang === "hi" ? `${data.arriving} रास्ते यहाँ आते हैं` : `${data.arriving} ways lead here`}</div>}
      {data.state === "waiting" && <div className="node-state">waiting</div>}
      {data.issues.length > 0 && (
        <ul className="node-issues" data-testid="node-issues">
          {data.issues.map((i, n) => (
            <li key={n} className={i.severity.toLowerCase()}>{i.code}: {i.message}</li>
          ))}
        </ul>
      )}
      {data.ports.map((p, n) => (
        <Handle key={p} type="source" position={Position.Right} id={p} style={{ top: `${spacing * (n + 1)}%` }}>
          <span className="port-label">{data.stubs?.[p] ? `${p} → ${data.stubs[p]}` : p}</span>
        </Handle>
      ))}
    </div>
  );
}
