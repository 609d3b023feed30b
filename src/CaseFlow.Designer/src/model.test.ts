import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  activities, addActivity, addConnection, compositeContents, connections, copyActivities, describeCron, describeDuration, describeWorkingDays, formatDuration,
  HistoryLimit, isAmbiguousDuration, label, LaneWidth, laneLayout, layout, parseDuration, parseWorkflow, pasteActivities, position, readSwitchCases, record, redo,
  removeActivities, removeConnections, serializeWorkflow, setDisplayText, setInput, setPosition, setSwitchCases, setVariableRef, undo,
  variables, type ActivityType, type EditHistory, type JsonObject, type WorkflowDoc,
} from "./model";

const here = resolve(__dirname, "..");
const folders = [resolve(here, "../../workflows"), resolve(here, "../../../shared/elsa-samples")];
const files = folders.filter(existsSync).flatMap((f) => readdirSync(f).filter((n) => n.endsWith(".json")).map((n) => join(f, n)));

const slaTimer: ActivityType = {
  type: "CaseFlow.SlaTimer", displayName: "SLA timer", category: "CaseFlow", inputs: [
    { name: "workingDays", typeName: "Int32", displayName: "Working days", defaultValue: "7", uiHint: "working-days" },
    { name: "duration", typeName: "TimeSpan", displayName: "Duration", uiHint: "duration" },
  ], outcomes: ["Breached", "Resolved", "Closed", "Moved"], dynamicOutcomes: false, isTrigger: false,
};

describe("round trip over every shipped and sample workflow", () => {
  it("finds the files", () => {
    expect(files.some((f) => f.endsWith("case-escalation.json"))).toBe(true);
    expect(files.length).toBeGreaterThan(5);
  });

  for (const file of files) {
    describe(file.split("/").slice(-2).join("/"), () => {
      const text = readFileSync(file, "utf8");
      const original = JSON.parse(text.replace(/^\uFEFF/, ""));

      it("opens and saves unchanged to the same JSON", () => {
        const doc = parseWorkflow(text);
        layout(doc);
        connections(doc);
        expect(JSON.parse(serializeWorkflow(doc))).toEqual(original);
      });

      it("stays the same when every node is dropped where it stood", () => {
        let doc = parseWorkflow(text);
        for (const a of activities(doc)) {
          const p = position(a);
          if (p) doc = setPosition(doc, String(a.id), p);
        }
        expect(JSON.parse(serializeWorkflow(doc))).toEqual(original);
      });

      it("adds and removes an activity and a connection without touching the rest", () => {
        let doc = parseWorkflow(text);
        const first = activities(doc)[0];
        doc = addActivity(doc, slaTimer, { x: 10, y: 10 }, "designerTest");
        if (first) doc = addConnection(doc, String(first.id), "Done", "designerTest");
        const added = connections(doc).filter((c) => c.target === "designerTest").map((c) => c.index);
        doc = removeConnections(doc, added);
        doc = removeActivities(doc, ["designerTest"]);
        expect(JSON.parse(serializeWorkflow(doc))).toEqual(original);
      });

      it("places every activity, laying out those without a position", () => {
        const doc = parseWorkflow(text);
        const placed = layout(doc);
        expect(placed.size).toBe(activities(doc).length);
      });
    });
  }
});

describe("patches", () => {
  const text = readFileSync(resolve(here, "../../workflows/case-escalation.json"), "utf8");

  it("changes only the edited input", () => {
    const doc = parseWorkflow(text);
    const edited = setInput(doc, "slaL1", "workingDays", { typeName: "Int32", expressionType: "Literal", value: "3" });
    const before = JSON.parse(serializeWorkflow(doc));
    const after = JSON.parse(serializeWorkflow(edited));
    const i = before.root.activities.findIndex((a: { id: string }) => a.id === "slaL1");
    expect(after.root.activities[i].workingDays.expression.value).toBe("3");
    after.root.activities[i].workingDays.expression.value = "7";
    expect(after).toEqual(before);
    expect(JSON.parse(serializeWorkflow(doc)).root.activities[i].workingDays.expression.value).toBe("7");
  });

  it("removing an activity removes its connections", () => {
    const doc = removeActivities(parseWorkflow(text), ["slaL1"]);
    expect(connections(doc).some((c) => c.source === "slaL1" || c.target === "slaL1")).toBe(false);
  });

  it("reads the legacy flat connection form", () => {
    const doc = parseWorkflow(JSON.stringify({ root: { activities: [{ id: "a" }, { id: "b" }], connections: [{ source: "a", target: "b", sourcePort: "Done", targetPort: "In" }] } }));
    expect(connections(doc)).toEqual([{ index: 0, source: "a", port: "Done", target: "b", targetPort: "In" }]);
  });
});

