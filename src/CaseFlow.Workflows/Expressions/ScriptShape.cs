using Acornima.Ast;

namespace CaseFlow.Workflows.Expressions;

/// <summary>
/// Decides whether a script can change the engine it runs in. Most workflow scripts are expressions over the
/// instance (<c>getCaseLevel() == 2</c>, <c>getInput('amount') &gt; 1000</c>); those run on pooled engines,
/// because building an engine costs fifteen times what they take. Anything that could leave something behind
/// for the next script — an assignment, a declaration, a function, access to constructors or prototypes, a
/// global that is not a plain value namespace — runs on an engine of its own that is thrown away afterwards,
/// so no definition or instance ever sees another's globals.
/// </summary>
internal static class ScriptShape
{
    private static readonly HashSet<string> SafeGlobals = new(StringComparer.Ordinal)
    {
        "undefined", "NaN", "Infinity", "Math", "JSON", "String", "Number", "Boolean", "Date", "Array",
        "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent",
        "getVariable", "setVariable", "getInput", "getCorrelationId", "setCorrelationId", "getWorkflowInstanceId", "variables",
    };

    // Members through which a value reaches constructors, prototypes or the property machinery.
    private static readonly HashSet<string> UnsafeMembers = new(StringComparer.Ordinal)
    {
        "constructor", "prototype", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
        "defineProperty", "defineProperties", "setPrototypeOf", "assign",
    };

    public static bool IsPure(Script script)
    {
        foreach (var statement in script.Body)
            if (!Statement(statement, null))
                return false;
        return true;
    }

    private static bool Statement(Node node, HashSet<string>? locals) => node switch
    {
        ExpressionStatement e => Expression(e.Expression, locals),
        ReturnStatement r => r.Argument is null || Expression(r.Argument, locals),
        IfStatement i => Expression(i.Test, locals) && Statement(i.Consequent, locals) && (i.Alternate is null || Statement(i.Alternate, locals)),
        NestedBlockStatement b => b.Body.All(s => Statement(s, locals)),
        EmptyStatement => true,
        _ => false,
    };

    private static bool Expression(Node? node, HashSet<string>? locals)
    {
        switch (node)
        {
            case null:
                return true;
            case Literal:
                return true;
            case Identifier id:
                return locals?.Contains(id.Name) == true || SafeGlobals.Contains(id.Name) || IsAccessor(id.Name);
            case TemplateLiteral t:
                return t.Expressions.All(x => Expression(x, locals));
            case ParenthesizedExpression p:
                return Expression(p.Expression, locals);
            case ChainExpression c:
                return Expression(c.Expression, locals);
            case NonLogicalBinaryExpression b:
                return Expression(b.Left, locals) && Expression(b.Right, locals);
            case LogicalExpression l:
                return Expression(l.Left, locals) && Expression(l.Right, locals);
            case NonUpdateUnaryExpression u:
                return u.Operator != Acornima.Operator.Delete && Expression(u.Argument, locals);
            case ConditionalExpression c:
                return Expression(c.Test, locals) && Expression(c.Consequent, locals) && Expression(c.Alternate, locals);
            case SequenceExpression s:
                return s.Expressions.All(x => Expression(x, locals));
            case ArrayExpression a:
                return a.Elements.All(x => x is null || (x is SpreadElement sp ? Expression(sp.Argument, locals) : Expression(x, locals)));
            case ObjectExpression o:
                return o.Properties.All(p => p is ObjectProperty { Computed: false, Kind: PropertyKind.Init } op && Expression(op.Value, locals));
            case MemberExpression m:
                return Expression(m.Object, locals) && Member(m);
            case CallExpression call:
                return Expression(call.Callee, locals) && call.Arguments.All(x => x is SpreadElement sp ? Expression(sp.Argument, locals) : Expression(x, locals));
            case NewExpression n:
                return n.Callee is Identifier { Name: "Date" } && n.Arguments.All(x => Expression(x, locals));
            case ArrowFunctionExpression f:
                if (f.Async || f.Params.Any(p => p is not Identifier))
                    return false;
                var inner = new HashSet<string>(locals ?? [], StringComparer.Ordinal);
                foreach (var p in f.Params)
                    inner.Add(((Identifier)p).Name);
                return f.Body is FunctionBody body ? body.Body.All(s => Statement(s, inner)) : Expression(f.Body, inner);
            default:
                return false;
        }
    }

    private static bool Member(MemberExpression m) => m switch
    {
        { Computed: false, Property: Identifier p } => !UnsafeMembers.Contains(p.Name),
        { Computed: true, Property: NumericLiteral } => true,
        { Computed: true, Property: StringLiteral s } => !UnsafeMembers.Contains(s.Value),
        _ => false,
    };

    /// <summary>Elsa's generated accessors (<c>getX()</c>, <c>setX(v)</c>) go through the instance's scope, not the engine.</summary>
    private static bool IsAccessor(string name) =>
        name.Length > 3 && (name.StartsWith("get", StringComparison.Ordinal) || name.StartsWith("set", StringComparison.Ordinal));
}
