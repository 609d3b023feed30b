import { useContext, useEffect, useState } from "react";
import { LangContext } from "./i18n";
import {
  describeCron, describeDuration, describeWorkingDays, formatDuration, isAmbiguousDuration, normalise, numberProblem, parseDuration,
  percentToShare, readInput, shareToPercent,
  readSwitchCases, type InputDescriptor, type InputValue, type JsonObject, type SwitchCase, type VariableDecl,
} from "./model";

/** Days, hours and minutes as separate fields; writes d.hh:mm:ss, so "72:00:00" cannot be typed. */
export function DurationEditor({ name, value, onChange }: { name: string; value: string; onChange: (v: string) => void }) {
  const parsed = value ? parseDuration(value) : undefined;
  const parts = parsed ? normalise(parsed) : { days: 0, hours: 0, minutes: 0, seconds: 0 };
  const set = (field: "days" | "hours" | "minutes", text: string) => {
    const n = Math.max(0, Math.floor(Number(text) || 0));
    const next = { ...parts, [field]: n };
    onChange(next.days || next.hours || next.minutes || next.seconds ? formatDuration(next) : "");
  };
  return (
    <div className="duration-editor">
      <label>days <input type="number" min={0} data-testid={`days-${name}`} value={parts.days} onChange={(e) => set("days", e.target.value)} /></label>
      <label>hours <input type="number" min={0} data-testid={`hours-${name}`} value={parts.hours} onChange={(e) => set("hours", e.target.value)} /></label>
      <label>minutes <input type="number" min={0} data-testid={`minutes-${name}`} value={parts.minutes} onChange={(e) => set("minutes", e.target.value)} /></label>
      <div className="words" data-testid={`words-${name}`}>{value ? describeDuration(value) : "not set"}</div>
      {value && isAmbiguousDuration(value) && (
        <div className="warning" role="alert">
          "{value}" is read as {describeDuration(value)}; change any field to write it as d.hh:mm:ss.
        </div>
      )}
      {value && <code className="raw-value">{value}</code>}
    </div>
  );
}

/** Whole working days within the descriptor's range; what is typed is kept as typed, and a problem is said, not silently "fixed". */
export function WorkingDaysEditor({ input, value, onChange }: { input: InputDescriptor; value: string; onChange: (v: string) => void }) {
  const problem = numberProblem(value, input);
  return (
    <div className="working-days-editor">
      <input type="number" min={input.minimum ?? undefined} max={input.maximum ?? undefined} step={1} data-testid={`input-${input.name}`} value={value}
        aria-invalid={!!problem} onChange={(e) => onChange(e.target.value)} />
      <span className="words" data-testid={`words-${input.name}`}>{problem ? "" : value ? describeWorkingDays(value) : "not set"}</span>
      {problem && <div className="error" role="alert" data-testid={`problem-${input.name}`}>{problem}</div>}
    </div>
  );
}

/** A number within the descriptor's range (whole if it says so). */
export function NumberEditor({ input, value, onChange }: { input: InputDescriptor; value: string; onChange: (v: string) => void }) {
  const problem = numberProblem(value, input);
  return (
    <div className="number-editor">
      <input type="number" min={input.minimum ?? undefined} max={input.maximum ?? undefined} step={input.wholeNumber ? 1 : "any"} data-testid={`input-${input.name}`}
        value={value} aria-invalid={!!problem} placeholder={input.defaultValue ?? ""} onChange={(e) => onChange(e.target.value)} />
      {problem && <div className="error" role="alert" data-testid={`problem-${input.name}`}>{problem}</div>}
    </div>
  );
}