describe("durations in words", () => {
  it("describes", () => {
    expect(describeDuration("1.06:00:00")).toBe("1 day 6 hours");
    expect(describeDuration("0.06:00:00")).toBe("6 hours");
    expect(describeDuration("3.00:00:00")).toBe("3 days");
    expect(describeWorkingDays("3")).toBe("3 working days");
    expect(describeWorkingDays("1")).toBe("1 working day");
  });

  it("reads 72:00:00 as .NET does and flags it", () => {
    expect(describeDuration("72:00:00")).toBe("72 days");
    expect(isAmbiguousDuration("72:00:00")).toBe(true);
    expect(isAmbiguousDuration("0.06:00:00")).toBe(false);
    expect(isAmbiguousDuration("06:00:00")).toBe(false);
  });

  it("writes d.hh:mm:ss from days, hours and minutes, carrying overflow", () => {
    expect(formatDuration({ days: 0, hours: 72, minutes: 0, seconds: 0 })).toBe("3.00:00:00");
    expect(formatDuration({ days: 1, hours: 6, minutes: 0, seconds: 0 })).toBe("1.06:00:00");
    expect(parseDuration("1.06:30:00")).toEqual({ days: 1, hours: 6, minutes: 30, seconds: 0 });
  });
});

describe("editing as an administrator does", () => {
  const escalation = () => parseWorkflow(readFileSync(resolve(here, "../../workflows/case-escalation.json"), "utf8"));

  it("pastes copied activities under new ids with the connections between them, and nothing else", () => {
    const doc = escalation();
    const between = connections(doc).find((c) => c.source === "slaL1" && c.target === "escL1")!;
    expect(between).toBeDefined();
    const clip = copyActivities(doc, ["slaL1", "escL1"])!;
    expect(clip.activities.map((a) => a.id)).toEqual(["slaL1", "escL1"].filter((id) => clip.activities.some((a) => a.id === id)));
    expect(clip.connections).toEqual([{ source: "slaL1", port: between.port, target: "escL1" }]);

    const { doc: pasted, ids } = pasteActivities(doc, clip, { x: 40, y: 40 });
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => activities(doc).some((a) => a.id === id))).toBe(false);
    expect(activities(pasted)).toHaveLength(activities(doc).length + 2);
    const newConnections = connections(pasted).slice(connections(doc).length);
    expect(newConnections.map((c) => [c.source, c.port, c.target])).toEqual([[ids[0], between.port, ids[1]]]);
    const original = activities(doc).find((a) => a.id === "slaL1")!;
    const copy = activities(pasted).find((a) => a.id === ids[0])!;
    expect(copy.workingDays).toEqual(original.workingDays);
    expect(position(copy)).toEqual({ x: position(original)!.x + 40, y: position(original)!.y + 40 });
    expect(serializeWorkflow(doc)).toEqual(serializeWorkflow(escalation()));
  });

  it("undoes and redoes whole steps, keystrokes in one field within a moment as one step, at most the limit kept", () => {
    let h: EditHistory = { past: [], future: [] };
    const d = (n: number) => ({ n }) as unknown as WorkflowDoc;
    h = record(h, d(0), "input:slaL1:workingDays", 1000);
    h = record(h, d(1), "input:slaL1:workingDays", 1200);
    expect(h.past).toEqual([d(0)]);
    h = record(h, d(2), undefined, 1300);
    const back = undo(h, d(3))!;
    expect(back.doc).toEqual(d(2));
    const back2 = undo(back.history, back.doc)!;
    expect(back2.doc).toEqual(d(0));
    expect(undo(back2.history, back2.doc)).toBeUndefined();
    const forward = redo(back2.history, back2.doc)!;
    expect(forward.doc).toEqual(d(2));
    expect(redo(forward.history, forward.doc)!.doc).toEqual(d(3));
    let long: EditHistory = { past: [], future: [] };
    for (let i = 0; i < HistoryLimit + 50; i++) long = record(long, d(i));
    expect(long.past).toHaveLength(HistoryLimit);
    expect(long.past[0]).toEqual(d(50));
  });

  it("writes FlowSwitch cases as Elsa's plain array, reading a wrapped one too", () => {
    let doc = addActivity(escalation(), { type: "Elsa.FlowSwitch", displayName: "Switch", category: "Flow", inputs: [], outcomes: [], dynamicOutcomes: true, isTrigger: false }, { x: 0, y: 0 });
    const id = String(activities(doc).at(-1)!.id);
    doc = setSwitchCases(doc, id, [{ label: "Urgent", condition: "getUrgent()" }]);
    const a = activities(doc).find((x) => x.id === id)!;
    expect(a.cases).toEqual([{ label: "Urgent", condition: { type: "JavaScript", value: "getUrgent()" } }]);
    const wrapped = { ...a, cases: { typeName: "FlowSwitchCase[]", expression: { type: "Object", value: JSON.stringify(a.cases) } } };
    expect(readSwitchCases(wrapped)).toEqual([{ label: "Urgent", condition: "getUrgent()" }]);
  });

  it("binds SetVariable to a declared variable by id, as Elsa writes it", () => {
    const doc = parseWorkflow(readFileSync(resolve(here, "../../../shared/elsa-samples/implicit-loop.json"), "utf8"));
    const declared = variables(doc);
    expect(declared.length).toBeGreaterThan(0);
    const set = activities(doc).find((a) => a.type === "Elsa.SetVariable")!;
    const next = setVariableRef(doc, String(set.id), declared[0].id);
    const v = activities(next).find((a) => a.id === set.id)!.variable as Record<string, unknown>;
    expect(v.id).toBe(declared[0].id);
    expect(v.name).toBe(declared[0].name);
  });

  it("names an activity by its display text, kept where Elsa keeps it", () => {
    const doc = setDisplayText(escalation(), "slaL1", "L1 officer's time limit");
    const a = activities(doc).find((x) => x.id === "slaL1")!;
    expect((a.metadata as Record<string, unknown>).displayText).toBe("L1 officer's time limit");
    expect(label(a)).toBe("L1 officer's time limit");
    expect(label(activities(setDisplayText(doc, "slaL1", " ")).find((x) => x.id === "slaL1")!)).toBe(String(a.name ?? a.id));
  });

  it("says a schedule in IST words", () => {
    expect(describeCron("0 30 3 * * 1")).toBe("Every Monday at 09:00 IST");
    expect(describeCron("0 30 3 * * 5")).toBe("Every Friday at 09:00 IST");
    expect(describeCron("0 0 20 * * 0")).toBe("Every Monday at 01:30 IST");
    expect(describeCron("0 0 * * * *")).toContain("UTC");
    expect(describeCron("30 3 * * 1")).toContain("six fields");
  });
});

