using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Acornima.Ast;

namespace CaseFlow.Workflows.Expressions;

/// <summary>
/// Evaluates Elsa-style JavaScript with Jint. Scripts are parsed once and cached. Engines have no CLR access,
/// cannot compile strings (no eval, no Function), and run under time, statement, recursion, memory, array
/// and regular-expression limits; the string functions that build a large result in one call (repeat, pad,
/// join, replaceAll, concat) check the size first, because the memory limit is only checked between statements.
/// Scripts that cannot change their engine (<see cref="ScriptShape"/>) share pooled engines; any other gets
/// an engine of its own, so nothing one definition or instance leaves behind reaches another.
/// </summary>
public sealed class JavaScriptEvaluator
{
    private const int MaxCachedScripts = 10_000;
    private readonly ConcurrentDictionary<string, PreparedScript> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<EngineHolder> _pool = [];

    public static ScriptPreparationOptions PreparationOptions { get; } = new()
    {
        ParsingOptions = ScriptParsingOptions.Default with { AllowReturnOutsideFunction = true },
    };

    /// <summary>Parses a script, throwing <see cref="ParseErrorException"/> when it is not valid JavaScript.</summary>
    public static void Parse(string script) => Engine.PrepareScript(script, options: PreparationOptions);

    /// <summary>The longest result one string function may build: 8 MB of UTF-16, half the memory limit.</summary>
    public const int MaxStringLength = 4 * 1024 * 1024;

    public JsonNode? Evaluate(string script, IExpressionScope scope)
    {
        var prepared = Prepare(script);
        if (!prepared.Pure)
            return new EngineHolder().Evaluate(prepared, scope);
        if (!_pool.TryTake(out var holder))
            holder = new EngineHolder();
        try
        {
            return holder.Evaluate(prepared, scope);
        }
        finally
        {
            holder.Scope = null;
            _pool.Add(holder);
        }
    }

    private PreparedScript Prepare(string script)
    {
        if (_scripts.TryGetValue(script, out var prepared))
            return prepared;
        var parsed = Engine.PrepareScript(script, options: PreparationOptions);
        prepared = new PreparedScript(parsed, script.Contains("variables", StringComparison.Ordinal), parsed.Program is { } program && ScriptShape.IsPure(program));
        if (_scripts.Count >= MaxCachedScripts)
            _scripts.Clear();
        _scripts[script] = prepared;
        return prepared;
    }

    /// <param name="UsesVariablesObject">Building the <c>variables</c> object costs more than most scripts; only those that name it get it.</param>
    /// <param name="Pure">The script cannot change the engine it runs in, so it may run on a shared one.</param>
    private sealed record PreparedScript(Prepared<Script> Script, bool UsesVariablesObject, bool Pure);

    private sealed class EngineHolder
    {
        private readonly Engine _engine;
        private readonly HashSet<string> _accessors = new(StringComparer.Ordinal);

        public EngineHolder()
        {
            _engine = new Engine(o => o
                .Strict(false)
                .TimeoutInterval(TimeSpan.FromSeconds(2))
                .MaxStatements(200_000)
                .LimitRecursion(128)
                .LimitMemory(16_000_000)
                .MaxArraySize(1_000_000)
                .RegexTimeoutInterval(TimeSpan.FromSeconds(1))
                .DisableStringCompilation());
            ScriptGuards.Install(_engine, MaxStringLength);
            _engine.SetValue("getVariable", new Func<string, JsValue>(Get));
            _engine.SetValue("setVariable", new Action<string, JsValue>(Set));
            _engine.SetValue("getInput", new Func<string, JsValue>(name => ToJs(Current.GetInput(name))));
            // What getX() reads: the variable x where the definition declares one, else the workflow input x. One function
            // for both, so an engine shared by many definitions never keeps one definition's meaning of getX().
            _engine.SetValue("__caseflowValue", new Func<string, JsValue>(name =>
                Current.VariableDefinitions.Any(v => v.Name == name) || !Current.InputNames.Contains(name) ? Get(name) : ToJs(Current.GetInput(name))));
            _engine.SetValue("getOutputFrom", new Func<string, JsValue, JsValue>((activity, output) =>
                ToJs(Current.GetActivityOutput(activity, output is null || output.IsNull() || output.IsUndefined() ? null : output.ToString()))));
            _engine.SetValue("getCorrelationId", new Func<JsValue>(() => Current.CorrelationId is null ? JsValue.Null : new JsString(Current.CorrelationId)));
            _engine.SetValue("setCorrelationId", new Action<string?>(id => Current.CorrelationId = id));
            _engine.SetValue("getWorkflowInstanceId", new Func<JsValue>(() => Current.InstanceId is null ? JsValue.Null : new JsString(Current.InstanceId)));
        }

        public IExpressionScope? Scope { get; set; }

        private IExpressionScope Current => Scope ?? throw new InvalidOperationException("No expression scope.");

        // During an evaluation the `variables` object is the script's view of declared variables, so
        // `variables.x = 1; getX()` and `setX(1); variables.x` agree.
        private JsObject? _variables;

        private JsValue Get(string name) =>
            _variables is not null && _variables.HasOwnProperty(name) ? _variables.Get(name) : ToJs(Current.GetVariable(name));