/** A share of a limit as a percentage: 75 % is written 0.75, as the activity reads it. */
export function ShareEditor({ input, value, onChange }: { input: InputDescriptor; value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(() => shareToPercent(value));
  useEffect(() => { if (percentToShare(text) !== value) setText(shareToPercent(value)); }, [value]); // eslint-disable-line react-hooks/exhaustive-deps
  const percent: InputDescriptor = { ...input, minimum: input.minimum == null ? null : input.minimum * 100, maximum: input.maximum == null ? null : input.maximum * 100, wholeNumber: false };
  const problem = numberProblem(text, percent);
  return (
    <div className="share-editor">
      <input type="number" min={percent.minimum ?? undefined} max={percent.maximum ?? undefined} step={1} data-testid={`input-${input.name}`} value={text}
        aria-invalid={!!problem} onChange={(e) => { setText(e.target.value); onChange(percentToShare(e.target.value)); }} /> %
      <span className="words" data-testid={`words-${input.name}`}>{problem ? "" : text === "" ? "not set" : Number(text) === 0 ? "no warning" : `warn when ${text} % of the limit has passed`}</span>
      {problem && <div className="error" role="alert" data-testid={`problem-${input.name}`}>{problem}</div>}
    </div>
  );
}

/** One of the values the descriptor allows; a value from elsewhere is shown as such, not silently replaced. */
export function ChoiceEditor({ input, value, onChange }: { input: InputDescriptor; value: string; onChange: (v: string) => void }) {
  const choices = input.choices ?? [];
  const unknown = value !== "" && !choices.includes(value);
  return (
    <div className="choice-editor">
      <select data-testid={`input-${input.name}`} value={value} onChange={(e) => onChange(e.target.value)}>
        {!input.defaultValue && <option value="">(choose)</option>}
        {unknown && <option value={value}>{value} (not allowed)</option>}
        {choices.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
      {unknown && <div className="error" role="alert" data-testid={`problem-${input.name}`}>"{value}" is not one of {choices.join(", ")}.</div>}
    </div>
  );
}

/** A cron expression with its schedule in words (Elsa: six fields, seconds first, UTC). */
export function CronEditor({ name, value, onChange }: { name: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="cron-editor">
      <input type="text" data-testid={`input-${name}`} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
      <div className="words" data-testid={`words-${name}`}>{value ? describeCron(value) : "not set"}</div>
    </div>
  );
}

/**
 * A FlowSwitch's cases as Elsa writes them: a plain array of {label, condition}, each label an outcome port of its own.
 * Cases are plain properties in Elsa's JSON, not inputs, so they have an editor of their own.
 */
export function CasesEditor({ activity, onChange }: { activity: JsonObject; onChange: (cases: SwitchCase[]) => void }) {
  const cases = readSwitchCases(activity);
  const set = (i: number, c: Partial<SwitchCase>) => onChange(cases.map((x, n) => (n === i ? { ...x, ...c } : x)));
  return (
    <fieldset className="input-editor" data-input="cases">
      <legend>Cases <span className="type-name">one outcome port each, then Default</span></legend>
      {cases.map((c, i) => (
        <div className="switch-case" key={i}>
          <input type="text" aria-label={`case ${i + 1} label`} data-testid={`case-label-${i}`} value={c.label} placeholder="outcome" onChange={(e) => set(i, { label: e.target.value })} />
          <input type="text" aria-label={`case ${i + 1} condition`} data-testid={`case-condition-${i}`} value={c.condition} placeholder="JavaScript condition" spellCheck={false}
            onChange={(e) => set(i, { condition: e.target.value })} />
          <button type="button" aria-label={`remove case ${i + 1}`} onClick={() => onChange(cases.filter((_, n) => n !== i))}>✕</button>
        </div>
      ))}
      <button type="button" data-testid="case-add" onClick={() => onChange([...cases, { label: `Case${cases.length + 1}`, condition: "false" }])}>Add case</button>
    </fieldset>
  );
}

/** SetVariable's variable: one of the definition's declared variables, written by id as Elsa does. */
export function VariableEditor({ activity, declared, onChange }: { activity: JsonObject; declared: VariableDecl[]; onChange: (id: string) => void }) {
  const v = activity.variable;
  const current = v && typeof v === "object" && !Array.isArray(v) ? String(v.id ?? v.name ?? "") : typeof v === "string" ? v : "";
  return (
    <fieldset className="input-editor" data-input="variable">
      <legend>Variable</legend>
      {declared.length === 0 ? <p className="warning">The definition declares no variables: add one to its "variables" first.</p> : (
        <select data-testid="input-variable" value={current} onChange={(e) => onChange(e.target.value)}>
          <option value="">(choose a variable)</option>
          {declared.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.typeName})</option>)}
        </select>
      )}
    </fieldset>
  );
}