describe("tidy layout", () => {
  it("puts the levels in lanes left to right and the rest beneath, moving every activity", () => {
    const doc = parseWorkflow(readFileSync(resolve(here, "../../workflows/case-escalation.json"), "utf8"));
    const levels = [1, 2, 3, 4].map((level) => ({ level, timerId: `slaL${level}`, escalateId: level < 4 ? `escL${level}` : null, flagId: level === 4 ? "flagL4" : null }));
    const tidy = laneLayout(doc, levels);
    const at = (id: string) => position(activities(tidy).find((a) => a.id === id)!)!;
    const timers = [1, 2, 3, 4].map((l) => at(`slaL${l}`));
    for (let i = 1; i < 4; i++) expect(timers[i].x - timers[i - 1].x).toBe(LaneWidth);
    expect(new Set(timers.map((t) => t.y)).size).toBe(1);
    expect(at("escL1").y).toBeLessThan(timers[0].y);
    expect(at("joinL2").x).toBeLessThan(timers[1].x);
    expect(at("start").x).toBeLessThan(at("joinL1").x);
    expect(at("joinEnd").y).toBeGreaterThan(timers[0].y);
    expect(activities(tidy).every((a) => position(a))).toBe(true);
  });
});

describe("composites", () => {
  const child: ActivityType = {
    type: "LevelNotice", displayName: "LevelNotice", category: "Workflows", inputs: [{ name: "officer", typeName: "String", displayName: "officer", uiHint: "javascript" }],
    outcomes: ["Done"], dynamicOutcomes: false, isTrigger: false, workflowDefinitionId: "level-notice", workflowVersion: 3,
  };
  const doc = (): WorkflowDoc => parseWorkflow(JSON.stringify({ definitionId: "p", root: { type: "Elsa.Flowchart", id: "r", activities: [], connections: [] } }));

  it("a workflow dropped from the palette pins its definition and the version in force, and says what it runs", () => {
    const next = addActivity(doc(), child, { x: 10, y: 10 });
    const a = activities(next)[0];
    expect(a.type).toBe("LevelNotice");
    expect(a.workflowDefinitionId).toBe("level-notice");
    expect(a.version).toBe(3);
    expect(compositeContents(a, child)).toEqual({ workflowDefinitionId: "level-notice", children: [] });
  });

  it("a nested flowchart, an If and a loop list what they hold; plain activities hold nothing", () => {
    const flow: JsonObject = { id: "f", type: "Elsa.Flowchart", activities: [{ id: "w", type: "Elsa.WriteLine" }, { id: "s", type: "Elsa.Sequence", activities: [{ id: "x", type: "Elsa.WriteLine" }] }], connections: [] };
    expect(compositeContents(flow, undefined)!.children.map((c) => [c.slot, c.id, c.children])).toEqual([["activities", "w", 0], ["activities", "s", 1]]);
    const fork = { id: "f", type: "Elsa.Fork", branches: [{ id: "a", type: "Elsa.WriteLine" }, { id: "b", type: "Elsa.Delay" }] };
    expect(compositeContents(fork, undefined)!.children.map((c) => `${c.slot}:${c.id}`)).toEqual(["branch:a", "branch:b"]);
    const choice = { id: "s", type: "Elsa.Switch", cases: [{ label: "High", condition: true, activity: { id: "h", type: "Elsa.WriteLine" } }], default: { id: "d", type: "Elsa.WriteLine" } };
    expect(compositeContents(choice, undefined)!.children.map((c) => `${c.slot}:${c.id}`)).toEqual(["case High:h", "default:d"]);
    const branch = { id: "i", type: "Elsa.If", then: { id: "t", type: "Elsa.WriteLine" }, else: { id: "e", type: "Elsa.Break" } };
    expect(compositeContents(branch, undefined)!.children.map((c) => `${c.slot}:${c.id}`)).toEqual(["then:t", "else:e"]);
    expect(compositeContents({ id: "l", type: "Elsa.While", body: { id: "b", type: "Elsa.Flowchart", activities: [], connections: [] } }, undefined)!.children[0].slot).toBe("body");
    expect(compositeContents({ id: "w", type: "Elsa.WriteLine" }, undefined)).toBeUndefined();
  });

  it("a new nested flowchart or sequence starts empty, in Elsa's shape", () => {
    const flowType: ActivityType = { type: "Elsa.Flowchart", displayName: "Flowchart", category: "Composites", inputs: [], outcomes: ["Done"], dynamicOutcomes: false, isTrigger: false };
    const a = activities(addActivity(doc(), flowType, { x: 0, y: 0 }))[0];
    expect(a.activities).toEqual([]);
    expect(a.connections).toEqual([]);
  });
});