        private void Set(string name, JsValue value)
        {
            Current.SetVariable(name, FromJs(value));
            if (_variables is not null && _variables.HasOwnProperty(name))
                _variables.Set(name, value);
        }

        public JsonNode? Evaluate(PreparedScript script, IExpressionScope scope)
        {
            Scope = scope;
            JsObject? variables = null;
            Dictionary<string, JsValue>? before = null;
            try
            {
                foreach (var v in scope.VariableDefinitions)
                    DefineAccessors(v.Name);
                foreach (var input in scope.InputNames)
                    DefineAccessors(input);
                foreach (var name in scope.StoredVariableNames)
                    DefineAccessors(name);
                foreach (var activity in scope.OutputActivityNames)
                    DefineOutputAccessor(activity);
                if (script.UsesVariablesObject)
                {
                    variables = new JsObject(_engine);
                    before = new Dictionary<string, JsValue>(StringComparer.Ordinal);
                    foreach (var v in scope.VariableDefinitions)
                    {
                        var value = ToJs(scope.GetVariable(v.Name));
                        before[v.Name] = value;
                        variables.Set(v.Name, value);
                    }
                    _engine.SetValue("variables", variables);
                    _variables = variables;
                }

                var result = _engine.Evaluate(script.Script);

                // `variables.x = 1` writes through, like Elsa's variables proxy.
                if (variables is not null && before is not null)
                {
                    foreach (var (name, old) in before)
                    {
                        var now = variables.Get(name);
                        if (!ReferenceEquals(now, old) && !now.Equals(old))
                            scope.SetVariable(name, FromJs(now));
                    }
                }
                return FromJs(result);
            }
            finally
            {
                _variables = null;
                if (variables is not null)
                    _engine.SetValue("variables", JsValue.Undefined);
            }
        }

        /// <summary>Elsa's <c>getX()</c>/<c>setX(v)</c>, defined once per engine and name. They go through
        /// getVariable/setVariable, so they serve whichever instance is being evaluated.</summary>
        private void DefineAccessors(string name)
        {
            if (_accessors.Contains(name) || !IsIdentifier(name))
                return;
            _engine.Execute(AccessorScripts.GetOrAdd(name, static n =>
            {
                // Elsa names them after the variable with its first letter raised (myNumber → getMyNumber);
                // the name as written is kept too, since definitions written for CaseFlow call getmyNumber().
                var pascal = char.ToUpperInvariant(n[0]) + n[1..];
                var text = $"function get{pascal}() {{ return __caseflowValue('{n}'); }}\nfunction set{pascal}(value) {{ setVariable('{n}', value); }}";
                if (pascal != n)
                    text += $"\nfunction get{n}() {{ return __caseflowValue('{n}'); }}\nfunction set{n}(value) {{ setVariable('{n}', value); }}";
                return Engine.PrepareScript(text);
            }));
            _accessors.Add(name);
        }

        /// <summary>Elsa's <c>getOutputFrom{ActivityName}(output?)</c>, defined once per engine and name.</summary>
        private void DefineOutputAccessor(string activity)
        {
            var key = "output:" + activity;
            if (_accessors.Contains(key) || !IsIdentifier(activity))
                return;
            _engine.Execute(AccessorScripts.GetOrAdd(key, static k =>
            {
                var name = k["output:".Length..];
                return Engine.PrepareScript($"function getOutputFrom{name}(output) {{ return getOutputFrom('{name}', output); }}");
            }));
            _accessors.Add(key);
        }

        private static readonly ConcurrentDictionary<string, Prepared<Script>> AccessorScripts = new(StringComparer.Ordinal);

        private JsValue ToJs(JsonNode? node)
        {
            switch (node)
            {
                case null:
                    return JsValue.Null;
                case JsonValue v:
                    switch (v.GetValueKind())
                    {
                        case JsonValueKind.String: return new JsString(v.GetValue<string>());
                        case JsonValueKind.Number: return new JsNumber(ValueConverter.AsDouble(v));
                        case JsonValueKind.True: return JsBoolean.True;
                        case JsonValueKind.False: return JsBoolean.False;
                        case JsonValueKind.Null: return JsValue.Null;
                    }
                    break;
            }
            return new JsonParser(_engine).Parse(node.ToJsonString());
        }

        private JsonNode? FromJs(JsValue value)
        {
            if (value.IsNull() || value.IsUndefined())
                return null;
            if (value.IsString())
                return JsonValue.Create(value.AsString());
            if (value.IsBoolean())
                return JsonValue.Create(value.AsBoolean());
            if (value.IsNumber())
            {
                var d = value.AsNumber();
                return double.IsInteger(d) && Math.Abs(d) < 9e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
            }
            if (value.IsDate())
                return JsonValue.Create(value.AsDate().ToDateTime().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            var json = new Jint.Native.Json.JsonSerializer(_engine).Serialize(value);
            return json.IsString() ? JsonNode.Parse(json.AsString()) : null;
        }

        private static bool IsIdentifier(string name) =>
            name.Length > 0 && (char.IsLetter(name[0]) || name[0] is '_' or '$') && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '$');
    }
}
