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
/// Evaluates Elsa-style JavaScript with Jint. Scripts are parsed once and cached; engines are pooled
/// because building one per evaluation costs more than most scripts take to run. Engines have no CLR
/// access and run under time, statement, recursion and memory limits.
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

    public JsonNode? Evaluate(string script, IExpressionScope scope)
    {
        var prepared = Prepare(script);
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
        prepared = new PreparedScript(Engine.PrepareScript(script, options: PreparationOptions), script.Contains("variables", StringComparison.Ordinal));
        if (_scripts.Count >= MaxCachedScripts)
            _scripts.Clear();
        _scripts[script] = prepared;
        return prepared;
    }

    /// <param name="UsesVariablesObject">Building the <c>variables</c> object costs more than most scripts; only those that name it get it.</param>
    private sealed record PreparedScript(Prepared<Script> Script, bool UsesVariablesObject);

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
                .LimitMemory(16_000_000));
            _engine.SetValue("getVariable", new Func<string, JsValue>(Get));
            _engine.SetValue("setVariable", new Action<string, JsValue>(Set));
            _engine.SetValue("getInput", new Func<string, JsValue>(name => ToJs(Current.GetInput(name))));
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
            _engine.Execute($"function get{name}() {{ return getVariable('{name}'); }}\nfunction set{name}(value) {{ setVariable('{name}', value); }}");
            _accessors.Add(name);
        }

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
