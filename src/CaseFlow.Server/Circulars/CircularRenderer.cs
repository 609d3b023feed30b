using System.Globalization;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Errors;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace CaseFlow.Server.Circulars;

/// <summary>
/// Renders administrator-edited Scriban templates in a sandbox: no template loader (so no include of files),
/// loop, recursion and output limits, and a time limit through the context's cancellation token. Templates
/// get the model plus a few formatting functions (Indian number grouping, Indian and Hindi dates).
/// </summary>
public sealed class CircularRenderer
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>The largest circular a template may produce (a 200-case overdue list is about 150 kB).</summary>
    public const int MaxOutput = 5_000_000;

    // Rendering is synchronous CPU work: on request threads, a few slow templates would starve every other
    // call (a CreateCase waited ten seconds behind eight renders). At most this many renders run at once,
    // each on a thread of its own (LongRunning), not a thread-pool thread: on two cores the pool starts with
    // two threads, and a render holding one of them for seconds left a CreateCase waiting a second for the
    // pool to grow. The rest wait their turn without holding a thread.
    private readonly SemaphoreSlim _slots = new(Math.Max(1, Environment.ProcessorCount / 2));

    public async Task<string> RenderAsync(string text, string name, ScriptObject model, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return await Task.Factory.StartNew(() => Render(text, name, model, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Parse errors as "line L, column C: message" (1-based), or an empty list.</summary>
    public static IReadOnlyList<string> Check(string text, string name)
    {
        var template = Template.Parse(text, name);
        return template.HasErrors
            ? template.Messages.Where(m => m.Type == ParserMessageType.Error)
                .Select(m => $"line {m.Span.Start.Line + 1}, column {m.Span.Start.Column + 1}: {m.Message}").ToList()
            : [];
    }

    private static string Render(string text, string name, ScriptObject model, CancellationToken ct)
    {
        var template = Template.Parse(text, name);
        if (template.HasErrors)
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "TEMPLATE_INVALID", $"Template {name} does not parse: {string.Join("; ", Check(text, name))}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeLimit);
        var globals = new ScriptObject();
        globals.Import(model);
        Functions.Import(globals);
        var context = new TemplateContext
        {
            TemplateLoader = null,
            LoopLimit = 10_000,
            RecursiveLimit = 20,
            ObjectRecursionLimit = 20,
            LimitToString = 10_000,
            OutputLimit = MaxOutput + 1,
            RegexTimeOut = TimeSpan.FromSeconds(1),
            StrictVariables = true,
            CancellationToken = timeout.Token,
        };
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(globals);
        try
        {
            var html = template.Render(context);
            // A circular cut short is worse than none: an officer would act on half a list.
            if (html.Length > MaxOutput)
                throw new CaseFlowException(ErrorKind.FailedPrecondition, "TEMPLATE_OUTPUT_TOO_LARGE",
                    $"Template {name} produced more than {MaxOutput:N0} characters; it was refused, not cut short.");
            return html;
        }
        catch (Exception e) when (e is OperationCanceledException or Scriban.Syntax.ScriptRuntimeException && timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "TEMPLATE_TIMEOUT", $"Template {name} ran longer than {TimeLimit.TotalSeconds:0} seconds.");
        }
        catch (Scriban.Syntax.ScriptRuntimeException e) when (e.Message.Contains("output", StringComparison.OrdinalIgnoreCase) && e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "TEMPLATE_OUTPUT_TOO_LARGE",
                $"Template {name} produced more than {MaxOutput:N0} characters; it was refused, not cut short.");
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new CaseFlowException(ErrorKind.FailedPrecondition, "TEMPLATE_FAILED", $"Template {name} failed: {e.Message}");
        }
    }

    /// <summary>The functions templates may call besides Scriban's built-ins.</summary>
    public static class Functions
    {
        private static readonly string[] HindiMonths =
            ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितम्बर", "अक्टूबर", "नवम्बर", "दिसम्बर"];

        public static void Import(ScriptObject globals)
        {
            globals.Import("indian_number", new Func<object?, string>(v => IndianNumber(Convert.ToInt64(v, CultureInfo.InvariantCulture))));
            globals.Import("indian_date", new Func<DateTimeOffset, string>(IndianDate));
            globals.Import("hindi_date", new Func<DateTimeOffset, string>(HindiDate));
            globals.Import("fixed2", new Func<object?, string>(v => Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture)));
            globals.Import("percent", new Func<object?, string>(v => v is null ? "–" : (Convert.ToDouble(v, CultureInfo.InvariantCulture) * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"));
        }

        /// <summary>Lakh and crore grouping: the last three digits, then pairs (1,23,45,678).</summary>
        public static string IndianNumber(long n)
        {
            var digits = Math.Abs(n).ToString(CultureInfo.InvariantCulture);
            if (digits.Length > 3)
            {
                var head = digits[..^3];
                var parts = new List<string>();
                for (var i = head.Length; i > 0; i -= 2) parts.Insert(0, head[Math.Max(0, i - 2)..i]);
                digits = string.Join(',', parts) + "," + digits[^3..];
            }
            return n < 0 ? "-" + digits : digits;
        }

        public static string IndianDate(DateTimeOffset d) => IndiaTime.ToIst(d).ToString("dd-MM-yyyy", CultureInfo.InvariantCulture);

        public static string HindiDate(DateTimeOffset d)
        {
            var ist = IndiaTime.ToIst(d);
            return $"{ist.Day} {HindiMonths[ist.Month - 1]} {ist.Year}";
        }
    }
}