/** One input of the selected activity: a literal with the editor its UI hint asks for, or JavaScript. */
export function InputEditor({ activity, input, onChange }: { activity: JsonObject; input: InputDescriptor; onChange: (v: InputValue | undefined) => void }) {
  const lang = useContext(LangContext);
  const current = readInput(activity, input.name);
  const mode = current?.expressionType ?? "Literal";
  const value = current?.value ?? "";
  const typeName = current?.typeName || input.typeName;
  const write = (v: string, m = mode) => onChange({ typeName, expressionType: m, value: v });
  let editor;
  if (mode === "JavaScript") {
    editor = <CodeArea testId={`input-${input.name}`} value={value} onChange={(v) => write(v)} />;
  } else if (mode !== "Literal") {
    editor = <CodeArea testId={`input-${input.name}`} value={value} onChange={(v) => write(v)} />;
  } else if (input.uiHint === "duration") {
    editor = <DurationEditor name={input.name} value={value} onChange={(v) => write(v)} />;
  } else if (input.uiHint === "cron") {
    editor = <CronEditor name={input.name} value={value} onChange={(v) => write(v)} />;
  } else if (input.uiHint === "working-days") {
    editor = <WorkingDaysEditor input={input} value={value} onChange={(v) => write(v)} />;
  } else if (input.uiHint === "share") {
    editor = <ShareEditor input={input} value={value} onChange={(v) => write(v)} />;
  } else if (input.choices && input.choices.length > 0) {
    editor = <ChoiceEditor input={input} value={value || (input.defaultValue ?? "")} onChange={(v) => write(v)} />;
  } else if (input.minimum != null || input.maximum != null || input.wholeNumber) {
    editor = <NumberEditor input={input} value={value} onChange={(v) => write(v)} />;
  } else if (input.uiHint === "checkbox") {
    editor = <input type="checkbox" data-testid={`input-${input.name}`} checked={value.toLowerCase() === "true"} onChange={(e) => write(String(e.target.checked))} />;
  } else if (["multiline", "javascript", "json", "cases", "string-list"].includes(input.uiHint)) {
    editor = <CodeArea testId={`input-${input.name}`} value={value} onChange={(v) => write(v)} />;
  } else {
    editor = <input type="text" data-testid={`input-${input.name}`} value={value} placeholder={input.defaultValue ?? ""} onChange={(e) => write(e.target.value)} />;
  }
  return (
    <fieldset className="input-editor" data-input={input.name}>
      <legend title={(lang === "hi" && input.descriptionHi) || input.description || ""}>
        {(lang === "hi" && input.displayNameHi) || input.displayName} <span className="type-name">{input.typeName}</span>
        <select aria-label={`${input.displayName} expression`} value={mode === "Literal" || mode === "JavaScript" ? mode : mode}
          onChange={(e) => write(value, e.target.value)}>
          <option value="Literal">literal</option>
          <option value="JavaScript">JavaScript</option>
          {mode !== "Literal" && mode !== "JavaScript" && <option value={mode}>{mode}</option>}
        </select>
      </legend>
      {editor}
      {((lang === "hi" && input.descriptionHi) || input.description) && <div className="hint">{(lang === "hi" && input.descriptionHi) || input.description}</div>}
    </fieldset>
  );
}

function CodeArea({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  return <textarea className="code" rows={4} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} />;
}

/** The activity's whole JSON, for what the typed editors do not cover (and for experts). */
export function RawActivityEditor({ activity, onApply }: { activity: JsonObject; onApply: (a: JsonObject) => string | undefined }) {
  const [text, setText] = useState(() => JSON.stringify(activity, null, 2));
  const [error, setError] = useState<string>();
  useEffect(() => setText(JSON.stringify(activity, null, 2)), [activity]);
  const apply = () => {
    try {
      const parsed = JSON.parse(text);
      setError(onApply(parsed));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <details className="raw-editor">
      <summary>JSON</summary>
      <textarea className="code" rows={14} data-testid="raw-activity" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      <button type="button" onClick={apply}>Apply JSON</button>
      {error && <div className="error" role="alert">{error}</div>}
    </details>
  );
}
