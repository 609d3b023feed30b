using Jint;
using Jint.Native;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace CaseFlow.Workflows.Expressions;

/// <summary>
/// Size checks in front of the built-in string functions that can make a huge string from a small one in a
/// single call (<c>'x'.repeat(1 &lt;&lt; 28)</c> is half a gigabyte). Jint's memory limit is measured between
/// statements, after such a call has already allocated; these refuse before it does.
/// </summary>
internal static class ScriptGuards
{
    public static void Install(Engine engine, int maxLength)
    {
        var strings = engine.GetValue("String").AsObject().Get("prototype").AsObject();
        Wrap(engine, strings, "repeat", maxLength, (self, args) => Text(self).Length * Number(args, 0));
        Wrap(engine, strings, "padStart", maxLength, (_, args) => Number(args, 0));
        Wrap(engine, strings, "padEnd", maxLength, (_, args) => Number(args, 0));
        Wrap(engine, strings, "concat", maxLength, (self, args) => Text(self).Length + args.Sum(a => (double)TypeConverter.ToString(a).Length));
        Wrap(engine, strings, "replaceAll", maxLength, ReplacedLength);
        Wrap(engine, strings, "replace", maxLength, ReplacedLength);
        var arrays = engine.GetValue("Array").AsObject().Get("prototype").AsObject();
        Wrap(engine, arrays, "join", maxLength, JoinedLength);
    }

    private static void Wrap(Engine engine, Jint.Native.Object.ObjectInstance target, string name, int maxLength, Func<JsValue, JsValue[], double> resultLength)
    {
        var original = target.Get(name);
        var guarded = new ClrFunction(engine, name, (self, args) =>
        {
            var length = resultLength(self, args);
            if (length > maxLength)
                throw new JavaScriptException(engine.Intrinsics.Error, $"{name} would build a string of {length:N0} characters; at most {maxLength:N0} are allowed.");
            return engine.Call(original, self, args);
        }, (int)TypeConverter.ToNumber(original.AsObject().Get("length")));
        target.FastSetProperty(name, new PropertyDescriptor(guarded, writable: true, enumerable: false, configurable: true));
    }

    private static string Text(JsValue value) => (value.IsNull() || value.IsUndefined()) ? "" : TypeConverter.ToString(value);

    private static double Number(JsValue[] args, int i) => args.Length > i ? TypeConverter.ToNumber(args[i]) : 0;

    /// <summary>
    /// With a string replacement the result is the source plus, per match, the replacement's length; a plain
    /// string pattern's matches are counted, a regular expression is taken to match everywhere.
    /// </summary>
    private static double ReplacedLength(JsValue self, JsValue[] args)
    {
        if (args.Length < 2 || !args[1].IsString())
            return 0;
        var source = Text(self);
        var replacement = args[1].AsString().Length;
        if (!args[0].IsString())
            return source.Length + (source.Length + 1.0) * replacement;
        var pattern = args[0].AsString();
        if (pattern.Length == 0)
            return source.Length + (source.Length + 1.0) * replacement;
        var matches = 0;
        for (var at = source.IndexOf(pattern, StringComparison.Ordinal); at >= 0; at = source.IndexOf(pattern, at + pattern.Length, StringComparison.Ordinal))
            matches++;
        return source.Length + matches * (double)(replacement - pattern.Length);
    }

    private static double JoinedLength(JsValue self, JsValue[] args)
    {
        if (!self.IsObject())
            return 0;
        var array = self.AsObject();
        var length = TypeConverter.ToNumber(array.Get("length"));
        var separator = args.Length > 0 && !args[0].IsUndefined() ? TypeConverter.ToString(args[0]).Length : 1;
        var total = Math.Max(0, length - 1) * separator;
        for (var i = 0; i < length && total <= int.MaxValue; i++)
        {
            var item = array.Get(i);
            if (!(item.IsNull() || item.IsUndefined()))
                total += item.IsString() ? item.AsString().Length : 24;
        }
        return total;
    }
}
