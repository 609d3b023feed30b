import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  activities, addActivity, addConnection, connections, describeDuration, describeWorkingDays, formatDuration,
  isAmbiguousDuration, layout, parseDuration, parseWorkflow, position, removeActivities, removeConnections,
  serializeWorkflow, setInput, setPosition, type ActivityType,
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
